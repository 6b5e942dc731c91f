"""New client… inside the session form's client picker (issue 13 item 4, SPEC 2.2): the client
editor opens over the form, the client it creates comes back ticked, and the form reads "1 client:
single session" as if the user had ticked it. Cancel and bad input change nothing; only users who
may create clients (SPEC 1.1: admin, staff) see the button."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.services.people import clients
from app.views.client_edit_dialog import ClientEditDialog
from app.views.widgets.client_picker import name_from_search
from tests.views.modal import when_modal
from tests.views.test_client_picker import click as click_client
from tests.views.test_session_dialog import day_sessions, open_dialog, save

MON = datetime(2026, 1, 5, 9, 0)


@pytest.fixture
def setup(make):
    class S:
        service = make.service("Therapy 50 min", default_minutes=50)
        pract = make.practitioner("Dr. Ana Ruiz")
        alice = make.client("Alice", "Smith")
        bob = make.client("Bob", "Jones")
    return S


def new_button(d) -> QPushButton | None:
    return d.findChild(QPushButton, "clientPickerNew")


def rows(d) -> list[str]:
    return [d.clients.list.item(i).text() for i in range(d.clients.list.count())]


def every_client(practice, admin):
    return clients.list_clients(practice, admin, include_archived=True)


def test_spec_2_2_new_client_from_the_picker_is_ticked_and_saved_with_the_session(qtbot, practice, admin, setup):
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    qtbot.keyClicks(d.clients.search, "Jane Doe")
    assert d.clients.stack.currentWidget() is d.clients.empty
    seen = {}

    def fill(form):
        seen["form"] = isinstance(form, ClientEditDialog) and form.client is None
        seen["name"] = (form.first_name.text(), form.last_name.text())  # offered from the search box
        qtbot.keyClicks(form.email, "jane@example.org")
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, fill)
    with qtbot.waitSignal(d.client_created) as created:
        qtbot.mouseClick(new_button(d), Qt.MouseButton.LeftButton)
    assert seen == {"form": True, "name": ("Jane", "Doe")}

    [jane] = [c for c in every_client(practice, admin) if c.last_name == "Doe"]
    assert created.args == [jane] and jane.email == "jane@example.org"
    assert d.clients.selected_ids() == (jane.id,)
    assert d.clients.summary.text() == "1 client: single session"
    assert d.clients.chosen.text() == "Jane Doe"
    assert d.clients.search.text() == ""  # the whole list is back, the new client in its place
    assert rows(d) == ["Doe, Jane", "Jones, Bob", "Smith, Alice"]
    assert d.clients.stack.currentWidget() is d.clients.list

    click_client(qtbot, d.clients, "Smith")  # more clients can still be ticked: a group
    assert d.clients.summary.text() == "2 clients: group session"
    save(qtbot, d)
    assert d.result() == d.DialogCode.Accepted
    [s] = day_sessions(practice, admin, date(2026, 1, 5))
    assert [c.id for c in s.clients] == [jane.id, setup.alice.id] and s.kind == "group"


def test_spec_2_2_cancel_in_the_editor_creates_nothing_and_keeps_the_form(qtbot, practice, admin, setup):
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Smith")
    qtbot.keyClicks(d.clients.search, "Zed Quill")
    before = every_client(practice, admin)

    def cancel(form):
        qtbot.keyClicks(form.email, "zed@example.org")
        qtbot.mouseClick(form.findChild(QPushButton, "clientCancel"), Qt.MouseButton.LeftButton)

    seen = when_modal(qtbot, cancel)
    with qtbot.assertNotEmitted(d.client_created):
        qtbot.mouseClick(new_button(d), Qt.MouseButton.LeftButton)
    assert seen and not seen[0].isVisible()
    assert every_client(practice, admin) == before
    assert d.clients.selected_ids() == (setup.alice.id,)
    assert d.clients.summary.text() == "1 client: single session"
    assert d.clients.search.text() == "Zed Quill"
    assert rows(d) == ["Jones, Bob", "Smith, Alice"]


def test_spec_2_2_bad_input_shows_the_editors_message_and_creates_nothing(qtbot, practice, admin, setup):
    # SPEC 0.5 through the reused editor: the last name is required
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    seen = {}

    def first_name_only(form):
        seen["offered"] = (form.first_name.text(), form.last_name.text())  # empty search: nothing offered
        qtbot.keyClicks(form.first_name, "Dana")
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        seen["open"], seen["error"] = form.isVisible(), form.error.text()
        qtbot.mouseClick(form.findChild(QPushButton, "clientCancel"), Qt.MouseButton.LeftButton)

    when_modal(qtbot, first_name_only)
    with qtbot.assertNotEmitted(d.client_created):
        qtbot.mouseClick(new_button(d), Qt.MouseButton.LeftButton)
    assert seen == {"offered": ("", ""), "open": True, "error": "Last name: is required"}
    assert [c.last_name for c in every_client(practice, admin)] == ["Jones", "Smith"]
    assert d.clients.selected_ids() == ()
    assert d.clients.summary.text() == "No client chosen"


@pytest.mark.parametrize(("role", "sees"), [("staff", True), ("practitioner", False)])
def test_spec_2_2_only_who_may_create_clients_sees_new_client(qtbot, practice, make, setup, role, sees):
    # SPEC 1.1: clients are front-desk work; a practitioner books the clients that exist
    actor = make.user(role, practitioner_id=setup.pract.id if role == "practitioner" else None)
    d = open_dialog(qtbot, practice, actor, start=MON, practitioner_id=setup.pract.id)
    assert (new_button(d) is not None and new_button(d).isVisible()) == sees
    qtbot.keyClicks(d.clients.search, "zzz")
    assert d.clients.empty.text() == ("No client matches “zzz”.\nNew client… adds them." if sees
                                      else "No client matches “zzz”.")


def test_spec_2_2_a_client_made_in_the_form_is_announced_to_the_whole_app(qtbot, window):
    # the main window hears it at once, even if the session is never saved
    window.add_session_at(None, None, None)
    d = window.active_dialog
    qtbot.waitUntil(d.isVisible)
    qtbot.keyClicks(d.clients.search, "Doe, Jane")

    def fill(form):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, fill)
    with qtbot.waitSignal(window.events.clients_changed):
        qtbot.mouseClick(new_button(d), Qt.MouseButton.LeftButton)
    assert d.clients.chosen.text() == "Jane Doe"
    d.reject()


@pytest.mark.parametrize(("typed", "offered"), [
    ("Jane Doe", ("Jane", "Doe")),
    ("  jane   doe ", ("jane", "doe")),  # as typed: "McDonald" or "van der Berg" are not ours to case
    ("Doe, Jane", ("Jane", "Doe")),  # the list's own "Last, First"
    ("Mary Ann Smith", ("Mary Ann", "Smith")),
    ("Anne-Marie O'Neil", ("Anne-Marie", "O'Neil")),
    ("José Núñez", ("José", "Núñez")),
    ("Jane", ("Jane", "")),
    ("", None),
    ("jane@example.org", None),  # an e-mail search is not a name
    ("555 0100", None),
    ("Doe, Jane, Jr", None),
])
def test_search_text_offered_as_a_name_only_when_it_looks_like_one(typed, offered):
    assert name_from_search(typed) == offered

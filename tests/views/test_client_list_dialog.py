"""Clients > Client list: readable columns, balances as "Owes"/"Credit", New client… and Edit…
through the real client form, archive hiding a client, the empty state (SPEC 1.1, 9.3)."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt

from app.services.money import ledger
from app.services.money.amounts import format_money
from app.services.people import clients
from app.services.scheduling import completion
from app.views.client_edit_dialog import ClientEditDialog
from app.views.client_list_dialog import ClientListDialog
from app.views.widgets.balance_text import CREDIT, OWES
from app.views.widgets.client_picker import ClientPicker
from tests.views.modal import answer_modal, when_modal


@pytest.fixture
def people(practice, admin, make):
    """Alice owes for a completed session, Bob has paid ahead, Carla is even."""
    sv = make.service("Therapy 50 min", cost=24250, wage=6000)
    ana = make.practitioner("Dr. Ana Ruiz")
    alice = make.client("Alice", "Smith", email="alice@example.org", notify_by="email", may_cancel=True)
    bob = make.client("Bob", "Jones", phone="555-0100", notify_by="sms")
    carla = make.client("Carla", "Diaz", email="carla@example.org", phone="555-0101", notify_by="both")
    [s] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9, 50), sv, ana, [alice])
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    ledger.record_payment(practice, admin, bob.id, 20000, "cash")
    return dict(alice=alice, bob=bob, carla=carla)


@pytest.fixture
def open_list(qtbot, practice, admin):
    def _open():
        d = ClientListDialog(practice, admin, format_money)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return _open


def row_of(d: ClientListDialog, last_name: str) -> int:
    return next(r for r, c in enumerate(d.model.rows) if c.last_name == last_name)


def cell(d: ClientListDialog, row: int, title: str, role=Qt.ItemDataRole.DisplayRole):
    col = [c.title for c in d.model.columns].index(title)
    return d.model.data(d.model.index(row, col), role)


def row_center(d: ClientListDialog, row: int) -> QPoint:
    return d.table.visualRect(d.model.index(row, 0)).center()


def test_columns_read_as_people_say_them(qtbot, people, open_list):
    d = open_list()
    assert [c.title for c in d.model.columns] == ["Name", "E-mail", "Phone", "Notify by", "May cancel", "Balance"]
    assert d.count.text() == "3 clients"
    alice, bob, carla = row_of(d, "Smith"), row_of(d, "Jones"), row_of(d, "Diaz")
    assert cell(d, alice, "Name") == "Smith, Alice"
    assert [cell(d, r, "Notify by") for r in (alice, bob, carla)] == ["E-mail", "SMS", "E-mail & SMS"]
    assert [cell(d, r, "May cancel") for r in (alice, bob, carla)] == ["Yes", "\u2014", "\u2014"]
    # SPEC 9.3: negative = owes (red), positive = credit (green), zero = a dash
    assert cell(d, alice, "Balance") == "Owes $242.50"
    assert cell(d, alice, "Balance", Qt.ItemDataRole.ForegroundRole) == OWES
    assert cell(d, bob, "Balance") == "Credit $200.00"
    assert cell(d, bob, "Balance", Qt.ItemDataRole.ForegroundRole) == CREDIT
    assert cell(d, carla, "Balance") == "\u2014"
    assert cell(d, carla, "Balance", Qt.ItemDataRole.ForegroundRole) is None
    assert all(d.table.columnWidth(i) >= 80 for i in range(6))


def test_model_passes_the_model_tester(qtbot, qtmodeltester, people, open_list):
    qtmodeltester.check(open_list().model)


def test_new_client_button_adds_one_and_selects_it(qtbot, practice, admin, people, open_list):
    d = open_list()

    def fill(form):
        assert isinstance(form, ClientEditDialog) and form.client is None
        qtbot.keyClicks(form.first_name, "Dana")
        qtbot.keyClicks(form.last_name, "Whitfield")
        qtbot.keyClicks(form.email, "dana@example.org")
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    seen = when_modal(qtbot, fill)
    qtbot.mouseClick(d.new_button, Qt.MouseButton.LeftButton)
    assert seen
    assert "Whitfield" in [c.last_name for c in clients.list_clients(practice, admin)]
    assert d.count.text() == "4 clients" and d.changed
    assert d.selected_client().last_name == "Whitfield"


def test_edit_needs_a_selection_and_double_click_edits(qtbot, practice, admin, people, open_list):
    d = open_list()
    assert not d.edit_button.isEnabled()
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=row_center(d, row_of(d, "Jones")))
    assert d.edit_button.isEnabled()

    def new_phone(form):
        assert form.client.last_name == "Jones"
        form.phone.selectAll()
        qtbot.keyClicks(form.phone, "(207) 555-0142")
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    seen = when_modal(qtbot, new_phone)
    qtbot.mouseDClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=row_center(d, row_of(d, "Jones")))
    assert seen
    assert clients.get_client(practice, admin, people["bob"].id).phone == "(207) 555-0142"
    assert cell(d, row_of(d, "Jones"), "Phone") == "(207) 555-0142"  # refreshed
    assert d.selected_client().last_name == "Jones"


def test_edit_button_opens_the_selected_client(qtbot, people, open_list):
    d = open_list()
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=row_center(d, row_of(d, "Diaz")))
    seen = when_modal(qtbot, lambda form: form.reject())
    qtbot.mouseClick(d.edit_button, Qt.MouseButton.LeftButton)
    assert seen[0].client.last_name == "Diaz"
    assert not d.changed  # cancelled: nothing to announce


def test_archive_from_the_form_hides_the_client(qtbot, practice, admin, people, open_list):
    d = open_list()
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=row_center(d, row_of(d, "Diaz")))

    def archive(form):
        answer_modal(qtbot, "confirmArchive", "confirmArchiveYes")
        qtbot.mouseClick(form.archive_button, Qt.MouseButton.LeftButton)

    when_modal(qtbot, archive)
    qtbot.mouseClick(d.edit_button, Qt.MouseButton.LeftButton)
    assert "Diaz" not in [c.last_name for c in d.model.rows]
    assert d.count.text() == "2 clients" and d.changed
    assert people["carla"].id not in [c.id for c in clients.list_clients(practice, admin)]

    qtbot.mouseClick(d.show_archived, Qt.MouseButton.LeftButton, pos=QPoint(8, d.show_archived.height() // 2))
    assert cell(d, row_of(d, "Diaz"), "Name") == "Diaz, Carla  (archived)"


def test_archived_client_still_shows_their_balance(qtbot, practice, admin, people, open_list):
    clients.set_archived(practice, admin, people["alice"].id, True)
    d = open_list()
    d.show_archived.setChecked(True)
    assert cell(d, row_of(d, "Smith"), "Balance") == "Owes $242.50"


def test_search_with_no_match_shows_the_empty_state(qtbot, people, open_list):
    d = open_list()
    qtbot.keyClicks(d.search, "zzz")
    assert d.stack.currentWidget() is d.empty and d.empty.isVisible()
    assert d.empty.text().startswith("No client matches \u201czzz\u201d.")
    assert d.count.text() == "No clients match"
    assert not d.edit_button.isEnabled()
    d.search.clear()
    assert d.stack.currentWidget() is d.table and d.model.rowCount() == 3


def test_no_clients_at_all_says_how_to_add_one(qtbot, open_list):
    d = open_list()
    assert d.stack.currentWidget() is d.empty
    assert "New client" in d.empty.text()


def test_close_button_closes(qtbot, people, open_list):
    d = open_list()
    close = d.findChild(type(d.new_button), "clientListClose")
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not d.isVisible()


def test_picker_empty_text_points_to_this_dialog(qtbot):
    picker = ClientPicker([])
    qtbot.addWidget(picker)
    assert picker.empty.text() == "No clients yet: add them with Clients \u25b8 Client List\u2026 \u25b8 New client\u2026"


def test_enter_on_a_row_edits_it(qtbot, people, open_list):
    d = open_list()
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=row_center(d, row_of(d, "Smith")))
    seen = when_modal(qtbot, lambda form: form.reject())
    qtbot.keyClick(d.table, Qt.Key.Key_Return)
    assert seen and seen[0].client.last_name == "Smith"

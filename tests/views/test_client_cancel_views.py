"""Client cancellations in the windows (SPEC 8.1, 8.2, 1.1): the Session control policy, the Client
permissions… bulk tool and the Client cancels… dialog from the session view and the calendar pop-up,
driven by clicks and keys on the real widgets; what they save is read back through the services."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDateTimeEdit, QLabel, QPushButton

from app.services.money import ledger
from app.services.money.amounts import format_money
from app.services.people import clients
from app.services.scheduling import client_cancellations as cc
from app.services.scheduling import completion, participants
from app.views.client_cancel_dialog import ClientCancelDialog
from app.views.session_popup import SessionPopup
from app.views.session_view_dialog import SessionViewDialog
from tests.views.keys import click, type_over
from tests.views.modal import when_modal

START = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)  # Mon 5 Jan 09:00 in New York


@pytest.fixture
def booked(practice, admin, make, clock):
    """A $120 / $60 service; Alice (may cancel) alone at 09:00, Alice and Bob (both may) at 11:00,
    Cy (may not) at 13:00; a 24 h -> Missed policy; the clock 23 h 59 min before 09:00."""
    sv = make.service("Therapy 50 min", cost=12000, wage=6000)
    ana = make.practitioner("Dr. Ana Ruiz")
    alice = make.client("Alice", "Smith", may_cancel=True)
    bob = make.client("Bob", "Jones", may_cancel=True)
    cy = make.client("Cy", "Young")
    [single] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9, 50), sv, ana, [alice])
    [group] = make.session(datetime(2026, 1, 5, 11), datetime(2026, 1, 5, 12), sv, ana, [alice, bob])
    [cys] = make.session(datetime(2026, 1, 5, 13), datetime(2026, 1, 5, 14), sv, ana, [cy])
    cc.set_cancellation_policy(practice, admin, True,
                               [cc.PolicyLevelInput(24, completion.type_by_key(practice, "missed").id)])
    clock.at = START - timedelta(hours=23, minutes=59)
    return dict(alice=alice, bob=bob, cy=cy, single=single, group=group, cys=cys)


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click_at_left(qtbot, widget):
    """A check box or radio button: click on its box, not the middle of a wide row."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


# -- Settings > Session control ----------------------------------------------------------------
def test_spec_8_session_control_saves_switch_and_three_levels(qtbot, practice, admin, open_settings):
    late = completion.create_completion_type(practice, admin, completion.CompletionTypeInput(
        "canceled", "Late", "", "percentage", 50, 50))
    _d, panel = open_settings("control")
    box = panel.cancellations
    assert not box.enabled.isChecked() and not box.hours[0].isEnabled()  # off by default (SPEC 8.1)
    click_at_left(qtbot, box.enabled)
    for i, (hours, label) in enumerate([("24", "Missed"), ("12", "Late"), ("48", "Canceled")]):
        click_at_left(qtbot, box.uses[i])
        assert box.hours[i].isEnabled()
        type_over(qtbot, box.hours[i].lineEdit(), hours)
        box.types[i].setFocus()
        qtbot.keyClicks(box.types[i], label)
        assert box.types[i].currentText() == label
    click(qtbot, box.save_button)
    got = cc.get_cancellation_policy(practice, admin)
    assert got.enabled
    assert [(lv.hours, lv.type_id) for lv in got.levels] == [
        (12, late.id), (24, completion.type_by_key(practice, "missed").id),
        (48, completion.type_by_key(practice, "canceled").id)]
    assert box.done.text().startswith("Saved: clients may cancel; less than 12 h before \u2192 Late")


def test_spec_8_2_same_hours_twice_shows_under_the_level_and_saves_nothing(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("control")
    box = panel.cancellations
    click_at_left(qtbot, box.enabled)
    for i in (0, 2):  # levels 1 and 3 used; the service's "level 2" is the third row
        click_at_left(qtbot, box.uses[i])
        type_over(qtbot, box.hours[i].lineEdit(), "24")
    click(qtbot, box.save_button)
    assert box.errors.shown() == ["Policy level 3 hours must differ from the other levels (24 is used twice)."]
    assert box.findChild(QLabel, "clientCancelLevel3Error").isVisible()
    assert cc.get_cancellation_policy(practice, admin) == cc.CancellationPolicy(False, ())


# -- Client permissions… -----------------------------------------------------------------------
def test_spec_8_1_bulk_permissions_chosen_then_all(qtbot, practice, admin, make, open_settings):
    ann, ben, cat = make.client("Ann", "Adams"), make.client("Ben", "Brown"), make.client("Cat", "Cole")
    _d, panel = open_settings("control")
    seen = {}

    def use_tool(d):
        assert d.objectName() == "clientPermissionsDialog"
        assert not d.apply_button.isEnabled()  # nothing chosen yet
        qtbot.keyClicks(d.search, "bro")
        visible = [d.clients.item(i).text() for i in range(d.clients.count()) if not d.clients.item(i).isHidden()]
        assert visible == ["Ben Brown"]
        d.search.clear()
        for name in ("Ann Adams", "Cat Cole"):
            item = d.clients.findItems(name, Qt.MatchFlag.MatchExactly)[0]
            rect = d.clients.visualItemRect(item)
            qtbot.mouseClick(d.clients.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10,
                                                                                         rect.center().y()))
        assert d.chosen_ids() == [ann.id, cat.id]
        click(qtbot, d.apply_button)
        seen["chosen"] = [(d.model.rows[r].name, d.model.index(r, 1).data()) for r in range(d.model.rowCount())]
        seen["done"] = d.done_line.text()
        click_at_left(qtbot, d.all_clients)
        assert not d.clients.isEnabled()
        click_at_left(qtbot, d.remove)
        click(qtbot, d.apply_button)
        seen["all"] = d.summary.text()
        assert d.findChild(QPushButton, "permissionsClose").isVisible()  # when_modal closes the dialog

    when_modal(qtbot, use_tool)
    click(qtbot, panel.cancellations.permissions_button)
    assert seen["chosen"] == [("Ann Adams", "Yes"), ("Ben Brown", "No"), ("Cat Cole", "Yes")]
    assert seen["done"] == "Permission given to 2 clients. The table shows the result."
    assert seen["all"] == "0 of 3 clients may cancel."
    assert [c.may_cancel for c in (clients.get_client(practice, admin, x.id) for x in (ann, ben, cat))] == [False] * 3


# -- Client cancels… ---------------------------------------------------------------------------
def test_spec_8_2_client_cancels_from_the_session_view_shows_level_and_charge(qtbot, practice, admin, booked):
    view = shown(qtbot, SessionViewDialog(practice, admin, booked["single"].id, format_money))
    assert view.client_cancel_button.isVisible() and view.client_cancel_button.isEnabled()
    seen = {}

    def cancel(d):
        assert isinstance(d, ClientCancelDialog)
        seen["late"] = d.quote.text()
        d.asked.setFocus()
        d.asked.setSelectedSection(QDateTimeEdit.Section.HourSection)
        qtbot.keyClick(d.asked, Qt.Key.Key_Down)  # asked an hour earlier: 24 h 59 min before -> free
        seen["early"] = d.quote.text()
        click(qtbot, d.now_button)
        seen["again"] = d.quote.text()
        click(qtbot, d.submit)

    when_modal(qtbot, cancel)
    click(qtbot, view.client_cancel_button)
    assert "Asked <b>23 h 59 min</b> before the start" in seen["late"]
    assert "less than 24 hours before \u2192 <b>Missed</b>" in seen["late"]
    assert "Alice Smith is charged <b>$120.00</b>" in seen["late"] and "is paid $60.00" in seen["late"]
    assert "<b>Free cancellation</b>" in seen["early"] and "24 h 59 min" in seen["early"]
    assert seen["again"] == seen["late"]
    assert view.session.status == "missed" and view.session.completion_label == "Missed"
    assert not view.client_cancel_button.isEnabled()
    assert ledger.client_balance(practice, admin, booked["alice"].id) == -12000


def test_spec_8_one_client_of_a_group_in_the_dialog(qtbot, practice, admin, booked, clock):
    clock.at = START + timedelta(hours=2) - timedelta(hours=5)  # 5 h before the group's 11:00
    view = shown(qtbot, SessionViewDialog(practice, admin, booked["group"].id, format_money))
    seen = {}

    def cancel(d):
        assert d.client.isEnabled() and d.client.count() == 2
        d.client.setFocus()
        qtbot.keyClicks(d.client, "Bob")
        seen["quote"] = d.quote.text()
        click(qtbot, d.submit)

    when_modal(qtbot, cancel)
    click(qtbot, view.client_cancel_button)
    assert "Bob Jones is charged <b>$120.00</b>" in seen["quote"]
    assert "Only Bob Jones is canceled; the other clients stay booked" in seen["quote"]
    assert view.session.status == "open" and [c.name for c in view.session.clients] == ["Alice Smith"]
    assert "Bob Jones: canceled by the client" in view.clients.text()
    rows = {p.client_name: p.status for p in participants.session_participants(practice, admin, booked["group"].id)}
    assert rows == {"Alice Smith": "booked", "Bob Jones": "canceled_by_client"}
    assert ledger.client_balance(practice, admin, booked["bob"].id) == -12000


def test_spec_8_1_refusal_shown_before_confirming(qtbot, practice, admin, booked):
    d = shown(qtbot, ClientCancelDialog(practice, admin, _view(practice, admin, booked["cys"].id), format_money))
    assert "Cy Young does not have permission to cancel sessions" in d.quote.text()
    assert not d.submit.isEnabled()


def test_spec_1_1_practitioners_are_not_offered_client_cancels(qtbot, practice, admin, make, booked):
    pract = make.user("practitioner", practitioner_id=_view(practice, admin, booked["single"].id).practitioner_id)
    view = shown(qtbot, SessionViewDialog(practice, pract, booked["single"].id, format_money))
    assert not view.client_cancel_button.isVisible()


def test_spec_8_calendar_popup_link_opens_client_cancels(qtbot, practice, admin, booked):
    popup = SessionPopup(_view(practice, admin, booked["single"].id), format_money, client_cancel=True)
    qtbot.addWidget(popup)
    popup.show_at(QPoint(200, 150))
    qtbot.waitExposed(popup)
    with qtbot.waitSignal(popup.client_cancel_requested) as got:
        click(qtbot, popup.client_cancel_link)
    assert got.args == [booked["single"].id]
    plain = SessionPopup(_view(practice, admin, booked["single"].id), format_money)
    qtbot.addWidget(plain)
    assert plain.client_cancel_link is None  # not asked for: a practitioner's pop-up


def test_spec_8_main_window_popup_opens_the_dialog(qtbot, window, clock):
    from app.services.people import users
    from app.services.scheduling import sessions

    p, actor = window.practice, users.first_admin(window.practice).actor
    s = next(v for v in sessions.list_sessions(p, actor, datetime(2026, 11, 24, tzinfo=UTC),
                                            datetime(2026, 11, 25, tzinfo=UTC)) if v.kind == "single")
    window.show_popup(s.id, window.mapToGlobal(QPoint(300, 300)))
    click(qtbot, window.popup.client_cancel_link)
    assert isinstance(window.active_dialog, ClientCancelDialog)
    assert "switched off" in window.active_dialog.quote.text()  # the practice has not switched it on
    window.active_dialog.reject()


def _view(practice, admin, session_id):
    from app.services.scheduling import sessions

    return sessions.get_session(practice, admin, session_id)

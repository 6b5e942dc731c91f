"""Clients ▸ Requests… (SPEC 1.1, 1.4, 6.4): the inbox, New request… with only client-booking services
and locations, Accept (asking on a conflict, refusing plainly where prepayment says so) and Decline…
Real clicks on real widgets; modal dialogs answered by clicking their buttons."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt, QTime
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton, QTableView

from app.services import practice_settings
from app.services.money import ledger
from app.services.scheduling import client_requests, sessions
from app.services.scheduling.client_requests import RequestInput
from app.views.client_requests_dialog import EMPTY_PENDING, ClientRequestsDialog
from tests.views.modal import answer_modal, when_modal

WIDE = (datetime(2026, 1, 1), datetime(2027, 1, 1))


@pytest.fixture
def desk(practice, make):
    d = dict(piano=make.service("Piano lesson", cost=7000, wage=3500, client_booking=True),
             therapy=make.service("Therapy", cost=12000, wage=6000),
             studio=make.location("Music Studio", client_booking=True), harbour=make.location("Harbour Room"),
             lucas=make.practitioner("Lucas Bennett"), ann=make.client("Ann", "Lee"), staff=make.user("staff"))
    return d


def ask(practice, desk, day=2, hour=10, who="lucas", note=""):
    return client_requests.record_request(practice, desk["staff"], RequestInput(
        desk["ann"].id, desk["piano"].id, datetime(2026, 3, day, hour), datetime(2026, 3, day, hour + 1),
        desk["studio"].id, desk[who].id if who else None, note))


@pytest.fixture
def open_inbox(qtbot, practice, desk):
    def _open():
        d = ClientRequestsDialog(practice, desk["staff"])
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return _open


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def click_row(qtbot, table: QTableView, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def booked(practice, admin) -> list:
    return sessions.list_sessions(practice, admin, *WIDE)


def test_the_inbox_shows_pending_first_and_all_with_the_outcome(qtbot, qtmodeltester, practice, desk, open_inbox):
    later, sooner = ask(practice, desk, day=9), ask(practice, desk, day=3)
    gone = ask(practice, desk, day=4)
    client_requests.decline_request(practice, desk["staff"], gone.id, "Lucas is away")
    d = open_inbox()
    qtmodeltester.check(d.model)
    assert [r.id for r in d.model.rows] == [sooner.id, later.id]
    assert d.count.text() == "2 waiting"
    d.filter.setCurrentIndex(1)  # All requests
    assert [r.id for r in d.model.rows] == [sooner.id, later.id, gone.id]
    status = d.model.index(2, len(d.model.columns) - 1)
    assert d.model.data(status) == "Declined: Lucas is away"
    click_row(qtbot, d.table, 2)
    assert not d.findChild(QPushButton, "requestsAccept").isEnabled()  # a decided request is not decided again
    click_row(qtbot, d.table, 0)
    assert d.findChild(QPushButton, "requestsAccept").isEnabled()


def test_spec_1_4_new_request_offers_only_client_booking_services_and_locations(qtbot, practice, admin, desk,
                                                                                open_inbox):
    d = open_inbox()
    assert d.empty.isVisible() and d.empty.text() == EMPTY_PENDING

    def fill(form):
        assert form.objectName() == "clientRequestForm"
        assert [form.service.itemText(i) for i in range(form.service.count())] == ["Piano lesson"]
        assert [form.location.itemText(i) for i in range(form.location.count())] == [
            "\u2014 no preference \u2014", "Music Studio"]
        click(qtbot, form.findChild(QPushButton, "requestOk"))  # no client yet: said under the field
        assert form.errors.shown() == ["Client choose the client who asked."]
        qtbot.keyClicks(form.client.lineEdit(), "Lee, Ann")
        form.location.setCurrentIndex(1)
        form.date.setDate(form.date.date().addDays(60))
        form.start.setTime(QTime(16, 0))
        assert form.end.time() == QTime(17, 0)  # the service's usual hour
        qtbot.keyClicks(form.note, "First lesson")
        click(qtbot, form.findChild(QPushButton, "requestOk"))

    seen = when_modal(qtbot, fill)
    click(qtbot, d.findChild(QPushButton, "requestsNew"))
    assert seen and not seen[0].isVisible()
    [row] = d.model.rows
    assert (row.client_name, row.service_name, row.location_name, row.note, row.status) == (
        "Ann Lee", "Piano lesson", "Music Studio", "First lesson", "pending")
    assert row.start.hour == 16 and "Recorded Ann Lee's request" in d.done_line.text()
    assert booked(practice, admin) == []  # nothing booked yet


def test_spec_0_5_the_form_names_the_bad_field_and_records_nothing(qtbot, practice, desk, open_inbox):
    d = open_inbox()

    def fill(form):
        qtbot.keyClicks(form.client.lineEdit(), "Lee, Ann")
        form.start.setTime(QTime(15, 0))
        form.end.setTime(QTime(14, 0))
        click(qtbot, form.findChild(QPushButton, "requestOk"))
        assert form.errors.shown() == ["End must be after the start."]
        assert form.isVisible()
        form.reject()

    when_modal(qtbot, fill)
    click(qtbot, d.findChild(QPushButton, "requestsNew"))
    assert client_requests.count_requests(practice, desk["staff"], None) == 0


def test_accept_books_the_session_and_asks_on_a_conflict(qtbot, practice, admin, desk, make, open_inbox):
    make.session(datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), desk["therapy"], desk["lucas"], [make.client()])
    r = ask(practice, desk, note="Prefers mornings")
    d = open_inbox()
    assert d.practitioner.currentText() == "Lucas Bennett"  # the one asked for
    seen = answer_modal(qtbot, "confirmWarnings", "confirmCancel")
    click(qtbot, d.findChild(QPushButton, "requestsAccept"))
    assert "Lucas Bennett" in seen[0] and len(booked(practice, admin)) == 1  # Cancel: nothing booked
    seen = answer_modal(qtbot, "confirmWarnings", "confirmYes")
    click(qtbot, d.findChild(QPushButton, "requestsAccept"))
    assert seen and len(booked(practice, admin)) == 2
    assert d.changed and d.model.rows == [] and d.empty.isVisible()
    assert "Accepted: Ann Lee is booked with Lucas Bennett on Mon 02 Mar at 10:00." == d.done_line.text()
    assert client_requests.get_request(practice, admin, r.id).status == "accepted"


def test_accept_without_a_practitioner_uses_the_one_chosen(qtbot, practice, admin, desk, make, open_inbox):
    other = make.practitioner("Sofia Marchetti")
    ask(practice, desk, who=None)
    d = open_inbox()
    assert d.practitioner.currentData() is None
    seen = answer_modal(qtbot, "errorMessage")
    click(qtbot, d.findChild(QPushButton, "requestsAccept"))
    assert "Practitioner: choose who will see the client" in seen[0] and booked(practice, admin) == []
    d.practitioner.setCurrentIndex(d.practitioner.findData(other.id))
    click(qtbot, d.findChild(QPushButton, "requestsAccept"))
    [s] = booked(practice, admin)
    assert s.practitioner_id == other.id


def test_spec_6_4_accept_is_refused_in_plain_words_without_credit(qtbot, practice, admin, desk, open_inbox):
    practice_settings.update_settings(practice, admin, prepayment_mode="credit")
    ledger.record_payment(practice, admin, desk["ann"].id, 2000, "cash")
    ask(practice, desk)
    d = open_inbox()
    seen = answer_modal(qtbot, "errorMessage")
    click(qtbot, d.findChild(QPushButton, "requestsAccept"))
    assert seen == ["This request cannot be accepted. Insufficient funds: Ann Lee has $20.00 of available credit; "
                    "this booking costs $70.00. Once the client has paid, accept it again; or decline it."]
    assert booked(practice, admin) == [] and d.model.rows[0].pending and not d.changed


def test_decline_asks_the_reason_and_keeps_it(qtbot, practice, admin, desk, open_inbox):
    r = ask(practice, desk)
    d = open_inbox()

    def fill(dialog):
        assert dialog.objectName() == "declineRequest"
        click(qtbot, dialog.findChild(QPushButton, "declineRequestConfirm"))  # no reason yet
        assert dialog.errors.shown() == ["Reason is required."]
        qtbot.keyClicks(dialog.reason, "Lucas is away that week")
        click(qtbot, dialog.findChild(QPushButton, "declineRequestConfirm"))

    when_modal(qtbot, fill)
    click(qtbot, d.findChild(QPushButton, "requestsDecline"))
    got = client_requests.get_request(practice, admin, r.id)
    assert (got.status, got.decline_reason) == ("declined", "Lucas is away that week")
    assert d.model.rows == [] and booked(practice, admin) == []


def test_clients_menu_opens_the_inbox_and_an_accepted_request_shows_on_the_calendar(qtbot, window, make, admin):
    piano = make.service("Piano lesson", cost=7000, wage=3500, client_booking=True)
    ann = make.client("Ann", "Lee")
    pr = make.practitioner("Lucas Bennett")
    client_requests.record_request(window.practice, admin, RequestInput(
        ann.id, piano.id, datetime(2026, 11, 25, 15), datetime(2026, 11, 25, 16), None, pr.id))
    action = window.findChild(QAction, "actionClientRequests")
    assert action.text() == "Requests\u2026" and action.isEnabled() and action.isVisible()
    assert action in window.findChild(QMenu, "menuClients").actions()
    action.trigger()
    d = window.active_dialog
    assert d.objectName() == "clientRequestsDialog" and d.isVisible() and len(d.model.rows) == 1
    click(qtbot, d.findChild(QPushButton, "requestsAccept"))
    assert d.changed
    with qtbot.waitSignal(window.events.sessions_changed, timeout=2000):
        click(qtbot, d.findChild(QPushButton, "requestsClose"))
    assert any(c.name == "Ann Lee" for s in window.calendar.sessions for c in s.clients)


def test_spec_1_1_a_practitioner_has_no_requests_inbox(qtbot, busy_practice, make, admin, qsettings):
    from datetime import date

    from app.services.people import practitioners, users
    from app.views.main_window import MainWindow

    pr = practitioners.list_practitioners(busy_practice, admin)[0]
    actor = make.user("practitioner", practitioner_id=pr.id)
    user = next(u for u in users.list_users(busy_practice, admin) if u.id == actor.user_id)
    w = MainWindow(busy_practice, user, date(2026, 11, 24), settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    action = w.findChild(QAction, "actionClientRequests")
    assert not action.isEnabled() and not action.isVisible()

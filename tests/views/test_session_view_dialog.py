"""The session view (double-click): details, Set status… via the completion dialog, Edit, Delete
(SPEC 4.2, 5.1, 5.2, 3.4, 2.4), the closure line (SPEC 7.3). Modal sub-dialogs are driven by clicking
their real buttons."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QRadioButton

from app.services.money import ledger
from app.services.money.amounts import format_money
from app.services.scheduling import closures, completion, deletion, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from app.views.completion_dialog import CompletionDialog
from app.views.session_view_dialog import SessionViewDialog
from tests.views.modal import when_modal


@pytest.fixture(autouse=True)
def _after_the_sessions(clock):
    """Stand after the sessions these tests complete: completing one before its end asks first
    (SPEC 4.7, tested in test_calendar_fixes.py)."""
    from datetime import UTC as _UTC
    from datetime import datetime as _dt
    clock.at = _dt(2027, 1, 1, tzinfo=_UTC)



@pytest.fixture
def booked(practice, make):
    sv = make.service("Therapy 50 min", cost=12000, wage=6000)
    ana = make.practitioner("Dr. Ana Ruiz")
    alice, bob = make.client("Alice", "Smith"), make.client("Bob", "Jones")
    [single] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9, 50), sv, ana, [alice],
                            public_note="Bring the worksheet", private_note="Discuss sleep diary")
    [group] = make.session(datetime(2026, 1, 6, 17), datetime(2026, 1, 6, 18), sv, ana, [alice, bob])
    return dict(ana=ana, alice=alice, bob=bob, single=single, group=group, service=sv)


@pytest.fixture
def open_view(qtbot, practice, admin):
    def _open(session_id, actor=None):
        d = SessionViewDialog(practice, actor or admin, session_id, format_money)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return _open


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def label(d, name) -> str:
    return d.findChild(QLabel, name).text()


def test_the_view_shows_every_detail(booked, open_view):
    d = open_view(booked["group"].id)
    assert label(d, "viewTitle") == "Group: 2 clients"
    clients = label(d, "viewClients")
    assert "Alice Smith" in clients and "Bob Jones" in clients and "$120.00 when completed" in clients
    assert "Open" in label(d, "viewStatus")
    assert label(d, "viewSeries") == "Single session"
    assert not d.findChild(QLabel, "viewPrivateNote").isVisibleTo(d)  # no private note on this one
    d = open_view(booked["single"].id)
    assert label(d, "viewPublicNote") == "Bring the worksheet"
    assert label(d, "viewPrivateNote") == "Discuss sleep diary"  # SPEC 2.4: admin sees it


# SPEC 4.2: the Complete button ("Set status…") on the session view
def test_complete_via_the_completion_dialog_reloads_the_details(qtbot, practice, admin, booked, open_view):
    d = open_view(booked["group"].id)
    assert d.findChild(QPushButton, "viewComplete").text() == "Set status\u2026"
    completed = completion.type_by_key(practice, "completed").id

    def complete(dialog):
        assert isinstance(dialog, CompletionDialog)
        r = dialog.findChild(QRadioButton, f"completionType{completed}")
        qtbot.mouseClick(r, Qt.MouseButton.LeftButton, pos=QPoint(8, r.height() // 2))
        assert "$240.00" in dialog.findChild(QLabel, "completionPreview").text()
        click(qtbot, dialog.findChild(QPushButton, "completionSubmit"))

    seen = when_modal(qtbot, complete)
    click(qtbot, d.findChild(QPushButton, "viewComplete"))
    assert seen and d.changed
    assert "Completed" in label(d, "viewStatus")
    assert label(d, "viewClients").count("charged $120.00") == 2
    assert d.findChild(QPushButton, "viewComplete").text() == "Set status\u2026"  # the same words once saved
    assert ledger.client_balance(practice, admin, booked["bob"].id) == -12000


def test_cancelling_the_completion_dialog_changes_nothing(qtbot, practice, admin, booked, open_view):
    d = open_view(booked["single"].id)
    when_modal(qtbot, lambda dialog: click(qtbot, dialog.findChild(QPushButton, "completionCancel")))
    click(qtbot, d.findChild(QPushButton, "viewComplete"))
    assert not d.changed
    assert sessions.get_session(practice, admin, booked["single"].id).status == "open"


# SPEC 5.1, 5.2: Delete asks first; deleting a saved session reverses its charges
def test_delete_asks_then_deletes(qtbot, practice, admin, booked, open_view):
    sid = booked["single"].id
    completion.complete_session(practice, admin, sid, completion.type_by_key(practice, "completed").id)
    d = open_view(sid)

    when_modal(qtbot, lambda box: click(qtbot, box.findChild(QPushButton, "confirmDeleteNo")))
    click(qtbot, d.findChild(QPushButton, "viewDelete"))
    assert not d.changed and d.isVisible()
    assert not sessions.get_session(practice, admin, sid).deleted

    seen = when_modal(qtbot, lambda box: click(qtbot, box.findChild(QPushButton, "confirmDeleteYes")))
    click(qtbot, d.findChild(QPushButton, "viewDelete"))
    assert seen[0].objectName() == "confirmDelete" and "Alice Smith" in seen[0].text()
    assert "recovered from Sessions \u25b8 Deleted Sessions\u2026" in seen[0].text()  # where to find it
    assert d.changed and d.deleted and d.result() == QDialog.DialogCode.Accepted
    banner = d.findChild(QLabel, "viewBanner")
    assert banner.isVisibleTo(d)
    assert banner.text() == "This session is deleted. Recover it from Sessions \u25b8 Deleted Sessions\u2026"
    assert sessions.get_session(practice, admin, sid).deleted
    assert [s.id for s in deletion.list_deleted(practice, admin)] == [sid]
    assert ledger.client_balance(practice, admin, booked["alice"].id) == 0  # reversed


# SPEC 3.4: for a session of a series the caller asks the scope
def test_deleting_a_series_session_is_handed_to_the_caller(qtbot, practice, admin, make, booked, open_view):
    made = make.session(datetime(2026, 1, 12, 9), datetime(2026, 1, 12, 10), booked["service"], booked["ana"],
                        [booked["alice"]], recurrence=RecurrenceInput(weekdays=(0,), count=3))
    assert len(made) == 3
    d = open_view(made[1].id)
    assert label(d, "viewSeries") == "Part of a recurring series"
    with qtbot.waitSignal(d.delete_requested, timeout=1000) as fired:
        click(qtbot, d.findChild(QPushButton, "viewDelete"))
    assert fired.args == [made[1].id]
    assert not d.isVisible()
    assert not sessions.get_session(practice, admin, made[1].id).deleted  # nothing deleted here


def test_edit_asks_the_caller_to_open_the_editor_and_closes(qtbot, booked, open_view):
    d = open_view(booked["single"].id)
    with qtbot.waitSignal(d.edit_requested, timeout=1000) as fired:
        click(qtbot, d.findChild(QPushButton, "viewEdit"))
    assert fired.args == [booked["single"].id]
    assert not d.isVisible()


# SPEC 1.1, 2.4: a practitioner completes their own session, cannot delete, sees their private note
def test_a_practitioner_completes_but_is_not_offered_delete(qtbot, practice, make, booked, open_view):
    own = make.user("practitioner", practitioner_id=booked["ana"].id)
    d = open_view(booked["single"].id, own)
    assert not d.findChild(QPushButton, "viewDelete").isVisibleTo(d)
    assert label(d, "viewPrivateNote") == "Discuss sleep diary"
    completed = completion.type_by_key(practice, "completed").id

    def complete(dialog):
        assert dialog.findChild(QRadioButton, "completionOverride") is None
        r = dialog.findChild(QRadioButton, f"completionType{completed}")
        qtbot.mouseClick(r, Qt.MouseButton.LeftButton, pos=QPoint(8, r.height() // 2))
        click(qtbot, dialog.findChild(QPushButton, "completionSubmit"))

    when_modal(qtbot, complete)
    click(qtbot, d.findChild(QPushButton, "viewComplete"))
    assert d.changed and "Completed" in label(d, "viewStatus")


# SPEC 7.3: a session on a closure is marked; the day is the session's date in the practice time zone
def test_a_session_on_a_closure_says_so_in_red(practice, admin, make, booked, open_view):
    closures.add_closure(practice, admin, date(2026, 1, 5), None, "Snow day")
    d = open_view(booked["single"].id)  # Mon 5 Jan
    line = d.findChild(QLabel, "viewClosure")
    assert line.isVisible() and line.text() == "Practice closed this day: Snow day"
    assert "#c53030" in line.styleSheet()
    assert not open_view(booked["group"].id).findChild(QLabel, "viewClosure").isVisible()  # Tue 6 Jan
    # 21:00 in New York on Wed 7 Jan is already Thu 8 Jan in UTC: the local date decides
    [late] = make.session(datetime(2026, 1, 7, 21), datetime(2026, 1, 7, 22), booked["service"], booked["ana"],
                          [booked["bob"]])
    closures.add_closure(practice, admin, date(2026, 1, 8), None, "Staff training")
    assert not open_view(late.id).findChild(QLabel, "viewClosure").isVisible()
    closures.add_closure(practice, admin, date(2026, 1, 7), date(2026, 1, 7), "Boiler repair")
    assert label(open_view(late.id), "viewClosure") == "Practice closed this day: Boiler repair"


def test_a_client_taken_off_stays_in_the_sessions_history(qtbot, practice, admin, booked, open_view, clock):
    # SPEC 3.4: "A client taken off a session stays in its history (who, when), never erased"
    g = booked["group"]
    data = sessions.SessionInput(g.start, g.end, booked["service"].id, booked["ana"].id, (booked["alice"].id,))
    sessions.update_session(practice, admin, g.id, data)
    d = open_view(g.id)
    text = d.clients.text()
    assert "Alice Smith" in text and "Bob Jones: taken off by Administrator on" in text

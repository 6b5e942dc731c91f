"""The session form end to end: real clicks and keys in, rows in the practice file out
(SPEC 2.1-2.5, 3.1-3.4, 7.3)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate, QPoint, Qt, QTime
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton

from app.services.scheduling import closures, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from app.views.scope_dialog import ask_scope
from app.views.session_dialog import SessionDialog, next_quarter_hour
from tests.conftest import TZ
from tests.views.modal import answer_modal
from tests.views.test_client_picker import click as click_client
from tests.views.test_recurrence_panel import click_repeat, preview_texts, type_number

MON = datetime(2026, 1, 5, 9, 0)  # Monday 5 January 2026, 09:00 practice time


@pytest.fixture
def setup(make):
    """One service, one practitioner, three clients."""
    class S:
        service = make.service("Therapy 50 min", default_minutes=50)
        pract = make.practitioner("Dr. Ana Ruiz")
        alice = make.client("Alice", "Smith")
        bob = make.client("Bob", "Jones")
        carla = make.client("Carla", "Diaz")
    return S


def open_dialog(qtbot, practice, actor, **kw) -> SessionDialog:
    d = SessionDialog(practice, actor, **kw)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.activateWindow()
    qtbot.waitUntil(d.isActiveWindow)
    return d


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def save(qtbot, d: SessionDialog) -> None:
    qtbot.mouseClick(d.findChild(QPushButton, "sessionSave"), Qt.MouseButton.LeftButton)


def type_time(qtbot, edit, hhmm: str) -> None:
    """Double-click the hours (selects them, as a user does) and type the new time."""
    line = edit.findChild(QLineEdit)
    qtbot.mouseDClick(line, Qt.MouseButton.LeftButton, pos=QPoint(6, line.height() // 2))
    qtbot.keyClicks(edit, hhmm)


def day_sessions(practice, admin, day: date):
    start = datetime.combine(day, datetime.min.time()).replace(tzinfo=practice.tz)
    end = datetime.combine(day, datetime.max.time()).replace(tzinfo=practice.tz)
    return sessions.list_sessions(practice, admin, start, end)


def all_sessions(practice, admin):
    return sessions.list_sessions(practice, admin, datetime(2025, 1, 1).replace(tzinfo=practice.tz),
                                  datetime(2028, 1, 1).replace(tzinfo=practice.tz))


def wait_warnings(qtbot, d: SessionDialog) -> str:
    qtbot.waitUntil(lambda: d.warnings.isVisible(), timeout=3000)
    return d.warnings.text()


# --- adding -----------------------------------------------------------------------------------

def test_add_a_single_session(qtbot, practice, admin, setup):
    # SPEC 2.1-2.3: pre-filled from the calendar, one client -> a single session
    d = open_dialog(qtbot, practice, admin, start=MON, end=datetime(2026, 1, 5, 9, 50),
                    practitioner_id=setup.pract.id)
    assert d.windowTitle() == "Add session"
    assert d.date.date() == QDate(2026, 1, 5)
    assert (d.start.time(), d.end.time()) == (QTime(9, 0), QTime(9, 50))
    assert d.length.text() == "50 min"
    click_client(qtbot, d.clients, "Smith")
    assert d.clients.summary.text() == "1 client: single session"
    qtbot.keyClicks(d.public_note, "Bring the workbook")
    save(qtbot, d)
    assert d.result() == d.DialogCode.Accepted
    [s] = day_sessions(practice, admin, date(2026, 1, 5))
    assert d.saved == [s]
    assert s.kind == "single" and s.client_names == "Alice Smith"
    assert (s.start.hour, s.start.minute, s.end.hour, s.end.minute) == (9, 0, 9, 50)
    assert str(s.start.tzinfo) == TZ
    assert s.service_id == setup.service.id and s.practitioner_id == setup.pract.id
    assert s.location_id is None and s.public_note == "Bring the workbook"


def test_add_a_group_session(qtbot, practice, admin, setup, make):
    # SPEC 2.2: two clients make a group session; nobody is asked
    room = make.location("Harbour Room")
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    d.location.setFocus()
    qtbot.keyClick(d.location, Qt.Key.Key_Down)
    assert d.location.currentText() == "Harbour Room"
    click_client(qtbot, d.clients, "Smith")
    click_client(qtbot, d.clients, "Jones")
    assert d.clients.summary.text() == "2 clients: group session"
    save(qtbot, d)
    [s] = day_sessions(practice, admin, date(2026, 1, 5))
    assert s.kind == "group"
    assert {c.id for c in s.clients} == {setup.alice.id, setup.bob.id}
    assert s.location_id == room.id
    assert s.end.hour == 9 and s.end.minute == 50  # the default length


def test_default_start_is_the_next_quarter_hour_and_lasts_fifty_minutes(qtbot, practice, admin, setup):
    # the fixture clock stands at 2026-01-01 12:00 UTC = 07:00 in New York
    d = open_dialog(qtbot, practice, admin)
    assert d.date.date() == QDate(2026, 1, 1)
    assert (d.start.time(), d.end.time()) == (QTime(7, 0), QTime(7, 50))
    assert next_quarter_hour(datetime(2026, 1, 1, 7, 1)) == datetime(2026, 1, 1, 7, 15)
    assert next_quarter_hour(datetime(2026, 1, 1, 23, 50)) == datetime(2026, 1, 2, 0, 0)


def test_recurring_weekly_mon_and_wed_times_ten(qtbot, practice, admin, setup):
    # SPEC 3.2 example: first Mon 2026-01-05, Mon+Wed, 10 sessions -> Jan 5, 7, ..., Feb 4; SPEC 3.5
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Smith")
    click_repeat(qtbot, d.repeat)
    click(qtbot, d.findChild(QCheckBox, "repeatDay2"))
    type_number(qtbot, d.repeat.count, "10")
    assert d.repeat.preview.count() == 10
    assert preview_texts(d.repeat)[1] == "2. Wed 7 Jan 2026"
    assert preview_texts(d.repeat)[-1] == "10. Wed 4 Feb 2026"
    save(qtbot, d)
    assert d.result() == d.DialogCode.Accepted
    made = all_sessions(practice, admin)
    assert len(made) == len(d.saved) == 10
    assert [s.start.date() for s in made] == [date(2026, 1, x) for x in (5, 7, 12, 14, 19, 21, 26, 28)] + \
        [date(2026, 2, 2), date(2026, 2, 4)]
    assert all(s.start.hour == 9 for s in made)
    assert len({s.series_id for s in made}) == 1 and made[0].series_id is not None


def test_changing_the_date_moves_the_repeat_preview(qtbot, practice, admin, setup):
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_repeat(qtbot, d.repeat)
    d.date.setFocus()
    qtbot.keyClick(d.date, Qt.Key.Key_Up)  # the day section: Tue 6 Jan
    assert d.date.date() == QDate(2026, 1, 6)
    assert d.repeat.preview_dates()[0] == date(2026, 1, 6)


def test_a_schedule_not_enabled_makes_only_the_first_session(qtbot, practice, admin, setup):
    # SPEC 3.1
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Smith")
    click_repeat(qtbot, d.repeat)
    click(qtbot, d.repeat.enabled)
    save(qtbot, d)
    [s] = all_sessions(practice, admin)
    assert s.series_id is not None


# --- warnings before saving ---------------------------------------------------------------------

def test_a_conflict_shows_before_saving_then_save_asks_and_saves(qtbot, practice, admin, setup, make):
    # SPEC 2.5: warned before saving, naming the other session; staff may save anyway
    [other] = make.session(MON, datetime(2026, 1, 5, 9, 50), setup.service, setup.pract, [setup.bob])
    d = open_dialog(qtbot, practice, admin, start=datetime(2026, 1, 5, 9, 30), practitioner_id=setup.pract.id)
    assert not d.warnings.isVisible()  # no client yet: nothing to say
    click_client(qtbot, d.clients, "Smith")
    text = wait_warnings(qtbot, d)
    assert "Dr. Ana Ruiz is already booked" in text and "with Bob Jones" in text
    assert len(text.splitlines()) == 2  # a heading, then one line per warning

    seen = answer_modal(qtbot, "confirmWarnings", "confirmYes")
    save(qtbot, d)
    assert seen and "Save anyway?" in seen[0] and "already booked" in seen[0]
    assert d.result() == d.DialogCode.Accepted
    assert len(day_sessions(practice, admin, date(2026, 1, 5))) == 2


def test_declining_the_warning_saves_nothing(qtbot, practice, admin, setup, make):
    make.session(MON, datetime(2026, 1, 5, 9, 50), setup.service, setup.pract, [setup.bob])
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Jones")  # Bob twice at once, and the practitioner too
    text = wait_warnings(qtbot, d)
    assert "Bob Jones already has a session" in text
    answer_modal(qtbot, "confirmWarnings", "confirmCancel")
    save(qtbot, d)
    assert d.isVisible() and d.saved == []
    assert len(day_sessions(practice, admin, date(2026, 1, 5))) == 1


def test_the_warning_goes_away_when_the_time_is_moved(qtbot, practice, admin, setup, make):
    make.session(MON, datetime(2026, 1, 5, 9, 50), setup.service, setup.pract, [setup.bob])
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Smith")
    wait_warnings(qtbot, d)
    type_time(qtbot, d.start, "1100")
    assert d.end.time() == QTime(11, 50)  # the end keeps the length
    qtbot.waitUntil(lambda: not d.warnings.isVisible(), timeout=3000)
    save(qtbot, d)  # no question asked
    assert d.result() == d.DialogCode.Accepted


def test_a_closure_warns(qtbot, practice, admin, setup):
    # SPEC 7.3: adding a session on a closure warns
    closures.add_closure(practice, admin, date(2026, 1, 5), None, "Staff training")
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Smith")
    text = wait_warnings(qtbot, d)
    assert "closed on Mon 05 Jan 2026: Staff training" in text


def test_recurring_warnings_cover_every_occurrence(qtbot, practice, admin, setup):
    closures.add_closure(practice, admin, date(2026, 1, 12), None, "Snow day")
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Smith")
    click_repeat(qtbot, d.repeat)
    text = wait_warnings(qtbot, d)
    assert "Mon 12 Jan 2026: Snow day" in text


def test_a_practitioner_cannot_override_a_conflict(qtbot, practice, admin, setup, make):
    # SPEC 2.5: staff may save anyway; a practitioner gets the rule, not the question
    other = make.practitioner("Ben Ode")
    [_] = make.session(MON, datetime(2026, 1, 5, 9, 50), setup.service, setup.pract, [setup.bob])
    actor = make.user("practitioner", practitioner_id=setup.pract.id)
    d = open_dialog(qtbot, practice, actor, start=MON)
    assert [d.practitioner.itemText(i) for i in range(d.practitioner.count())] == ["Dr. Ana Ruiz"]
    assert other.id not in [d.practitioner.itemData(i) for i in range(d.practitioner.count())]
    click_client(qtbot, d.clients, "Smith")
    assert "cannot be saved" in wait_warnings(qtbot, d)
    save(qtbot, d)
    assert d.error.isVisible() and "already booked" in d.error.text()
    assert len(day_sessions(practice, admin, date(2026, 1, 5))) == 1


# --- bad input ------------------------------------------------------------------------------------

def test_end_before_start_names_the_field_and_writes_nothing(qtbot, practice, admin, setup):
    # SPEC 0.5
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Smith")
    type_time(qtbot, d.end, "0830")
    assert d.end.time() == QTime(8, 30) and d.length.text() == ""
    save(qtbot, d)
    assert d.isVisible()
    assert d.error.isVisible() and d.error.text() == "End: must be after the start"
    assert d.end.hasFocus()
    assert all_sessions(practice, admin) == []


def test_no_client_names_the_field_and_writes_nothing(qtbot, practice, admin, setup):
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    d.public_note.setFocus()
    save(qtbot, d)
    assert d.error.text() == "Clients: choose at least one client"
    assert d.clients.search.hasFocus()
    assert not d.warnings.isVisible()  # bad input is the Save button's to report
    assert all_sessions(practice, admin) == []


def test_a_bad_repeat_setting_names_its_field(qtbot, practice, admin, setup):
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=setup.pract.id)
    click_client(qtbot, d.clients, "Smith")
    click_repeat(qtbot, d.repeat)
    click(qtbot, d.repeat.day_boxes[0])  # no day chosen
    save(qtbot, d)
    assert d.error.text() == "Days of the week: choose at least one day"
    assert d.repeat.day_boxes[0].hasFocus()
    assert all_sessions(practice, admin) == []


def test_time_arrows_step_by_a_quarter_hour(qtbot, practice, admin, setup):
    d = open_dialog(qtbot, practice, admin, start=datetime(2026, 1, 5, 9, 7), practitioner_id=setup.pract.id)
    line = d.start.findChild(QLineEdit)
    minutes_at = QPoint(line.fontMetrics().horizontalAdvance("09:0"), line.height() // 2)
    qtbot.mouseDClick(line, Qt.MouseButton.LeftButton, pos=minutes_at)  # the minutes, as a user picks them
    qtbot.keyClick(d.start, Qt.Key.Key_Up)
    assert d.start.time() == QTime(9, 15)
    qtbot.keyClick(d.start, Qt.Key.Key_Down)
    qtbot.keyClick(d.start, Qt.Key.Key_Down)
    assert d.start.time() == QTime(9, 0)
    assert d.end.time() == QTime(9, 50)  # 09:57 - 7 minutes: the length stayed 50


# --- editing --------------------------------------------------------------------------------------

def test_edit_prefills_and_changes_the_time(qtbot, practice, admin, setup, make):
    room = make.location("Studio")
    [s] = make.session(MON, datetime(2026, 1, 5, 9, 50), setup.service, setup.pract, [setup.alice, setup.carla],
                       location=room, public_note="Bring music", private_note="Anxious about recital")
    d = open_dialog(qtbot, practice, admin, session=s)
    assert d.windowTitle() == "Edit session"
    assert d.repeat.isHidden()
    assert d.date.date() == QDate(2026, 1, 5)
    assert (d.start.time(), d.end.time()) == (QTime(9, 0), QTime(9, 50))
    assert d.service.currentData() == setup.service.id
    assert d.practitioner.currentData() == setup.pract.id
    assert d.location.currentText() == "Studio"
    assert set(d.clients.selected_ids()) == {setup.alice.id, setup.carla.id}
    assert d.clients.summary.text() == "2 clients: group session"
    assert d.public_note.toPlainText() == "Bring music"
    assert d.private_note.toPlainText() == "Anxious about recital"

    type_time(qtbot, d.start, "1030")
    assert d.end.time() == QTime(11, 20)
    click_client(qtbot, d.clients, "Diaz")  # Carla leaves
    save(qtbot, d)
    assert d.result() == d.DialogCode.Accepted
    [after] = day_sessions(practice, admin, date(2026, 1, 5))
    assert after.id == s.id and d.saved == [after]
    assert (after.start.hour, after.start.minute, after.end.hour, after.end.minute) == (10, 30, 11, 20)
    assert after.client_names == "Alice Smith" and after.location_id == room.id


def test_edit_without_location_keeps_none(qtbot, practice, admin, setup, make):
    [s] = make.session(MON, datetime(2026, 1, 5, 9, 50), setup.service, setup.pract, [setup.alice])
    d = open_dialog(qtbot, practice, admin, session=s)
    assert d.location.currentText() == "— none —"
    save(qtbot, d)
    assert d.saved[0].location_id is None


def test_edit_the_whole_series(qtbot, practice, admin, setup, make):
    # SPEC 3.4: the whole series takes the new time
    made = make.session(MON, datetime(2026, 1, 5, 9, 50), setup.service, setup.pract, [setup.alice],
                        recurrence=RecurrenceInput((0,), count=3))
    d = open_dialog(qtbot, practice, admin, session=made[1], scope="all")
    assert "every session of the series" in d.findChild(type(d.length), "sessionScopeNote").text()
    type_time(qtbot, d.start, "1400")
    save(qtbot, d)
    after = all_sessions(practice, admin)
    assert [(s.start.date(), s.start.hour) for s in after] == \
        [(date(2026, 1, 5), 14), (date(2026, 1, 12), 14), (date(2026, 1, 19), 14)]
    assert len(d.saved) == 3


def test_edit_checks_conflicts_but_not_against_itself(qtbot, practice, admin, setup, make):
    [s] = make.session(MON, datetime(2026, 1, 5, 9, 50), setup.service, setup.pract, [setup.alice])
    d = open_dialog(qtbot, practice, admin, session=s)
    d.check_now()
    assert not d.warnings.isVisible()


# --- scope ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("button, expected", [("scopeThis", "this"), ("scopeFollowing", "following"),
                                              ("scopeAll", "all")])
def test_ask_scope_returns_the_choice(qtbot, button, expected):
    # SPEC 3.4: this session only / this and following / the whole series
    answer_modal(qtbot, "scopeDialog", button, "scopeOk")
    assert ask_scope(None, "Edit") == expected


def test_ask_scope_cancelled_is_none(qtbot):
    seen = answer_modal(qtbot, "scopeDialog", "scopeFollowing", "scopeCancel")
    assert ask_scope(None, "Delete") is None
    assert seen  # the dialog did open


def test_object_names(qtbot, practice, admin, setup):
    d = open_dialog(qtbot, practice, admin, start=MON)
    for name in ("sessionDate", "sessionStart", "sessionEnd", "sessionService", "sessionLocation",
                 "sessionPractitioner", "sessionPublicNote", "sessionPrivateNote", "sessionWarnings",
                 "sessionError", "sessionSave", "clientPickerSearch", "clientPickerList", "repeatPreview"):
        assert d.findChild(object, name) is not None, name

"""Reminders in the app (SPEC 7.4, 7.2): Settings ▸ Reminders changed by clicks and typing; the main
window's runner queues the due reminders and sends them to a real SMTP server and SMS provider on
127.0.0.1 off the GUI thread (the window keeps processing events while a slow provider answers);
with mail not set up the failures go to the outbox and the app carries on."""
# ruff: noqa: F811 - the fixtures imported from tests.messaging_servers are parameters here
from __future__ import annotations

import time
from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer

from app.models.enums import MessagePurpose, MessageStatus
from app.services.messaging import outbox, reminders
from app.services.messaging import settings as msettings
from app.services.people import users
from app.views import reminder_runner
from tests.messaging_servers import memory_keyring, sms_provider, smtp_server  # noqa: F401 - fixtures
from tests.views.keys import click, type_over


def tick(qtbot, box) -> None:
    """Click a check box on its box (a wide row's centre is empty space past the label)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def reminder_messages(practice, admin):
    return [m for m in outbox.list_outbox(practice, admin) if m.purpose == MessagePurpose.REMINDER]


@pytest.fixture(autouse=True)
def _threads_end(qtbot):
    yield
    qtbot.waitUntil(lambda: not reminder_runner._RUNNING, timeout=20_000)


def test_reminders_page_turns_them_on_with_hours_and_text_spec_7_4(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("reminders")
    assert not panel.enabled.isChecked() and panel.hours.value() == 24
    assert panel.not_set_up.isVisible() and "not set up" in panel.not_set_up.text()
    assert panel.preview_subject.text().startswith("Reminder: Therapy session on Friday, January 2, 2026 at 10")

    tick(qtbot, panel.enabled)
    type_over(qtbot, panel.hours.lineEdit(), "48")
    type_over(qtbot, panel.subject, "See you on {date}")
    assert panel.preview_subject.text() == "See you on Friday, January 2, 2026"  # live, as typed
    click(qtbot, panel.save_button)

    assert panel.done.text() == "Saved. Reminders are on: each client gets one 48 hours before the session."
    assert reminders.get_reminder_settings(practice, admin) == reminders.ReminderSettings(
        True, 48, "See you on {date}", reminders.DEFAULT_BODY)


def test_reminders_page_names_a_bad_field_and_saves_nothing_spec_7_4_0_5(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("reminders")
    type_over(qtbot, panel.subject, "See you {when}")
    assert panel.preview_body.text().startswith("Reminder subject has an unknown placeholder {when}")
    tick(qtbot, panel.enabled)
    click(qtbot, panel.save_button)

    assert panel.errors.shown() == [
        "Reminder subject has an unknown placeholder {when}; use one of {client}, {date}, {time}, {end}, "
        "{practitioner}, {service}, {location}, {practice}."]
    assert reminders.get_reminder_settings(practice, admin).enabled is False
    type_over(qtbot, panel.subject, "See you {time}")
    click(qtbot, panel.save_button)
    assert panel.errors.shown() == [] and reminders.get_reminder_settings(practice, admin).enabled is True


@pytest.fixture
def due(practice, admin, make):
    """Reminders on; a session at 17:00 today (in 10 h) for Ann (e-mail) and Bob (SMS)."""
    reminders.update_reminder_settings(practice, admin, enabled=True, hours_before=24)
    pr, sv = make.practitioner("Dr. Rivera"), make.service("Counselling")
    ann = make.client("Ann", "Lee", email="ann@client.test", notify_by="email")
    bob = make.client("Bob", "Ng", phone="+1 555 0101", notify_by="sms")
    [s] = make.session(datetime(2026, 1, 1, 17), datetime(2026, 1, 1, 18), sv, pr, [ann, bob], confirm=True)
    return s


def _window(qtbot, practice, qsettings, user=None, auto_backup=False):
    from app.views.main_window import MainWindow

    w = MainWindow(practice, user or users.first_admin(practice), date(2026, 1, 1), settings=qsettings,
                   auto_backup=auto_backup)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_runner_queues_and_sends_reminders_without_freezing_the_window_spec_7_4(
        qtbot, practice, admin, qsettings, due, smtp_server, sms_provider, memory_keyring):
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_from="desk@practice.test", sms_url=sms_provider.url)
    msettings.set_sms_token(practice, admin, "sms-token")
    sms_provider.delay = 1.0  # a slow provider: the window must keep going meanwhile
    w = _window(qtbot, practice, qsettings)
    ticks = []
    ticker = QTimer(w, interval=20)
    ticker.timeout.connect(lambda: ticks.append(time.monotonic()))
    ticker.start()

    w.reminders.start()
    qtbot.waitUntil(lambda: w.reminders.running, timeout=5_000)
    qtbot.waitUntil(lambda: w.reminders.last is not None, timeout=20_000)
    ticker.stop()

    assert isinstance(w.reminders.last, reminder_runner.RunResult)
    assert w.reminders.last.queued.queued == 2 and w.reminders.last.sent == 2
    assert len(ticks) >= 25  # ~50 in the second the provider took: the GUI thread never waited
    assert max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 0.5
    (mail,) = smtp_server.arrived
    assert mail.rcpt_tos == ["ann@client.test"] and mail.message["Subject"].startswith("Reminder: Counselling on ")
    (sms,) = sms_provider.requests
    assert sms.body["to"] == "+1 555 0101" and sms.body["body"].startswith("Hello Bob Ng,")
    assert w.statusBar().currentMessage() == "Reminders: 2 sent."
    assert {m.status for m in reminder_messages(practice, admin)} == {MessageStatus.SENT}

    # the next check finds nothing new: nothing more is queued or sent
    sms_provider.delay = 0
    w.reminders.last = None
    assert w.reminders.run_now()
    qtbot.waitUntil(lambda: w.reminders.last is not None, timeout=10_000)
    assert w.reminders.last.queued.queued == 0 and w.reminders.last.sent == 0
    assert len(smtp_server.arrived) == 1 and len(sms_provider.requests) == 1


def test_mail_not_set_up_the_failures_go_to_the_outbox_and_the_app_goes_on_spec_7_2(
        qtbot, practice, admin, qsettings, due):
    w = _window(qtbot, practice, qsettings)
    w.reminders.start()
    qtbot.waitUntil(lambda: w.reminders.last is not None, timeout=10_000)

    assert w.reminders.last.failed == 2 and w.reminders.last.sent == 0
    assert w.statusBar().currentMessage() == "Reminders: 2 could not be sent (see Clients ▸ Outbox)."
    failed = reminder_messages(practice, admin)
    assert {m.status for m in failed} == {MessageStatus.FAILED}
    assert all("not set up yet" in m.error for m in failed)


def test_runner_starts_for_the_front_desk_and_stops_at_sign_out_spec_7_4_1_1(
        qtbot, practice, admin, qsettings, make):
    w = _window(qtbot, practice, qsettings, auto_backup=True)  # the app's own start
    assert w.reminders.active and w.reminders.timer.interval() == reminder_runner.CHECK_MS
    w._pause_backups()  # what signing out does first
    assert not w.reminders.active and w.reminders.was_on
    assert not w.reminders.run_now()

    pr = make.practitioner()
    pat = make.user("practitioner", practitioner_id=pr.id)
    p_user = next(u for u in users.list_users(practice, admin) if u.id == pat.user_id)
    p_win = _window(qtbot, practice, qsettings, user=p_user, auto_backup=True)
    assert not p_win.reminders.active  # a practitioner's window sends nothing
    p_win._pause_backups()
    assert p_win.reminders.was_on  # ... but the front-desk user signing in after them gets the checks


def test_reminders_page_is_in_settings(qtbot, open_settings):
    d, panel = open_settings("reminders")
    assert d.current_panel() is panel
    assert d.nav.currentItem().text() == "Reminders"
    assert panel.findChild(type(panel.enabled), "reminderEnabled") is panel.enabled
    qtbot.keyClick(panel.subject, Qt.Key.Key_End)


def test_the_next_users_window_takes_the_checks_over_after_sign_out_spec_7_4(qtbot, practice, admin, qsettings, make):
    pr = make.practitioner()
    pat = make.user("practitioner", practitioner_id=pr.id)
    p_user = next(u for u in users.list_users(practice, admin) if u.id == pat.user_id)
    p_win = _window(qtbot, practice, qsettings, user=p_user, auto_backup=True)
    assert not p_win.reminders.active

    p_win.hand_over(users.first_admin(practice))  # what signing in after a sign-out does
    desk = p_win.successor
    qtbot.addWidget(desk)

    assert desk.reminders.active and not p_win.reminders.active

"""Reminders (SPEC 7.4, 7.2): a set number of hours before each session, one reminder per booked
client and channel they prefer, queued once ever (run twice, by two threads or two processes at
once), a run after the app was closed catching up, none for a canceled, deleted or started session
or a removed client, real hours across DST changes, the template filled in the practice's locale,
and the messages arriving at a real SMTP server on 127.0.0.1.

The practice is in America/New_York; the clock starts at 2026-01-01 12:00 UTC (07:00 there).
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import Client, OutboxMessage
from app.models.enums import MessageChannel, MessagePurpose, MessageStatus
from app.services import practice_settings
from app.services.errors import PermissionDenied, ValidationError
from app.services.messaging import outbox, reminders
from app.services.messaging import settings as msettings
from app.services.scheduling import completion, deletion, sessions
from tests import messaging_servers
from tests.races import open_again, race, raw_errors

# the real local servers and the in-memory keyring (tests/messaging_servers.py)
smtp_server, sms_provider = messaging_servers.smtp_server, messaging_servers.sms_provider
memory_keyring = messaging_servers.memory_keyring

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)  # the practice clock


def plain(text: str) -> str:
    """babel's narrow and no-break spaces (STACK trap 10) as plain spaces, for comparing."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def reminder_rows(practice) -> list[OutboxMessage]:
    with practice.read() as tx:
        return list(tx.scalars(select(OutboxMessage).where(OutboxMessage.purpose == MessagePurpose.REMINDER)
                               .order_by(OutboxMessage.id)))


def per_session_client_channel(practice) -> Counter:
    return Counter((m.session_id, m.client_id, m.channel) for m in reminder_rows(practice))


@pytest.fixture
def on(practice, admin):
    """Reminders on, 24 hours before."""
    return reminders.update_reminder_settings(practice, admin, enabled=True, hours_before=24)


@pytest.fixture
def desk(practice, make):
    """A practitioner, a service, a room and four clients: e-mail, both, none, and SMS without a phone
    (a file from before phones were required for SMS: written straight into the table)."""
    class Desk:
        pr = make.practitioner("Dr. Rivera")
        svc = make.service("Counselling")
        room = make.location("Room 2")
        ann = make.client("Ann", "Lee", email="ann@client.test", notify_by="email")
        bob = make.client("Bob", "Ng", email="bob@client.test", phone="+1 555 0101", notify_by="both")
        cy = make.client("Cy", "Doe", email="cy@client.test", phone="+1 555 0102", notify_by="sms")
        dee = make.client("Dee", "Fox", email="dee@client.test", notify_by="none")

        def session(self, start, clients=None, minutes=50):
            [s] = make.session(start, start + timedelta(minutes=minutes), self.svc, self.pr,
                               clients if clients is not None else [self.ann], location=self.room, confirm=True)
            return s
    with practice.uow() as tx:
        tx.get(Client, Desk.cy.id).phone = ""  # wants SMS, has no phone
    return Desk()


# -- once ---------------------------------------------------------------------------------------
def test_one_reminder_per_client_and_channel_once_even_run_twice_spec_7_4(practice, admin, on, desk):
    s = desk.session(datetime(2026, 1, 1, 17), [desk.ann, desk.bob, desk.cy, desk.dee])  # in 10 h
    later = desk.session(datetime(2026, 1, 2, 15), [desk.ann])  # in 32 h: not yet

    first = reminders.queue_due_reminders(practice, admin)

    # Cy wants SMS but has no phone; Dee wants no messages: neither can be reached
    assert first == reminders.ReminderRun(queued=3, clients=2, without_address=2)
    got = [(m.session_id, m.client_id, m.channel, m.recipient, m.status) for m in reminder_rows(practice)]
    assert got == [(s.id, desk.ann.id, MessageChannel.EMAIL, "ann@client.test", MessageStatus.QUEUED),
                   (s.id, desk.bob.id, MessageChannel.EMAIL, "bob@client.test", MessageStatus.QUEUED),
                   (s.id, desk.bob.id, MessageChannel.SMS, "+1 555 0101", MessageStatus.QUEUED)]

    again = reminders.queue_due_reminders(practice, admin)
    assert again.queued == 0 and len(reminder_rows(practice)) == 3

    # still once after it was sent and after it failed (a failed reminder is retried from the outbox only)
    for m in reminder_rows(practice):
        outbox.send_message(practice, admin, m.id)  # mail is not set up: each fails, recorded
    assert {m.status for m in reminder_rows(practice)} == {MessageStatus.FAILED}
    practice.clock.advance(hours=9)
    assert reminders.queue_due_reminders(practice, admin).queued == 1  # only the later session's, now due
    assert [m.session_id for m in reminder_rows(practice)][-1] == later.id


def test_reminders_off_queue_nothing_spec_7_4(practice, admin, desk):
    desk.session(datetime(2026, 1, 1, 17))
    assert reminders.get_reminder_settings(practice, admin).enabled is False  # off until an admin turns it on
    assert reminders.queue_due_reminders(practice, admin) == reminders.ReminderRun(0, 0, 0)
    reminders.update_reminder_settings(practice, admin, enabled=True)
    assert reminders.queue_due_reminders(practice, admin).queued == 1
    reminders.update_reminder_settings(practice, admin, enabled=False)
    desk.session(datetime(2026, 1, 1, 19))
    assert reminders.queue_due_reminders(practice, admin).queued == 0


def test_two_desks_in_threads_queue_once_spec_7_4_0_4(practice, admin, on, desk, clock):
    made = [desk.session(datetime(2026, 1, 1, 13) + timedelta(hours=i), [desk.ann, desk.bob]) for i in range(12)]
    desks = [open_again(practice, clock) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list = [[], []]

    def run(i):
        for _ in range(15):
            barrier.wait()
            results[i].append(reminders.queue_due_reminders(desks[i], admin))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for d in desks:
        d.close()

    counts = per_session_client_channel(practice)
    assert len(counts) == 12 * 3 and set(counts.values()) == {1}
    assert {sid for sid, _c, _ch in counts} == {s.id for s in made}
    assert sum(r.queued for rs in results for r in rs) == 36  # one desk queued each, the other saw it


def test_two_desks_in_processes_queue_once_spec_7_4_0_4(practice, admin, on, desk):
    made = [desk.session(datetime(2026, 1, 1, 13) + timedelta(hours=i), [desk.ann, desk.bob]) for i in range(20)]
    # both desks run at the same moments, an hour apart: each moment brings more sessions into the window
    nows = [(T0 + timedelta(hours=h - 20)).isoformat() for h in range(0, 23, 2)]  # the last: all 20 due
    a, b = race(practice, admin, ("queue_reminders", nows, None), ("queue_reminders", nows, None))

    assert raw_errors(a, b) == []
    assert a["ok"] + b["ok"] == 2 * len(nows)
    counts = per_session_client_channel(practice)
    assert set(counts.values()) == {1} and len(counts) == 20 * 3
    assert {sid for sid, _c, _ch in counts} == {s.id for s in made}


# -- catch-up -----------------------------------------------------------------------------------
def test_a_run_after_the_app_was_closed_catches_up_but_not_for_started_sessions_spec_7_4(
        practice, admin, on, desk, clock):
    soon = desk.session(datetime(2026, 1, 2, 9))  # 14:00 UTC on 2 Jan: reminder due 14:00 UTC on 1 Jan
    early = desk.session(datetime(2026, 1, 1, 20))  # due at once: 01:00 UTC on 2 Jan
    assert reminders.queue_due_reminders(practice, admin).queued == 1  # 'early' only; 'soon' is 26 h away
    # the app is closed at 12:00 UTC and opened again at 13:30 UTC on 2 Jan: 'soon' reminder time passed
    # while closed (14:00 UTC 1 Jan) but it has not started (in 30 minutes): it is caught up
    missed = desk.session(datetime(2026, 1, 2, 8))  # 13:00 UTC on 2 Jan: started before the app opened
    clock.advance(hours=25, minutes=30)
    run = reminders.queue_due_reminders(practice, admin)
    assert run.queued == 1
    assert [m.session_id for m in reminder_rows(practice)] == [early.id, soon.id]
    assert missed.id not in {m.session_id for m in reminder_rows(practice)}


def test_a_session_starting_now_gets_none_spec_7_4(practice, admin, on, desk, clock):
    s = desk.session(datetime(2026, 1, 1, 7))  # 12:00 UTC: starts this instant
    assert reminders.queue_due_reminders(practice, admin).queued == 0
    assert s.id not in {m.session_id for m in reminder_rows(practice)}


# -- who gets none ------------------------------------------------------------------------------
def test_canceled_deleted_saved_session_or_removed_client_gets_none_spec_7_4(practice, admin, on, desk, make):
    canceled = desk.session(datetime(2026, 1, 1, 14))
    completion.complete_session(practice, admin, canceled.id, completion.type_by_key(practice, "canceled").id)
    deleted = desk.session(datetime(2026, 1, 1, 15))
    deletion.delete_sessions(practice, admin, [deleted.id])
    group = desk.session(datetime(2026, 1, 1, 16), [desk.ann, desk.bob])
    v = sessions.get_session(practice, admin, group.id)
    sessions.update_session(practice, admin, group.id, sessions.SessionInput(
        v.start, v.end, v.service_id, v.practitioner_id, (desk.bob.id,), v.location_id), confirm=True)
    archived_client = make.client("Eve", "Gray", email="eve@client.test", notify_by="email")
    gone = desk.session(datetime(2026, 1, 1, 17), [archived_client])
    from app.services.people import clients
    clients.set_archived(practice, admin, archived_client.id, True)

    run = reminders.queue_due_reminders(practice, admin)

    got = {(m.session_id, m.client_id) for m in reminder_rows(practice)}
    assert got == {(group.id, desk.bob.id)}  # Bob on both his channels; Ann was removed
    assert run.queued == 2 and run.without_address == 0
    assert gone.id not in {sid for sid, _ in got}


def test_a_waiting_reminder_whose_session_changed_is_withdrawn_with_why_spec_7_4(practice, admin, on, desk, clock):
    """Queued, then the app closed before sending; meanwhile the session was canceled, deleted, lost
    the client or began: the next run marks those reminders failed with the reason, and sends the rest."""
    canceled = desk.session(datetime(2026, 1, 1, 14))
    deleted = desk.session(datetime(2026, 1, 1, 15))
    group = desk.session(datetime(2026, 1, 1, 16), [desk.ann, desk.bob])
    begun = desk.session(datetime(2026, 1, 1, 7, 30))  # 12:30 UTC
    kept = desk.session(datetime(2026, 1, 1, 18))
    assert reminders.queue_due_reminders(practice, admin).queued == 7
    completion.complete_session(practice, admin, canceled.id, completion.type_by_key(practice, "canceled").id)
    deletion.delete_sessions(practice, admin, [deleted.id])
    v = sessions.get_session(practice, admin, group.id)
    sessions.update_session(practice, admin, group.id, sessions.SessionInput(
        v.start, v.end, v.service_id, v.practitioner_id, (desk.bob.id,), v.location_id), confirm=True)
    clock.advance(hours=1)  # 13:00 UTC: 'begun' started half an hour ago

    run = reminders.queue_due_reminders(practice, admin)

    assert run.queued == 0 and run.withdrawn == 4
    why = {(m.session_id, m.client_id): (m.status, m.error) for m in reminder_rows(practice)}
    failed = MessageStatus.FAILED
    assert why[(canceled.id, desk.ann.id)] == (failed, "Not sent: the session was canceled before the reminder "
                                                       "went out.")
    assert why[(deleted.id, desk.ann.id)] == (failed, "Not sent: the session was deleted before the reminder went out.")
    assert why[(group.id, desk.ann.id)] == (failed, "Not sent: the client was taken off the session before the "
                                                    "reminder went out.")
    assert why[(begun.id, desk.ann.id)] == (failed, "Not sent: the session began before the reminder went out.")
    assert why[(group.id, desk.bob.id)] == (MessageStatus.QUEUED, "")
    assert why[(kept.id, desk.ann.id)] == (MessageStatus.QUEUED, "")
    waiting = {m.id for m in reminder_rows(practice) if m.status == MessageStatus.QUEUED}
    assert set(reminders.pending_reminder_ids(practice, admin)) == waiting and len(waiting) == 3
    assert outbox.pending_ids(practice, admin) == sorted(waiting)  # "Send waiting" in the outbox skips them too


def test_practitioner_may_not_run_reminders_spec_7_4_1_1(practice, admin, on, desk, make):
    pat = make.user("practitioner", practitioner_id=desk.pr.id)
    desk.session(datetime(2026, 1, 1, 17))
    with pytest.raises(PermissionDenied):
        reminders.queue_due_reminders(practice, pat)
    assert reminder_rows(practice) == []
    staff = make.user("staff")
    assert reminders.queue_due_reminders(practice, staff).queued == 1


# -- DST: real hours ----------------------------------------------------------------------------
def test_24_hours_before_a_session_after_spring_forward_are_real_hours_spec_7_4_0_2(
        practice, admin, on, desk, clock):
    # Sun 8 March 2026 10:00 EDT = 14:00 UTC; 24 real hours before is Sat 7 March 14:00 UTC = 09:00 EST
    # (the same wall-clock time the day before, 10:00 EST, would be 23 real hours)
    s = desk.session(datetime(2026, 3, 8, 10))
    clock.at = datetime(2026, 3, 7, 13, 59, tzinfo=UTC)  # 08:59 EST
    assert reminders.queue_due_reminders(practice, admin).queued == 0
    clock.at = datetime(2026, 3, 7, 14, 0, tzinfo=UTC)  # 09:00 EST: exactly 24 h before
    assert reminders.queue_due_reminders(practice, admin).queued == 1
    assert [m.session_id for m in reminder_rows(practice)] == [s.id]


def test_24_hours_before_a_session_after_fall_back_are_real_hours_spec_7_4_0_2(practice, admin, on, desk, clock):
    # Sun 1 Nov 2026 10:00 EST = 15:00 UTC; 24 real hours before is Sat 31 Oct 15:00 UTC = 11:00 EDT
    desk.session(datetime(2026, 11, 1, 10))
    clock.at = datetime(2026, 10, 31, 14, 30, tzinfo=UTC)  # 10:30 EDT: past the wall-clock time, 24.5 h before
    assert reminders.queue_due_reminders(practice, admin).queued == 0
    clock.at = datetime(2026, 10, 31, 15, 0, tzinfo=UTC)
    assert reminders.queue_due_reminders(practice, admin).queued == 1


def test_hours_before_is_the_window_spec_7_4(practice, admin, desk, clock):
    reminders.update_reminder_settings(practice, admin, enabled=True, hours_before=2)
    desk.session(datetime(2026, 1, 1, 9, 1))  # 2 h 1 min ahead
    assert reminders.queue_due_reminders(practice, admin).queued == 0
    clock.advance(minutes=1)
    assert reminders.queue_due_reminders(practice, admin).queued == 1


# -- the template ---------------------------------------------------------------------------------
def test_template_filled_with_the_sessions_details_in_the_practice_locale_spec_7_4(practice, admin, on, desk):
    reminders.update_reminder_settings(
        practice, admin, subject="{practice}: {service} on {date}",
        body="Dear {client}, {service} with {practitioner} on {date} at {time}-{end} in {location}.")
    desk.session(datetime(2026, 1, 5, 10), [desk.ann])  # Monday 5 January, 10:00 EST
    practice.clock.advance(days=3, hours=20)  # 08:00 UTC on 5 Jan

    reminders.queue_due_reminders(practice, admin)

    (m,) = reminder_rows(practice)
    assert plain(m.subject) == "Test Practice: Counselling on Monday, January 5, 2026"
    assert plain(m.body) == ("Dear Ann Lee, Counselling with Dr. Rivera on Monday, January 5, 2026 at 10:00 AM-"
                             "10:50 AM in Room 2.")


def test_template_dates_follow_the_practice_locale_and_no_location_names_the_practice_spec_7_4_0_1(
        practice, admin, on, desk, make):
    practice_settings.update_settings(practice, admin, locale="de_DE")
    reminders.update_reminder_settings(practice, admin, subject="Termin am {date} um {time}",
                                       body="{location}")
    [s] = make.session(datetime(2026, 1, 5, 16, 30), datetime(2026, 1, 5, 17), desk.svc, desk.pr, [desk.ann])
    practice.clock.advance(days=3, hours=20)

    reminders.queue_due_reminders(practice, admin)

    (m,) = reminder_rows(practice)
    assert plain(m.subject) == "Termin am Montag, 5. Januar 2026 um 16:30"
    assert m.body == "Test Practice"


def test_preview_fills_a_sample_session(practice, admin):
    subject, body = reminders.preview_reminder(practice, admin, "{client} {date}", "{practitioner}/{service}")
    assert plain(subject) == "Alex Example Friday, January 2, 2026"  # tomorrow by the practice clock
    assert body == "Sam Carter/Therapy session"


# -- bad settings -------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, field", [
    ({"hours_before": 0}, "hours before"),
    ({"hours_before": 169}, "hours before"),
    ({"hours_before": 1.5}, "hours before"),
    ({"hours_before": True}, "hours before"),
    ({"hours_before": "24"}, "hours before"),
    ({"enabled": "yes"}, "reminders"),
    ({"subject": ""}, "reminder subject"),
    ({"subject": "Line one\nline two"}, "reminder subject"),
    ({"subject": "x" * 151}, "reminder subject"),
    ({"subject": "Hello {name}"}, "reminder subject"),
    ({"body": "Hello {client"}, "reminder message"),
    ({"body": "Hello client}"}, "reminder message"),
    ({"body": "{client.__class__}"}, "reminder message"),
    ({"body": "{date:>40}"}, "reminder message"),
    ({"body": "{time!r}"}, "reminder message"),
    ({"body": "{0}"}, "reminder message"),
    ({"body": "{{client}}"}, "reminder message"),
    ({"subject": "a\x00b"}, "reminder subject"),
    ({"body": "{}"}, "reminder message"),
    ({"body": "x" * 1001}, "reminder message"),
    ({"body": None}, "reminder message"),
    ({"hours_before": 12, "colour": "red"}, "colour"),
])
def test_bad_settings_name_the_field_and_change_nothing_spec_7_4_0_5(practice, admin, changes, field):
    before = reminders.get_reminder_settings(practice, admin)
    with pytest.raises(ValidationError) as err:
        reminders.update_reminder_settings(practice, admin, **changes)
    assert err.value.field == field
    assert reminders.get_reminder_settings(practice, admin) == before


def test_unknown_field_error_lists_what_can_be_filled_in(practice, admin):
    with pytest.raises(ValidationError) as err:
        reminders.update_reminder_settings(practice, admin, body="See you {when}")
    # the same placeholders and words as the cancellation tool's templates (messaging/templates.py)
    assert err.value.message == ("has an unknown placeholder {when}; use one of {client}, {date}, {time}, {end}, "
                                 "{practitioner}, {service}, {location}, {practice}")


def test_only_an_admin_changes_reminder_settings_spec_1_1(practice, admin, make):
    staff = make.user("staff")
    with pytest.raises(PermissionDenied):
        reminders.update_reminder_settings(practice, staff, enabled=True)
    assert reminders.get_reminder_settings(practice, staff).enabled is False
    saved = reminders.update_reminder_settings(practice, admin, enabled=True, hours_before=48, subject="S {date}",
                                               body="B {time}")
    assert saved == reminders.ReminderSettings(True, 48, "S {date}", "B {time}")
    assert reminders.get_reminder_settings(practice, staff) == saved


# -- sending through the outbox to real servers on 127.0.0.1 --------------------------------------------
@pytest.fixture
def mail_ready(practice, admin, smtp_server, sms_provider, memory_keyring):
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_user="desk", mail_from="desk@practice.test",
                                      sms_url=sms_provider.url)
    msettings.set_mail_password(practice, admin, "mail-secret")
    msettings.set_sms_token(practice, admin, "sms-token")
    return smtp_server


def test_reminders_arrive_at_the_smtp_server_and_sms_provider_once_spec_7_4_7_2(
        practice, admin, on, desk, mail_ready, sms_provider):
    desk.session(datetime(2026, 1, 1, 17), [desk.ann, desk.bob])
    reminders.queue_due_reminders(practice, admin)

    summary = reminders.send_due_reminders(practice, admin)

    assert summary == outbox.SendSummary(sent=3, failed=0, skipped=0)
    assert sorted(a.rcpt_tos[0] for a in mail_ready.arrived) == ["ann@client.test", "bob@client.test"]
    ann = next(a.message for a in mail_ready.arrived if a.rcpt_tos == ["ann@client.test"])
    assert plain(ann["Subject"]) == "Reminder: Counselling on Thursday, January 1, 2026 at 5:00 PM"
    text = plain(ann.get_body(("plain",)).get_content()).replace("\r\n", "\n")
    assert text.startswith("Hello Ann Lee,\n\nThis is a reminder of your Counselling with Dr. Rivera on "
                           "Thursday, January 1, 2026 at 5:00 PM (Room 2).")
    assert text.rstrip().endswith("Test Practice")
    (sms,) = sms_provider.requests
    assert sms.body["to"] == "+1 555 0101" and plain(sms.body["body"]).startswith("Hello Bob Ng,")
    assert {m.status for m in reminder_rows(practice)} == {MessageStatus.SENT}
    # a later run neither queues nor sends again
    assert reminders.queue_due_reminders(practice, admin).queued == 0
    assert reminders.send_due_reminders(practice, admin) == outbox.SendSummary(0, 0, 0)
    assert len(mail_ready.arrived) == 2 and len(sms_provider.requests) == 1


def test_server_down_the_reminder_is_failed_in_the_outbox_and_not_raised_spec_7_2(
        practice, admin, on, desk, mail_ready):
    desk.session(datetime(2026, 1, 1, 17), [desk.ann])
    reminders.queue_due_reminders(practice, admin)
    mail_ready.stop()

    assert reminders.send_due_reminders(practice, admin) == outbox.SendSummary(sent=0, failed=1, skipped=0)

    (m,) = reminder_rows(practice)
    assert m.status == MessageStatus.FAILED and "Could not reach the mail server" in m.error
    assert reminders.pending_reminder_ids(practice, admin) == []  # retried from the outbox, not every run
    mail_ready.start()
    assert outbox.send_message(practice, admin, m.id).status == MessageStatus.SENT
    assert len(mail_ready.arrived) == 1


def test_only_reminders_are_sent_by_the_reminder_run(practice, admin, on, desk, mail_ready):
    other = outbox.queue_message(practice, admin, outbox.MessageDraft(MessageChannel.EMAIL, "x@client.test", "Hi",
                                                                      subject="Other"))
    desk.session(datetime(2026, 1, 1, 17), [desk.ann])
    reminders.queue_due_reminders(practice, admin)
    assert reminders.send_due_reminders(practice, admin).sent == 1
    assert outbox.get_message(practice, admin, other.id).status == MessageStatus.QUEUED

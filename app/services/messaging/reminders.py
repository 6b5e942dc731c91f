"""Reminders (SPEC 7.4, 7.2): an e-mail and/or SMS a set number of hours before each session, to each
booked client by their "notify by" choice, sent once, with the result kept in the outbox.

The settings (on or off, hours before, the subject and message templates) live in the practice
file's settings table like every practice setting; an admin changes them.

``queue_due_reminders`` is one transaction that takes the write lock before it reads (STACK trap 0):
it finds every open, live session that has not started and starts within the next N hours, and
queues one message per booked client and channel unless that client already has a reminder for that
session in the outbox. Two desks running it at once therefore queue once: the second waits for the
lock and then sees the first one's messages. A run after the app was closed catches up by itself:
a session whose reminder time passed while nobody was running has not started yet, so it is still in
the window; a session that has started gets none. "N hours" are real hours (UTC), so a reminder 24 h
before a session just after a DST change goes 24 h before it, not at the same wall-clock time.

Sending is the outbox's: ``pending_reminder_ids`` then ``outbox.send_message`` one by one (a window
can stop between), or ``send_due_reminders`` for a run without a window. A failed send is recorded
on its message, never raised (7.2).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select

from ...models import (
    Client,
    Location,
    OutboxMessage,
    Participant,
    PracticeSession,
    Practitioner,
    Service,
    Setting,
)
from ...models.enums import (
    MessageChannel,
    MessagePurpose,
    MessageStatus,
    ParticipantStatus,
    Role,
    SessionStatus,
)
from .. import audit, validate
from ..errors import ValidationError
from ..people.permissions import require_front_desk, require_role
from ..practice import Actor, Practice
from . import outbox, templates

MIN_HOURS, MAX_HOURS = 1, 168  # one hour to one week
MAX_SUBJECT, MAX_BODY = 150, 1000

DEFAULT_SUBJECT = "Reminder: {service} on {date} at {time}"
DEFAULT_BODY = ("Hello {client},\n\n"
                "This is a reminder of your {service} with {practitioner} on {date} at {time} ({location}).\n\n"
                "If you cannot come, please let us know as soon as you can.\n\n"
                "{practice}")

# stored keys and their defaults (JSON in the setting table, like DEFAULT_SETTINGS)
REMINDER_DEFAULTS = {
    "reminders_on": False,  # off until an admin turns it on (e-mail or SMS must be set up first)
    "reminder_hours": 24,
    "reminder_subject": DEFAULT_SUBJECT,
    "reminder_body": DEFAULT_BODY,
}
# the names callers use -> the stored keys
_KEYS = {"enabled": "reminders_on", "hours_before": "reminder_hours", "subject": "reminder_subject",
         "body": "reminder_body"}


@dataclass(frozen=True)
class ReminderSettings:
    enabled: bool
    hours_before: int
    subject: str
    body: str


@dataclass(frozen=True)
class ReminderRun:
    """What one run queued: ``queued`` messages, for ``clients`` booked clients (a client of two due
    sessions counts twice); ``without_address``: booked clients of due sessions no reminder can reach
    (they chose no messages, or have no usable e-mail address or phone number for their choice).
    Those are counted on every run, and never an error."""

    queued: int
    clients: int
    without_address: int
    withdrawn: int = 0  # queued reminders no longer wanted (see _withdraw), marked failed with why


# -- settings -----------------------------------------------------------------------------------
def _stored(tx) -> dict:
    """Read from the file itself, not the practice's cached settings: a desk's timer sees an admin's
    change made at another desk on its next check."""
    rows = tx.scalars(select(Setting).where(Setting.key.in_(list(REMINDER_DEFAULTS))))
    return {**REMINDER_DEFAULTS, **{row.key: json.loads(row.value) for row in rows}}


def get_reminder_settings(practice: Practice, actor: Actor) -> ReminderSettings:
    require_front_desk(actor)
    with practice.read() as tx:
        s = _stored(tx)
    return ReminderSettings(bool(s["reminders_on"]), int(s["reminder_hours"]), s["reminder_subject"],
                            s["reminder_body"])


def check_template(field: str, value, max_len: int, one_line: bool = False) -> str:
    """A subject or message template: storable text whose braces are the shared placeholders
    (``templates.PLACEHOLDERS``, as the cancellation tool's); a subject on one line."""
    value = validate.text(field, value, max_len)
    if one_line and any(c in value for c in "\r\n"):
        raise ValidationError(field, "must be on one line")
    return templates.check_template(field, value, max_len)


def _check(key: str, value):
    if key == "enabled":
        return validate.flag("reminders", value)
    if key == "hours_before":
        return validate.whole("hours before", value, MIN_HOURS, MAX_HOURS)
    if key == "subject":
        return check_template("reminder subject", value, MAX_SUBJECT, one_line=True)
    if key == "body":
        return check_template("reminder message", value, MAX_BODY)
    raise ValidationError(str(key)[:40], "is not a reminder setting")


def update_reminder_settings(practice: Practice, actor: Actor, **changes) -> ReminderSettings:
    """Change some of ``enabled``, ``hours_before`` (whole hours, 1-168), ``subject`` and ``body``
    (admin only). All are checked before any is written."""
    require_role(actor, Role.ADMIN)
    clean = {k: _check(k, v) for k, v in changes.items()}
    if clean:
        with practice.uow() as tx:
            for k, v in clean.items():
                tx.merge(Setting(key=_KEYS[k], value=json.dumps(v)))
            audit.record(tx, practice, actor, "reminders.settings", "setting", None, keys=sorted(clean))
        practice.settings_changed()
    return get_reminder_settings(practice, actor)


# -- filling in ---------------------------------------------------------------------------------
def _values(practice: Practice, start_at: datetime, end_at: datetime, client: str, practitioner: str,
            service: str, location: str | None) -> dict:
    """The placeholders' values (``templates.session_values``: the practice locale and time zone); a
    session without a location names the practice."""
    conf = practice.settings()
    tz, name = practice.tz, conf["practice_name"]
    return templates.session_values(start_at.astimezone(tz), end_at.astimezone(tz), conf["locale"], client=client,
                                    practitioner=practitioner, service=service, location=location or name,
                                    practice=name)



def preview_reminder(practice: Practice, actor: Actor, subject: str, body: str) -> tuple[str, str]:
    """The subject and message as a client would read them, for a sample session tomorrow at 10:00
    (for the settings page); bad templates raise ValidationError naming the field."""
    require_front_desk(actor)
    subject = check_template("reminder subject", subject, MAX_SUBJECT, one_line=True)
    body = check_template("reminder message", body, MAX_BODY)
    local = practice.clock.now().astimezone(practice.tz) + timedelta(days=1)
    start = local.replace(hour=10, minute=0, second=0, microsecond=0)
    values = _values(practice, start, start + timedelta(minutes=50), "Alex Example", "Sam Carter", "Therapy session",
                     "Room 1")
    return templates.fill(subject, values), templates.fill(body, values)


# -- queueing -----------------------------------------------------------------------------------
def queue_due_reminders(practice: Practice, actor: Actor, now: datetime | None = None) -> ReminderRun:
    """Queue the reminders that are due (see the module's doc): one transaction, under the write
    lock, so every (session, client) gets its reminders once ever, even with several desks running.
    Nothing is queued while reminders are off. ``now``: the practice clock's time unless given."""
    require_front_desk(actor)
    if now is None:
        now = practice.clock.now()
    else:
        now = validate.moment("now", now, practice.tz)
    with practice.uow() as tx:
        conf = _stored(tx)
        withdrawn = _withdraw(tx, now)
        if not conf["reminders_on"]:
            return ReminderRun(0, 0, 0, withdrawn)
        until = now + timedelta(hours=int(conf["reminder_hours"]))
        already = exists().where(OutboxMessage.session_id == PracticeSession.id,
                                 OutboxMessage.client_id == Participant.client_id,
                                 OutboxMessage.purpose == MessagePurpose.REMINDER)
        rows = tx.execute(
            select(PracticeSession.id, PracticeSession.start_at, PracticeSession.end_at, Client, Practitioner.name,
                   Service.name, Location.name)
            .join(Participant, Participant.session_id == PracticeSession.id)
            .join(Client, Client.id == Participant.client_id)
            .join(Practitioner, Practitioner.id == PracticeSession.practitioner_id)
            .join(Service, Service.id == PracticeSession.service_id)
            .outerjoin(Location, Location.id == PracticeSession.location_id)
            .where(PracticeSession.status == SessionStatus.OPEN, PracticeSession.deleted_at.is_(None),
                   PracticeSession.start_at > now, PracticeSession.start_at <= until,
                   Participant.is_booked(), ~already)
            .order_by(PracticeSession.start_at, PracticeSession.id, Participant.client_id)).all()
        queued = clients = without = 0
        for session_id, start_at, end_at, client, practitioner, service, location in rows:
            if client.archived_at is not None:
                continue  # no longer a client of the practice
            addresses = outbox.client_addresses(tx, client.id)
            values = _values(practice, start_at, end_at, f"{client.first_name} {client.last_name}".strip(),
                             practitioner, service, location)
            subject = templates.fill(conf["reminder_subject"], values)[:200]
            body = templates.fill(conf["reminder_body"], values)
            made = 0
            for channel, recipient in addresses:
                text = body[:outbox.MAX_SMS_BODY] if channel == MessageChannel.SMS else body[:outbox.MAX_BODY]
                draft = outbox.MessageDraft(channel, recipient, text, subject=subject,
                                            purpose=MessagePurpose.REMINDER, client_id=client.id,
                                            session_id=session_id)
                try:
                    outbox.queue_in(tx, practice, actor, draft)
                except ValidationError:
                    continue  # an address saved before today's checks: counted below as none
                made += 1
            if made:
                queued += made
                clients += 1
            else:
                without += 1
        if queued:
            audit.record(tx, practice, actor, "reminders.queue", "outbox_message", None, messages=queued,
                         clients=clients)
    return ReminderRun(queued, clients, without, withdrawn)


def _withdraw(tx, now: datetime) -> int:
    """Reminders still waiting whose session was canceled, saved or deleted, has begun, or no longer has
    the client (e.g. queued just before the app was closed): marked failed with the reason, so neither
    this run nor "Send waiting" in the outbox sends them. Inside the run's transaction."""
    rows = tx.execute(
        select(OutboxMessage, PracticeSession, Participant.status)
        .join(PracticeSession, PracticeSession.id == OutboxMessage.session_id)
        .outerjoin(Participant, (Participant.session_id == OutboxMessage.session_id)
                   & (Participant.client_id == OutboxMessage.client_id))
        .where(OutboxMessage.purpose == MessagePurpose.REMINDER, OutboxMessage.status == MessageStatus.QUEUED,
               or_(PracticeSession.status != SessionStatus.OPEN, PracticeSession.deleted_at.is_not(None),
                   PracticeSession.start_at <= now, Participant.status.is_(None),
                   Participant.status != ParticipantStatus.BOOKED))).all()
    for m, s, booked in rows:
        if s.deleted_at is not None:
            why = "the session was deleted"
        elif s.status == SessionStatus.CANCELED:
            why = "the session was canceled"
        elif s.status != SessionStatus.OPEN:
            why = f"the session was already saved as {s.completion_label or s.status}"
        elif booked != ParticipantStatus.BOOKED:
            why = "the client was taken off the session"
        else:
            why = "the session began"
        m.status, m.error = MessageStatus.FAILED, f"Not sent: {why} before the reminder went out."
    return len(rows)


# -- sending ------------------------------------------------------------------------------------
def pending_reminder_ids(practice: Practice, actor: Actor, limit: int = 1000) -> list[int]:
    """Ids of the reminders waiting to be sent, oldest first (a failed one waits for a Retry in the
    outbox). A window sends each with ``outbox.send_message``, so it can stop between them."""
    validate.whole("number of messages", limit, 1, 100_000)
    require_front_desk(actor)
    stale = practice.clock.now() - outbox.STALE_AFTER
    waiting = (OutboxMessage.status == MessageStatus.QUEUED) | (
        (OutboxMessage.status == MessageStatus.SENDING) & (OutboxMessage.last_attempt_at < stale))
    with practice.read() as tx:
        return list(tx.scalars(select(OutboxMessage.id)
                               .where(OutboxMessage.purpose == MessagePurpose.REMINDER, waiting)
                               .order_by(OutboxMessage.id).limit(limit)))


def send_due_reminders(practice: Practice, actor: Actor, limit: int = 1000) -> outbox.SendSummary:
    """Send the waiting reminders one by one (each in its own transactions) and say how it went."""
    sent = failed = skipped = 0
    for mid in pending_reminder_ids(practice, actor, limit):
        before = outbox.get_message(practice, actor, mid)
        view = outbox.send_message(practice, actor, mid)
        if view.status == MessageStatus.SENT and before.status != MessageStatus.SENT:
            sent += 1
        elif view.status == MessageStatus.FAILED and view.attempts > before.attempts:
            failed += 1
        else:
            skipped += 1
    return outbox.SendSummary(sent, failed, skipped)

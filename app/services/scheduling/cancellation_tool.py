"""The cancellation tool (SPEC 7.1, 7.2; Sessions > Cancellations): for a snow day or a holiday, the
open sessions of one date or a range, optionally of one practitioner or location, are listed as the
range changes; then, in one go, they are canceled and their clients told, or only canceled, or only
told.

One run is one transaction: the sessions are saved with a canceled completion type (the default
"Canceled": no charge, no wage) and one message per client and channel the client prefers is queued
in the outbox beside them (SPEC 7.2). The messages are sent afterwards, each on its own; a failed send
is recorded on that message and never undoes the cancellation. Each client's result is kept: the
outbox rows (client, session, purpose "cancellation", status, error), and for a client who could not
be told (no address, or "no messages" chosen) the reason is in the run's result and the audit.

The run acts only on the sessions the front desk saw: their ids are passed back, and a session that
was changed at another workstation meanwhile (no longer open, moved out of the range, deleted) stops
the run with nothing changed, so the list can be looked at again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ...models import Client, CompletionType, PracticeSession
from ...models.enums import MessageChannel, MessagePurpose, SessionStatus
from .. import audit, validate
from ..errors import NeedsConfirmation, NotFound, RuleViolation, ValidationError
from ..messaging import outbox, templates
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from . import completion
from .session_views import S, SessionView, load_views, session_query

NOTIFY_AND_CANCEL = "notify_and_cancel"
CANCEL_ONLY = "cancel"
NOTIFY_ONLY = "notify"
ACTIONS = (NOTIFY_AND_CANCEL, CANCEL_ONLY, NOTIFY_ONLY)
MAX_DAYS = 366
MAX_SUBJECT = 200

DEFAULT_SUBJECT = "{practice}: your session on {date} is canceled"
DEFAULT_BODY = ("Dear {client},\n\nYour session with {practitioner} on {date} at {time} is canceled. "
                "We are sorry for the inconvenience; please get in touch to book another time.\n\n{practice}")

_CHANNEL_WORDS = {MessageChannel.EMAIL: "e-mail", MessageChannel.SMS: "SMS"}


@dataclass(frozen=True)
class CancelScope:
    """One date (``last_day`` None) or a range of days in the practice time zone; optionally one
    practitioner or one location."""

    first_day: date
    last_day: date | None = None
    practitioner_id: int | None = None
    location_id: int | None = None


@dataclass(frozen=True)
class Recipient:
    """How one client of an affected session would be told."""

    client_id: int
    name: str
    channels: tuple[tuple[str, str], ...]  # (channel, address) by the client's choice
    reason: str  # why they cannot be told ("" when channels is not empty)

    @property
    def how(self) -> str:
        """'e-mail', 'SMS', 'e-mail and SMS', or the reason in a few words."""
        return " and ".join(_CHANNEL_WORDS[c] for c, _ in self.channels) or self.reason


@dataclass(frozen=True)
class Affected:
    session: SessionView
    recipients: tuple[Recipient, ...]


@dataclass(frozen=True)
class CancelRequest:
    scope: CancelScope
    action: str  # one of ACTIONS
    session_ids: tuple[int, ...]  # the affected sessions the front desk saw (and left checked)
    subject: str = DEFAULT_SUBJECT
    body: str = DEFAULT_BODY
    type_id: int | None = None  # a completion type of base status canceled; None: the default "Canceled"


@dataclass(frozen=True)
class ClientResult:
    session_id: int
    start: datetime
    client_id: int
    client_name: str
    canceled: bool
    message_ids: tuple[int, ...]  # queued in the outbox (sent afterwards; their status is the result)
    note: str  # why the client was not told, else ""


@dataclass(frozen=True)
class CancelRun:
    action: str
    canceled_session_ids: tuple[int, ...]
    results: tuple[ClientResult, ...] = field(default=())

    @property
    def message_ids(self) -> tuple[int, ...]:
        return tuple(m for r in self.results for m in r.message_ids)


# -- input -------------------------------------------------------------------------------------------
def _clean_scope(scope: CancelScope) -> CancelScope:
    validate.form("dates", scope, CancelScope)
    first = validate.a_date("first day", scope.first_day)
    last = first if scope.last_day is None else validate.a_date("last day", scope.last_day)
    if last < first:
        raise ValidationError("last day", "is before the first day")
    if (last - first).days >= MAX_DAYS:
        raise ValidationError("last day", "choose at most a year of days at a time")
    return CancelScope(first, last, validate.optional_id("practitioner", scope.practitioner_id),
                       validate.optional_id("location", scope.location_id))


def _where(practice: Practice, scope: CancelScope) -> list:
    tz = practice.tz
    start = datetime.combine(scope.first_day, time(0), tzinfo=tz)
    end = datetime.combine(scope.last_day + timedelta(days=1), time(0), tzinfo=tz)
    cond = [S.deleted_at.is_(None), S.status == SessionStatus.OPEN, S.start_at >= start, S.start_at < end]
    if scope.practitioner_id is not None:
        cond.append(S.practitioner_id == scope.practitioner_id)
    if scope.location_id is not None:
        cond.append(S.location_id == scope.location_id)
    return cond


def _recipients(tx, views: list[SessionView]) -> dict[int, Recipient]:
    ids = {c.id for v in views for c in v.clients}
    out: dict[int, Recipient] = {}
    if not ids:
        return out
    q = select(Client.id, Client.first_name, Client.last_name, Client.notify_by, Client.email, Client.phone,
               Client.archived_at).where(Client.id.in_(ids))
    for cid, first, last, notify_by, email, phone, archived in tx.execute(q):
        channels = []
        if archived is None and notify_by in ("email", "both") and email:
            channels.append((MessageChannel.EMAIL, email))
        if archived is None and notify_by in ("sms", "both") and phone:
            channels.append((MessageChannel.SMS, phone))
        if channels:
            reason = ""
        elif archived is not None:
            reason = "archived client: not told"
        elif notify_by == "none":
            reason = "wants no messages"
        else:
            reason = "no e-mail address" if notify_by == "email" else (
                "no mobile number" if notify_by == "sms" else "no e-mail address or mobile number")
        out[cid] = Recipient(cid, f"{first} {last}", tuple(channels), reason)
    return out


def affected_sessions(practice: Practice, actor: Actor, scope: CancelScope) -> list[Affected]:
    """The open sessions the tool would act on, oldest first, each with how its clients would be told.
    The front desk only (SPEC 7.1)."""
    scope = _clean_scope(scope)
    require_front_desk(actor)
    with practice.read() as tx:
        views = load_views(tx, actor, practice.tz, session_query(*_where(practice, scope)))
        people = _recipients(tx, views)
    return [Affected(v, tuple(people[c.id] for c in v.clients)) for v in views]


def _cancel_type(tx, type_id: int | None) -> CompletionType:
    if type_id is None:
        t = tx.scalar(select(CompletionType).where(CompletionType.key == SessionStatus.CANCELED))
    else:
        t = tx.get(CompletionType, type_id)
    if t is None or t.deleted_at is not None or not t.enabled:
        raise ValidationError("cancel as", "this status is not available (switched off or removed)")
    if t.base_status != SessionStatus.CANCELED:
        raise ValidationError("cancel as", f"'{t.label}' is not a kind of cancellation; choose a canceled status")
    return t


def _messages(practice: Practice, req: CancelRequest, v: SessionView, r: Recipient) -> list[outbox.MessageDraft]:
    values = templates.session_values(
        v.start, v.end, practice.settings()["locale"], client=r.name, practitioner=v.practitioner_name,
        service=v.service_name, location=v.location_name or "", practice=practice.settings()["practice_name"])
    body = templates.fill(req.body, values)
    subject = templates.fill(req.subject, values).replace("\n", " ")[:MAX_SUBJECT]
    out = []
    for channel, address in r.channels:
        if channel == MessageChannel.SMS and len(body) > outbox.MAX_SMS_BODY:
            raise ValidationError("message", f"is too long for a text message once filled in ({len(body)} "
                                             f"characters, at most {outbox.MAX_SMS_BODY}); shorten it")
        out.append(outbox.MessageDraft(channel, address, body, subject if channel == MessageChannel.EMAIL else "",
                                       MessagePurpose.CANCELLATION, r.client_id, v.id))
    return out


def _clean_request(practice: Practice, req: CancelRequest) -> CancelRequest:
    validate.form("cancellation", req, CancelRequest)
    scope = _clean_scope(req.scope)
    action = validate.choice("action", req.action, ACTIONS)
    ids = validate.ids("sessions", req.session_ids)
    if not ids:
        raise ValidationError("sessions", "there are no sessions to act on in these dates")
    notify = action != CANCEL_ONLY
    subject = templates.check_template("subject", req.subject, MAX_SUBJECT, required=notify)
    body = templates.check_template("message", req.body, outbox.MAX_BODY, required=notify)
    return CancelRequest(scope, action, ids, subject, body, validate.optional_id("cancel as", req.type_id))


def run_cancellations(practice: Practice, actor: Actor, request: CancelRequest, confirm: bool = False) -> CancelRun:
    """Cancel and/or notify, in one transaction; the messages are queued, not sent (send them with
    ``outbox.send_message`` afterwards: a failed send cannot undo the cancellation, SPEC 7.2).

    Raises NotFound / RuleViolation when one of ``session_ids`` changed meanwhile (nothing is done),
    and NeedsConfirmation when canceling a session on an issued invoice (repeat with ``confirm=True``)."""
    req = _clean_request(practice, request)
    validate.flag("confirm", confirm)
    require_front_desk(actor)
    cancel = req.action != NOTIFY_ONLY
    notify = req.action != CANCEL_ONLY
    with practice.uow() as tx:
        t = _cancel_type(tx, req.type_id) if cancel else None
        rows = {s.id: s for s in tx.scalars(select(PracticeSession).where(PracticeSession.id.in_(req.session_ids)))}
        if any(i not in rows or rows[i].deleted_at is not None for i in req.session_ids):
            raise NotFound("One of the listed sessions no longer exists; it may have been deleted at another "
                           "workstation. Look at the list again.")
        in_scope = set(tx.scalars(select(S.id).where(S.id.in_(req.session_ids), *_where(practice, req.scope))))
        if len(in_scope) != len(req.session_ids):
            raise RuleViolation("One of the listed sessions was changed meanwhile (saved, or moved out of these "
                                "dates); nothing was done. Look at the list again.")
        views = load_views(tx, actor, practice.tz, session_query(S.id.in_(req.session_ids)))
        people = _recipients(tx, views)
        drafts = {(v.id, c.id): _messages(practice, req, v, people[c.id]) if notify else []
                  for v in views for c in v.clients}  # every message checked before anything is written
        if cancel:
            asks = completion._on_invoice(tx, list(rows.values()))
            if asks and not confirm:
                raise NeedsConfirmation(asks)
            for v in views:
                completion._save_one(tx, practice, actor, rows[v.id], t.id, None)
        results = []
        for v in views:
            for c in v.clients:
                r = people[c.id]
                mids = tuple(outbox.queue_in(tx, practice, actor, d) for d in drafts[(v.id, c.id)])
                results.append(ClientResult(v.id, v.start, c.id, c.name, cancel, mids,
                                            "" if mids or not notify else r.reason))
        audit.record(tx, practice, actor, "sessions.cancellation_tool", "session", None, what=req.action,
                     first_day=req.scope.first_day.isoformat(), last_day=req.scope.last_day.isoformat(),
                     sessions=[v.id for v in views], messages=sum(len(r.message_ids) for r in results),
                     not_told=[[r.session_id, r.client_id, r.note] for r in results if r.note])
    return CancelRun(req.action, tuple(v.id for v in views) if cancel else (), tuple(results))

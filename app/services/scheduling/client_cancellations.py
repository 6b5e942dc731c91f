"""Client cancellations (SPEC 8): the practice switch, the per-client permission and its bulk tool, up
to three policy levels, and "Client cancels…" recorded by staff on the client's behalf.

Where things are kept: the switch and the policy live in the practice settings store (the ``setting``
table, keys ``client_cancellations`` and ``client_cancel_policy``), written only here, so no migration
is needed; the permission is the client's own ``may_cancel`` flag.

The rule (SPEC 8.2): a client asking ``h`` hours before the start gets the level with the smallest
hours value that is still greater than ``h``; when there is none, the cancellation is free (the
default "Canceled" type: no charge, no wage). With one level 24 h -> Missed, asking exactly 24 h
before is free and 23 h 59 min before is Missed.

Who may record one: admin and staff, on the client's behalf (SPEC 1.1). The action is the client's,
so it follows the client rules: it is refused while the practice switch is off or the client may not
cancel, even when staff record it. Staff who want to cancel a session themselves use Set status…
(SPEC 4), which these rules do not touch.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Client, CompletionType, LedgerEntry, PracticeSession, Setting
from ...models.enums import ParticipantStatus, SessionStatus
from .. import audit, validate
from ..errors import NeedsConfirmation, NotFound, RuleViolation, ValidationError
from ..money.packages import package_outcome, sync_slots
from ..people.permissions import require_front_desk, require_role
from ..practice import Actor, Practice
from . import completion
from .session_views import S, SessionView, load_views, session_query

ENABLED_KEY = "client_cancellations"
POLICY_KEY = "client_cancel_policy"
MAX_LEVELS = 3
MAX_HOURS = 720  # 30 days


@dataclass(frozen=True)
class PolicyLevelInput:
    """One policy level as typed: cancelling fewer than ``hours`` before the start saves the session
    with completion type ``type_id``."""

    hours: int
    type_id: int


@dataclass(frozen=True)
class PolicyLevel:
    hours: int
    type_id: int
    label: str  # the completion type's label now
    available: bool  # False: the type was switched off or removed since; fix the policy


@dataclass(frozen=True)
class CancellationPolicy:
    enabled: bool  # the practice switch "clients may cancel"
    levels: tuple[PolicyLevel, ...]  # by hours, smallest first


@dataclass(frozen=True)
class ClientPermission:
    client_id: int
    name: str
    may_cancel: bool


@dataclass(frozen=True)
class CancelQuote:
    """What "Client cancels…" would do, shown before confirming."""

    session_id: int
    client_id: int
    client_name: str
    asked_at: datetime  # practice time zone
    notice: timedelta  # from the time asked to the session's start
    level: PolicyLevel | None  # None: asked early enough, a free cancellation
    type_id: int  # the completion type saved
    label: str
    charge_cents: int  # what the client is charged
    wage_cents: int  # what the practitioner is paid for it
    whole_session: bool  # True: the session is saved with the type; False: one client of a group

    @property
    def free(self) -> bool:
        return self.level is None


@dataclass(frozen=True)
class CancelResult:
    quote: CancelQuote
    session: SessionView


# -- the practice switch and the policy -------------------------------------------------------------
def _stored(tx: Session) -> tuple[bool, list[tuple[int, int]]]:
    rows = dict(tx.execute(select(Setting.key, Setting.value).where(Setting.key.in_((ENABLED_KEY, POLICY_KEY)))).all())
    enabled = bool(json.loads(rows[ENABLED_KEY])) if ENABLED_KEY in rows else False
    levels = [(int(h), int(t)) for h, t in json.loads(rows[POLICY_KEY])] if POLICY_KEY in rows else []
    return enabled, sorted(levels)


def _levels(tx: Session, stored: list[tuple[int, int]]) -> tuple[PolicyLevel, ...]:
    types = {t.id: t for t in tx.scalars(select(CompletionType).where(CompletionType.id.in_([t for _h, t in stored])))}
    out = []
    for hours, type_id in stored:
        t = types.get(type_id)
        out.append(PolicyLevel(hours, type_id, t.label if t else "(removed)",
                               t is not None and t.deleted_at is None and t.enabled))
    return tuple(out)


def get_cancellation_policy(practice: Practice, actor: Actor) -> CancellationPolicy:
    """The practice switch and the policy levels, smallest hours first."""
    with practice.read() as tx:
        enabled, stored = _stored(tx)
        return CancellationPolicy(enabled, _levels(tx, stored))


def _clean_levels(levels) -> list[tuple[int, int]]:
    if not isinstance(levels, (list, tuple)):
        raise ValidationError("policy levels", "must be a list of levels")
    if len(levels) > MAX_LEVELS:
        raise ValidationError("policy levels", f"at most {MAX_LEVELS} levels can be saved")
    clean: list[tuple[int, int]] = []
    for n, level in enumerate(levels, 1):
        if isinstance(level, PolicyLevelInput):
            hours, type_id = level.hours, level.type_id
        elif isinstance(level, (list, tuple)) and len(level) == 2:
            hours, type_id = level
        else:
            raise ValidationError(f"policy level {n}", "must be hours before the start and a status")
        hours = validate.whole(f"policy level {n} hours", hours, 0, MAX_HOURS)
        type_id = validate.an_id(f"policy level {n} status", type_id)
        if any(h == hours for h, _t in clean):
            raise ValidationError(f"policy level {n} hours", f"must differ from the other levels ({hours} is used twice)")
        clean.append((hours, type_id))
    return sorted(clean)


def set_cancellation_policy(practice: Practice, actor: Actor, enabled: bool,
                            levels: list[PolicyLevelInput]) -> CancellationPolicy:
    """Switch client cancellations on or off and replace the policy levels (admin only, SPEC 8.1-8.2).
    Each level: hours 0..720, distinct, and a completion type that exists and is switched on; at most
    three. Everything is checked before anything is written."""
    validate.flag("clients may cancel", enabled)
    clean = _clean_levels(levels)
    require_role(actor, "admin")
    with practice.uow() as tx:
        types = {t.id: t for t in tx.scalars(select(CompletionType).where(CompletionType.id.in_([t for _h, t in clean])))}
        for n, (_h, type_id) in enumerate(clean, 1):
            t = types.get(type_id)
            if t is None or t.deleted_at is not None:
                raise ValidationError(f"policy level {n} status", "must be a completion type that exists")
            if not t.enabled:
                raise ValidationError(f"policy level {n} status", f"must be switched on ({t.label} is switched off)")
        tx.merge(Setting(key=ENABLED_KEY, value=json.dumps(enabled)))
        tx.merge(Setting(key=POLICY_KEY, value=json.dumps([list(x) for x in clean])))
        audit.record(tx, practice, actor, "settings.client_cancellations", "setting", None, enabled=enabled,
                     levels=[{"hours": h, "type_id": t, "label": types[t].label} for h, t in clean])
        tx.flush()
        policy = CancellationPolicy(enabled, _levels(tx, clean))
    practice.settings_changed()
    return policy


# -- the per-client permission and the bulk tool ----------------------------------------------------
def _permissions(tx: Session) -> list[ClientPermission]:
    rows = tx.execute(select(Client.id, Client.first_name, Client.last_name, Client.may_cancel)
                      .where(Client.archived_at.is_(None))
                      .order_by(func.lower(Client.last_name), func.lower(Client.first_name), Client.id)).all()
    return [ClientPermission(i, f"{first} {last}", bool(may)) for i, first, last, may in rows]


def list_client_permissions(practice: Practice, actor: Actor) -> list[ClientPermission]:
    """Every active client with their "may cancel" permission, by last name (front desk)."""
    require_front_desk(actor)
    with practice.read() as tx:
        return _permissions(tx)


def set_client_permissions(practice: Practice, actor: Actor, client_ids: list[int] | None,
                           may_cancel: bool) -> list[ClientPermission]:
    """The bulk permissions tool (SPEC 8.1): grant or remove "may cancel" for the chosen clients, or for
    every active client with ``client_ids=None``. Returns the resulting table of all active clients."""
    chosen = None if client_ids is None else validate.ids("clients", client_ids)
    validate.flag("may cancel", may_cancel)
    require_front_desk(actor)
    if chosen is not None and not chosen:
        raise ValidationError("clients", "choose at least one client, or all clients")
    with practice.uow() as tx:
        q = select(Client).where(Client.archived_at.is_(None))
        if chosen is not None:
            q = select(Client).where(Client.id.in_(chosen))
        rows = list(tx.scalars(q))
        if chosen is not None:
            found = {c.id for c in rows if c.archived_at is None}
            if any(i not in found for i in chosen):
                raise ValidationError("clients", "one of the chosen clients no longer exists or is archived")
        changed = [c.id for c in rows if c.may_cancel != may_cancel]
        for c in rows:
            c.may_cancel = may_cancel
        audit.record(tx, practice, actor, "client.may_cancel.bulk", "client", None, may_cancel=may_cancel,
                     all=chosen is None, changed=changed)
        tx.flush()
        return _permissions(tx)


# -- Client cancels… --------------------------------------------------------------------------------
def _check_input(practice: Practice, session_id, client_id, asked_at) -> datetime | None:
    validate.an_id("session", session_id), validate.an_id("client", client_id)
    return None if asked_at is None else validate.moment("time asked", asked_at, practice.tz)


def _type_row(tx: Session, type_id: int) -> CompletionType | None:
    t = tx.get(CompletionType, type_id)
    return t if t is not None and t.deleted_at is None and t.enabled else None


def _quote(tx: Session, practice: Practice, actor: Actor, s: PracticeSession, client_id: int,
           asked_at: datetime | None) -> CancelQuote:
    """Every refusal of SPEC 8, then which level applies and what it charges, read inside ``tx``."""
    now = practice.clock.now()
    asked = now if asked_at is None else asked_at
    if asked > now:
        raise ValidationError("time asked", "cannot be later than now")
    enabled, stored = _stored(tx)
    if not enabled:
        raise RuleViolation("Client cancellations are switched off. An admin can switch them on in "
                            "Settings, Session control.")
    client = tx.get(Client, client_id)
    row = next((p for p in s.booked if p.client_id == client_id), None)
    if client is None or row is None:
        raise ValidationError("client", "is not one of this session's clients")
    name = f"{client.first_name} {client.last_name}"
    if not client.may_cancel:
        raise RuleViolation(f"{name} does not have permission to cancel sessions. Give it in the client's "
                            "record or with Client permissions.")
    if s.status != SessionStatus.OPEN:
        raise RuleViolation(f"This session is already saved as {s.completion_label}, so it cannot be canceled "
                            "by the client.")
    if s.start_at <= now:
        raise RuleViolation("This session has already started or taken place, so it cannot be canceled by the "
                            "client.")
    notice = s.start_at - asked
    level = next((lv for lv in _levels(tx, stored) if timedelta(hours=lv.hours) > notice), None)
    if level is not None:
        t = _type_row(tx, level.type_id)
        if t is None:
            raise RuleViolation(f"The cancellation policy uses the status {level.label!r}, which is switched off "
                                "or removed. An admin can fix the policy in Settings, Session control.")
    else:
        t = tx.scalar(select(CompletionType).where(CompletionType.key == SessionStatus.CANCELED.value))
        if t is None or not t.enabled or t.deleted_at is not None:
            raise RuleViolation("The Canceled status is switched off, so a free cancellation cannot be recorded. "
                                "An admin can switch it on in Settings, Completion types.")
    outcome = completion._type_view(t).outcome()
    cost, wage = completion._price_now(tx, s)
    charges, pay = completion._charges(s, cost, wage, outcome, None, completion._unit(practice))
    held = {p.client_id: p for p in s.booked if p.package_sale_id is not None}
    whole = len(s.booked) == 1
    if held:  # SPEC 6.3: the whole package share or nothing, and the fixed wage
        for cid, p in held.items():
            charges[cid] = package_outcome(t.base_status, p.price_cents or 0)
        pay = completion._fixed_wage(tx, s) if t.base_status in (SessionStatus.COMPLETED, SessionStatus.MISSED) else 0
        if not whole and client_id in held and charges[client_id]:
            raise RuleViolation(f"{name}'s place is paid from a package. A charged cancellation of one client of a "
                                "group session cannot be taken from a package; save the session or take the client "
                                "off instead.")
    return CancelQuote(s.id, client_id, name, asked.astimezone(practice.tz), notice, level, t.id, t.label,
                       charges[client_id], pay if whole else 0, whole)


def _live_session(tx: Session, actor: Actor, session_id: int) -> PracticeSession:
    s = tx.get(PracticeSession, session_id)
    if s is None or s.deleted_at is not None:
        raise NotFound.gone("session")
    return s


def quote_client_cancel(practice: Practice, actor: Actor, session_id: int, client_id: int,
                        asked_at: datetime | None = None) -> CancelQuote:
    """Which policy level applies when ``client_id`` cancels ``session_id``, asked at ``asked_at``
    (default now; a naive time is the practice's wall-clock time), and what the client is charged and
    the practitioner paid. Raises what ``client_cancels`` would refuse."""
    asked = _check_input(practice, session_id, client_id, asked_at)
    require_front_desk(actor)
    with practice.read() as tx:
        return _quote(tx, practice, actor, _live_session(tx, actor, session_id), client_id, asked)


def client_cancels(practice: Practice, actor: Actor, session_id: int, client_id: int,
                   asked_at: datetime | None = None, confirm: bool = True) -> CancelResult:
    """Record that a client canceled (SPEC 8), by admin or staff on the client's behalf (SPEC 1.1), with the
    time the client asked (default now). The policy level that applies is worked out as in
    ``quote_client_cancel``, inside this transaction.

    - The session's only client: the session is saved with the level's completion type (or Canceled
      when free) through the completion code, as Set status… would, charges and wage included.
    - One client of a group session: only that client's place is canceled (kept in the session's
      history as canceled by the client) and charged by the type; the other clients stay booked and the
      practitioner's wage is paid once, when the session itself is saved.

    Refused (nothing changed): the practice switch is off; the client may not cancel (also when staff
    record it: the action is the client's, SPEC 8.1); the client is not booked on the session; the
    session is already saved or has started; the time asked is later than now. SPEC 9.1: with
    ``confirm=False`` a session on an issued invoice raises NeedsConfirmation first. Audited with the
    time asked and the level applied."""
    asked = _check_input(practice, session_id, client_id, asked_at)
    validate.flag("confirm", confirm)
    require_front_desk(actor)
    with practice.uow() as tx:
        s = _live_session(tx, actor, session_id)
        q = _quote(tx, practice, actor, s, client_id, asked)
        warnings = completion._on_invoice(tx, [s])
        if warnings and not confirm:
            raise NeedsConfirmation(warnings)
        now = practice.clock.now()
        if q.whole_session:
            completion._save_one(tx, practice, actor, s, q.type_id, None)
        else:
            row = next(p for p in s.booked if p.client_id == client_id)
            row.status, row.changed_at, row.changed_by = ParticipantStatus.CANCELED_BY_CLIENT.value, now, actor.user_id
            row.charge_cents = q.charge_cents
            sync_slots(tx, practice, [s])  # a package place canceled free goes back to the package
            if q.charge_cents:  # the charge, like any session charge, dated when the session takes place
                tx.add(LedgerEntry(kind="charge", client_id=client_id, session_id=s.id, amount_cents=-q.charge_cents,
                                   memo=f"{q.label} (client canceled)", effective_at=s.start_at, created_at=now,
                                   created_by=actor.user_id))
        audit.record(tx, practice, actor, "session.client_cancel", "session", s.id, client_id=client_id,
                     asked_at=q.asked_at.isoformat(), level_hours=q.level.hours if q.level else None,
                     label=q.label, charge_cents=q.charge_cents, wage_cents=q.wage_cents, whole_session=q.whole_session)
        tx.flush()
        return CancelResult(q, load_views(tx, actor, practice.tz, session_query(S.id == session_id))[0])

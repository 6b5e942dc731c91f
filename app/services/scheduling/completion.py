"""Saving ("completing") sessions and the completion types (SPEC 4).

Saving takes a snapshot (label, each client's charge, the wage) and posts ledger entries;
re-saving reverses the live entries first, so nothing is ever charged twice (SPEC 4.6).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import CompletionType, CustomWage, PracticeSession, Service
from ...models.enums import ParticipantStatus, SessionStatus, WarningCode
from ...models.sessions import BASE_STATUSES, MODIFIER_TYPES
from .. import audit, validate
from ..errors import NeedsConfirmation, NotFound, PermissionDenied, RuleViolation, ValidationError, Warning_
from ..money.amounts import currency_digits
from ..money.invoices import issued_invoice_numbers
from ..money.ledger import post_session_entries, reverse_session_entries
from ..money.packages import package_outcome, sync_slots
from ..money.pricing import Outcome, completion_amounts, session_cost, session_wage
from ..people.permissions import require_front_desk, require_role, require_session_access
from ..practice import Actor, Practice
from .session_views import S, SessionView, load_views, session_query

LABEL_MAX = 15
OVERRIDE_LABEL = "Cost override"


@dataclass(frozen=True)
class CompletionTypeInput:
    base_status: str  # completed | canceled | missed
    label: str  # at most 15 characters
    description: str = ""
    modifier_type: str = "percentage"  # percentage | fixed
    client_modifier: int = 100  # percent of the cost, or whole currency units
    practitioner_modifier: int = 100


@dataclass(frozen=True)
class CompletionTypeView:
    id: int
    key: str | None  # completed / canceled / missed for the defaults, None for custom types
    base_status: str
    label: str
    description: str
    modifier_type: str | None
    client_modifier: int
    practitioner_modifier: int
    enabled: bool

    @property
    def is_default(self) -> bool:
        return self.key is not None

    def outcome(self) -> Outcome:
        return Outcome(self.base_status, self.modifier_type, self.client_modifier, self.practitioner_modifier)


def _type_view(t: CompletionType) -> CompletionTypeView:
    return CompletionTypeView(t.id, t.key, t.base_status, t.label, t.description, t.modifier_type,
                              t.client_modifier, t.practitioner_modifier, t.enabled)


def _clean_type(data: CompletionTypeInput) -> dict:
    modifier_type = validate.choice("modifier type", data.modifier_type, MODIFIER_TYPES)
    upper = 1000 if modifier_type == "percentage" else 100_000
    return dict(base_status=validate.choice("base status", data.base_status, BASE_STATUSES),
                label=validate.text("label", data.label, LABEL_MAX),
                description=validate.text("description", data.description, 1000, required=False),
                modifier_type=modifier_type,
                client_modifier=validate.whole("client modifier", data.client_modifier, 0, upper),
                practitioner_modifier=validate.whole("practitioner modifier", data.practitioner_modifier, 0, upper))


def list_completion_types(practice: Practice, actor: Actor, enabled_only: bool = True) -> list[CompletionTypeView]:
    """Defaults first, then custom types by label. ``enabled_only``: what a completion dialog offers."""
    validate.flag("only switched on", enabled_only)
    q = select(CompletionType).where(CompletionType.deleted_at.is_(None))
    if enabled_only:
        q = q.where(CompletionType.enabled.is_(True))
    with practice.read() as tx:
        types = [_type_view(t) for t in tx.scalars(q)]
    order = {"completed": 0, "missed": 1, "canceled": 2}
    return sorted(types, key=lambda t: (t.key is None, order.get(t.key or "", 9), t.label.lower()))


def create_completion_type(practice: Practice, actor: Actor, data: CompletionTypeInput) -> CompletionTypeView:
    validate.form("completion type", data, CompletionTypeInput)
    require_role(actor, "admin")
    values = _clean_type(data)
    with practice.uow() as tx:
        _unique_label(tx, values["label"])
        t = CompletionType(**values, enabled=True)
        tx.add(t)
        tx.flush()
        audit.record(tx, practice, actor, "completion_type.create", "completion_type", t.id, **values)
        return _type_view(t)


def _unique_label(tx: Session, label: str, except_id: int | None = None) -> None:
    literal = label.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")  # not wildcards
    q = select(CompletionType.id).where(CompletionType.deleted_at.is_(None),
                                        CompletionType.label.ilike(literal, escape="\\"))
    if except_id is not None:
        q = q.where(CompletionType.id != except_id)
    if tx.scalar(q) is not None:
        raise ValidationError("label", f"{label!r} is already used by another completion type")


def update_completion_type(practice: Practice, actor: Actor, type_id: int,
                           data: CompletionTypeInput) -> CompletionTypeView:
    """Sessions saved earlier keep the label and amounts they were saved with (SPEC 4.5)."""
    validate.an_id("completion type", type_id), validate.form("completion type", data, CompletionTypeInput)
    require_role(actor, "admin")
    values = _clean_type(data)
    with practice.uow() as tx:
        t = _live_type(tx, type_id)
        if t.key is not None:
            raise RuleViolation("The three default types cannot be edited; switch them off instead.")
        _unique_label(tx, values["label"], t.id)
        for k, v in values.items():
            setattr(t, k, v)
        audit.record(tx, practice, actor, "completion_type.update", "completion_type", t.id, **values)
        return _type_view(t)


def set_completion_type_enabled(practice: Practice, actor: Actor, type_id: int, enabled: bool) -> CompletionTypeView:
    """Switch a type (default or custom) on or off; off types are not offered (SPEC 4.5)."""
    validate.an_id("completion type", type_id)
    require_role(actor, "admin")
    validate.flag("enabled", enabled)
    with practice.uow() as tx:
        t = _live_type(tx, type_id)
        t.enabled = enabled
        audit.record(tx, practice, actor, "completion_type.enable" if enabled else "completion_type.disable",
                     "completion_type", t.id)
        return _type_view(t)


def remove_completion_type(practice: Practice, actor: Actor, type_id: int) -> None:
    """Remove a custom type (soft). Defaults can only be switched off."""
    validate.an_id("completion type", type_id)
    require_role(actor, "admin")
    with practice.uow() as tx:
        t = _live_type(tx, type_id)
        if t.key is not None:
            raise RuleViolation("The three default types cannot be removed; switch them off instead.")
        t.deleted_at = practice.clock.now()
        audit.record(tx, practice, actor, "completion_type.remove", "completion_type", t.id)


def _live_type(tx: Session, type_id: int) -> CompletionType:
    t = tx.get(CompletionType, type_id)
    if t is None or t.deleted_at is not None:
        raise NotFound.gone("completion type")
    return t


def type_by_key(practice: Practice, key: str) -> CompletionTypeView:
    validate.choice("completion type", key, BASE_STATUSES)
    with practice.read() as tx:
        t = tx.scalar(select(CompletionType).where(CompletionType.key == key))
        if t is None:
            raise NotFound(key)
        return _type_view(t)


@dataclass(frozen=True)
class Override:
    """Cost override (admin/staff only, SPEC 4.1): the cost per client and the wage typed in."""

    cost_cents: int
    wage_cents: int


@dataclass(frozen=True)
class Preview:
    label: str
    charge_per_client_cents: int  # at the session's cost; a client with their own price: see charges_cents
    clients: int
    wage_cents: int
    charges_cents: tuple[int, ...] = ()  # each booked client's charge, by client id

    @property
    def total_charge_cents(self) -> int:
        return sum(self.charges_cents) if self.charges_cents else self.charge_per_client_cents * self.clients


def _price_now(tx: Session, s: PracticeSession) -> tuple[int, int]:
    service = tx.get(Service, s.service_id)
    custom = tx.scalar(select(CustomWage.wage_cents).where(CustomWage.practitioner_id == s.practitioner_id,
                                                           CustomWage.service_id == s.service_id))
    minutes = int((s.end_at - s.start_at).total_seconds() // 60)
    return (session_cost(service.kind, service.cost_cents, minutes),
            session_wage(service.kind, service.wage_cents, custom, minutes))


def _on_invoice(tx: Session, rows: list[PracticeSession]) -> list[Warning_]:
    """SPEC 9.1: re-saving a session that is a line of an issued invoice changes what the client owes
    but never the invoice; say so before saving."""
    numbers = issued_invoice_numbers(tx, [s.id for s in rows])
    if not numbers:
        return []
    named = sorted({n for ns in numbers.values() for n in ns})
    which = f"invoice {named[0]}" if len(named) == 1 else "invoices " + ", ".join(named)
    what = "This session is" if len(rows) == 1 else f"{len(numbers)} of these sessions are"
    return [Warning_(WarningCode.ON_INVOICE,
                     f"{what} on issued {which}, which will not change. If the amount changes, cancel the "
                     f"invoice with a credit note and invoice the session again. Save anyway?")]


def _fixed_wage(tx: Session, s: PracticeSession) -> int:
    """The practitioner's custom wage for the service, else the service wage, whatever the length."""
    custom = tx.scalar(select(CustomWage.wage_cents).where(CustomWage.practitioner_id == s.practitioner_id,
                                                           CustomWage.service_id == s.service_id))
    return custom if custom is not None else tx.get(Service, s.service_id).wage_cents


def _resolve(tx: Session, actor: Actor, type_id: int | None, override: Override | None):
    """-> (type row or None, label, base status, Outcome or None)."""
    if override is not None:
        if not actor.is_front_desk:
            raise PermissionDenied("Only admin and staff may override the cost.")
        validate.cents("cost", override.cost_cents)
        validate.cents("wage", override.wage_cents)
        return None, OVERRIDE_LABEL, "completed", None
    if not isinstance(type_id, int):
        raise ValidationError("status", "choose a status")
    t = tx.get(CompletionType, type_id)
    if t is None or t.deleted_at is not None or not t.enabled:
        raise ValidationError("status", "this status is not available (switched off or removed)")
    return t, t.label, t.base_status, _type_view(t).outcome()


def _unit(practice: Practice) -> int:
    """Minor units in one whole unit of the practice currency (fixed modifiers are whole units)."""
    return 10 ** currency_digits(practice.settings()["currency"])


def _charges(s: PracticeSession, cost: int, wage: int, outcome: Outcome | None,
             override: Override | None, unit: int) -> tuple[dict[int, int], int]:
    """({client id: charge} for each booked client, wage): each client at their own price, else the
    session's cost (SPEC 2.6); a cost override charges every client the amount typed in."""
    if override is not None:
        return {p.client_id: override.cost_cents for p in s.booked}, override.wage_cents
    pay = completion_amounts(outcome, cost, wage, unit)[1]
    return {p.client_id: completion_amounts(outcome, cost if p.price_cents is None else p.price_cents, wage, unit)[0]
            for p in s.booked}, pay


def _save_one(tx: Session, practice: Practice, actor: Actor, s: PracticeSession, type_id: int | None,
              override: Override | None) -> None:
    require_session_access(actor, s.practitioner_id)
    t, label, status, outcome = _resolve(tx, actor, type_id, override)
    if s.status != SessionStatus.OPEN or _client_canceled(s):  # an open session holds a client's late cancel
        reverse_session_entries(tx, practice, actor, s, memo=f"re-saved as {label}")
    held = {p.client_id for p in s.booked if p.package_sale_id is not None}
    s.status = status
    sync_slots(tx, practice, [s])  # package slots follow the new status: canceled gives its slot back
    held |= {p.client_id for p in s.booked if p.package_sale_id is not None}
    cost, wage = _price_now(tx, s)
    charges, pay = _charges(s, cost, wage, outcome, override, _unit(practice))
    if held and override is None:  # SPEC 6.3: the whole share or nothing, and the fixed wage
        for p in s.booked:
            if p.client_id in held:
                charges[p.client_id] = package_outcome(status, p.price_cents or 0)
        pay = _fixed_wage(tx, s) if status in (SessionStatus.COMPLETED, SessionStatus.MISSED) else 0
    s.status, s.completion_type_id, s.completion_label = status, t.id if t else None, label
    s.cost_override, s.wage_cents = override is not None, pay
    s.saved_at, s.saved_by = practice.clock.now(), actor.user_id
    for p in s.participants:  # clients taken off the session are not charged; a client's own cancel keeps its charge
        if p.status != ParticipantStatus.CANCELED_BY_CLIENT:
            p.charge_cents = charges.get(p.client_id) if p.status == ParticipantStatus.BOOKED else None
    post_session_entries(tx, practice, actor, s, memo=label)
    audit.record(tx, practice, actor, "session.save", "session", s.id, label=label,
                 charge_cents=_one_or_each(charges), wage_cents=pay, override=override is not None)


def _client_canceled(s: PracticeSession) -> bool:
    """One client of the group canceled and was charged (SPEC 8): their charge is a live entry of the session."""
    return any(p.status == ParticipantStatus.CANCELED_BY_CLIENT and p.charge_cents for p in s.participants)


def _one_or_each(charges: dict[int, int]) -> int | dict[int, int]:
    """The audit's charge: one amount when every client paid the same, else per client."""
    return next(iter(set(charges.values()))) if len(set(charges.values())) == 1 else charges


def _reopen_one(tx: Session, practice: Practice, actor: Actor, s: PracticeSession) -> None:
    require_session_access(actor, s.practitioner_id)
    if s.status == SessionStatus.OPEN:
        return
    reverse_session_entries(tx, practice, actor, s, memo="set back to open")
    s.status, s.completion_type_id, s.completion_label = "open", None, None
    s.cost_override, s.wage_cents, s.saved_at, s.saved_by = False, None, None, None
    for p in s.participants:
        if p.status != ParticipantStatus.CANCELED_BY_CLIENT:
            p.charge_cents = None
    if _client_canceled(s):  # a client's own late cancel (SPEC 8) stays charged
        post_session_entries(tx, practice, actor, s, memo="client canceled")
    sync_slots(tx, practice, [s])
    audit.record(tx, practice, actor, "session.reopen", "session", s.id)


def _live_session(tx: Session, session_id: int) -> PracticeSession:
    s = tx.get(PracticeSession, session_id)
    if s is None or s.deleted_at is not None:
        raise NotFound.gone("session")
    return s


def _check_completion_input(practice: Practice, session_id, type_id, override) -> None:
    """Typed input (SPEC 0.5): ids are ints; an override is amounts in the practice currency (SPEC 0.1)."""
    validate.an_id("session", session_id)
    validate.optional_id("status", type_id)
    if override is not None:
        validate.form("cost override", override, Override)
        validate.practice_amount("cost", override.cost_cents, practice)
        validate.practice_amount("wage", override.wage_cents, practice)


def preview_completion(practice: Practice, actor: Actor, session_id: int, type_id: int | None,
                       override: Override | None = None) -> Preview:
    """What saving would charge each client and pay the practitioner, before submitting."""
    _check_completion_input(practice, session_id, type_id, override)
    with practice.read() as tx:
        s = _live_session(tx, session_id)
        require_session_access(actor, s.practitioner_id)
        _, label, _, outcome = _resolve(tx, actor, type_id, override)
        cost, wage = _price_now(tx, s)
        charges, pay = _charges(s, cost, wage, outcome, override, _unit(practice))
        charge = override.cost_cents if override else completion_amounts(outcome, cost, wage, _unit(practice))[0]
        return Preview(label, charge, len(charges), pay, tuple(charges.values()))


def _not_ended(tx: Session, practice: Practice, actor: Actor, s: PracticeSession, type_id: int | None,
               override: Override | None) -> Warning_ | None:
    """SPEC 4.7: marking a session completed or missed before it has ended asks for confirmation."""
    _, label, status, _ = _resolve(tx, actor, type_id, override)
    if status not in (SessionStatus.COMPLETED, SessionStatus.MISSED) or s.end_at <= practice.clock.now():
        return None
    end = s.end_at.astimezone(practice.tz)
    return Warning_(WarningCode.NOT_ENDED, f"This session has not ended yet: it ends on {end:%a %d %b %Y} at "
                                           f"{end:%H:%M}. Mark it {label} anyway?")


def complete_session(practice: Practice, actor: Actor, session_id: int, type_id: int | None = None,
                     override: Override | None = None, confirm: bool = True) -> SessionView:
    """Save a session with a completion type, or with a cost override. Re-saving replaces (SPEC 4.6).
    SPEC 4.7: with ``confirm=False`` (what a person's click passes), completed or missed before the
    session has ended raises NeedsConfirmation; the call repeated with ``confirm=True`` saves and
    the early save is audited. The default (True) keeps scripted callers (demo, imports) as they were."""
    _check_completion_input(practice, session_id, type_id, override)
    validate.flag("confirm", confirm)
    with practice.uow() as tx:
        s = _live_session(tx, session_id)
        require_session_access(actor, s.practitioner_id)
        early = _not_ended(tx, practice, actor, s, type_id, override)
        asks = [w for w in (early, *_on_invoice(tx, [s])) if w is not None]
        if asks and not confirm:
            raise NeedsConfirmation(asks)
        if early is not None:
            audit.record(tx, practice, actor, "session.saved_before_end", "session", s.id)
        _save_one(tx, practice, actor, s, type_id, override)
        tx.flush()
        return load_views(tx, actor, practice.tz, session_query(S.id == session_id))[0]


def reopen_session(practice: Practice, actor: Actor, session_id: int) -> SessionView:
    """Set a saved session back to open: its charges and wage are reversed."""
    validate.an_id("session", session_id)
    with practice.uow() as tx:
        _reopen_one(tx, practice, actor, _live_session(tx, session_id))
        tx.flush()
        return load_views(tx, actor, practice.tz, session_query(S.id == session_id))[0]


BULK_ACTIONS = ("complete", "reopen", "delete")


def _bulk_early_warning(tx: Session, actor: Actor, practice: Practice, early: list[PracticeSession],
                        label: str) -> Warning_:
    """One warning naming the checked sessions that have not ended yet (at most five, then "and N more")."""
    views = load_views(tx, actor, practice.tz, session_query(S.id.in_([s.id for s in early])))
    named = [f"{v.start:%a %d %b %Y %H:%M} ({', '.join(c.name for c in v.clients) or v.service_name})"
             for v in views[:5]]
    more = f" and {len(views) - 5} more" if len(views) > 5 else ""
    what = "This session has" if len(views) == 1 else f"These {len(views)} sessions have"
    return Warning_(WarningCode.NOT_ENDED, f"{what} not ended yet: {'; '.join(named)}{more}. "
                                           f"Mark {'it' if len(views) == 1 else 'them'} {label} anyway?")


def bulk_action(practice: Practice, actor: Actor, session_ids: list[int], action: str,
                type_id: int | None = None, confirm: bool = True) -> list[SessionView]:
    """Apply one action to every checked session in one transaction: all or nothing (SPEC 4.2, 5.1).
    Returns the sessions as they are afterwards (deleted ones included, marked).

    SPEC 4.7, as in ``complete_session``: with ``confirm=False`` (a person's Submit), marking any
    checked session completed or missed before it has ended raises NeedsConfirmation naming each
    such session, and nothing is saved; repeated with ``confirm=True`` every early save is audited."""
    session_ids = validate.ids("sessions", session_ids)
    validate.optional_id("status", type_id)
    validate.flag("confirm", confirm)
    require_front_desk(actor)
    validate.choice("action", action, BULK_ACTIONS)
    ids = list(dict.fromkeys(session_ids or []))
    if not ids:
        raise ValidationError("sessions", "check at least one session")
    from .deletion import delete_rows

    with practice.uow() as tx:
        rows = {s.id: s for s in tx.scalars(select(PracticeSession).where(PracticeSession.id.in_(ids)))}
        missing = [i for i in ids if i not in rows or rows[i].deleted_at is not None]
        if missing:
            raise NotFound("One of the chosen sessions no longer exists; it may have been deleted at another "
                           "workstation.")
        if action == "complete":
            early = {i: w for i in ids if (w := _not_ended(tx, practice, actor, rows[i], type_id, None))}
            invoiced = _on_invoice(tx, [rows[i] for i in ids])
            if (early or invoiced) and not confirm:
                label = _resolve(tx, actor, type_id, None)[1]
                asks = [_bulk_early_warning(tx, actor, practice, [rows[i] for i in early], label)] if early else []
                raise NeedsConfirmation(asks + invoiced)
            for i in early:
                audit.record(tx, practice, actor, "session.saved_before_end", "session", i)
        for i in ids:
            if action == "complete":
                _save_one(tx, practice, actor, rows[i], type_id, None)
            elif action == "reopen":
                _reopen_one(tx, practice, actor, rows[i])
        if action == "delete":
            delete_rows(tx, practice, actor, [rows[i] for i in ids])
        tx.flush()
        return load_views(tx, actor, practice.tz, session_query(S.id.in_(ids)))

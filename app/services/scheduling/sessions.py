"""Adding, editing and reading sessions (SPEC 2, 3). Saving/completing is in completion.py,
deleting in deletion.py."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Client, Location, Participant, PracticeSession, Practitioner, Series, Service
from ...models.enums import ParticipantStatus, Scope, SessionStatus
from ...models.sessions import STATUSES
from .. import audit, validate
from ..errors import NeedsConfirmation, NotFound, RuleViolation, ValidationError, Warning_, for_viewer
from ..money.packages import sync_slots
from ..money.prepayment import CLIENT_REFUSED_CODES, HARD_CODES, prepayment_warnings
from ..people.permissions import require_session_access
from ..practice import Actor, Practice
from . import participants
from .closures import closure_warnings
from .conflicts import find_conflicts
from .recurrence import RecurrenceInput, check, occurrence_dates
from .session_views import S, SessionView, load_views, session_query

MAX_LENGTH = timedelta(hours=24)
SCOPES = tuple(Scope)


@dataclass(frozen=True)
class SessionInput:
    """Times are the practice's wall-clock times (naive) or aware datetimes."""

    start: datetime
    end: datetime
    service_id: int
    practitioner_id: int
    client_ids: tuple[int, ...]
    location_id: int | None = None
    public_note: str = ""
    private_note: str = ""


def to_local_naive(value: datetime, tz: ZoneInfo) -> datetime:
    return value.astimezone(tz).replace(tzinfo=None) if value.tzinfo else value


def local_to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in the practice zone -> aware UTC. A time skipped by DST moves forward."""
    return naive.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))


def local_span(local_start: datetime, length: timedelta, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A wall-clock start and length -> aware UTC (start, end). The end keeps its wall-clock time,
    unless a start skipped by DST moved forward onto or past it: then the session keeps its length."""
    start, end = local_to_utc(local_start, tz), local_to_utc(local_start + length, tz)
    return (start, end) if end > start else (start, start + length)


def _clean(data: SessionInput, tz: ZoneInfo, need_clients: bool = True) -> SessionInput:
    """Typed input only (SPEC 0.5): times are datetimes in 1900-2200, ids ints, clients a list of ids."""
    if not isinstance(data, SessionInput):
        raise ValidationError("session", "is not a session form")
    validate.a_datetime("start", data.start)
    validate.a_datetime("end", data.end)
    start, end = to_local_naive(data.start, tz), to_local_naive(data.end, tz)
    if end <= start:
        raise ValidationError("end", "must be after the start")
    if end - start > MAX_LENGTH:
        raise ValidationError("end", "a session lasts at most 24 hours")
    ids = validate.ids("clients", data.client_ids)  # each once, in order
    if data.client_ids is not None and len(ids) != len(data.client_ids):
        raise ValidationError("clients", "a client is listed twice")
    if not ids and need_clients:
        raise ValidationError("clients", "choose at least one client")
    if isinstance(data.service_id, bool) or not isinstance(data.service_id, int):
        raise ValidationError("service", "choose a service")
    if isinstance(data.practitioner_id, bool) or not isinstance(data.practitioner_id, int):
        raise ValidationError("practitioner", "choose a practitioner")
    return replace(data, start=start, end=end, client_ids=ids,
                   service_id=validate.an_id("service", data.service_id),
                   practitioner_id=validate.an_id("practitioner", data.practitioner_id),
                   location_id=validate.optional_id("location", data.location_id),
                   public_note=validate.text("public note", data.public_note, 5000, required=False),
                   private_note=validate.text("private note", data.private_note, 5000, required=False))


def _check_references(tx: Session, data: SessionInput) -> None:
    _check_refs(tx, data.service_id, data.practitioner_id, data.location_id, data.client_ids)


def _check_refs(tx: Session, service_id: int | None, practitioner_id: int | None, location_id: int | None,
                client_ids) -> None:
    """Each one given must exist and not be archived (None: not being set)."""
    if service_id is not None:
        service = tx.get(Service, service_id)
        if service is None or service.archived_at is not None:
            raise ValidationError("service", "no such service (or it is archived)")
    if practitioner_id is not None:
        pract = tx.get(Practitioner, practitioner_id)
        if pract is None or pract.archived_at is not None:
            raise ValidationError("practitioner", "no such practitioner (or they are archived)")
    if location_id is not None:
        loc = tx.get(Location, location_id)
        if loc is None or loc.archived_at is not None:
            raise ValidationError("location", "no such location (or it is archived)")
    found = {c.id: c for c in tx.scalars(select(Client).where(Client.id.in_(list(client_ids))))}
    for cid in client_ids:
        if cid not in found or found[cid].archived_at is not None:
            raise ValidationError("clients", "one of the clients does not exist or is archived")


def _gate(tx: Session, practice: Practice, actor: Actor, warnings: list[Warning_], confirm: bool,
          entity_id: int | None = None) -> None:
    """Overridable rules: raise them for confirmation; staff/admin may confirm; audit the override."""
    if not warnings:
        return
    if not actor.is_front_desk:
        raise RuleViolation(" ".join(w.message for w in for_viewer(warnings, actor)))
    if not confirm:
        raise NeedsConfirmation(warnings)
    audit.record(tx, practice, actor, "session.warnings_overridden", "session", entity_id,
                 warnings=[w.message for w in warnings])


def _warnings(tx: Session, tz: ZoneInfo, slots, data: SessionInput, exclude_ids=(),
              practice: Practice | None = None) -> list[Warning_]:
    """Conflicts (SPEC 2.5) and closures (7.3), which staff may override, and, for a new booking
    (``practice`` given), the prepayment rules (6.2, 6.4)."""
    out = (find_conflicts(tx, tz, slots, data.practitioner_id, data.location_id, data.client_ids, exclude_ids)
           + closure_warnings(tx, tz, slots))
    if practice is not None:
        out += prepayment_warnings(tx, practice, data.client_ids, data.service_id, slots, exclude_ids)
    return out


def _refuse_hard_rules(warnings: list[Warning_], actor: Actor, codes=HARD_CODES) -> None:
    hard = [w for w in warnings if w.code in codes]
    if hard:
        raise RuleViolation(" ".join(w.message for w in for_viewer(hard, actor)))


def _slots(data: SessionInput, dates: list[date], tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    length = data.end - data.start
    out = []
    for d in dates:
        out.append(local_span(datetime.combine(d, data.start.time()), length, tz))
    return out


def _new_session(practice: Practice, actor: Actor, data: SessionInput, start: datetime, end: datetime,
                 series_id: int | None) -> PracticeSession:
    s = PracticeSession(start_at=start, end_at=end, service_id=data.service_id, location_id=data.location_id,
                        practitioner_id=data.practitioner_id, series_id=series_id, public_note=data.public_note,
                        private_note=data.private_note, status=SessionStatus.OPEN, cost_override=False,
                        created_at=practice.clock.now(), created_by=actor.user_id)
    s.participants = [Participant(client_id=c, status=ParticipantStatus.BOOKED.value, changed_at=s.created_at,
                                  changed_by=actor.user_id) for c in data.client_ids]
    return s


def add_session(practice: Practice, actor: Actor, data: SessionInput, recurrence: RecurrenceInput | None = None,
                confirm: bool = False) -> list[SessionView]:
    """Add a session, single or group by its number of clients (SPEC 2.2), optionally recurring
    (SPEC 3.1). Conflicts come back as NeedsConfirmation; repeat with ``confirm=True``.
    Returns every session made, the first one first."""
    validate.flag("confirm", confirm)
    data, recurrence, slots = prepare_new(practice, actor, data, recurrence)
    with practice.uow() as tx:
        ids = add_in(tx, practice, actor, data, slots, recurrence, confirm)
        return load_views(tx, actor, practice.tz, session_query(S.id.in_(ids)))


def prepare_new(practice: Practice, actor: Actor, data: SessionInput, recurrence: RecurrenceInput | None
                ) -> tuple[SessionInput, RecurrenceInput | None, list[tuple[datetime, datetime]]]:
    """A new session's form checked (bad input names its field) and the actor's access to its
    practitioner; -> the clean form, the clean recurrence and each occurrence's UTC (start, end)."""
    tz = practice.tz
    data = _clean(data, tz)
    require_session_access(actor, data.practitioner_id)
    dates = [data.start.date()]
    if recurrence is not None:
        recurrence = check(recurrence, dates[0])
        if recurrence.enabled:
            dates = occurrence_dates(dates[0], recurrence)
    return data, recurrence, _slots(data, dates, tz)


def add_in(tx: Session, practice: Practice, actor: Actor, data: SessionInput, slots: list[tuple[datetime, datetime]],
           recurrence: RecurrenceInput | None = None, confirm: bool = False,
           client_request: bool = False) -> list[int]:
    """Book what ``prepare_new`` returned inside the caller's write transaction; -> the new ids.

    ``client_request``: the booking is a client's own request recorded by the front desk (SPEC 1.1),
    so it follows the client rules: where prepayment would refuse a practitioner (6.3, 6.4) it is
    refused (RuleViolation) even for staff; conflicts and closures are asked about as for staff."""
    tz = practice.tz
    _check_references(tx, data)
    warnings = _warnings(tx, tz, slots, data, practice=practice)
    _refuse_hard_rules(warnings, actor, CLIENT_REFUSED_CODES if client_request else HARD_CODES)
    if warnings and not confirm:
        _gate(tx, practice, actor, warnings, confirm)  # raises before anything is written
    series_id = None
    if recurrence is not None:
        series = Series(weekdays=",".join(map(str, recurrence.weekdays)), freq=recurrence.freq,
                        interval=recurrence.interval, count=recurrence.count, until=recurrence.until,
                        enabled=recurrence.enabled, created_at=practice.clock.now(), created_by=actor.user_id)
        tx.add(series)
        tx.flush()
        series_id = series.id
    made = [_new_session(practice, actor, data, a, b, series_id) for a, b in slots]
    tx.add_all(made)
    tx.flush()
    _gate(tx, practice, actor, warnings, confirm, made[0].id)  # audits the override against the session
    sync_slots(tx, practice, made)  # package mode: each client takes a slot of their package (SPEC 6.3)
    audit.record(tx, practice, actor, "session.add", "session", made[0].id, count=len(made), series_id=series_id,
                 **({"client_request": True} if client_request else {}))
    return [s.id for s in made]


def check_session(practice: Practice, actor: Actor, data: SessionInput, recurrence: RecurrenceInput | None = None,
                  session_id: int | None = None, scope: str = Scope.THIS) -> list[Warning_]:
    """The warnings saving would raise (conflicts, closures, prepayment), without saving: the session
    dialog shows them while the user is still typing. ``session_id`` and ``scope``: the session being
    edited and which sessions of its series the edit reaches; an edit is checked for what it changes,
    as update_session checks it. Bad input raises ValidationError as saving would, except that no
    client chosen yet is fine here: practitioner, location and closure warnings still show."""
    session_id = validate.optional_id("session", session_id)
    validate.choice("scope", scope, SCOPES)
    tz = practice.tz
    data = _clean(data, tz, need_clients=False)
    dates = [data.start.date()]
    if recurrence is not None:
        recurrence = check(recurrence, dates[0])
        if recurrence.enabled:
            dates = occurrence_dates(dates[0], recurrence)
    with practice.read() as tx:
        if session_id is not None:  # an edit: what the edit changes, on every session of its scope
            s = _editable(tx, actor, session_id)
            plan = _plan(tx, actor, s, data, scope, tz)
            _check_plan_references(tx, plan)
            return for_viewer(_plan_warnings(tx, practice, plan), actor)
        _check_references(tx, data)
        return for_viewer(_warnings(tx, tz, _slots(data, dates, tz), data, practice=practice), actor)


def get_session(practice: Practice, actor: Actor, session_id: int) -> SessionView:
    validate.an_id("session", session_id)
    with practice.read() as tx:
        views = load_views(tx, actor, practice.tz, session_query(S.id == session_id))
    if not views:
        raise NotFound.gone("session")
    require_session_access(actor, views[0].practitioner_id)
    return views[0]


@dataclass(frozen=True)
class SessionFilter:
    """Calendar filters; an empty tuple means "all"."""

    practitioner_ids: tuple[int, ...] = ()
    location_ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()


def list_sessions(practice: Practice, actor: Actor, start: datetime, end: datetime,
                  practitioner_ids: list[int] | None = None, where_filter: SessionFilter | None = None
                  ) -> list[SessionView]:
    """Live sessions starting in [start, end), one query. A practitioner sees only their own."""
    start, end, f = checked_range(practice, start, end, practitioner_ids, where_filter)
    where = [S.deleted_at.is_(None), S.start_at >= start, S.start_at < end]
    if actor.role == "practitioner":
        where.append(S.practitioner_id == actor.practitioner_id)
    elif f.practitioner_ids:
        where.append(S.practitioner_id.in_(f.practitioner_ids))
    if f.location_ids:
        where.append(S.location_id.in_(f.location_ids))
    if f.service_ids:
        where.append(S.service_id.in_(f.service_ids))
    if f.statuses:
        where.append(S.status.in_(f.statuses))
    with practice.read() as tx:
        return load_views(tx, actor, practice.tz, session_query(*where))


def checked_range(practice: Practice, start: datetime, end: datetime, practitioner_ids, where_filter
                  ) -> tuple[datetime, datetime, SessionFilter]:
    """A calendar range's arguments checked: aware (start, end) and the filter to apply."""
    start, end = validate.moment("start", start, practice.tz), validate.moment("end", end, practice.tz)
    practitioner_ids = validate.ids("practitioners", practitioner_ids)
    if where_filter is not None and not isinstance(where_filter, SessionFilter):
        raise ValidationError("filter", "is not a calendar filter")
    for name in ("practitioner_ids", "location_ids", "service_ids") if where_filter is not None else ():
        validate.ids(name.replace("_ids", "s"), getattr(where_filter, name))
    if where_filter is not None:
        validate.choices("statuses", where_filter.statuses, STATUSES)
    return start, end, where_filter or SessionFilter(practitioner_ids=tuple(practitioner_ids or ()))


def list_series(practice: Practice, actor: Actor, series_id: int) -> list[SessionView]:
    validate.an_id("series", series_id)
    where = [S.series_id == series_id, S.deleted_at.is_(None)]
    if actor.role == "practitioner":
        where.append(S.practitioner_id == actor.practitioner_id)
    with practice.read() as tx:
        return load_views(tx, actor, practice.tz, session_query(*where))


def scope_targets(tx: Session, s: PracticeSession, scope: str) -> list[PracticeSession]:
    """The sessions an edit or delete of ``s`` reaches (SPEC 3.4), in time order."""
    validate.choice("scope", scope, SCOPES)
    if scope == Scope.THIS or s.series_id is None:
        return [s]
    q = select(PracticeSession).where(PracticeSession.series_id == s.series_id,
                                      PracticeSession.deleted_at.is_(None)).order_by(PracticeSession.start_at)
    if scope == Scope.FOLLOWING:
        q = q.where(PracticeSession.start_at >= s.start_at)
    return list(tx.scalars(q))


EDIT_FIELDS = ("service_id", "practitioner_id", "location_id", "public_note", "private_note")
_AUDIT_NAMES = {"service_id": "service", "practitioner_id": "practitioner", "location_id": "location"}


@dataclass
class _Target:
    """One session an edit reaches, and what changes on it."""

    session: PracticeSession
    start: datetime  # aware UTC, as it will be
    end: datetime
    values: dict[str, object]  # field -> new value, only the fields that change here
    add: list[int]  # clients booked by the edit
    remove: list[int]  # clients taken off

    @property
    def moves(self) -> bool:
        return (self.start, self.end) != (self.session.start_at, self.session.end_at)

    @property
    def changes_charges(self) -> bool:
        """Time, service, practitioner or clients: what a saved session's charges are a snapshot of."""
        return (self.moves or bool(self.add or self.remove)
                or bool({"service_id", "practitioner_id"} & self.values.keys()))

    @property
    def changes(self) -> bool:
        return self.changes_charges or bool(self.values)

    def after(self, field: str):
        return self.values.get(field, getattr(self.session, field))

    def clients_after(self) -> list[int]:
        booked = [p.client_id for p in self.session.booked if p.client_id not in self.remove]
        return booked + [c for c in self.add if c not in booked]


def _editable(tx: Session, actor: Actor, session_id: int) -> PracticeSession:
    s = tx.get(PracticeSession, session_id)
    if s is None or s.deleted_at is not None:
        raise NotFound.gone("session")
    require_session_access(actor, s.practitioner_id)
    return s


def _plan(tx: Session, actor: Actor, s: PracticeSession, data: SessionInput, scope: str,
          tz: ZoneInfo) -> list[_Target]:
    """What an edit of ``s`` does to each session of its scope (SPEC 3.4).

    ``s`` takes the form as typed. The others take only what the user changed on ``s``, and a field
    only where they held what ``s`` held before (their own note, location, service or practitioner
    stays); a time change moves each by the same wall-clock change (a session moved on its own
    keeps its offset; DST keeps wall times, SPEC 0.2); clients added are added, clients taken off
    are marked removed where they were booked (never leaving a session without a client). A
    practitioner's edit leaves sessions of other practitioners alone (SPEC 1.1). A saved session
    keeps its charges' snapshot: changing those on ``s`` is refused, other saved ones are skipped."""
    require_session_access(actor, data.practitioner_id)
    validate.choice("scope", scope, SCOPES)
    old = {f: getattr(s, f) for f in EDIT_FIELDS}
    changed = {f: data_value for f in EDIT_FIELDS if (data_value := getattr(data, f)) != old[f]}
    old_start, old_end = to_local_naive(s.start_at, tz), to_local_naive(s.end_at, tz)
    d_start, d_end = data.start - old_start, data.end - old_end
    booked = [p.client_id for p in s.booked]
    added = [c for c in data.client_ids if c not in booked]
    removed = [c for c in booked if c not in data.client_ids]
    plan = []
    for t in scope_targets(tx, s, scope):
        if t is s:
            start, end = local_span(data.start, data.end - data.start, tz)
            target = _Target(t, start, end, changed.copy(), added, removed)
        else:
            if not actor.is_front_desk and t.practitioner_id != actor.practitioner_id:
                continue  # another practitioner's session: never reached by this practitioner's edit
            start, end = t.start_at, t.end_at
            if d_start or d_end:
                a, b = to_local_naive(t.start_at, tz), to_local_naive(t.end_at, tz)
                length = (b - a) + (d_end - d_start)
                if not timedelta(0) < length <= MAX_LENGTH:
                    raise ValidationError("end", f"the session on {a + d_start:%a %d %b %Y} would end before it "
                                                 "starts or last more than 24 hours; edit it on its own")
                start, end = local_span(a + d_start, length, tz)
            own = [p.client_id for p in t.booked]
            take_off = [c for c in removed if c in own]
            book_on = [c for c in added if c not in own]
            if not book_on and len(take_off) == len(own):
                take_off = []  # the last client stays: a session always has one
            target = _Target(t, start, end, {f: v for f, v in changed.items() if getattr(t, f) == old[f]},
                             book_on, take_off)
            if not target.changes:
                continue
        if t.status != SessionStatus.OPEN and target.changes_charges:
            if t is s:
                raise RuleViolation(
                    f"This session is saved ({t.completion_label}). Set it back to open before changing "
                    "its time, service, practitioner or clients; its notes and location can be changed.")
            continue
        plan.append(target)
    return plan


def _check_plan_references(tx: Session, plan: list[_Target]) -> None:
    """What the edit brings in must exist and be live; what the sessions already have may be archived."""
    values = {k: v for t in plan for k, v in t.values.items()}
    _check_refs(tx, values.get("service_id"), values.get("practitioner_id"), values.get("location_id"),
                sorted({c for t in plan for c in t.add}))


def _plan_warnings(tx: Session, practice: Practice, plan: list[_Target]) -> list[Warning_]:
    """The rules of booking for what the edit changes (SPEC 3.4): a session that moves is checked
    whole (conflicts, closures); one that does not is checked for what it gains: a new practitioner,
    location or client (conflicts), and an added client for closures and prepayment (6.2, 6.4)."""
    tz = practice.tz
    exclude = [t.session.id for t in plan]
    conflict_groups: dict[tuple, list] = {}
    closure_slots, prepay_groups = [], {}
    for t in plan:
        slot = (t.start, t.end)
        if t.moves:
            key = (t.after("practitioner_id"), t.after("location_id"), tuple(t.clients_after()))
        else:
            key = (t.values.get("practitioner_id"), t.values.get("location_id"), tuple(t.add))
        if key != (None, None, ()):
            conflict_groups.setdefault(key, []).append(slot)
        if t.moves or t.add:
            closure_slots.append(slot)
        if t.add:
            prepay_groups.setdefault((t.after("service_id"), tuple(t.add)), []).append(slot)
    out: list[Warning_] = []
    for (practitioner_id, location_id, client_ids), slots in conflict_groups.items():
        out += find_conflicts(tx, tz, slots, practitioner_id, location_id, client_ids, exclude)
    out += closure_warnings(tx, tz, closure_slots)
    for (service_id, client_ids), slots in prepay_groups.items():
        out += prepayment_warnings(tx, practice, client_ids, service_id, slots, exclude)
    return list(dict.fromkeys(out))  # one warning once, in order


def _local(value: datetime, tz: ZoneInfo) -> str:
    return f"{value.astimezone(tz):%Y-%m-%d %H:%M %Z}"


def _client_names(tx: Session, ids) -> list[str]:
    return sorted(f"{c.first_name} {c.last_name}" for c in tx.scalars(select(Client).where(Client.id.in_(list(ids)))))


def _apply(tx: Session, practice: Practice, actor: Actor, t: _Target) -> dict:
    """Write one target; -> its changes, each with its value before and after."""
    s, tz, now = t.session, practice.tz, practice.clock.now()
    changes = {}
    for name, before, after in (("start", s.start_at, t.start), ("end", s.end_at, t.end)):
        if before != after:
            changes[name] = {"before": _local(before, tz), "after": _local(after, tz)}
    s.start_at, s.end_at = t.start, t.end
    for field, value in t.values.items():
        changes[_AUDIT_NAMES.get(field, field)] = {"before": getattr(s, field), "after": value}
        setattr(s, field, value)
    if t.add or t.remove:
        before = _client_names(tx, [p.client_id for p in s.booked])
        for c in t.remove:
            participants.remove(s, c, actor, now)
        for c in t.add:
            participants.book(s, c, actor, now)
        changes["clients"] = {"before": before, "after": _client_names(tx, [p.client_id for p in s.booked])}
    return changes


def update_session(practice: Practice, actor: Actor, session_id: int, data: SessionInput, scope: str = Scope.THIS,
                   confirm: bool = False) -> list[SessionView]:
    """Edit a session, or it and the following ones, or its whole series (SPEC 3.4).

    The edited session takes the form as typed; the others in scope take only what the user changed
    (see _plan). Every rule of booking applies to what the edit brings (conflicts, closures,
    prepayment, permissions); a practitioner's edit reaches only their own sessions. Each changed
    session is audited with every changed field's value before and after. Returns the sessions
    changed, in time order (the edited one always)."""
    validate.an_id("session", session_id)
    validate.flag("confirm", confirm)
    tz = practice.tz
    data = _clean(data, tz)
    validate.choice("scope", scope, SCOPES)
    with practice.uow() as tx:
        s = _editable(tx, actor, session_id)
        plan = _plan(tx, actor, s, data, scope, tz)
        _check_plan_references(tx, plan)
        warnings = _plan_warnings(tx, practice, plan)
        _refuse_hard_rules(warnings, actor)
        _gate(tx, practice, actor, warnings, confirm, s.id)
        ids = [t.session.id for t in plan]
        for t in plan:
            changes = _apply(tx, practice, actor, t)
            extra = {"ids": ids} if t.session is s else {"edited": s.id}
            audit.record(tx, practice, actor, "session.update", "session", t.session.id, scope=scope,
                         changes=changes, **extra)
        sync_slots(tx, practice, [t.session for t in plan])
        return load_views(tx, actor, tz, session_query(S.id.in_(ids)))


def enable_series(practice: Practice, actor: Actor, series_id: int, confirm: bool = False) -> list[SessionView]:
    """Apply a schedule saved without 'enabled' (SPEC 3.1): make the occurrences after the first."""
    validate.an_id("series", series_id)
    validate.flag("confirm", confirm)
    tz = practice.tz
    with practice.uow() as tx:
        series = tx.get(Series, series_id)
        if series is None:
            raise NotFound.gone("series")
        if series.enabled:
            raise RuleViolation("This schedule is already enabled.")
        first = tx.scalar(select(PracticeSession).where(PracticeSession.series_id == series_id,
                                                        PracticeSession.deleted_at.is_(None))
                          .order_by(PracticeSession.start_at).limit(1))
        if first is None:
            raise RuleViolation("This schedule has no first session left to repeat.")
        require_session_access(actor, first.practitioner_id)
        data = SessionInput(start=to_local_naive(first.start_at, tz), end=to_local_naive(first.end_at, tz),
                            service_id=first.service_id, practitioner_id=first.practitioner_id,
                            client_ids=tuple(p.client_id for p in first.booked),
                            location_id=first.location_id, public_note=first.public_note,
                            private_note=first.private_note)
        rec = RecurrenceInput(tuple(int(d) for d in series.weekdays.split(",")), series.freq, series.interval,
                              series.count, series.until, True)
        dates = occurrence_dates(data.start.date(), rec)[1:]
        slots = _slots(data, dates, tz)
        warnings = _warnings(tx, tz, slots, data, exclude_ids=[first.id], practice=practice)
        _refuse_hard_rules(warnings, actor)
        _gate(tx, practice, actor, warnings, confirm, first.id)
        series.enabled = True
        made = [_new_session(practice, actor, data, a, b, series_id) for a, b in slots]
        tx.add_all(made)
        tx.flush()
        sync_slots(tx, practice, made)
        audit.record(tx, practice, actor, "series.enable", "series", series_id, count=len(made))
        return load_views(tx, actor, tz, session_query(S.id.in_([first.id] + [m.id for m in made])))


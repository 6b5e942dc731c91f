"""The sessions list and the open-sessions list (SPEC 4.2, 4.5, 5.1): filtered, sorted, read in
keyset pages so that 200,000 sessions open at once.

A page is found by its sort key, never by an offset: ``WHERE (start_at, id) > (?, ?) ORDER BY
start_at, id LIMIT n`` (by date), or ``(last_name, first_name, client_id, start_at, id) > (...)``
by client. Sorted by client, a group session is listed once under each of its clients (its
clients are then listed with that client first); a session whose clients were all taken off is
listed only when sorted by date. The rows are the ``SessionView`` values of session_views.py.

The bulk actions themselves live in completion.py (``bulk_action``: one transaction, all or
nothing); this module says which actions a list offers and which sessions an action would mark
completed or missed before they have ended (SPEC 4.7 asks first).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, literal, or_, select, true, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Join

from ...models import Client, CompletionType, Location, Participant, Practitioner, Service
from ...models.enums import ParticipantStatus, Role, SessionStatus
from .. import validate
from ..errors import ValidationError
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from .completion import list_completion_types
from .session_views import S, SessionView, load_views, session_query

PAGE = 200
SORTS = ("date", "client")
TEXT_MAX = 100
BOOKED = ParticipantStatus.BOOKED.value


@dataclass(frozen=True)
class ListFilter:
    """What the sessions list shows; None / "" means "any"."""

    first_day: date | None = None  # local dates, both included
    last_day: date | None = None
    practitioner_id: int | None = None
    client_id: int | None = None
    location_id: int | None = None
    status: str | None = None  # open | completed | canceled | missed (a custom type counts as its base)
    completion_type_id: int | None = None  # one completion type (e.g. "Late Cancel")
    text: str = ""  # in a client's, service's, practitioner's or location's name, or the public note


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts. Opaque to callers: hand back the one a page gave."""

    sort: str
    descending: bool
    key: tuple


@dataclass(frozen=True)
class SessionPage:
    rows: tuple[SessionView, ...]
    next: Cursor | None  # None: this was the last page


@dataclass(frozen=True)
class ListAction:
    """One entry of a list's action drop-down."""

    key: str  # "complete" | "reopen" | "delete" (completion.BULK_ACTIONS)
    label: str
    type_id: int | None = None  # the completion type, for "complete"
    base_status: str | None = None


# --- the query -----------------------------------------------------------------------------------
class _CrossJoin(Join):
    """``a CROSS JOIN b``: standard SQL; on SQLite it also fixes the join order, so that a list
    sorted by client walks the clients in name order and stops after one page."""

    inherit_cache = True


@compiles(_CrossJoin)
def _compile_cross_join(element, compiler, **kw):
    kw["asfrom"] = True
    return (f"{compiler.process(element.left, **kw)} CROSS JOIN "
            f"{compiler.process(element.right, **kw)}")


def _like(value: str):
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _clean_filter(practice: Practice, f: ListFilter) -> ListFilter:
    if not isinstance(f, ListFilter):
        raise ValidationError("filter", "is not a sessions-list filter")
    first, last = validate.optional_date("from", f.first_day), validate.optional_date("to", f.last_day)
    if first and last and last < first:
        raise ValidationError("to", "is before the From date")
    if f.status is not None:
        validate.choice("status", f.status, tuple(SessionStatus))
    for name in ("practitioner", "client", "location"):
        validate.optional_id(name, getattr(f, f"{name}_id"))
    validate.optional_id("status", f.completion_type_id)
    return replace(f, text=validate.text("search", f.text, TEXT_MAX, required=False))


def _where(practice: Practice, actor: Actor, f: ListFilter) -> list:
    tz = practice.tz
    where = [S.deleted_at.is_(None)]
    if actor.role != Role.ADMIN and actor.role != Role.STAFF:  # a practitioner sees only their own
        where.append(S.practitioner_id == (actor.practitioner_id if actor.role == Role.PRACTITIONER else -1))
    if f.first_day:
        where.append(S.start_at >= datetime.combine(f.first_day, time(), tzinfo=tz))
    if f.last_day:
        where.append(S.start_at < datetime.combine(f.last_day + timedelta(days=1), time(), tzinfo=tz))
    if f.practitioner_id:
        where.append(S.practitioner_id == f.practitioner_id)
    if f.location_id:
        where.append(S.location_id == f.location_id)
    if f.status:
        where.append(S.status == f.status)
    if f.completion_type_id:
        where.append(S.completion_type_id == f.completion_type_id)
    # subqueries use their own aliases: a list sorted by client has client and participant in its FROM
    p, c = aliased(Participant), aliased(Client)
    if f.client_id:
        where.append(S.id.in_(select(p.session_id).where(p.client_id == f.client_id, p.status == BOOKED)))
    if f.text:
        pattern = _like(f.text)

        def named(column):
            return column.ilike(pattern, escape="\\")

        where.append(or_(
            named(S.public_note),
            S.service_id.in_(select(Service.id).where(named(Service.name))),
            S.practitioner_id.in_(select(Practitioner.id).where(named(Practitioner.name))),
            S.location_id.in_(select(Location.id).where(named(Location.name))),
            S.id.in_(select(p.session_id).where(p.status == BOOKED, p.client_id.in_(
                select(c.id).where(named(c.first_name + " " + c.last_name))))),
        ))
    return where


def _after(columns, key: tuple, descending: bool):
    """Rows after ``key`` in the order of ``columns``; the first column also as a plain range,
    so that SQLite seeks in its index instead of testing every row. The key's values are bound
    with their columns' types (a time is stored in UTC)."""
    values = [literal(v, c.type) for c, v in zip(columns, key, strict=True)]
    first = columns[0] <= values[0] if descending else columns[0] >= values[0]
    rest = tuple_(*columns) < tuple_(*values) if descending else tuple_(*columns) > tuple_(*values)
    return and_(first, rest)


def _page(practice: Practice, actor: Actor, where: list, sort: str, descending: bool,
          after: Cursor | None, limit: int, f: ListFilter | None = None) -> SessionPage:
    validate.choice("sort", sort, SORTS)
    validate.flag("descending", descending)
    validate.whole("page size", limit, 1, 5000)
    if after is not None and (not isinstance(after, Cursor) or after.sort != sort or after.descending != descending):
        raise ValidationError("page", "does not belong to this list; start again from the first page")
    with practice.read() as tx:
        if sort == "date":
            cols = (S.start_at, S.id)
            order = tuple(c.desc() for c in cols) if descending else cols
            if after is not None:
                where = [*where, _after(cols, after.key, descending)]
            rows = load_views(tx, actor, practice.tz, session_query(*where, order=order, limit=limit))
            nxt = Cursor(sort, descending, (rows[-1].start, rows[-1].id)) if len(rows) == limit else None
            return SessionPage(tuple(rows), nxt)
        cols = (Client.last_name, Client.first_name, Client.id, S.start_at, S.id)
        order = tuple(c.desc() for c in cols) if descending else cols
        if after is not None:
            where = [*where, _after(cols, after.key, descending)]
        if f is not None and f.client_id:
            where = [*where, Client.id == f.client_id]  # listed under that client only
        if f is not None and (f.first_day or f.last_day):  # a date range: SQLite starts from its sessions
            frm = Client.__table__.join(Participant.__table__, true()).join(S.__table__, true())
        else:  # else from the clients in name order, stopping after one page
            frm = _CrossJoin(_CrossJoin(Client.__table__, Participant.__table__, true()), S.__table__, true())
        keys = tx.execute(select(*cols).select_from(frm)
                          .where(Participant.client_id == Client.id, Participant.is_booked(),
                                 Participant.session_id == S.id, *where)
                          .order_by(*order).limit(limit)).all()
        views = {v.id: v for v in load_views(tx, actor, practice.tz,
                                             session_query(S.id.in_({k[4] for k in keys})))}
    rows = []
    for k in keys:
        v = views[k[4]]
        if len(v.clients) > 1:  # the client it is listed under first
            v = replace(v, clients=tuple(sorted(v.clients, key=lambda c, cid=k[2]: c.id != cid)))
        rows.append(v)
    nxt = Cursor(sort, descending, tuple(keys[-1])) if len(keys) == limit else None
    return SessionPage(tuple(rows), nxt)


# --- the two lists -------------------------------------------------------------------------------
def list_page(practice: Practice, actor: Actor, f: ListFilter | None = None, sort: str = "date",
              descending: bool = False, after: Cursor | None = None, limit: int = PAGE) -> SessionPage:
    """One page of Sessions > Sessions List. A practitioner sees only their own sessions."""
    f = _clean_filter(practice, f or ListFilter())
    return _page(practice, actor, _where(practice, actor, f), sort, descending, after, limit, f)


def _open_where(practice: Practice, actor: Actor) -> list:
    now = practice.clock.now()
    return [*_where(practice, actor, ListFilter()), S.status == SessionStatus.OPEN.value,
            S.start_at < now, S.end_at <= now]


def open_page(practice: Practice, actor: Actor, sort: str = "date", descending: bool = True,
              after: Cursor | None = None, limit: int = PAGE) -> SessionPage:
    """One page of Sessions > Open Sessions: past sessions not saved yet (status open, ended by now),
    the most recent first."""
    return _page(practice, actor, _open_where(practice, actor), sort, descending, after, limit)


def count(practice: Practice, actor: Actor, f: ListFilter | None = None) -> int:
    """How many sessions the sessions list shows with this filter (each session once)."""
    f = _clean_filter(practice, f or ListFilter())
    with practice.read() as tx:
        return tx.scalar(select(func.count()).select_from(S).where(*_where(practice, actor, f)))


def count_open(practice: Practice, actor: Actor) -> int:
    with practice.read() as tx:
        return tx.scalar(select(func.count()).select_from(S).where(*_open_where(practice, actor)))


# --- actions -------------------------------------------------------------------------------------
def list_actions(practice: Practice, actor: Actor, open_list: bool = False) -> list[ListAction]:
    """The action drop-down: every switched-on status, then (not in the open-sessions list, SPEC
    4.5) the custom types, then Set back to open and Delete. Empty for a practitioner: bulk
    changes are for admin and staff."""
    validate.flag("open sessions list", open_list)
    if not actor.is_front_desk:
        return []
    types = list_completion_types(practice, actor, enabled_only=True)
    out = [ListAction("complete", t.label, t.id, t.base_status) for t in types if t.is_default]
    if not open_list:
        out += [ListAction("complete", t.label, t.id, t.base_status) for t in types if not t.is_default]
        out.append(ListAction("reopen", "Open (not saved)"))
    out.append(ListAction("delete", "Delete"))
    return out


def not_ended(practice: Practice, actor: Actor, session_ids: list[int], action: ListAction) -> list[SessionView]:
    """The checked sessions that ``action`` would mark completed or missed before they have ended
    (SPEC 4.7: ask first). Empty for any other action."""
    session_ids = validate.ids("sessions", session_ids)
    if not isinstance(action, ListAction):
        raise ValidationError("action", "choose an action")
    require_front_desk(actor)
    if action.key != "complete" or action.base_status not in (SessionStatus.COMPLETED, SessionStatus.MISSED):
        return []
    if action.type_id is not None:
        with practice.read() as tx:
            t = tx.get(CompletionType, action.type_id)
            if t is None or t.base_status not in (SessionStatus.COMPLETED, SessionStatus.MISSED):
                return []
    if not session_ids:
        return []
    with practice.read() as tx:
        return load_views(tx, actor, practice.tz, session_query(
            S.id.in_(session_ids), S.deleted_at.is_(None), S.end_at > practice.clock.now()))

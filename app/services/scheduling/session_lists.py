"""The sessions list and the open-sessions list (SPEC 4.2, 4.5, 5.1): filtered, sorted, read in
keyset pages so that 200,000 sessions open at once.

A page is found by its sort key, never by an offset: ``WHERE (start_at, id) > (?, ?) ORDER BY
start_at, id LIMIT n`` (by date), or ``(last_name, first_name, client_id, start_at, id) > (...)``
by client. Sorted by client, a group session is listed once under each of its clients (its
clients are then listed with that client first); a session whose clients were all taken off is
listed only when sorted by date.

A row is a ``ListRow``: just what the lists show (when, clients, service, practitioner, location,
status), read with one Core SELECT of plain tuples per page. It holds no notes, costs or wages, so
nothing a practitioner may not see (a private note, SPEC 2.4) is in it; the full ``SessionView``
of session_views.py is for the session view and the forms.

The bulk actions themselves live in completion.py (``bulk_action``: one transaction, all or
nothing); this module says which actions a list offers and which sessions an action would mark
completed or missed before they have ended (SPEC 4.7 asks first).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, and_, bindparam, func, or_, select, true, tuple_, type_coerce
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


class ClientName(NamedTuple):
    id: int
    name: str  # "First Last"


class ListRow(NamedTuple):
    """One row of a sessions list. A NamedTuple: 200,000 of them are cheap to build and hold."""

    id: int
    start: datetime  # aware, practice time zone
    end: datetime
    clients: tuple[ClientName, ...]  # booked clients by last name; sorted by client, the one listed under first
    service_name: str
    practitioner_name: str
    location_name: str  # "" without a location
    status: str  # open | completed | canceled | missed
    completion_label: str | None  # the label it was saved with (a custom type's own)

    @property
    def label(self) -> str:
        """The status as people read it: the completion label once saved, else 'Open'."""
        return self.completion_label or self.status.capitalize()

    @property
    def client_names(self) -> str:
        return ", ".join(c.name for c in self.clients)

    @classmethod
    def of_view(cls, v: SessionView) -> ListRow:
        """The row of a session read in full (e.g. what a bulk action returns)."""
        return cls(v.id, v.start, v.end, tuple(ClientName(c.id, c.name) for c in v.clients), v.service_name,
                   v.practitioner_name, v.location_name, v.status, v.completion_label)


@dataclass(frozen=True)
class SessionPage:
    rows: tuple[ListRow, ...]
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


def _where(tz: ZoneInfo, actor: Actor, f: ListFilter) -> list:
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


def _open_where(tz: ZoneInfo, actor: Actor) -> list:
    """Past sessions not saved yet; ``now`` is bound when the statement runs."""
    now = bindparam("now", type_=S.start_at.type)
    return [*_where(tz, actor, ListFilter()), S.status == SessionStatus.OPEN.value, S.start_at < now, S.end_at <= now]


def _after(columns, descending: bool):
    """Rows after the key ``k0, k1, ...`` (bound when the statement runs) in the order of
    ``columns``; the first column also as a plain range, so that SQLite seeks in its index instead
    of testing every row. The key's values are bound with their columns' types (a time is stored in
    UTC)."""
    values = [bindparam(f"k{i}", type_=c.type) for i, c in enumerate(columns)]
    first = columns[0] <= values[0] if descending else columns[0] >= values[0]
    rest = tuple_(*columns) < tuple_(*values) if descending else tuple_(*columns) > tuple_(*values)
    return and_(first, rest)


# The start and end come without UTCDateTime's per-value step: a page has a row per client, and
# each session's two times are made aware and local once, in _read_rows.
_ROW_COLUMNS = (S.id, type_coerce(S.start_at, DateTime()), type_coerce(S.end_at, DateTime()), S.status,
                S.completion_label, Service.name, Practitioner.name, Location.name, Participant.client_id,
                Client.first_name, Client.last_name)
DATE_KEY = (S.start_at, S.id)
CLIENT_KEY = (Client.last_name, Client.first_name, Client.id, S.start_at, S.id)


def _row_query(*where, order=DATE_KEY, limit: int | None = None):
    """One SELECT of plain tuples, a row per (session, booked client). With ``limit`` the sessions
    are chosen first (a subquery), so that a page never cuts a group."""
    q = (select(*_ROW_COLUMNS)
         .join(Service, Service.id == S.service_id)
         .join(Practitioner, Practitioner.id == S.practitioner_id)
         .outerjoin(Location, Location.id == S.location_id)
         .outerjoin(Participant, and_(Participant.session_id == S.id, Participant.is_booked()))
         .outerjoin(Client, Client.id == Participant.client_id))
    if limit is not None:
        q = q.where(S.id.in_(select(S.id).where(*where).order_by(*order).limit(limit).scalar_subquery()))
    else:
        q = q.where(*where)
    return q.order_by(*order, Client.last_name, Client.first_name, Client.id)


_ROWS_BY_ID = _row_query(S.id.in_(bindparam("ids", expanding=True)))


@lru_cache(maxsize=64)
def _statement(kind: str, tz: ZoneInfo, actor: Actor, f: ListFilter, sort: str, descending: bool, paged: bool,
               limit: int):
    """The SELECT of one page, built once per list and order; the key a page starts after
    (``k0``..) and, in the open-sessions list, ``now`` are bound when it runs. Sorted by date it
    reads the rows themselves; sorted by client, the keys of the page's rows."""
    where = _open_where(tz, actor) if kind == "open" else _where(tz, actor, f)
    cols = DATE_KEY if sort == "date" else CLIENT_KEY
    order = tuple(c.desc() for c in cols) if descending else cols
    if paged:
        where.append(_after(cols, descending))
    if sort == "date":
        return _row_query(*where, order=order, limit=limit)
    if f.client_id:
        where.append(Client.id == f.client_id)  # listed under that client only
    if f.first_day or f.last_day:  # a date range: SQLite starts from its sessions
        frm = Client.__table__.join(Participant.__table__, true()).join(S.__table__, true())
    else:  # else from the clients in name order, stopping after one page
        frm = _CrossJoin(_CrossJoin(Client.__table__, Participant.__table__, true()), S.__table__, true())
    return (select(*cols).select_from(frm)
            .where(Participant.client_id == Client.id, Participant.is_booked(), Participant.session_id == S.id,
                   *where)
            .order_by(*order).limit(limit))


_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__: a page has hundreds


def _read_rows(conn, tz: ZoneInfo, query, params=None) -> list[ListRow]:
    """The query's rows grouped by session, in its order. A stored time is naive UTC on SQLite and
    aware on PostgreSQL; each session's two are made local once."""
    grouped: list = []
    last = None
    for sid, start, end, status, label, service, practitioner, location, cid, first, last_name in (
            conn.execute(query, params).all()):
        if sid != last:
            last, clients = sid, []
            grouped.append((sid, start, end, clients, service, practitioner, location, status, label))
        if cid is not None:  # a session whose clients were all taken off still shows
            clients.append(_tuple(ClientName, (cid, f"{first} {last_name}")))
    rows = []
    for sid, start, end, clients, service, practitioner, location, status, label in grouped:
        if start.tzinfo is None:
            start, end = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC)
        rows.append(_tuple(ListRow, (sid, start.astimezone(tz), end.astimezone(tz), tuple(clients), service,
                                     practitioner, location or "", status, label)))
    return rows


def _page(practice: Practice, actor: Actor, kind: str, f: ListFilter, sort: str, descending: bool,
          after: Cursor | None, limit: int) -> SessionPage:
    validate.choice("sort", sort, SORTS)
    validate.flag("descending", descending)
    validate.whole("page size", limit, 1, 5000)
    if after is not None and (not isinstance(after, Cursor) or after.sort != sort or after.descending != descending):
        raise ValidationError("page", "does not belong to this list; start again from the first page")
    tz = practice.tz
    query = _statement(kind, tz, actor, f, sort, descending, after is not None, limit)
    params = {f"k{i}": v for i, v in enumerate(after.key)} if after is not None else {}
    if kind == "open":
        params["now"] = practice.clock.now()
    with practice.read() as tx:
        conn = tx.connection()
        if sort == "date":
            rows = _read_rows(conn, tz, query, params)
            nxt = Cursor(sort, descending, (rows[-1].start, rows[-1].id)) if len(rows) == limit else None
            return SessionPage(tuple(rows), nxt)
        keys = conn.execute(query, params).all()
        found = {r.id: r for r in _read_rows(conn, tz, _ROWS_BY_ID, {"ids": list({k[4] for k in keys})})}
    rows = []
    for k in keys:
        r = found[k[4]]
        if len(r.clients) > 1:  # the client it is listed under first
            r = r._replace(clients=tuple(sorted(r.clients, key=lambda c, cid=k[2]: c.id != cid)))
        rows.append(r)
    nxt = Cursor(sort, descending, tuple(keys[-1])) if len(keys) == limit else None
    return SessionPage(tuple(rows), nxt)


# --- the two lists -------------------------------------------------------------------------------
def list_page(practice: Practice, actor: Actor, f: ListFilter | None = None, sort: str = "date",
              descending: bool = False, after: Cursor | None = None, limit: int = PAGE) -> SessionPage:
    """One page of Sessions > Sessions List. A practitioner sees only their own sessions."""
    f = _clean_filter(practice, f or ListFilter())
    return _page(practice, actor, "list", f, sort, descending, after, limit)


def open_page(practice: Practice, actor: Actor, sort: str = "date", descending: bool = True,
              after: Cursor | None = None, limit: int = PAGE) -> SessionPage:
    """One page of Sessions > Open Sessions: past sessions not saved yet (status open, ended by now),
    the most recent first."""
    return _page(practice, actor, "open", ListFilter(), sort, descending, after, limit)


def count(practice: Practice, actor: Actor, f: ListFilter | None = None) -> int:
    """How many sessions the sessions list shows with this filter (each session once)."""
    f = _clean_filter(practice, f or ListFilter())
    with practice.read() as tx:
        return tx.scalar(select(func.count()).select_from(S).where(*_where(practice.tz, actor, f)))


def count_open(practice: Practice, actor: Actor) -> int:
    with practice.read() as tx:
        return tx.scalar(select(func.count()).select_from(S).where(*_open_where(practice.tz, actor)),
                         {"now": practice.clock.now()})


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

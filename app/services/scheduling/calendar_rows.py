"""What the calendar draws for a range: light rows, a fixed few SQL statements (SPEC 2.1 calendar; issue 17).

``sessions.list_sessions`` builds a full ``SessionView`` per session (prices, wages, notes, every
client's charge and price), which a week, month or day switch does not show. ``calendar_rows``
reads only what a block, a month line, a tooltip and the day agenda show, as tuples: on a
200,000-session practice that is most of a range switch's time. The pop-up and the session
window still load the full ``SessionView`` of the one session clicked (``sessions.get_session``).
"""
from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    case,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.types import NullType

from .. import validate
from ..driver_select import DriverSelect
from ..errors import ValidationError
from ..practice import Actor, Practice
from .calendar_names import Names, read_names
from .closures import closed_days, overlapping
from .session_views import S
from .sessions import SessionFilter, checked_range


class CalendarClient(NamedTuple):
    id: int
    name: str
    charge_cents: int | None  # what they were charged when the session was saved


class CalendarRow(NamedTuple):
    """A session as the calendar shows it; same names and meanings as ``SessionView``'s."""

    id: int
    start: datetime  # aware, practice time zone
    end: datetime
    practitioner_id: int
    practitioner_name: str
    practitioner_color: str
    service_id: int
    service_name: str
    location_id: int | None
    location_name: str
    status: str
    completion_label: str | None
    public_note: str
    series_id: int | None
    clients: tuple[CalendarClient, ...]  # booked clients, by last then first name

    @property
    def kind(self) -> str:
        return "group" if len(self.clients) > 1 else "single"

    @property
    def label(self) -> str:
        return self.completion_label or self.status.capitalize()

    @property
    def minutes(self) -> int:
        return int(self.end.timestamp() - self.start.timestamp()) // 60

    @property
    def client_names(self) -> str:
        return ", ".join(c.name for c in self.clients)

    @property
    def title(self) -> str:
        if not self.clients:
            return "No clients"
        return self.clients[0].name if len(self.clients) == 1 else f"Group: {len(self.clients)} clients"


_statements: dict[tuple, object] = {}


def filter_key(own: bool, f: SessionFilter) -> tuple:
    """What shapes the SQL of a filter (its values are bound parameters)."""
    return own, bool(f.practitioner_ids), bool(f.location_ids), bool(f.service_ids), bool(f.statuses)


def filter_where(own: bool, f: SessionFilter, s=S) -> list:
    """The WHERE terms of the filter on sessions ``s`` (the table, or an alias of it): live sessions,
    a practitioner's own only."""
    where = [s.deleted_at.is_(None)]
    if own:
        where.append(s.practitioner_id == bindparam("own"))
    elif f.practitioner_ids:
        where.append(s.practitioner_id.in_(bindparam("practitioners", expanding=True)))
    if f.location_ids:
        where.append(s.location_id.in_(bindparam("locations", expanding=True)))
    if f.service_ids:
        where.append(s.service_id.in_(bindparam("services", expanding=True)))
    if f.statuses:
        where.append(s.status.in_(bindparam("statuses", expanding=True)))
    return where


def filter_params(actor: Actor, f: SessionFilter) -> dict:
    """The bound values of ``filter_where``."""
    params: dict = {}
    if actor.role == "practitioner":
        params["own"] = actor.practitioner_id
    elif f.practitioner_ids:
        params["practitioners"] = list(f.practitioner_ids)
    if f.location_ids:
        params["locations"] = list(f.location_ids)
    if f.service_ids:
        params["services"] = list(f.service_ids)
    if f.statuses:
        params["statuses"] = list(f.statuses)
    return params


SHOWN_COLUMNS = 13  # what shown_select reads for rows_to_calendar, before any extra columns


def shown_select(dialect: str, *extra):
    """SELECT what a block shows, a row per session, with its booked clients as the session's row holds
    them (``booked_*``, kept by the database's triggers on participant: migration 0018); ``extra``: more
    columns, after the ``SHOWN_COLUMNS`` that ``rows_to_calendar`` reads. The names of practitioners,
    services, locations and clients come from ``calendar_names.read_names``: a week repeats a handful
    of them hundreds of times, and joining them row by row cost a quarter of the statement."""
    start_at, end_at = ((_epoch_or_text(S.start_at), _epoch_or_text(S.end_at)) if dialect == "sqlite"
                        else (S.start_at, S.end_at))
    booked = S.__table__.c  # the booked_* columns are the table's, not the mapped class's
    return select(S.id, start_at, end_at, S.practitioner_id, S.service_id, S.location_id, S.status,
                  S.completion_label, S.public_note, S.series_id, booked.booked_client_id,
                  booked.booked_charge_cents, booked.booked_group, *extra)


# SQLite 3.38 has unixepoch(); an older library's strftime('%s') is the same number, a little slower
_HAS_UNIXEPOCH = sqlite3.sqlite_version_info >= (3, 38)


def _epoch_or_text(column):
    """SQLite keeps times as naive UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff': read a time with no
    fraction of a second (every one the calendar makes) as whole seconds since 1970, which
    ``LocalTimes`` turns into a local time with one C call, and any other as its text, parsed
    exactly. Both much cheaper than the generic DateTime result processing."""
    text = type_coerce(column, String)
    seconds = func.unixepoch(text) if _HAS_UNIXEPOCH else cast(func.strftime("%s", text), Integer)
    return type_coerce(case((func.substr(text, 21) == "000000", seconds), else_=text), NullType())


def range_statement(dialect: str, own: bool, f: SessionFilter) -> DriverSelect:
    """The range SELECT for one shape of filter, built once (values are bound parameters):
    a row per session, in (start, id) order."""
    key = (dialect, *filter_key(own, f))
    q = _statements.get(key)
    if q is None:
        q = _statements[key] = DriverSelect(
            shown_select(dialect)
            .where(*filter_where(own, f), S.start_at >= bindparam("start", type_=S.start_at.type),
                   S.start_at < bindparam("end", type_=S.start_at.type))
            .order_by(S.start_at, S.id))
    return q


def calendar_rows(practice: Practice, actor: Actor, start: datetime, end: datetime,
                  practitioner_ids: list[int] | None = None, where_filter: SessionFilter | None = None
                  ) -> list[CalendarRow]:
    """Live sessions starting in [start, end) as the calendar shows them, in time order; two SQL
    statements (the sessions, the token of the names: ``calendar_names.read_names``). Same arguments,
    checks and choice of sessions as ``sessions.list_sessions`` (a practitioner sees only their own)."""
    start, end, f = checked_range(practice, start, end, practitioner_ids, where_filter)
    with practice.snapshot() as tx:
        return read_range(tx, practice, actor, start, end, f)


def read_range(tx, practice: Practice, actor: Actor, start: datetime, end: datetime, f: SessionFilter,
               names: Names | None = None) -> list[CalendarRow]:
    """``calendar_rows``' read inside the caller's transaction, on checked arguments (``names``: those
    the transaction has read already)."""
    rows = range_statement(practice.engine.dialect.name, actor.role == "practitioner", f).rows(
        tx, {"start": start, "end": end, **filter_params(actor, f)})
    return rows_to_calendar(rows, LocalTimes(practice.tz), names or read_names(tx, practice))


class DaysRows(NamedTuple):
    rows: list[CalendarRow]  # the days' sessions, in time order
    closed: dict[date, str]  # days a closure covers, with its label


MAX_DAYS = 62  # a month grid shows 42 days; a few more for a view of nine weeks


def checked_days(first_day, last_day) -> tuple[date, date]:
    """Local days [first_day, last_day] of a calendar view: dates, in order, at most ``MAX_DAYS``."""
    first_day, last_day = validate.a_date("first day", first_day), validate.a_date("last day", last_day)
    if not 0 <= (last_day - first_day).days < MAX_DAYS:
        raise ValidationError("last day", f"must be on or after the first day and at most {MAX_DAYS} days after it")
    return first_day, last_day


def calendar_days(practice: Practice, actor: Actor, first_day: date, last_day: date,
                  where_filter: SessionFilter | None = None) -> DaysRows:
    """The local days [first_day, last_day] as a week or day view shows them: their sessions as
    ``calendar_rows`` gives them and the days closures cover, read in one transaction (three
    statements: the sessions, the token of the names, the closures)."""
    first_day, last_day = checked_days(first_day, last_day)
    start = datetime.combine(first_day, time(), tzinfo=practice.tz)
    end = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=practice.tz)
    start, end, f = checked_range(practice, start, end, None, where_filter)
    with practice.snapshot() as tx:
        rows = read_range(tx, practice, actor, start, end, f)
        closed = closed_days(overlapping(tx, first_day, last_day), first_day, last_day)
    return DaysRows(rows, closed)


class LocalTimes:
    """Stored times -> aware times in the practice zone, as ``value.astimezone(tz)`` gives them,
    each distinct value converted once (sessions share their starts and ends a lot). A stored
    time is whole seconds since 1970 (UTC), naive UTC text (SQLite) or an aware datetime."""

    def __init__(self, tz):
        self.tz = tz
        self.done: dict = {}  # value -> local time

    def __call__(self, value) -> datetime:
        if isinstance(value, int):
            local = datetime.fromtimestamp(value, self.tz)
        else:
            aware = datetime.fromisoformat(value).replace(tzinfo=UTC) if isinstance(value, str) else value
            local = aware.astimezone(self.tz)
        self.done[value] = local
        return local

    def add(self, values: set) -> None:
        """Convert the values not converted yet (whole seconds in one pass: a week has hundreds)."""
        if self.done:
            values.difference_update(self.done)
        tz, at = self.tz, datetime.fromtimestamp
        try:
            self.done.update({v: at(v, tz) for v in values})
        except TypeError:  # not all whole seconds (a time with a fraction, or PostgreSQL's datetimes)
            for v in values:
                self(v)


def _group_clients(group: str, people: dict) -> tuple[CalendarClient, ...]:
    """A session's ``booked_group`` ("client id:charge,...", the charge empty when none) -> its
    clients, by last name, then first name (then id), as ``list_sessions`` orders them (tuples led by
    those three, sorted as they are: a client id is once in a group, so nothing after it is compared)."""
    members = []
    for place in group.split(","):
        cid, _, charge = place.partition(":")
        cid = int(cid)
        last, first, name = people[cid]
        members.append((last, first, cid, name, int(charge) if charge else None))
    members.sort()
    new = tuple.__new__
    return tuple([new(CalendarClient, (cid, name, charge)) for _last, _first, cid, name, charge in members])


def rows_to_calendar(rows, at: LocalTimes, names: Names) -> list[CalendarRow]:
    """Rows of ``shown_select`` (one per session; its ``SHOWN_COLUMNS``, no more) in session order ->
    one CalendarRow per session."""
    new, row_type, client_type = tuple.__new__, CalendarRow, CalendarClient
    practitioners, services, locations, people = names
    times = set(map(itemgetter(1), rows))
    times.update(map(itemgetter(2), rows))
    at.add(times)
    local = at.done
    out: list = []
    append = out.append
    for sid, start, end, pid, svc, loc, status, label, note, series, cid, charge, group in rows:
        if cid is not None:
            clients = (new(client_type, (cid, people[cid][2], charge)),)
        else:  # a session whose clients were all taken off still shows
            clients = () if group is None else _group_clients(group, people)
        name, color = practitioners[pid]
        append(new(row_type, (sid, local[start], local[end], pid, name, color, svc, services[svc], loc,
                              "" if loc is None else locations[loc], status, label, note, series, clients)))
    return out

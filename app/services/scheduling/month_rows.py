"""What a month grid shows: per day its first sessions and how many there are (SPEC 2.1; issue 17).

A month cell lists the sessions that fit its height and says "+N more" for the rest; a busy month
of 20 practitioners has ~2,300 sessions of which ~180 are shown. ``month_rows`` asks the database
for each day's count and its first ``per_day`` sessions in one statement: each local day is a UTC
range bound as parameters (a day of a time change is 23 or 25 hours), its count and its first
sessions are read from the range index in start order, and only those are joined to their clients.
The agenda beside the month lists the selected day whole: when it has more, another statement
reads it. The names of clients, practitioners, services and locations (``calendar_names``) and the
closures of the days come in the same transaction.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, func, literal_column, select, union_all
from sqlalchemy.orm import aliased

from .. import validate
from ..driver_select import DriverSelect
from ..practice import Actor, Practice
from .calendar_names import read_names
from .calendar_rows import (
    SHOWN_COLUMNS,
    CalendarRow,
    LocalTimes,
    checked_days,
    filter_key,
    filter_params,
    filter_where,
    read_range,
    rows_to_calendar,
    shown_select,
)
from .closures import closed_days, overlapping
from .session_views import S
from .sessions import SessionFilter, checked_range

MAX_PER_DAY = 500


class MonthRows(NamedTuple):
    rows: list[CalendarRow]  # each day's first sessions (at most per_day; the whole day asked for: all), by time
    counts: dict[date, int]  # sessions per day, read or not (days without any are left out)
    closed: dict[date, str]  # days a closure covers, with its label


_statements: dict[tuple, object] = {}


def _statement(dialect: str, days: int, own: bool, f: SessionFilter) -> DriverSelect:
    """Built once per shape; the days and ``per_day`` are parameters."""
    key = (dialect, days, *filter_key(own, f))
    q = _statements.get(key)
    if q is not None:
        return q
    moment = S.start_at.type
    day_rows = [select(literal_column(str(i)).label("d"), bindparam(f"lo{i}", type_=moment).label("lo"),
                       bindparam(f"hi{i}", type_=moment).label("hi")) for i in range(days)]
    day_table = (union_all(*day_rows) if days > 1 else day_rows[0]).cte("days")

    def on_the_day(x, days_):  # the filter's live sessions x starting on the day
        return *filter_where(own, f, x), x.start_at >= days_.c.lo, x.start_at < days_.c.hi

    counted, first = aliased(S, name="counted"), aliased(S, name="first")
    count = select(func.count()).select_from(counted).where(*on_the_day(counted, day_table)).scalar_subquery()
    per_day = (select(day_table.c.d, day_table.c.lo, day_table.c.hi, count.label("n")).cte("per_day")
               .prefix_with("MATERIALIZED"))  # each day counted once, not once per row read
    firsts = (select(first.id).where(*on_the_day(first, per_day)).order_by(first.start_at, first.id)
              .limit(bindparam("per_day", type_=Integer)).correlate(per_day))
    q = _statements[key] = DriverSelect(shown_select(dialect, per_day.c.d, per_day.c.n)
                                        .join(per_day, S.id.in_(firsts))
                                        .order_by(S.start_at, S.id))
    return q


def month_rows(practice: Practice, actor: Actor, first_day: date, last_day: date, per_day: int,
               where_filter: SessionFilter | None = None, whole_day: date | None = None) -> MonthRows:
    """Live sessions of the local days [first_day, last_day]: each day's first ``per_day`` (by start,
    then id; all of ``whole_day``'s) as ``calendar_rows`` gives them, each day's count, and the days
    closures cover. Same filter, checks and choice of sessions as ``calendar_rows`` (a practitioner
    sees only their own). In one transaction: one statement for the sessions, one for the token of the
    names, one for the closures, and one for the whole day when it has more than ``per_day``."""
    first_day, last_day = checked_days(first_day, last_day)
    days = (last_day - first_day).days + 1
    per_day = validate.whole("sessions per day", per_day, 1, MAX_PER_DAY)
    whole_day = validate.optional_date("whole day", whole_day)
    tz = practice.tz
    bounds = [datetime.combine(first_day + timedelta(days=i), time(), tzinfo=tz) for i in range(days + 1)]
    _, _, f = checked_range(practice, bounds[0], bounds[-1], None, where_filter)
    own = actor.role == "practitioner"
    params = {"per_day": per_day, **filter_params(actor, f)}
    for i in range(days):
        params[f"lo{i}"], params[f"hi{i}"] = bounds[i], bounds[i + 1]
    with practice.snapshot() as tx:
        found = _statement(practice.engine.dialect.name, days, own, f).rows(tx, params)
        counts = {first_day + timedelta(days=d): n
                  for d, n in {r[SHOWN_COLUMNS]: r[SHOWN_COLUMNS + 1] for r in found}.items()}
        names = read_names(tx, practice)
        whole: list[CalendarRow] = []
        if whole_day is not None and counts.get(whole_day, 0) > per_day:  # more than were read: read it all
            i = (whole_day - first_day).days
            whole = read_range(tx, practice, actor, bounds[i], bounds[i + 1], f, names)
        closed = closed_days(overlapping(tx, first_day, last_day), first_day, last_day)
    rows = rows_to_calendar([r[:SHOWN_COLUMNS] for r in found], LocalTimes(tz), names)  # without the day and its count
    if whole:
        rows = sorted([r for r in rows if r.start.date() != whole_day] + whole, key=lambda r: (r.start, r.id))
    return MonthRows(rows, counts, closed)

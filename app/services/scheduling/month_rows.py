"""What a month grid shows: per day its first sessions and how many there are (SPEC 2.1; issue 17).

A month cell lists the sessions that fit its height and says "+N more" for the rest; a busy month
of 20 practitioners has ~2,300 sessions of which ~180 are shown. ``month_rows`` asks the database
for each day's first ``per_day`` sessions and the day's count, in one statement (a window function
numbers each day's sessions, so only the shown ones are joined to their names and turned into
rows). The day's full list (the agenda beside the month) is ``calendar_rows`` of that one day.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, literal_column, select, union_all

from .. import validate
from ..errors import ValidationError
from ..practice import Actor, Practice
from .calendar_rows import (
    CalendarRow,
    LocalTimes,
    filter_key,
    filter_params,
    filter_where,
    rows_to_calendar,
    shown_select,
)
from .session_views import S
from .sessions import SessionFilter, checked_range

MAX_DAYS = 62  # a month grid shows 42; a few more for a view of nine weeks
MAX_PER_DAY = 500


class MonthRows(NamedTuple):
    rows: list[CalendarRow]  # each day's first sessions (at most per_day), in time order
    counts: dict[date, int]  # sessions per day, shown or not (days without any are left out)


_statements: dict[tuple, object] = {}


def _statement(dialect: str, days: int, own: bool, f: SessionFilter):
    """Built once per shape: ``days`` local days bound as UTC [lo, hi) pairs (a day of a time change is
    23 or 25 hours), each day's sessions numbered and counted, the first ``per_day`` of each read."""
    key = (dialect, days, *filter_key(own, f))
    q = _statements.get(key)
    if q is not None:
        return q
    moment = S.start_at.type
    day_rows = [select(literal_column(str(i)).label("d"), bindparam(f"lo{i}", type_=moment).label("lo"),
                       bindparam(f"hi{i}", type_=moment).label("hi")) for i in range(days)]
    day_table = (union_all(*day_rows) if days > 1 else day_rows[0]).cte("days")
    ranked = (select(S.id.label("sid"), day_table.c.d,
                     func.row_number().over(partition_by=day_table.c.d, order_by=(S.start_at, S.id)).label("rn"),
                     func.count().over(partition_by=day_table.c.d).label("n"))
              .select_from(day_table)
              .join(S, and_(S.start_at >= day_table.c.lo, S.start_at < day_table.c.hi))
              .where(*filter_where(own, f))
              .cte("ranked"))
    q = _statements[key] = (shown_select(dialect, ranked.c.d, ranked.c.n)
                            .join(ranked, ranked.c.sid == S.id)
                            .where(ranked.c.rn <= bindparam("per_day"))
                            .order_by(S.start_at, S.id))
    return q


def month_rows(practice: Practice, actor: Actor, first_day: date, last_day: date, per_day: int,
               where_filter: SessionFilter | None = None) -> MonthRows:
    """Live sessions of the local days [first_day, last_day]: each day's first ``per_day`` (by start,
    then id) as ``calendar_rows`` gives them, and each day's count. One SQL statement. Same filter,
    checks and choice of sessions as ``calendar_rows`` (a practitioner sees only their own)."""
    first_day, last_day = validate.a_date("first day", first_day), validate.a_date("last day", last_day)
    days = (last_day - first_day).days + 1
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError("last day", f"must be on or after the first day and at most {MAX_DAYS} days after it")
    per_day = validate.whole("sessions per day", per_day, 1, MAX_PER_DAY)
    tz = practice.tz
    bounds = [datetime.combine(first_day + timedelta(days=i), time(), tzinfo=tz) for i in range(days + 1)]
    _, _, f = checked_range(practice, bounds[0], bounds[-1], None, where_filter)
    own = actor.role == "practitioner"
    params = {"per_day": per_day, **filter_params(actor, f)}
    for i in range(days):
        params[f"lo{i}"], params[f"hi{i}"] = bounds[i], bounds[i + 1]
    with practice.read() as tx:
        conn = tx.connection()
        found = conn.execute(_statement(conn.dialect.name, days, own, f), params).fetchall()
    counts = {first_day + timedelta(days=d): n for d, n in {r[18]: r[19] for r in found}.items()}
    return MonthRows(rows_to_calendar(found, LocalTimes(tz)), counts)

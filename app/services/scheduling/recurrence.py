"""Occurrence dates of a recurring series (SPEC 3.1-3.3), with python-dateutil. Pure functions.

Dates only: the caller puts each date at the series' local wall-clock time in the practice
time zone, so a 17:00 session stays at 17:00 across DST changes (SPEC 0.2).
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from .. import validate
from ..errors import ValidationError

MAX_OCCURRENCES = 500
MAX_SPAN_DAYS = 5 * 366
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class RecurrenceInput:
    weekdays: tuple[int, ...]  # 0 = Monday ... 6 = Sunday
    freq: str = "weekly"  # weekly | monthly
    interval: int = 1  # every N weeks or months, 1..12
    count: int | None = None  # number of sessions, counting the first
    until: date | None = None  # last date (inclusive)
    enabled: bool = True


def check(rec: RecurrenceInput, first: date) -> RecurrenceInput:
    """Validate a recurrence (SPEC 3.1, 0.5): typed values only, exactly one of count and last date."""
    if not isinstance(rec, RecurrenceInput):
        raise ValidationError("repeat", "is not a recurrence")
    validate.a_date("first date", first)
    days = validate.weekdays("days of the week", rec.weekdays)
    validate.choice("recurrence type", rec.freq, ("weekly", "monthly"))
    validate.whole("repeat every", rec.interval, 1, 12)
    if (rec.count is None) == (rec.until is None):
        raise ValidationError("number of sessions", "give either the number of sessions or the last date, not both")
    if rec.count is not None:
        validate.whole("number of sessions", rec.count, 1, MAX_OCCURRENCES)
    if rec.until is not None:
        validate.a_date("last date", rec.until)
        if rec.until < first:
            raise ValidationError("last date", "is before the first session")
        if (rec.until - first).days > MAX_SPAN_DAYS:
            raise ValidationError("last date", "is more than five years after the first session")
    validate.flag("enabled", rec.enabled)
    return RecurrenceInput(days, rec.freq, rec.interval, rec.count, rec.until, rec.enabled)


def _weekly(first: date, days: Iterable[int], interval: int) -> Iterator[date]:
    start = datetime.combine(first, datetime.min.time())
    for dt in rrule(WEEKLY, interval=interval, byweekday=tuple(days), dtstart=start, wkst=0):
        yield dt.date()


def _monthly_one_day(first: date, day: int, interval: int) -> Iterator[date]:
    """The k-th ``day`` of each month, k fixed by the first such day on or after ``first``;
    a 5th that a month lacks becomes its last (SPEC 3.3)."""
    first_occ = first + timedelta(days=(day - first.weekday()) % 7)
    k = (first_occ.day - 1) // 7 + 1
    nth = weekday(day)(-1 if k == 5 else k)
    start = datetime(first_occ.year, first_occ.month, 1)
    for dt in rrule(MONTHLY, interval=interval, byweekday=nth, dtstart=start):
        if dt.date() >= first_occ:
            yield dt.date()


def occurrence_dates(first: date, rec: RecurrenceInput) -> list[date]:
    """Every date of the series in order, the first session's date included and counted."""
    rec = check(rec, first)
    if rec.freq == "weekly":
        stream: Iterator[date] = _weekly(first, rec.weekdays, rec.interval)
    else:
        stream = heapq.merge(*(_monthly_one_day(first, d, rec.interval) for d in rec.weekdays))
    dates = [first]
    for d in stream:
        if d <= dates[-1]:
            continue
        if rec.until is not None and d > rec.until:
            break
        if rec.count is not None and len(dates) >= rec.count:
            break
        dates.append(d)
        if len(dates) > MAX_OCCURRENCES:
            raise ValidationError("last date", f"would make more than {MAX_OCCURRENCES} sessions")
    return dates

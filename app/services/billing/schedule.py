"""When automatic invoicing runs and what each run invoices (SPEC 10.1): pure functions, no database.

A schedule is weekly, every other week (biweekly) or monthly, at a time of day in the practice time
zone. Weekly and biweekly runs fall on a chosen weekday, biweekly counting its weeks from the first
such weekday on or after the start date; monthly runs fall on the last day of each month (28, 29, 30
or 31). Each run is a *cycle* with a key (its local date: at most one run a day, whatever the
interval was when it ran) and two periods:

- the period that ends on the run's day (the month, the 7 or the 14 days up to it), whose
  *completed* sessions are invoiced, when the settings say so;
- the coming period (next month, the next 7 or 14 days), whose *scheduled* sessions are invoiced
  in advance, when the settings say so.

The run time is local wall time, kept across DST changes (18:00 stays 18:00). A time the clocks skip
(02:30 on the spring-forward night) runs at the same distance after the change (03:30); a time
that happens twice (01:30 on the fall-back night) runs at its first occurrence.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ...models.enums import BillingInterval

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PERIOD_DAYS = {BillingInterval.WEEKLY: 7, BillingInterval.BIWEEKLY: 14}
MAX_CYCLES = 1000  # at most this many cycles are listed as due at once (about 19 years of weekly runs)


@dataclass(frozen=True)
class AutoInvoiceSettings:
    """Accounting > Invoices > Auto: what the schedule is (checked by ``billing.settings``)."""

    enabled: bool = False
    interval: str = BillingInterval.MONTHLY
    weekday: int = 4  # weekly and biweekly runs: 0 = Monday ... 6 = Sunday
    run_time: time = time(18, 0)  # local wall time in the practice time zone
    completed: bool = True  # invoice the completed (saved) sessions of the period just ended
    scheduled: bool = False  # invoice the scheduled (open) sessions of the coming period
    email: bool = True  # e-mail each invoice, its PDF attached, to the client
    start_date: date = date(2026, 1, 1)  # no cycle before it; no session dated before it is invoiced
    timezone: str = "UTC"  # the practice's


@dataclass(frozen=True)
class Cycle:
    """One run of the schedule."""

    key: str  # the run's local date, ISO: "2027-02-28"
    interval: str
    run_date: date  # local
    at: datetime  # the run's instant, aware UTC
    period_first: date  # the period that ends on the run's day (its completed sessions)
    period_last: date
    coming_first: date  # the coming period (its scheduled sessions)
    coming_last: date


def _tz(s: AutoInvoiceSettings) -> ZoneInfo:
    return ZoneInfo(s.timezone)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_month(d: date) -> tuple[int, int]:
    return (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)


def _first_weekday_on_or_after(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def run_dates(s: AutoInvoiceSettings, first: date) -> Iterator[date]:
    """The local dates the schedule runs on, from ``first`` (and never before the start date) on."""
    first = max(first, s.start_date)
    if s.interval == BillingInterval.MONTHLY:
        y, m = first.year, first.month
        while True:
            yield _last_day(y, m)
            y, m = _next_month(date(y, m, 1))
    step = PERIOD_DAYS[s.interval]
    anchor = _first_weekday_on_or_after(s.start_date, s.weekday)
    d = anchor if first <= anchor else anchor + timedelta(days=-(-(first - anchor).days // step) * step)
    while True:
        yield d
        d += timedelta(days=step)


def local_instant(d: date, t: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time ``t`` on ``d`` in ``tz``: a skipped time falls after the change, a
    repeated time is its first occurrence."""
    # fold=0 (PEP 495): a repeated time is its first occurrence; a skipped one is read with the offset
    # before the change, which lands it as far after the change as it was meant to be after its start
    return datetime.combine(d, t).replace(tzinfo=tz, fold=0).astimezone(UTC)


def cycle_on(s: AutoInvoiceSettings, d: date) -> Cycle:
    """The cycle that runs on local date ``d`` (one of ``run_dates``)."""
    if s.interval == BillingInterval.MONTHLY:
        period_first = d.replace(day=1)
        y, m = _next_month(d)
        coming_first, coming_last = date(y, m, 1), _last_day(y, m)
    else:
        step = PERIOD_DAYS[s.interval]
        period_first = d - timedelta(days=step - 1)
        coming_first, coming_last = d + timedelta(days=1), d + timedelta(days=step)
    return Cycle(d.isoformat(), str(s.interval), d, local_instant(d, s.run_time, _tz(s)), period_first, d,
                 coming_first, coming_last)


def next_run(s: AutoInvoiceSettings, after: datetime) -> Cycle:
    """The first cycle whose instant is after ``after`` (aware). Whether the schedule is switched on
    is not looked at: the settings page describes the next run of the schedule being set up."""
    if after.tzinfo is None:
        raise ValueError("next_run needs an aware datetime")
    for d in run_dates(s, after.astimezone(_tz(s)).date() - timedelta(days=1)):
        c = cycle_on(s, d)
        if c.at > after:
            return c
    raise AssertionError("unreachable: run_dates never ends")


def due_cycles(s: AutoInvoiceSettings, last_done: datetime | None, now: datetime,
               limit: int = MAX_CYCLES) -> list[Cycle]:
    """The cycles due at ``now``, oldest first: every one after ``last_done`` (the instant of the last
    cycle run, None before the first) up to and including ``now``; none before the start date, and
    none while the schedule is off. Catch-up: a practice closed for three cycles gets those three."""
    if not s.enabled:
        return []
    tz = _tz(s)
    first = s.start_date if last_done is None else last_done.astimezone(tz).date() - timedelta(days=1)
    out: list[Cycle] = []
    for d in run_dates(s, first):
        c = cycle_on(s, d)
        if c.at > now or len(out) >= limit:
            break
        if last_done is None or c.at > last_done:
            out.append(c)
    return out


# -- in words -----------------------------------------------------------------------------------------
def _what(s: AutoInvoiceSettings) -> str:
    past = {BillingInterval.WEEKLY: "the past week", BillingInterval.BIWEEKLY: "the past two weeks",
            BillingInterval.MONTHLY: "the past month"}[s.interval]
    coming = {BillingInterval.WEEKLY: "next week's", BillingInterval.BIWEEKLY: "the next two weeks'",
              BillingInterval.MONTHLY: "next month's"}[s.interval]
    parts = []
    if s.completed:
        parts.append(f"the sessions completed in {past}")
    if s.scheduled:
        parts.append(f"{coming} scheduled sessions")
    return " and ".join(parts) if parts else "nothing (choose completed or scheduled sessions)"


def describe(s: AutoInvoiceSettings) -> str:
    """The schedule in plain words, e.g. "monthly: on the last day of each month at 18:00, invoicing
    next month's scheduled sessions"."""
    at = f"{s.run_time:%H:%M}"
    if s.interval == BillingInterval.MONTHLY:
        when = f"monthly: on the last day of each month at {at}"
    elif s.interval == BillingInterval.WEEKLY:
        when = f"weekly: every {WEEKDAYS[s.weekday]} at {at}"
    else:
        first = _first_weekday_on_or_after(s.start_date, s.weekday)
        when = f"every other week: every second {WEEKDAYS[s.weekday]} from {_day(first)} at {at}"
    return f"{when}, invoicing {_what(s)}"


def _day(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()]} {d.day} {d:%B %Y}"


def describe_next(s: AutoInvoiceSettings, now: datetime) -> str:
    """One sentence for the settings page: the schedule and its next run (or that it is off)."""
    if not s.enabled:
        return f"Automatic invoicing is off. Switched on, it would run {describe(s)}."
    c = next_run(s, now)
    local = c.at.astimezone(_tz(s))
    text = describe(s)
    return f"{text[0].upper()}{text[1:]}. Next run: {_day(c.run_date)} at {local:%H:%M}."

"""The automatic invoicing schedule (SPEC 10.1): weekly, biweekly and monthly cycles, the last day of
the month (February 2027 and 2028), the periods each run invoices, catch-up and DST. Pure functions."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.services.billing.schedule import (
    AutoInvoiceSettings,
    cycle_on,
    describe,
    describe_next,
    due_cycles,
    local_instant,
    next_run,
    run_dates,
)

NY = ZoneInfo("America/New_York")
MONTHLY = AutoInvoiceSettings(enabled=True, interval="monthly", run_time=time(18, 0), start_date=date(2026, 12, 1),
                              timezone="America/New_York", completed=False, scheduled=True)
WEEKLY = replace(MONTHLY, interval="weekly", weekday=4)  # Fridays
BIWEEKLY = replace(MONTHLY, interval="biweekly", weekday=4)


def ny(*a) -> datetime:
    return datetime(*a, tzinfo=NY)


def dates(s, first, n):
    it = run_dates(s, first)
    return [next(it) for _ in range(n)]


def test_monthly_runs_on_the_last_day_of_each_month_february_2027_and_2028():
    # SPEC 10.1: monthly runs on the last day of the month (28, 29, 30 or 31)
    s = replace(MONTHLY, start_date=date(2027, 1, 1))
    assert dates(s, date(2027, 1, 1), 4) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31),
                                             date(2027, 4, 30)]
    assert dates(s, date(2028, 2, 1), 2) == [date(2028, 2, 29), date(2028, 3, 31)]
    assert next_run(s, ny(2027, 2, 27, 12)).run_date == date(2027, 2, 28)
    assert next_run(s, ny(2028, 2, 28, 12)).run_date == date(2028, 2, 29)
    c = next_run(s, ny(2028, 2, 28, 12))
    assert c.key == "2028-02-29" and c.at == ny(2028, 2, 29, 18)
    assert (c.period_first, c.period_last) == (date(2028, 2, 1), date(2028, 2, 29))
    assert (c.coming_first, c.coming_last) == (date(2028, 3, 1), date(2028, 3, 31))
    # the last day of February 2027 leads to March; of December to the next year's January
    feb = cycle_on(s, date(2027, 2, 28))
    assert (feb.period_first, feb.coming_first, feb.coming_last) == (date(2027, 2, 1), date(2027, 3, 1),
                                                                      date(2027, 3, 31))
    dec = cycle_on(s, date(2027, 12, 31))
    assert (dec.coming_first, dec.coming_last) == (date(2028, 1, 1), date(2028, 1, 31))


def test_monthly_next_run_at_and_after_the_run_time():
    # SPEC 10.1: at the time of day, in the practice time zone
    s = MONTHLY
    assert next_run(s, ny(2026, 12, 31, 17, 59)).at == ny(2026, 12, 31, 18)
    assert next_run(s, ny(2026, 12, 31, 18)).run_date == date(2027, 1, 31)  # strictly after
    assert next_run(s, datetime(2026, 12, 31, 23, 30, tzinfo=UTC)).run_date == date(2027, 1, 31)  # 18:30 in NY


def test_weekly_runs_every_chosen_weekday_with_its_periods():
    # SPEC 10.1: weekly; completed sessions of the past 7 days, scheduled ones of the next 7
    assert dates(WEEKLY, date(2026, 12, 1), 3) == [date(2026, 12, 4), date(2026, 12, 11), date(2026, 12, 18)]
    c = next_run(WEEKLY, ny(2026, 12, 4, 18, 1))
    assert c.run_date == date(2026, 12, 11) and c.at == ny(2026, 12, 11, 18)
    assert (c.period_first, c.period_last) == (date(2026, 12, 5), date(2026, 12, 11))
    assert (c.coming_first, c.coming_last) == (date(2026, 12, 12), date(2026, 12, 18))


def test_biweekly_counts_its_weeks_from_the_start_date():
    # SPEC 10.1: biweekly = every other week, from the first chosen weekday on or after the start date
    assert dates(BIWEEKLY, date(2026, 12, 1), 3) == [date(2026, 12, 4), date(2026, 12, 18), date(2027, 1, 1)]
    # asked from a day in between, the same fortnightly rhythm
    assert dates(BIWEEKLY, date(2026, 12, 5), 2) == [date(2026, 12, 18), date(2027, 1, 1)]
    assert dates(BIWEEKLY, date(2026, 12, 18), 1) == [date(2026, 12, 18)]
    other = replace(BIWEEKLY, start_date=date(2026, 12, 5))  # a week later: the other Fridays
    assert dates(other, date(2026, 12, 1), 2) == [date(2026, 12, 11), date(2026, 12, 25)]
    c = cycle_on(BIWEEKLY, date(2026, 12, 18))
    assert (c.period_first, c.period_last, c.coming_first, c.coming_last) == (
        date(2026, 12, 5), date(2026, 12, 18), date(2026, 12, 19), date(2027, 1, 1))


def test_due_cycles_catch_up_after_three_missed_cycles():
    # SPEC 10.2: catch-up at start for cycles missed while closed
    last = ny(2026, 12, 31, 18)
    due = due_cycles(MONTHLY, last, ny(2027, 4, 15, 9))
    assert [c.key for c in due] == ["2027-01-31", "2027-02-28", "2027-03-31"]
    assert due_cycles(MONTHLY, ny(2027, 3, 31, 18), ny(2027, 4, 15, 9)) == []
    # the run instant itself is due; a minute before it is not
    assert [c.key for c in due_cycles(MONTHLY, last, ny(2027, 1, 31, 18))] == ["2027-01-31"]
    assert due_cycles(MONTHLY, last, ny(2027, 1, 31, 17, 59)) == []


def test_due_cycles_start_at_the_start_date_and_not_while_off():
    assert [c.key for c in due_cycles(WEEKLY, None, ny(2026, 12, 12))] == ["2026-12-04", "2026-12-11"]
    assert due_cycles(replace(WEEKLY, enabled=False), None, ny(2026, 12, 12)) == []
    assert due_cycles(WEEKLY, None, ny(2026, 11, 30)) == []  # before the start date nothing is due
    assert len(due_cycles(WEEKLY, None, ny(2030, 1, 1), limit=5)) == 5


def test_dst_keeps_the_local_run_time():
    # SPEC 0.2, 10.1: the run time is wall time; across the DST changes 18:00 stays 18:00
    s = replace(WEEKLY, weekday=6, start_date=date(2027, 3, 1))  # Sundays; DST starts Sun 14 Mar 2027
    before, change, after = (cycle_on(s, date(2027, 3, d)).at for d in (7, 14, 21))
    assert before == datetime(2027, 3, 7, 23, tzinfo=UTC)  # EST, UTC-5
    assert change == datetime(2027, 3, 14, 22, tzinfo=UTC)  # EDT, UTC-4
    assert after.astimezone(NY).hour == 18
    fall = cycle_on(replace(s, start_date=date(2027, 11, 1)), date(2027, 11, 7))  # DST ends 7 Nov 2027
    assert fall.at == datetime(2027, 11, 7, 23, tzinfo=UTC) and fall.at.astimezone(NY).hour == 18


def test_dst_skipped_and_repeated_times():
    # 02:30 does not exist on 14 Mar 2027 in New York: it runs at 03:30 (the same distance after the change)
    gap = local_instant(date(2027, 3, 14), time(2, 30), NY)
    assert gap == datetime(2027, 3, 14, 7, 30, tzinfo=UTC) and gap.astimezone(NY).hour == 3
    # 01:30 happens twice on 7 Nov 2027: the first one (EDT)
    twice = local_instant(date(2027, 11, 7), time(1, 30), NY)
    assert twice == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    # a weekly cycle at 02:30 across the spring change: due once, never skipped
    s = replace(WEEKLY, weekday=6, run_time=time(2, 30), start_date=date(2027, 3, 1))
    due = due_cycles(s, cycle_on(s, date(2027, 3, 7)).at, ny(2027, 3, 21, 12))
    assert [c.key for c in due] == ["2027-03-14", "2027-03-21"]


def test_describe_in_plain_words():
    # SPEC 10.1: the page says in words when the next run happens
    assert describe(MONTHLY) == ("monthly: on the last day of each month at 18:00, invoicing next month's "
                                 "scheduled sessions")
    assert describe(replace(WEEKLY, completed=True, scheduled=False)) == (
        "weekly: every Friday at 18:00, invoicing the sessions completed in the past week")
    assert describe(replace(BIWEEKLY, completed=True, run_time=time(7, 5))) == (
        "every other week: every second Friday from Friday 4 December 2026 at 07:05, invoicing the sessions "
        "completed in the past two weeks and the next two weeks' scheduled sessions")
    assert describe_next(MONTHLY, ny(2027, 2, 3)) == (
        "Monthly: on the last day of each month at 18:00, invoicing next month's scheduled sessions. "
        "Next run: Sunday 28 February 2027 at 18:00.")
    assert describe_next(replace(MONTHLY, enabled=False), ny(2027, 2, 3)).startswith("Automatic invoicing is off.")


def test_next_run_needs_an_aware_time():
    with pytest.raises(ValueError):
        next_run(MONTHLY, datetime(2027, 1, 1))

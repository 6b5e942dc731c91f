"""Occurrence dates of recurring sessions (SPEC 3.1-3.3)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.models import PracticeSession, Series
from app.services.errors import ValidationError
from app.services.scheduling.recurrence import RecurrenceInput, check, occurrence_dates

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def d(month, day, year=2026):
    return date(year, month, day)


def test_weekly_example_from_spec():
    # SPEC 3.2: first Mon 2026-01-05, Mon+Wed, 10 sessions -> Jan 5,7,12,14,...,Feb 4
    got = occurrence_dates(d(1, 5), RecurrenceInput((MON, WED), "weekly", count=10))
    assert got == [d(1, 5), d(1, 7), d(1, 12), d(1, 14), d(1, 19), d(1, 21), d(1, 26), d(1, 28),
                   d(2, 2), d(2, 4)]


def test_monthly_example_from_spec():
    # SPEC 3.3: first Tue 2026-01-13, Tue+Thu, 4 sessions -> Jan 13 (2nd Tue), Jan 15 (3rd Thu), Feb 10, Feb 19
    got = occurrence_dates(d(1, 13), RecurrenceInput((TUE, THU), "monthly", count=4))
    assert got == [d(1, 13), d(1, 15), d(2, 10), d(2, 19)]


def test_monthly_continues_with_the_same_kth_weekday():
    # SPEC 3.3: the k-th D of every later month; the count applies to all occurrences in date order
    got = occurrence_dates(d(1, 13), RecurrenceInput((THU, TUE), "monthly", count=7))
    assert got == [d(1, 13), d(1, 15), d(2, 10), d(2, 19), d(3, 10), d(3, 19), d(4, 14)]


def test_every_other_week():
    # SPEC 3.1: every N weeks, "every other week" = interval 2
    got = occurrence_dates(d(1, 5), RecurrenceInput((MON,), "weekly", interval=2, count=4))
    assert got == [d(1, 5), d(1, 19), d(2, 2), d(2, 16)]
    # two days a week, every other week, starting mid-week: the first session's week is week one
    got = occurrence_dates(d(1, 7), RecurrenceInput((MON, WED), "weekly", interval=2, count=5))
    assert got == [d(1, 7), d(1, 19), d(1, 21), d(2, 2), d(2, 4)]


def test_every_other_month():
    # SPEC 3.1 / 3.3: every N months keeps the k-th weekday
    got = occurrence_dates(d(1, 13), RecurrenceInput((TUE,), "monthly", interval=2, count=3))
    assert got == [d(1, 13), d(3, 10), d(5, 12)]


@pytest.mark.parametrize(("interval", "expected"), [
    (1, [d(1, 5), d(1, 12), d(1, 19)]),
    (12, [d(1, 5), d(3, 30), d(6, 22)]),
])
def test_interval_bounds_accepted(interval, expected):
    # SPEC 3.1: N from 1 to 12
    assert occurrence_dates(d(1, 5), RecurrenceInput((MON,), "weekly", interval=interval, count=3)) == expected


@pytest.mark.parametrize("interval", [0, 13, -1, True, "2"])
def test_interval_out_of_bounds_rejected(interval):
    # SPEC 3.1 / 0.5
    with pytest.raises(ValidationError) as err:
        check(RecurrenceInput((MON,), "weekly", interval=interval, count=3), d(1, 5))
    assert err.value.field == "repeat every"


def test_default_interval_is_one_week():
    # SPEC 3.1: default 1
    assert RecurrenceInput((MON,), count=2).interval == 1
    assert occurrence_dates(d(1, 5), RecurrenceInput((MON,), count=2)) == [d(1, 5), d(1, 12)]


def test_fifth_weekday_missing_becomes_last_weekday():
    # SPEC 3.3: Jan 29 2026 is the 5th Thursday; Feb and Mar have four, April has five
    got = occurrence_dates(d(1, 29), RecurrenceInput((THU,), "monthly", count=4))
    assert got == [d(1, 29), d(2, 26), d(3, 26), d(4, 30)]


def test_first_session_counts_even_if_its_weekday_is_not_chosen():
    # SPEC 3.1: the number of sessions counts the first
    got = occurrence_dates(d(1, 6), RecurrenceInput((MON, WED), "weekly", count=4))  # Jan 6 is a Tuesday
    assert got == [d(1, 6), d(1, 7), d(1, 12), d(1, 14)]
    # monthly: the first D on or after the first session's date fixes k (Jan 19 = 3rd Monday)
    got = occurrence_dates(d(1, 16), RecurrenceInput((MON,), "monthly", count=4))  # a Friday
    assert got == [d(1, 16), d(1, 19), d(2, 16), d(3, 16)]


def test_count_one_is_only_the_first_session():
    # SPEC 3.1
    assert occurrence_dates(d(1, 5), RecurrenceInput((MON, WED), count=1)) == [d(1, 5)]


def test_until_is_inclusive():
    # SPEC 3.1: the last date is included
    rec = RecurrenceInput((MON, WED), "weekly", until=d(1, 14))
    assert occurrence_dates(d(1, 5), rec) == [d(1, 5), d(1, 7), d(1, 12), d(1, 14)]
    rec = RecurrenceInput((MON, WED), "weekly", until=d(1, 13))
    assert occurrence_dates(d(1, 5), rec) == [d(1, 5), d(1, 7), d(1, 12)]
    assert occurrence_dates(d(1, 5), RecurrenceInput((MON,), until=d(1, 5))) == [d(1, 5)]


def test_monthly_until_is_inclusive():
    # SPEC 3.1 / 3.3
    assert occurrence_dates(d(1, 13), RecurrenceInput((TUE, THU), "monthly", until=d(2, 19))) == [
        d(1, 13), d(1, 15), d(2, 10), d(2, 19)]
    assert occurrence_dates(d(1, 13), RecurrenceInput((TUE, THU), "monthly", until=d(2, 18))) == [
        d(1, 13), d(1, 15), d(2, 10)]


@pytest.mark.parametrize(("count", "until"), [(None, None), (4, d(2, 1))])
def test_count_xor_until(count, until):
    # SPEC 3.1: exactly one of the number of sessions and the last date; both or neither is an error
    with pytest.raises(ValidationError) as err:
        check(RecurrenceInput((MON,), "weekly", count=count, until=until), d(1, 5))
    assert err.value.field == "number of sessions"


@pytest.mark.parametrize(("rec", "field"), [
    (RecurrenceInput((), count=3), "days of the week"),
    (RecurrenceInput((7,), count=3), "days of the week"),
    (RecurrenceInput((MON,), "daily", count=3), "recurrence type"),
    (RecurrenceInput((MON,), count=0), "number of sessions"),
    (RecurrenceInput((MON,), count=501), "number of sessions"),
    (RecurrenceInput((MON,), until=d(1, 4)), "last date"),
    (RecurrenceInput((MON,), until=d(1, 1, 2032)), "last date"),
    (RecurrenceInput((MON,), count=3, enabled="yes"), "enabled"),
])
def test_bad_recurrence_names_the_field(rec, field):
    # SPEC 0.5 / 3.1
    with pytest.raises(ValidationError) as err:
        check(rec, d(1, 5))
    assert err.value.field == field


def test_check_normalises_days():
    # SPEC 3.1: any number of days, each once, in week order
    assert check(RecurrenceInput((WED, MON, WED), count=2), d(1, 5)).weekdays == (MON, WED)


@pytest.mark.parametrize(("count", "until"), [(None, None), (3, d(2, 1))])
def test_add_session_with_bad_recurrence_writes_nothing(practice, make, count, until):
    # SPEC 3.1 / 0.5: the error names the field and nothing is saved
    pract, client, svc = make.practitioner(), make.client(), make.service()
    with pytest.raises(ValidationError) as err:
        make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pract, [client],
                     recurrence=RecurrenceInput((MON, WED), count=count, until=until))
    assert err.value.field == "number of sessions"
    with practice.read() as tx:
        assert tx.scalar(select(func.count()).select_from(PracticeSession)) == 0
        assert tx.scalar(select(func.count()).select_from(Series)) == 0


def test_add_session_weekly_example_lands_on_the_calendar(practice, admin, make):
    # SPEC 3.2 / 3.5 through the service: the dates above become sessions at the same wall time
    from app.services.scheduling import sessions
    pract, client, svc = make.practitioner(), make.client(), make.service()
    made = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pract, [client],
                        recurrence=RecurrenceInput((MON, WED), count=10))
    listed = sessions.list_sessions(practice, admin, datetime(2026, 1, 1, tzinfo=UTC),
                                    datetime(2026, 3, 1, tzinfo=UTC))
    assert [s.id for s in listed] == [s.id for s in made]
    assert [s.start.date() for s in listed] == [d(1, 5), d(1, 7), d(1, 12), d(1, 14), d(1, 19), d(1, 21),
                                                d(1, 26), d(1, 28), d(2, 2), d(2, 4)]
    assert {(s.start.hour, s.end.hour) for s in listed} == {(10, 11)}

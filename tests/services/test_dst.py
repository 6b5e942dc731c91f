"""One practice time zone; recurrences keep the local wall time across DST changes (SPEC 0.2).

America/New_York in 2026: clocks go forward Sun 8 March 02:00 -> 03:00 and back Sun 1 November 02:00 -> 01:00.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.models import PracticeSession
from app.services.scheduling import sessions
from app.services.scheduling.recurrence import RecurrenceInput

NY = ZoneInfo("America/New_York")
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
MON, THU, SUN = 0, 3, 6


@pytest.fixture
def trio(make):
    return make.practitioner(), make.client(), make.service()


def stored_utc(practice, ids):
    """What the database holds: aware UTC instants (start, end) per session id, in id order."""
    with practice.read() as tx:
        rows = tx.execute(select(PracticeSession.start_at, PracticeSession.end_at)
                          .where(PracticeSession.id.in_(ids)).order_by(PracticeSession.id)).all()
    return [(a, b) for a, b in rows]


def add_series(make, trio, start, end, rec):
    pract, client, svc = trio
    return make.session(start, end, svc, pract, [client], recurrence=rec)


def test_weekly_17_00_across_spring_forward(practice, make, trio):
    # SPEC 0.2: a 17:00 weekly session stays 17:00 local; its UTC hour moves from 22 to 21
    made = add_series(make, trio, datetime(2026, 3, 2, 17), datetime(2026, 3, 2, 18), RecurrenceInput((MON,), count=3))
    assert [(s.start.date(), s.start.hour, s.end.hour) for s in made] == [
        (date(2026, 3, 2), 17, 18), (date(2026, 3, 9), 17, 18), (date(2026, 3, 16), 17, 18)]
    assert [s.start.utcoffset().total_seconds() / 3600 for s in made] == [-5, -4, -4]
    assert stored_utc(practice, [s.id for s in made]) == [
        (datetime(2026, 3, 2, 22, tzinfo=UTC), datetime(2026, 3, 2, 23, tzinfo=UTC)),
        (datetime(2026, 3, 9, 21, tzinfo=UTC), datetime(2026, 3, 9, 22, tzinfo=UTC)),
        (datetime(2026, 3, 16, 21, tzinfo=UTC), datetime(2026, 3, 16, 22, tzinfo=UTC))]


def test_weekly_17_00_across_fall_back(practice, make, trio):
    # SPEC 0.2: UTC hour moves from 21 back to 22
    made = add_series(make, trio, datetime(2026, 10, 26, 17), datetime(2026, 10, 26, 18),
                      RecurrenceInput((MON,), count=2))
    assert [(s.start.date(), s.start.hour) for s in made] == [(date(2026, 10, 26), 17), (date(2026, 11, 2), 17)]
    assert [a for a, _ in stored_utc(practice, [s.id for s in made])] == [
        datetime(2026, 10, 26, 21, tzinfo=UTC), datetime(2026, 11, 2, 22, tzinfo=UTC)]


def test_sunday_series_on_the_change_days_themselves(practice, make, trio):
    # SPEC 0.2: the Sundays the clocks change still get 17:00
    made = add_series(make, trio, datetime(2026, 3, 1, 17), datetime(2026, 3, 1, 18), RecurrenceInput((SUN,), count=2))
    assert [a for a, _ in stored_utc(practice, [s.id for s in made])] == [
        datetime(2026, 3, 1, 22, tzinfo=UTC), datetime(2026, 3, 8, 21, tzinfo=UTC)]
    made = add_series(make, trio, datetime(2026, 10, 25, 9), datetime(2026, 10, 25, 10),
                      RecurrenceInput((SUN,), count=2))
    assert [(s.start.date(), s.start.hour) for s in made] == [(date(2026, 10, 25), 9), (date(2026, 11, 1), 9)]
    assert [a for a, _ in stored_utc(practice, [s.id for s in made])] == [
        datetime(2026, 10, 25, 13, tzinfo=UTC), datetime(2026, 11, 1, 14, tzinfo=UTC)]


def test_monthly_17_00_across_both_changes(practice, make, trio):
    # SPEC 0.2 / 3.3: 2nd Thursday of each month at 17:00, whatever the offset
    made = add_series(make, trio, datetime(2026, 2, 12, 17), datetime(2026, 2, 12, 18),
                      RecurrenceInput((THU,), "monthly", count=3))
    assert [(s.start.date(), s.start.hour) for s in made] == [
        (date(2026, 2, 12), 17), (date(2026, 3, 12), 17), (date(2026, 4, 9), 17)]
    assert [a.hour for a, _ in stored_utc(practice, [s.id for s in made])] == [22, 21, 21]
    made = add_series(make, trio, datetime(2026, 10, 8, 17), datetime(2026, 10, 8, 18),
                      RecurrenceInput((THU,), "monthly", count=2))
    assert [(s.start.date(), s.start.hour) for s in made] == [(date(2026, 10, 8), 17), (date(2026, 11, 12), 17)]
    assert [a.hour for a, _ in stored_utc(practice, [s.id for s in made])] == [21, 22]


def test_stored_utc_comes_back_aware_in_the_practice_zone(practice, admin, make, trio):
    # SPEC 0.2: stored unambiguously, shown in the practice zone
    [s] = add_series(make, trio, datetime(2026, 7, 1, 9, 15), datetime(2026, 7, 1, 10), None)
    [(start, end)] = stored_utc(practice, [s.id])
    assert (start, end) == (datetime(2026, 7, 1, 13, 15, tzinfo=UTC), datetime(2026, 7, 1, 14, tzinfo=UTC))
    for got in (sessions.get_session(practice, admin, s.id), sessions.list_sessions(practice, admin, *EVER)[0]):
        assert got.start.tzinfo is not None and got.start.tzinfo.key == "America/New_York"
        assert got.start == datetime(2026, 7, 1, 9, 15, tzinfo=NY)
        assert (got.start.hour, got.start.minute, got.end.hour) == (9, 15, 10)
        assert got.start.utcoffset().total_seconds() == -4 * 3600


def test_list_range_is_an_instant_range(practice, admin, make, trio):
    # SPEC 0.2: a local-day range finds the 23:30 session that is already the next day in UTC
    [s] = add_series(make, trio, datetime(2026, 1, 5, 23, 30), datetime(2026, 1, 6, 0, 15), None)
    day = sessions.list_sessions(practice, admin, datetime(2026, 1, 5, tzinfo=NY), datetime(2026, 1, 6, tzinfo=NY))
    assert [x.id for x in day] == [s.id]
    assert sessions.list_sessions(practice, admin, datetime(2026, 1, 6, tzinfo=NY), datetime(2026, 1, 7, tzinfo=NY)) == []


def test_series_edit_keeps_wall_time_across_dst(practice, admin, make, trio):
    # SPEC 0.2 / 3.4: moving a whole series to 18:00 gives 18:00 local on both sides of the change
    made = add_series(make, trio, datetime(2026, 3, 2, 17), datetime(2026, 3, 2, 18), RecurrenceInput((MON,), count=2))
    first = made[0]
    data = sessions.SessionInput(datetime(2026, 3, 2, 18), datetime(2026, 3, 2, 19), first.service_id,
                                 first.practitioner_id, (first.clients[0].id,))
    moved = sessions.update_session(practice, admin, first.id, data, "all")
    assert [(s.start.date(), s.start.hour) for s in moved] == [(date(2026, 3, 2), 18), (date(2026, 3, 9), 18)]
    assert [a.hour for a, _ in stored_utc(practice, [s.id for s in made])] == [23, 22]


def test_series_at_a_time_skipped_by_spring_forward(practice, make, trio):
    # SPEC 0.2: 02:30 does not exist on 8 March; that occurrence moves forward to 03:30 and keeps its hour
    made = add_series(make, trio, datetime(2026, 3, 1, 2, 30), datetime(2026, 3, 1, 3, 30),
                      RecurrenceInput((SUN,), count=3))
    assert [(s.start.date(), s.start.hour, s.start.minute, s.minutes) for s in made] == [
        (date(2026, 3, 1), 2, 30, 60), (date(2026, 3, 8), 3, 30, 60), (date(2026, 3, 15), 2, 30, 60)]
    assert stored_utc(practice, [s.id for s in made])[1] == (
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC), datetime(2026, 3, 8, 8, 30, tzinfo=UTC))

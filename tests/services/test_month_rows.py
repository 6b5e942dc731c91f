"""The month grid's rows (SPEC 2.1 calendar, 2.2; issue 17): each local day's first sessions and its
count, in one SQL statement, the same sessions ``calendar_rows`` gives for the days, across a change
of the clocks (America/New_York: forward on Sun 8 March 2026)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest

from app.services.errors import ValidationError
from app.services.scheduling import deletion
from app.services.scheduling.calendar_rows import calendar_rows
from app.services.scheduling.month_rows import month_rows
from app.services.scheduling.sessions import SessionFilter

from ..statement_count import statements

FIRST = date(2026, 2, 23)  # the grid of March 2026: Mon 23 Feb .. Sun 5 Apr
LAST = FIRST + timedelta(days=41)


def _by_day(rows) -> dict[date, list]:
    out: dict[date, list] = defaultdict(list)
    for r in rows:
        out[r.start.date()].append(r)
    return dict(out)


@pytest.fixture
def month(practice, make):
    """Busy days around the change of the clocks, a group, a deleted session, two practitioners."""
    ann, bo = make.practitioner("Ann"), make.practitioner("Bo")
    svc = make.service("Talk")
    people = [make.client("C", f"Last{i}") for i in range(4)]
    made = []

    def add(day: date, hour: int, minute: int, who, clients=None):
        start = datetime.combine(day, time(hour, minute))
        [s] = make.session(start, start + timedelta(minutes=30), svc, who, clients or [people[len(made) % 4]],
                           confirm=True)
        made.append(s)
        return s

    for hour, minute in ((23, 30), (9, 0), (10, 15), (0, 15), (14, 0), (8, 0), (3, 30)):
        add(date(2026, 3, 7), hour, minute, ann)  # seven on the Saturday before the change
    for hour, minute in ((0, 30), (3, 0), (23, 45), (12, 0)):
        add(date(2026, 3, 8), hour, minute, bo)  # the 23-hour day (02:00-03:00 does not exist)
    add(date(2026, 3, 9), 9, 0, ann, people[:3])  # a group: one session, three rows of clients
    add(FIRST, 0, 0, bo)  # the grid's first minute
    add(LAST, 23, 30, ann)  # and its last day
    add(LAST + timedelta(days=1), 0, 0, ann)  # the day after the grid: not in it
    gone = add(date(2026, 3, 10), 9, 0, ann)
    deletion.delete_session(practice, make.admin, gone.id, "this")
    return ann, bo


def test_each_day_gives_its_first_sessions_and_its_count_as_calendar_rows_does(practice, admin, month):
    tz = practice.tz
    whole = calendar_rows(practice, admin, datetime.combine(FIRST, time(), tzinfo=tz),
                          datetime.combine(LAST + timedelta(days=1), time(), tzinfo=tz))
    expected = _by_day(whole)
    for per_day in (1, 3, 7, 50):
        got = month_rows(practice, admin, FIRST, LAST, per_day)
        assert got.counts == {d: len(v) for d, v in expected.items()}
        assert _by_day(got.rows) == {d: v[:per_day] for d, v in expected.items()}
    assert month_rows(practice, admin, FIRST, LAST, 3).counts[date(2026, 3, 7)] == 7
    assert month_rows(practice, admin, FIRST, LAST, 3).counts[date(2026, 3, 8)] == 4  # a 23-hour day
    [group] = _by_day(month_rows(practice, admin, FIRST, LAST, 1).rows)[date(2026, 3, 9)]
    assert group.title == "Group: 3 clients" and len(group.clients) == 3  # SPEC 2.2: one line, all its clients
    assert [s.start.strftime("%H:%M") for s in _by_day(month_rows(practice, admin, FIRST, LAST, 2).rows)[
        date(2026, 3, 7)]] == ["00:15", "03:30"]  # by time of day, local


def test_the_whole_day_asked_for_comes_whole_and_the_others_cut(practice, admin, month):
    tz = practice.tz
    whole = _by_day(calendar_rows(practice, admin, datetime.combine(FIRST, time(), tzinfo=tz),
                                  datetime.combine(LAST + timedelta(days=1), time(), tzinfo=tz)))
    for day in (date(2026, 3, 7), date(2026, 3, 8), FIRST, LAST + timedelta(days=3)):
        got = month_rows(practice, admin, FIRST, LAST, 2, whole_day=day)
        assert _by_day(got.rows) == {d: v if d == day else v[:2] for d, v in whole.items()}
        assert [(r.start, r.id) for r in got.rows] == sorted((r.start, r.id) for r in got.rows)


def test_a_month_is_one_statement_for_sessions_one_for_names_and_one_for_closures(practice, admin, make, month):
    from app.services.scheduling import closures

    closures.add_closure(practice, admin, date(2026, 3, 30), date(2026, 4, 9), "Easter")
    with statements(practice) as seen:
        month_rows(practice, admin, FIRST, LAST, 4)
    assert len(seen) == 4, [sql for sql, _ in seen]  # the names read the first time, then kept
    with statements(practice) as seen:
        got = month_rows(practice, admin, FIRST, LAST, 4)
    assert len(seen) == 3, [sql for sql, _ in seen]  # the sessions, the names' token, the closures
    assert got.closed == {FIRST + timedelta(days=n): "Easter" for n in range(35, 42)}
    with statements(practice) as seen:
        month_rows(practice, admin, FIRST, LAST, 4, whole_day=date(2026, 3, 8))  # four: no more to read
    assert len(seen) == 3
    with statements(practice) as seen:
        month_rows(practice, admin, FIRST, LAST, 4, whole_day=date(2026, 3, 7))  # seven: read it whole
    assert len(seen) == 4  # the names' token read once for both


def test_the_filter_and_a_practitioners_own_view_apply(practice, admin, make, month):
    ann, bo = month
    only_bo = month_rows(practice, admin, FIRST, LAST, 10, SessionFilter(practitioner_ids=(bo.id,)))
    assert {r.practitioner_id for r in only_bo.rows} == {bo.id} and sum(only_bo.counts.values()) == 5
    own = month_rows(practice, make.user("practitioner", ann.id), FIRST, LAST, 10)
    assert {r.practitioner_id for r in own.rows} == {ann.id} and sum(own.counts.values()) == 9
    assert month_rows(practice, admin, FIRST, LAST, 10, SessionFilter(statuses=("completed",))) == ([], {}, {})


@pytest.mark.parametrize("first, last, per_day, field", [
    (FIRST, FIRST - timedelta(days=1), 5, "last day"),
    (FIRST, FIRST + timedelta(days=62), 5, "last day"),
    (FIRST, LAST, 0, "sessions per day"),
    (FIRST, LAST, "5", "sessions per day"),
    ("2026-02-23", LAST, 5, "first day"),
    (FIRST, LAST, 5, "whole day"),
])
def test_bad_arguments_are_refused_naming_the_field(practice, admin, first, last, per_day, field):
    with pytest.raises(ValidationError) as e:
        month_rows(practice, admin, first, last, per_day, whole_day="today" if field == "whole day" else None)
    assert e.value.field == field


def test_a_week_is_its_rows_and_closures_read_together(practice, admin, month):
    # the week and day views: calendar_days = calendar_rows of the local days + their closures
    from app.services.scheduling import closures
    from app.services.scheduling.calendar_rows import calendar_days

    closures.add_closure(practice, admin, date(2026, 3, 8), date(2026, 3, 8), "Time change")
    first, last = date(2026, 3, 2), date(2026, 3, 8)
    tz = practice.tz
    calendar_days(practice, admin, first - timedelta(days=7), last - timedelta(days=7))  # the names read, kept
    with statements(practice) as seen:
        got = calendar_days(practice, admin, first, last)
    assert len(seen) == 3  # the sessions, the names' token, the closures
    assert got.rows == calendar_rows(practice, admin, datetime.combine(first, time(), tzinfo=tz),
                                     datetime.combine(last + timedelta(days=1), time(), tzinfo=tz))
    assert len(got.rows) == 11 and got.closed == {date(2026, 3, 8): "Time change"}
    for bad_first, bad_last, field in ((last, first, "last day"), (first, first + timedelta(days=62), "last day"),
                                       ("2026-03-02", last, "first day"), (first, None, "last day")):
        with pytest.raises(ValidationError) as e:
            calendar_days(practice, admin, bad_first, bad_last)
        assert e.value.field == field

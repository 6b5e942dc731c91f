"""A calendar range switch is a fixed number of SQL statements whatever the range holds, its sessions
searched on an index (ARCHITECTURE: "calendar ranges ... range predicates on indexed columns"; SPEC
2.1 calendar): ``list_sessions`` one, ``calendar_rows`` two (the sessions with their booked places, and
the token of the names it keeps; once more, all the names, when the token has changed:
tests/services/test_calendar_names.py).

Statements are counted by ``tests/statement_count.py``: on SQLite by SQLite's own trace callback,
elsewhere by a ``before_cursor_execute`` listener, so every statement is seen, whatever issued it
(lazy loads and the calendar's reads on the driver's cursor included).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest

from app.services.errors import ValidationError
from app.services.scheduling import completion, deletion, sessions
from app.services.scheduling.calendar_rows import calendar_rows
from app.services.scheduling.recurrence import RecurrenceInput
from app.services.scheduling.sessions import SessionFilter

from ..statement_count import statements

MONDAY = date(2026, 1, 5)


def week(practice, monday: date) -> tuple[datetime, datetime]:
    """Aware bounds of a calendar week in the practice time zone, as the views ask for it."""
    tz = practice.tz
    return (datetime.combine(monday, time(), tzinfo=tz),
            datetime.combine(monday + timedelta(days=7), time(), tzinfo=tz))


def at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day_offset), time(hour, minute))


@dataclass
class Week:
    expected: int  # live sessions starting in MONDAY's week
    practitioner_id: int
    service_id: int
    location_id: int


def populate(practice, admin, make, singles: int, groups: int, with_series: bool) -> Week:
    """Sessions in MONDAY's week and just outside it."""
    therapy, piano = make.service("Therapy"), make.service("Piano", kind="hourly", cost=6000, wage=3000)
    p1, p2 = make.practitioner(), make.practitioner()
    room = make.location("Room")
    people = [make.client() for _ in range(8)]
    expected = 0
    for i in range(singles):
        day, hour = i % 6, 8 + (i // 6) % 10
        make.session(at(day, hour), at(day, hour, 50), [therapy, piano][i % 2], [p1, p2][i % 2],
                     [people[i % len(people)]], location=room if i % 3 else None, confirm=True)
        expected += 1
    for i in range(groups):
        make.session(at(i % 5, 18), at(i % 5, 19), therapy, p2, people[i:i + 3 + i % 3], confirm=True)
        expected += 1
    if with_series:  # weekly on Mon+Thu from the week before: 2 of its occurrences fall in the week
        make.session(at(-7, 7), at(-7, 7, 45), piano, p1, [people[0]], confirm=True,
                     recurrence=RecurrenceInput((0, 3), count=6))
        expected += 2
    views = sessions.list_sessions(practice, admin, *week(practice, MONDAY))
    if views:  # a saved session brings charge snapshots
        completion.complete_session(practice, admin, views[0].id, completion.type_by_key(practice, "completed").id)
    if len(views) > 1:  # a deleted one must not come back
        deletion.delete_session(practice, admin, views[-1].id)
        expected -= 1
    # just outside the range: Sunday before until 23:59 local, the next Monday from 00:00
    make.session(at(-1, 23), at(-1, 23, 59), therapy, p1, [people[1]], confirm=True)
    make.session(at(7, 0), at(7, 0, 30), therapy, p1, [people[1]], confirm=True)
    return Week(expected, p1.id, therapy.id, room.id)


@pytest.mark.parametrize("singles, groups, with_series", [(0, 0, False), (1, 0, False), (30, 5, True)],
                         ids=["empty week", "one session", "busy week with groups and a series"])
def test_a_week_switch_is_one_statement(practice, admin, make, singles, groups, with_series):
    expected = populate(practice, admin, make, singles, groups, with_series).expected
    # The calendar shows some week before it switches; any write just before it (a unit of work)
    # drops the practice's settings cache, which the first read after it fills again.
    sessions.list_sessions(practice, admin, *week(practice, MONDAY - timedelta(days=7)))

    with statements(practice) as seen:
        views = sessions.list_sessions(practice, admin, *week(practice, MONDAY))

    assert len(seen) == 1, [sql for sql, _ in seen]
    assert len(views) == expected
    assert all(MONDAY <= v.start.date() < MONDAY + timedelta(days=7) for v in views)
    if groups:
        assert max(len(v.clients) for v in views) >= 3  # groups came back whole from the one query


def test_filters_and_a_practitioner_login_are_one_statement_too(practice, admin, make):
    w = populate(practice, admin, make, 12, 3, True)
    therapist = make.user("practitioner", practitioner_id=w.practitioner_id)
    sessions.list_sessions(practice, admin, *week(practice, MONDAY - timedelta(days=7)))
    calls = [
        (therapist, None),
        (admin, SessionFilter(practitioner_ids=(w.practitioner_id,), location_ids=(w.location_id,),
                              service_ids=(w.service_id,), statuses=("open", "completed"))),
    ]
    for actor, f in calls:
        with statements(practice) as seen:
            sessions.list_sessions(practice, actor, *week(practice, MONDAY), where_filter=f)
        assert len(seen) == 1, (actor.role, [sql for sql, _ in seen])


def plan_of(practice, actor, start, end) -> list[str]:
    """EXPLAIN QUERY PLAN of the very statement list_sessions sends, with its parameters."""
    with statements(practice) as seen:
        sessions.list_sessions(practice, actor, start, end)
    [(sql, params)] = seen
    with practice.engine.connect() as conn:
        return [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]


RANGE_SEARCH = re.compile(r"SEARCH practice_session USING (COVERING )?INDEX (\w+) \(.*start_at[<>]")


@pytest.mark.sqlite_only(reason="reads SQLite's own query plan (EXPLAIN QUERY PLAN)")
@pytest.mark.parametrize("days", [1, 7, 42], ids=["day", "week", "month grid"])
def test_the_range_predicate_uses_an_index(practice, admin, make, days):
    populate(practice, admin, make, 12, 3, True)
    tz = practice.tz
    start = datetime.combine(MONDAY, time(), tzinfo=tz)
    plan = plan_of(practice, admin, start, start + timedelta(days=days))

    text = "\n".join(plan)
    searches = [m.group(2) for line in plan if (m := RANGE_SEARCH.search(line))]
    assert searches and all(name.startswith("ix_practice_session") for name in searches), text
    # no full scan of the sessions, neither of the table nor of a whole index
    assert not any(line.startswith("SCAN practice_session") for line in plan), text


@pytest.mark.sqlite_only(reason="reads SQLite's own query plan (EXPLAIN QUERY PLAN)")
def test_a_practitioner_login_searches_an_index_too(practice, admin, make):
    w = populate(practice, admin, make, 12, 3, True)
    therapist = make.user("practitioner", practitioner_id=w.practitioner_id)
    plan = plan_of(practice, therapist, *week(practice, MONDAY))

    text = "\n".join(plan)
    assert any(RANGE_SEARCH.search(line) for line in plan), text
    assert not any(line.startswith("SCAN practice_session") for line in plan), text


# ---- the calendar's light rows (issue 17: what a block shows, no SessionView per session) -------
def _as_shown(v) -> tuple:
    """What the calendar draws of a session, from a SessionView or a CalendarRow alike."""
    return (v.id, v.start, v.end, v.start.utcoffset(), v.practitioner_id, v.practitioner_name, v.practitioner_color,
            v.service_id, v.service_name, v.location_id, v.location_name, v.status, v.label, v.public_note,
            v.series_id, v.kind, v.title, v.client_names, v.minutes,
            [(c.id, c.name, c.charge_cents) for c in v.clients])


@pytest.mark.parametrize("singles, groups, with_series", [(0, 0, False), (1, 0, False), (30, 5, True)],
                         ids=["empty week", "one session", "busy week with groups and a series"])
def test_calendar_rows_are_two_statements_and_show_what_list_sessions_does(practice, admin, make, singles, groups,
                                                                           with_series):
    """SPEC 2.1: the calendar's range read is two statements whatever the week holds (its sessions
    with their booked places, and the token of the names it keeps) and shows the same sessions,
    times, names, statuses and charges as the full session views."""
    w = populate(practice, admin, make, singles, groups, with_series)
    calendar_rows(practice, admin, *week(practice, MONDAY - timedelta(days=7)))

    with statements(practice) as seen:
        rows = calendar_rows(practice, admin, *week(practice, MONDAY))

    assert len(seen) == 2, [sql for sql, _ in seen]
    assert len(rows) == w.expected
    assert [_as_shown(r) for r in rows] == [_as_shown(v) for v in
                                            sessions.list_sessions(practice, admin, *week(practice, MONDAY))]
    if groups:
        assert max(len(r.clients) for r in rows) >= 3
        assert any(r.kind == "group" and r.title.startswith("Group: ") for r in rows)


def test_calendar_rows_filters_and_a_practitioner_login_match_list_sessions(practice, admin, make):
    w = populate(practice, admin, make, 12, 3, True)
    therapist = make.user("practitioner", practitioner_id=w.practitioner_id)
    calendar_rows(practice, admin, *week(practice, MONDAY - timedelta(days=7)))  # the names read and kept
    calls = [
        (therapist, None),
        (admin, SessionFilter(practitioner_ids=(w.practitioner_id,), location_ids=(w.location_id,),
                              service_ids=(w.service_id,), statuses=("open", "completed"))),
        (admin, SessionFilter(statuses=("open",))),
    ]
    for actor, f in calls:
        with statements(practice) as seen:
            rows = calendar_rows(practice, actor, *week(practice, MONDAY), where_filter=f)
        assert len(seen) == 2, (actor.role, [sql for sql, _ in seen])
        expected = sessions.list_sessions(practice, actor, *week(practice, MONDAY), where_filter=f)
        assert [_as_shown(r) for r in rows] == [_as_shown(v) for v in expected]
        assert rows, f  # each call above finds something, so the comparison means something
    assert {r.practitioner_id for r in calendar_rows(practice, therapist, *week(practice, MONDAY))} == \
        {w.practitioner_id}


def test_calendar_rows_bad_input_names_the_field(practice, admin):
    start, end = week(practice, MONDAY)
    with pytest.raises(ValidationError) as e:
        calendar_rows(practice, admin, "monday", end)
    assert e.value.field == "start"
    with pytest.raises(ValidationError) as e:
        calendar_rows(practice, admin, start, end, where_filter=SessionFilter(statuses=("sleeping",)))
    assert e.value.field == "statuses"


@pytest.mark.sqlite_only(reason="reads SQLite's own query plan (EXPLAIN QUERY PLAN)")
@pytest.mark.parametrize("days", [1, 7, 42], ids=["day", "week", "month grid"])
def test_calendar_rows_search_an_index(practice, admin, make, days):
    populate(practice, admin, make, 12, 3, True)
    start = datetime.combine(MONDAY, time(), tzinfo=practice.tz)
    with statements(practice) as seen:
        calendar_rows(practice, admin, start, start + timedelta(days=days))
    sql, params = seen[0]  # the sessions (then the names' token, and the names read the first time)
    with practice.engine.connect() as conn:
        plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
    text = "\n".join(plan)
    searches = [m.group(2) for line in plan if (m := RANGE_SEARCH.search(line))]
    assert searches and all(name.startswith("ix_practice_session") for name in searches), text
    assert not any(line.startswith("SCAN practice_session") for line in plan), text


@pytest.mark.parametrize("unixepoch", [True, False], ids=["unixepoch", "strftime (SQLite before 3.38)"])
def test_times_with_seconds_and_fractions_are_shown_exactly(practice, admin, make, monkeypatch, unixepoch):
    """SPEC 0.3: the calendar reads whole-second times as seconds since 1970 and any other stored
    time as its text; both come back as the same local time the full session view shows."""
    from app.services.scheduling import calendar_rows as module

    monkeypatch.setattr(module, "_HAS_UNIXEPOCH", unixepoch)
    monkeypatch.setattr(module, "_statements", {})  # built again with the SQL function chosen
    therapy, p1, who = make.service("Therapy"), make.practitioner(), make.client()
    make.session(at(1, 9, 0), at(1, 9, 50), therapy, p1, [who], confirm=True)
    make.session(at(2, 10, 0) + timedelta(seconds=7, microseconds=5), at(2, 10, 45) + timedelta(seconds=30),
                 therapy, p1, [who], confirm=True)
    rows = calendar_rows(practice, admin, *week(practice, MONDAY))
    views = sessions.list_sessions(practice, admin, *week(practice, MONDAY))
    assert [_as_shown(r) for r in rows] == [_as_shown(v) for v in views]
    assert rows[1].start.second == 7 and rows[1].start.microsecond == 5 and rows[1].end.second == 30


@pytest.mark.sqlite_only(reason="reads SQLite's own query plan (EXPLAIN QUERY PLAN)")
def test_a_week_is_read_from_the_calendar_indexes_alone(practice, admin, make):
    """Issue 17 (migrations 0016, 0018): the sessions and their booked clients come from the calendar's
    covering index alone: no table row is read, and no participant (the session's row holds its booked
    clients)."""
    populate(practice, admin, make, 12, 3, True)
    with statements(practice) as seen:
        calendar_rows(practice, admin, *week(practice, MONDAY))
    sql, params = seen[0]
    with practice.engine.connect() as conn:
        plan = "\n".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "practice_session USING COVERING INDEX ix_practice_session_calendar" in plan, plan
    assert "participant" not in plan, plan


def test_a_groups_clients_are_listed_by_last_then_first_name_then_as_booked(practice, admin, make):
    """SPEC 2.1: a group block lists its clients as the session window does: by last name, then first
    name; two of the same name in the order they were added as clients."""
    svc, pr = make.service(), make.practitioner()
    zoe, sam1, ann, sam2, bo = (make.client(first, last) for first, last in
                                (("Zoe", "Lee"), ("Sam", "Lee"), ("Ann", "Lee"), ("Sam", "Lee"), ("Bo", "Adams")))
    make.session(datetime(2026, 1, 6, 9), datetime(2026, 1, 6, 10), svc, pr, [zoe, sam2, bo, sam1, ann], confirm=True)
    (row,) = calendar_rows(practice, admin, *week(practice, MONDAY))
    assert [c.id for c in row.clients] == [bo.id, ann.id, sam1.id, sam2.id, zoe.id]
    assert row.client_names == "Bo Adams, Ann Lee, Sam Lee, Sam Lee, Zoe Lee"
    (view,) = sessions.list_sessions(practice, admin, *week(practice, MONDAY))
    assert [c.id for c in view.clients] == [c.id for c in row.clients]

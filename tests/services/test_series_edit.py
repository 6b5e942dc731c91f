"""Editing and deleting occurrences of a series: this / this and following / all (SPEC 3.4)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.services.errors import RuleViolation, ValidationError
from app.services.money import ledger
from app.services.scheduling import completion, deletion, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from app.services.scheduling.sessions import SessionInput

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
MONDAYS = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 2)]


@pytest.fixture
def series(practice, admin, make):
    """Five Monday sessions 10:00-11:00 from 2026-01-05, one client."""
    pract, client, svc = make.practitioner(), make.client("Ann", "Able"), make.service(cost=8000, wage=4000)
    return make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pract, [client],
                        recurrence=RecurrenceInput((0,), count=5), public_note="weekly")


def edit_of(view, day: date, hour: int, **kw) -> SessionInput:
    """The form for ``view`` with its start moved to ``day`` at ``hour``:00 (one hour long)."""
    return SessionInput(start=datetime.combine(day, datetime.min.time()).replace(hour=hour),
                        end=datetime.combine(day, datetime.min.time()).replace(hour=hour + 1),
                        service_id=view.service_id, practitioner_id=view.practitioner_id,
                        client_ids=tuple(c.id for c in view.clients), location_id=view.location_id,
                        public_note=kw.get("public_note", view.public_note),
                        private_note=kw.get("private_note", view.private_note or ""))


def calendar(practice, admin):
    """(date, hour, status) of every live session, in time order."""
    return [(s.start.date(), s.start.hour, s.status) for s in sessions.list_sessions(practice, admin, *EVER)]


def complete(practice, admin, view):
    return completion.complete_session(practice, admin, view.id, completion.type_by_key(practice, "completed").id)


def test_edit_this_session_only(practice, admin, series):
    # SPEC 3.4: this session only
    third = series[2]
    [moved] = sessions.update_session(practice, admin, third.id, edit_of(third, third.start.date(), 14), "this")
    assert moved.id == third.id
    assert [(d, h) for d, h, _ in calendar(practice, admin)] == [
        (MONDAYS[0], 10), (MONDAYS[1], 10), (MONDAYS[2], 14), (MONDAYS[3], 10), (MONDAYS[4], 10)]
    assert moved.series_id == third.series_id  # still part of the series


def test_edit_this_and_following(practice, admin, series):
    # SPEC 3.4: this and following
    third = series[2]
    moved = sessions.update_session(practice, admin, third.id, edit_of(third, third.start.date(), 14), "following")
    assert [m.id for m in moved] == [s.id for s in series[2:]]
    assert [(d, h) for d, h, _ in calendar(practice, admin)] == [
        (MONDAYS[0], 10), (MONDAYS[1], 10), (MONDAYS[2], 14), (MONDAYS[3], 14), (MONDAYS[4], 14)]


def test_edit_whole_series_from_any_occurrence(practice, admin, series):
    # SPEC 3.4: the whole series, starting from the third occurrence
    third = series[2]
    moved = sessions.update_session(practice, admin, third.id, edit_of(third, third.start.date(), 14,
                                                                       public_note="moved"), "all")
    assert [m.id for m in moved] == [s.id for s in series]
    assert [(d, h) for d, h, _ in calendar(practice, admin)] == [(d, 14) for d in MONDAYS]
    assert {s.public_note for s in sessions.list_sessions(practice, admin, *EVER)} == {"moved"}


def test_moving_the_date_shifts_every_following_occurrence(practice, admin, series):
    # SPEC 3.4: Monday -> Tuesday for this and following
    second = series[1]
    sessions.update_session(practice, admin, second.id, edit_of(second, date(2026, 1, 13), 10), "following")
    assert [d for d, _, _ in calendar(practice, admin)] == [
        date(2026, 1, 5), date(2026, 1, 13), date(2026, 1, 20), date(2026, 1, 27), date(2026, 2, 3)]


def test_saved_session_inside_the_scope_keeps_its_time(practice, admin, series):
    # SPEC 3.4 / 4: a saved session's time is part of its charge snapshot; the others move
    complete(practice, admin, series[3])
    second = series[1]
    moved = sessions.update_session(practice, admin, second.id, edit_of(second, second.start.date(), 14), "following")
    assert [m.id for m in moved] == [series[1].id, series[2].id, series[4].id]
    assert calendar(practice, admin) == [
        (MONDAYS[0], 10, "open"), (MONDAYS[1], 14, "open"), (MONDAYS[2], 14, "open"),
        (MONDAYS[3], 10, "completed"), (MONDAYS[4], 14, "open")]


def test_editing_the_time_of_a_saved_session_is_refused(practice, admin, series):
    # SPEC 3.4 / 4: set it back to open first; nothing else in the scope changes either
    saved = complete(practice, admin, series[2])
    for scope in ("this", "following", "all"):
        with pytest.raises(RuleViolation):
            sessions.update_session(practice, admin, saved.id, edit_of(saved, saved.start.date(), 14), scope)
    assert calendar(practice, admin) == [(d, 10, "completed" if i == 2 else "open") for i, d in enumerate(MONDAYS)]
    # its notes may still be changed
    [noted] = sessions.update_session(practice, admin, saved.id,
                                      edit_of(saved, saved.start.date(), 10, public_note="went well"), "this")
    assert (noted.public_note, noted.status, noted.start.hour) == ("went well", "completed", 10)
    # once set back to open its time can change
    completion.reopen_session(practice, admin, saved.id)
    [moved] = sessions.update_session(practice, admin, saved.id, edit_of(saved, saved.start.date(), 14), "this")
    assert (moved.start.hour, moved.status) == (14, "open")


def test_each_occurrence_has_its_own_status_and_charge(practice, admin, series):
    # SPEC 3.4: own status, cost, notes
    complete(practice, admin, series[0])
    canceled = completion.type_by_key(practice, "canceled")
    completion.complete_session(practice, admin, series[1].id, canceled.id)
    assert [st for _, _, st in calendar(practice, admin)] == ["completed", "canceled", "open", "open", "open"]
    sessions.update_session(practice, admin, series[4].id,
                            edit_of(series[4], MONDAYS[4], 10, public_note="last one"), "this")
    notes = [s.public_note for s in sessions.list_sessions(practice, admin, *EVER)]
    assert notes == ["weekly", "weekly", "weekly", "weekly", "last one"]
    assert ledger.client_balance(practice, admin, series[0].clients[0].id) == -8000


@pytest.mark.parametrize(("scope", "index", "left"), [
    ("this", 2, [0, 1, 3, 4]),
    ("following", 2, [0, 1]),
    ("all", 2, []),
    ("following", 0, []),
])
def test_delete_with_scope(practice, admin, series, scope, index, left):
    # SPEC 3.4 / 5.1
    gone = deletion.delete_session(practice, admin, series[index].id, scope)
    expected_gone = [s.id for i, s in enumerate(series) if i not in left]
    assert sorted(gone) == sorted(expected_gone)
    assert [s.id for s in sessions.list_sessions(practice, admin, *EVER)] == [series[i].id for i in left]
    assert sorted(s.id for s in deletion.list_deleted(practice, admin)) == sorted(expected_gone)


def test_deleting_following_reverses_a_saved_occurrence_in_scope(practice, admin, series):
    # SPEC 3.4 / 5.2: a saved session deleted with the rest has its charge reversed
    client_id = series[0].clients[0].id
    complete(practice, admin, series[3])
    assert ledger.client_balance(practice, admin, client_id) == -8000
    deletion.delete_session(practice, admin, series[2].id, "following")
    assert ledger.client_balance(practice, admin, client_id) == 0
    assert [d for d, _, _ in calendar(practice, admin)] == MONDAYS[:2]


def test_series_edit_skips_deleted_occurrences(practice, admin, series):
    # SPEC 3.4 / 5: a deleted occurrence is not brought back or moved by a series edit
    deletion.delete_session(practice, admin, series[2].id, "this")
    moved = sessions.update_session(practice, admin, series[0].id, edit_of(series[0], MONDAYS[0], 14), "all")
    assert [m.id for m in moved] == [series[i].id for i in (0, 1, 3, 4)]
    [deleted] = deletion.list_deleted(practice, admin)
    assert (deleted.id, deleted.start.hour) == (series[2].id, 10)


def test_scope_on_a_single_session_is_just_that_session(practice, admin, series):
    # SPEC 3.4
    [single] = sessions.add_session(practice, admin, edit_of(series[0], date(2026, 1, 7), 9))
    assert single.series_id is None
    [moved] = sessions.update_session(practice, admin, single.id, edit_of(single, date(2026, 1, 7), 15), "all")
    assert moved.id == single.id
    assert deletion.delete_session(practice, admin, single.id, "following") == [single.id]
    assert len(sessions.list_sessions(practice, admin, *EVER)) == 5


@pytest.mark.parametrize("scope", ["series", "", None])
def test_bad_scope_is_refused(practice, admin, series, scope):
    # SPEC 0.5 / 3.4
    with pytest.raises(ValidationError) as err:
        sessions.update_session(practice, admin, series[0].id, edit_of(series[0], MONDAYS[0], 14), scope)
    assert err.value.field == "scope"
    with pytest.raises(ValidationError) as err:
        deletion.delete_session(practice, admin, series[0].id, scope)
    assert err.value.field == "scope"
    assert calendar(practice, admin) == [(d, 10, "open") for d in MONDAYS]

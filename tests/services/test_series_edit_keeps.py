"""Series edits apply only what the user changed; what each occurrence holds on its own stays;
a client taken off a session stays in its history (SPEC 3.4, 0.4)."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from app.db import open_practice
from app.services import audit
from app.services.money import ledger
from app.services.scheduling import completion, participants, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from app.services.scheduling.sessions import SessionInput

from .practice_files import practice_at

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
MONDAYS = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 2)]


@pytest.fixture
def ann(make):
    return make.client("Ann", "Able")


@pytest.fixture
def ben(make):
    return make.client("Ben", "Bright")


@pytest.fixture
def series(make, ann):
    """Five Monday sessions 10:00-11:00 from 2026-01-05 with Ann, public note "weekly"."""
    pract, svc = make.practitioner("Dr Weekly"), make.service(cost=8000, wage=4000)
    return make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pract, [ann],
                        recurrence=RecurrenceInput((0,), count=5), public_note="weekly", private_note="plan A")


def form(view, **changes) -> SessionInput:
    """The edit form as the dialog fills it for ``view``, with ``changes`` typed over it."""
    data = SessionInput(start=view.start.replace(tzinfo=None), end=view.end.replace(tzinfo=None),
                        service_id=view.service_id, practitioner_id=view.practitioner_id,
                        client_ids=tuple(c.id for c in view.clients), location_id=view.location_id,
                        public_note=view.public_note, private_note=view.private_note or "")
    return replace(data, **changes)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def live(practice, admin):
    return sessions.list_sessions(practice, admin, *EVER)


def test_series_time_edit_keeps_an_occurrences_own_note_and_extra_client(practice, admin, series, ann, ben):
    # SPEC 3.4: the third Monday has its own note and an extra client; the whole series moves to 14:00
    third = series[2]
    sessions.update_session(practice, admin, third.id,
                            form(third, public_note="bring the workbook", client_ids=(ann.id, ben.id)), "this")
    first = series[0]
    sessions.update_session(practice, admin, first.id, form(first, start=at(MONDAYS[0], 14), end=at(MONDAYS[0], 15)),
                            "all")
    after = live(practice, admin)
    assert [(s.start.date(), s.start.hour, s.end.hour) for s in after] == [(d, 14, 15) for d in MONDAYS]
    assert [s.public_note for s in after] == ["weekly", "weekly", "bring the workbook", "weekly", "weekly"]
    assert [sorted(c.name for c in s.clients) for s in after] == [
        ["Ann Able"], ["Ann Able"], ["Ann Able", "Ben Bright"], ["Ann Able"], ["Ann Able"]]
    assert {s.private_note for s in after} == {"plan A"}


def test_series_note_edit_leaves_the_time_an_occurrence_has_on_its_own(practice, admin, series):
    # SPEC 3.4: only the changed field travels; the fourth Monday moved on its own to 12:00 stays there
    fourth = series[3]
    sessions.update_session(practice, admin, fourth.id, form(fourth, start=at(MONDAYS[3], 12),
                                                              end=at(MONDAYS[3], 13)), "this")
    sessions.update_session(practice, admin, series[0].id, form(series[0], public_note="new plan"), "all")
    after = live(practice, admin)
    assert [s.start.hour for s in after] == [10, 10, 10, 12, 10]
    assert {s.public_note for s in after} == {"new plan"}


def test_series_time_change_moves_each_occurrence_by_the_same_wall_clock_change(practice, admin, series):
    # SPEC 3.4 / 0.2: 10:00 -> 10:30 for the whole series moves the fourth (on its own at 12:00) to 12:30
    fourth = series[3]
    sessions.update_session(practice, admin, fourth.id, form(fourth, start=at(MONDAYS[3], 12),
                                                              end=at(MONDAYS[3], 13)), "this")
    sessions.update_session(practice, admin, series[0].id,
                            form(series[0], start=at(MONDAYS[0], 10, 30), end=at(MONDAYS[0], 11, 30)), "all")
    assert [(s.start.hour, s.start.minute) for s in live(practice, admin)] == [
        (10, 30), (10, 30), (10, 30), (12, 30), (10, 30)]


def test_a_client_added_to_the_series_is_added_and_one_removed_is_marked_removed(practice, admin, series, ann, ben):
    # SPEC 3.4: add Ben to this and following; then take Ann off the whole series
    second = series[1]
    sessions.update_session(practice, admin, second.id, form(second, client_ids=(ann.id, ben.id)), "following")
    assert [len(s.clients) for s in live(practice, admin)] == [1, 2, 2, 2, 2]
    third = sessions.get_session(practice, admin, series[2].id)
    sessions.update_session(practice, admin, third.id, form(third, client_ids=(ben.id,)), "all")
    after = live(practice, admin)
    # the first Monday had only Ann: taking her off would leave it empty, so Ann stays there
    assert [[c.name for c in s.clients] for s in after] == [
        ["Ann Able"], ["Ben Bright"], ["Ben Bright"], ["Ben Bright"], ["Ben Bright"]]


def test_a_removed_client_stays_in_the_history_with_who_and_when(practice, admin, make, clock, ann, ben):
    # SPEC 3.4 / 0.4: taking a client off marks their row removed (who, when); it is never deleted
    svc, pr = make.service(cost=8000, wage=4000), make.practitioner()
    [s] = make.session(datetime(2026, 1, 7, 9), datetime(2026, 1, 7, 10), svc, pr, [ann, ben])
    staff = make.user("staff")
    [edited] = sessions.update_session(practice, staff, s.id, form(s, client_ids=(ann.id,)))
    assert [c.name for c in edited.clients] == ["Ann Able"]
    history = {h.client_name: h for h in participants.session_participants(practice, admin, s.id)}
    assert set(history) == {"Ann Able", "Ben Bright"}
    assert history["Ben Bright"].status == participants.ParticipantStatus.REMOVED
    assert history["Ben Bright"].changed_by == staff.user_id
    assert history["Ben Bright"].changed_at == clock.now()
    assert history["Ann Able"].status == participants.ParticipantStatus.BOOKED
    # a removed client is not charged and does not count for conflicts
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    assert ledger.client_balance(practice, admin, ben.id) == 0
    assert ledger.client_balance(practice, admin, ann.id) == -8000
    assert sessions.check_session(practice, admin, SessionInput(
        datetime(2026, 1, 7, 9), datetime(2026, 1, 7, 10), svc.id, make.practitioner().id, (ben.id,))) == []
    # and added back, the same row is booked again
    completion.reopen_session(practice, admin, s.id)
    [back] = sessions.update_session(practice, admin, s.id, form(edited, client_ids=(ann.id, ben.id)))
    assert len(back.clients) == 2
    assert len(participants.session_participants(practice, admin, s.id)) == 2


def test_every_changed_field_is_audited_with_before_and_after(practice, admin, series, ben):
    # SPEC 3.4 / 0.4: the audit keeps what each session held before the edit
    third = series[2]
    sessions.update_session(practice, admin, series[0].id,
                            form(series[0], start=at(MONDAYS[0], 14), end=at(MONDAYS[0], 15),
                                 public_note="moved", client_ids=(series[0].clients[0].id, ben.id)), "all")
    rows = [a for a in audit.list_audit(practice, admin, "session", third.id) if a.action == "session.update"]
    assert len(rows) == 1
    changes = rows[0].detail["changes"]
    assert changes["public_note"] == {"before": "weekly", "after": "moved"}
    assert changes["start"]["before"].startswith("2026-01-19 10:00")
    assert changes["start"]["after"].startswith("2026-01-19 14:00")
    assert changes["clients"] == {"before": ["Ann Able"], "after": ["Ann Able", "Ben Bright"]}
    assert "private_note" not in changes and "service" not in changes


def test_each_participant_carries_its_own_price(practice, admin, make, ann, ben):
    # SPEC 2.6 / 3.4: a price per client, the session's cost unless set; completion charges it
    svc, pr = make.service(cost=8000, wage=4000), make.practitioner()
    [s] = make.session(datetime(2026, 1, 7, 9), datetime(2026, 1, 7, 10), svc, pr, [ann, ben])
    view = participants.set_participant_price(practice, admin, s.id, ben.id, 5000)
    assert {c.name: c.price_cents for c in view.clients} == {"Ann Able": 8000, "Ben Bright": 5000}
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    assert ledger.client_balance(practice, admin, ann.id) == -8000
    assert ledger.client_balance(practice, admin, ben.id) == -5000


def test_migration_0004_books_existing_participants(tmp_path):
    # SPEC 0.7 / 3.4: a file from the previous release keeps its clients, booked, changed when made
    path = practice_at(tmp_path / "older.sqlite", "0003_ledger_append_only")
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executescript("""
            INSERT INTO service (name, kind, cost_cents, wage_cents, visibility, client_booking)
                VALUES ('Talk', 'fixed', 8000, 4000, 'all', 0);
            INSERT INTO practitioner (name, email, phone, color) VALUES ('Dr Old', '', '', '#336699');
            INSERT INTO client (first_name, last_name, email, phone, address, notify_by, may_cancel, notes)
                VALUES ('Ann', 'Able', '', '', '', 'email', 0, '');
            INSERT INTO practice_session (start_at, end_at, service_id, practitioner_id, public_note, private_note,
                status, cost_override, created_at, created_by)
                VALUES ('2026-01-05 15:00:00.000000', '2026-01-05 16:00:00.000000', 1, 1, '', '', 'open', 0,
                        '2026-01-01 09:00:00.000000', 1);
            INSERT INTO participant (session_id, client_id) VALUES (1, 1);""")
    engine = open_practice(path)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT status, price_cents, changed_at, changed_by FROM participant")).one()
    engine.dispose()
    assert tuple(row) == ("booked", None, "2026-01-01 09:00:00.000000", 1)

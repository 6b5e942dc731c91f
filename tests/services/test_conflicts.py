"""Double-booking warnings (SPEC 2.5): practitioner, client or location; staff may save anyway."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.models import Participant, PracticeSession, Series
from app.services import audit
from app.services.errors import NeedsConfirmation, RuleViolation
from app.services.scheduling import completion, deletion, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from app.services.scheduling.sessions import SessionInput

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@dataclass
class World:
    who: object
    no: object
    ann: object
    bob: object
    cat: object
    service: object
    room_a: object
    room_b: object
    existing: object  # Mon 2026-01-05 10:00-11:00, Dr Who, Ann, Room A


@pytest.fixture
def w(practice, admin, make):
    who, no = make.practitioner("Dr Who"), make.practitioner("Dr No")
    ann, bob, cat = make.client("Ann", "Able"), make.client("Bob", "Baker"), make.client("Cat", "Cole")
    svc, room_a, room_b = make.service("Therapy"), make.location("Room A"), make.location("Room B")
    [existing] = make.session(at(10), at(11), svc, who, [ann], location=room_a)
    return World(who, no, ann, bob, cat, svc, room_a, room_b, existing)


def at(hour, minute=0, day=5):
    return datetime(2026, 1, day, hour, minute)


def form(w, start, end, pract, client_list, room):
    return SessionInput(start=start, end=end, service_id=w.service.id, practitioner_id=pract.id,
                        client_ids=tuple(c.id for c in client_list), location_id=room.id if room else None)


def session_rows(practice):
    with practice.read() as tx:
        return tuple(tx.scalar(select(func.count()).select_from(t)) for t in (PracticeSession, Participant, Series))


def warnings_for(practice, actor, data, **kw):
    before = session_rows(practice)
    with pytest.raises(NeedsConfirmation) as err:
        sessions.add_session(practice, actor, data, **kw)
    assert session_rows(practice) == before  # SPEC 0.5: a warning changes nothing
    return err.value.warnings


@pytest.mark.parametrize(("who", "clients", "room", "code", "names"), [
    ("who", ["bob"], "room_b", "conflict.practitioner", "Dr Who"),
    ("no", ["bob", "ann"], "room_b", "conflict.client", "Ann Able"),
    ("no", ["bob"], "room_a", "conflict.location", "Room A"),
])
def test_each_kind_of_double_booking_is_warned_and_names_the_other_session(practice, admin, w, who, clients,
                                                                           room, code, names):
    # SPEC 2.5
    data = form(w, at(10, 30), at(11, 30), getattr(w, who), [getattr(w, c) for c in clients], getattr(w, room))
    [warning] = warnings_for(practice, admin, data)
    assert warning.code == code
    assert "#" not in warning.message  # the other session by its time and names, never an internal id
    assert names in warning.message
    assert "10:00\u201311:00" in warning.message and "05 Jan 2026" in warning.message


def test_all_three_conflicts_at_once(practice, admin, w):
    # SPEC 2.5
    warnings = warnings_for(practice, admin, form(w, at(9, 30), at(10, 15), w.who, [w.ann], w.room_a))
    assert [x.code for x in warnings] == ["conflict.practitioner", "conflict.client", "conflict.location"]
    assert all("05 Jan 2026 10:00\u201311:00" in x.message and "#" not in x.message for x in warnings)


def test_staff_confirms_saves_and_the_override_is_audited(practice, admin, make, w):
    # SPEC 2.5: staff may save anyway; the acknowledgement is audited
    staff = make.user("staff")
    data = form(w, at(10, 30), at(11, 30), w.who, [w.bob], w.room_b)
    warnings = warnings_for(practice, staff, data)
    made = sessions.add_session(practice, staff, data, confirm=True)
    assert len(made) == 1
    assert [s.id for s in sessions.list_sessions(practice, admin, *EVER)] == [w.existing.id, made[0].id]
    overrides = [a for a in audit.list_audit(practice, admin) if a.action == "session.warnings_overridden"]
    assert len(overrides) == 1
    assert overrides[0].user_id == staff.user_id
    assert overrides[0].detail["warnings"] == [x.message for x in warnings]


def test_no_conflict_needs_no_confirmation_and_no_override_audit(practice, admin, w):
    # SPEC 2.5
    sessions.add_session(practice, admin, form(w, at(10), at(11), w.no, [w.bob], w.room_b))
    assert not [a for a in audit.list_audit(practice, admin) if a.action == "session.warnings_overridden"]


def test_practitioner_gets_a_rule_violation_not_a_confirmation(practice, make, w):
    # SPEC 2.5 / 1.1: only staff (and admin) may save anyway
    me = make.user("practitioner", practitioner_id=w.who.id)
    before = session_rows(practice)
    with pytest.raises(RuleViolation) as err:
        sessions.add_session(practice, me, form(w, at(10, 30), at(11, 30), w.who, [w.bob], None), confirm=True)
    assert "Dr Who is already booked" in str(err.value) and "#" not in str(err.value)
    assert session_rows(practice) == before


@pytest.mark.parametrize(("start", "end"), [(at(11), at(12)), (at(9), at(10))])
def test_touching_sessions_do_not_conflict(practice, admin, w, start, end):
    # SPEC 2.5: end == start is not an overlap
    [s] = sessions.add_session(practice, admin, form(w, start, end, w.who, [w.ann], w.room_a))
    assert s.id != w.existing.id


def test_a_minute_of_overlap_conflicts(practice, admin, w):
    # SPEC 2.5
    [warning, *_] = warnings_for(practice, admin, form(w, at(10, 59), at(12), w.who, [w.bob], None))
    assert warning.code == "conflict.practitioner"


def test_canceled_sessions_do_not_conflict(practice, admin, w):
    # SPEC 2.5: a canceled session no longer holds the slot
    canceled = completion.type_by_key(practice, "canceled")
    completion.complete_session(practice, admin, w.existing.id, canceled.id)
    sessions.add_session(practice, admin, form(w, at(10), at(11), w.who, [w.ann], w.room_a))
    assert len(sessions.list_sessions(practice, admin, *EVER)) == 2


def test_completed_and_missed_sessions_still_conflict(practice, admin, w):
    # SPEC 2.5: only canceling frees the slot
    missed = completion.type_by_key(practice, "missed")
    completion.complete_session(practice, admin, w.existing.id, missed.id)
    [warning] = warnings_for(practice, admin, form(w, at(10), at(11), w.who, [w.bob], None))
    assert warning.code == "conflict.practitioner"


def test_deleted_sessions_do_not_conflict(practice, admin, w):
    # SPEC 2.5 / 5: a deleted session is off the calendar
    deletion.delete_sessions(practice, admin, [w.existing.id])
    [s] = sessions.add_session(practice, admin, form(w, at(10), at(11), w.who, [w.ann], w.room_a))
    assert [x.id for x in sessions.list_sessions(practice, admin, *EVER)] == [s.id]


def test_an_edit_does_not_conflict_with_itself(practice, admin, w):
    # SPEC 2.5: moving a session within its own slot is no double-booking
    moved = sessions.update_session(practice, admin, w.existing.id,
                                    form(w, at(10, 30), at(11, 30), w.who, [w.ann], w.room_a))
    assert (moved[0].start.hour, moved[0].start.minute) == (10, 30)


def test_an_edit_onto_another_session_is_warned(practice, admin, make, w):
    # SPEC 2.5: edits are checked too, and name the other session
    [other] = make.session(at(14), at(15), w.service, w.no, [w.bob], location=w.room_b)
    data = form(w, at(14, 30), at(15, 30), w.no, [w.bob], w.room_b)
    with pytest.raises(NeedsConfirmation) as err:
        sessions.update_session(practice, admin, w.existing.id, data)
    assert {x.code for x in err.value.warnings} == {"conflict.practitioner", "conflict.client",
                                                     "conflict.location"}
    assert err.value.warnings and all("#" not in x.message for x in err.value.warnings)
    assert sessions.get_session(practice, admin, w.existing.id).start.hour == 10  # unchanged
    sessions.update_session(practice, admin, w.existing.id, data, confirm=True)
    assert sessions.get_session(practice, admin, w.existing.id).start.hour == 14


def test_a_series_occurrence_that_collides_is_named(practice, admin, make, w):
    # SPEC 2.5 / 3: the warning names the session an occurrence would collide with
    [later] = make.session(at(10, day=14), at(11, day=14), w.service, w.no, [w.bob], location=w.room_b)
    data = form(w, at(10, day=12), at(11, day=12), w.who, [w.cat], w.room_b)
    [warning] = warnings_for(practice, admin, data, recurrence=RecurrenceInput((0, 2), count=4))
    assert warning.code == "conflict.location"
    assert "Bob" in warning.message and "14 Jan 2026" in warning.message and "#" not in warning.message
    made = sessions.add_session(practice, admin, data, recurrence=RecurrenceInput((0, 2), count=4), confirm=True)
    assert len(made) == 4


def test_editing_a_whole_series_excludes_its_own_occurrences(practice, admin, w):
    # SPEC 2.5 / 3.4: shifting every occurrence by 30 minutes overlaps only their old selves
    made = sessions.add_session(practice, admin, form(w, at(15, day=6), at(16, day=6), w.who, [w.cat], None),
                                recurrence=RecurrenceInput((1,), count=3))
    moved = sessions.update_session(practice, admin, made[0].id,
                                    form(w, at(15, 30, day=6), at(16, 30, day=6), w.who, [w.cat], None), scope="all")
    assert [(s.start.day, s.start.hour, s.start.minute) for s in moved] == [(6, 15, 30), (13, 15, 30), (20, 15, 30)]

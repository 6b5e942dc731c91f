"""Roles enforced by the services, not the views (SPEC 1.1, 0.3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Location, PracticeSession, Practitioner, Service
from app.services.errors import PermissionDenied
from app.services.people import practitioners, users
from app.services.scheduling import catalog, completion, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from app.services.scheduling.sessions import SessionInput

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@dataclass
class World:
    mine: object  # practitioner record of the logged-in practitioner
    theirs: object
    me: object  # Actor
    staff: object
    client: object
    service: object


@pytest.fixture
def w(make):
    mine, theirs = make.practitioner("Dr Mine"), make.practitioner("Dr Theirs")
    return World(mine, theirs, make.user("practitioner", practitioner_id=mine.id), make.user("staff"),
                 make.client(), make.service())


def form(w, pract, hour=10, day=5, **kw):
    return SessionInput(start=datetime(2026, 1, day, hour), end=datetime(2026, 1, day, hour + 1),
                        service_id=w.service.id, practitioner_id=pract.id, client_ids=(w.client.id,), **kw)


def count(practice, table):
    with practice.read() as tx:
        return tx.scalar(select(func.count()).select_from(table))


def completed_id(practice):
    return completion.type_by_key(practice, "completed").id


def test_practitioner_adds_edits_and_completes_own_sessions(practice, w):
    # SPEC 1.1: practitioner: own sessions, complete them
    [s] = sessions.add_session(practice, w.me, form(w, w.mine, private_note="mine"))
    assert (s.practitioner_id, s.private_note) == (w.mine.id, "mine")
    [moved] = sessions.update_session(practice, w.me, s.id, form(w, w.mine, hour=14))
    assert moved.start.hour == 14
    done = completion.complete_session(practice, w.me, s.id, completed_id(practice))
    assert (done.status, done.wage_cents) == ("completed", 4000)
    reopened = completion.reopen_session(practice, w.me, s.id)
    assert reopened.status == "open"


def test_practitioner_cannot_add_for_another_practitioner(practice, w):
    # SPEC 1.1 / 0.3
    before = count(practice, PracticeSession)
    with pytest.raises(PermissionDenied):
        sessions.add_session(practice, w.me, form(w, w.theirs))
    with pytest.raises(PermissionDenied):
        sessions.add_session(practice, w.me, form(w, w.theirs), recurrence=RecurrenceInput((0,), count=3))
    assert count(practice, PracticeSession) == before


def test_practitioner_cannot_touch_another_practitioners_session(practice, admin, w):
    # SPEC 1.1 / 0.3
    [other] = sessions.add_session(practice, admin, form(w, w.theirs, private_note="theirs"))
    with pytest.raises(PermissionDenied):
        sessions.get_session(practice, w.me, other.id)
    with pytest.raises(PermissionDenied):
        sessions.update_session(practice, w.me, other.id, form(w, w.theirs, hour=14))
    with pytest.raises(PermissionDenied):
        sessions.update_session(practice, w.me, other.id, form(w, w.mine, hour=14))  # taking it over
    with pytest.raises(PermissionDenied):
        completion.complete_session(practice, w.me, other.id, completed_id(practice))
    with pytest.raises(PermissionDenied):
        completion.preview_completion(practice, w.me, other.id, completed_id(practice))
    unchanged = sessions.get_session(practice, admin, other.id)
    assert (unchanged.start.hour, unchanged.status, unchanged.practitioner_id) == (10, "open", w.theirs.id)


def test_practitioner_cannot_hand_own_session_to_someone_else(practice, w):
    # SPEC 1.1
    [s] = sessions.add_session(practice, w.me, form(w, w.mine))
    with pytest.raises(PermissionDenied):
        sessions.update_session(practice, w.me, s.id, form(w, w.theirs))
    assert sessions.get_session(practice, w.me, s.id).practitioner_id == w.mine.id


def test_practitioner_cannot_enable_another_practitioners_schedule(practice, admin, w):
    # SPEC 1.1 / 3.1
    [first] = sessions.add_session(practice, admin, form(w, w.theirs),
                                   recurrence=RecurrenceInput((0,), count=3, enabled=False))
    with pytest.raises(PermissionDenied):
        sessions.enable_series(practice, w.me, first.series_id)
    assert count(practice, PracticeSession) == 1


def test_practitioner_may_not_override_the_cost(practice, w):
    # SPEC 4.1: cost override is admin/staff only
    [s] = sessions.add_session(practice, w.me, form(w, w.mine))
    with pytest.raises(PermissionDenied):
        completion.complete_session(practice, w.me, s.id, override=completion.Override(1, 1))
    assert sessions.get_session(practice, w.me, s.id).status == "open"


def test_practitioner_sees_only_own_sessions(practice, admin, w):
    # SPEC 1.1: even when asking for another practitioner's column
    [mine] = sessions.add_session(practice, admin, form(w, w.mine, hour=9))
    [theirs] = sessions.add_session(practice, admin, form(w, w.theirs, hour=11))
    own_series = sessions.add_session(practice, admin, form(w, w.mine, hour=15, day=6),
                                      recurrence=RecurrenceInput((1,), count=2))
    other_series = sessions.add_session(practice, admin, form(w, w.theirs, hour=15, day=7),
                                        recurrence=RecurrenceInput((2,), count=2))
    expected = [mine.id] + [s.id for s in own_series]
    assert [s.id for s in sessions.list_sessions(practice, w.me, *EVER)] == expected
    assert [s.id for s in sessions.list_sessions(practice, w.me, *EVER, practitioner_ids=[w.theirs.id])] == expected
    assert sessions.list_series(practice, w.me, other_series[0].series_id) == []
    assert len(sessions.list_series(practice, w.me, own_series[0].series_id)) == 2
    # front desk sees everyone, and can filter
    assert len(sessions.list_sessions(practice, w.staff, *EVER)) == 6
    assert [s.id for s in sessions.list_sessions(practice, w.staff, *EVER, practitioner_ids=[w.theirs.id])] == [
        theirs.id] + [s.id for s in other_series]


def test_staff_may_add_edit_and_complete_for_anyone(practice, w):
    # SPEC 1.1: front desk works on every practitioner's sessions
    [a] = sessions.add_session(practice, w.staff, form(w, w.mine))
    b, _ = sessions.add_session(practice, w.staff, form(w, w.theirs, day=6), recurrence=RecurrenceInput((1,), count=2))
    [moved] = sessions.update_session(practice, w.staff, a.id, form(w, w.theirs, hour=12))
    assert (moved.practitioner_id, moved.start.hour) == (w.theirs.id, 12)
    assert completion.complete_session(practice, w.staff, b.id, completed_id(practice)).status == "completed"
    assert sessions.get_session(practice, w.staff, b.id).private_note == ""


@pytest.mark.parametrize("role", ["staff", "practitioner"])
def test_only_admin_manages_services_practitioners_locations(practice, admin, make, w, role):
    # SPEC 1.1: settings (catalogue, people, custom wages) are admin only
    actor = w.staff if role == "staff" else w.me
    before = [count(practice, t) for t in (Service, Practitioner, Location, AuditEntry)]
    with pytest.raises(PermissionDenied):
        catalog.create_service(practice, actor, catalog.ServiceInput("Massage", "hourly", 9000, 4500))
    with pytest.raises(PermissionDenied):
        catalog.update_service(practice, actor, w.service.id, catalog.ServiceInput("Cheap", "fixed", 1, 1))
    with pytest.raises(PermissionDenied):
        practitioners.create_practitioner(practice, actor, practitioners.PractitionerInput("Dr New"))
    with pytest.raises(PermissionDenied):
        catalog.create_location(practice, actor, "Room Z")
    with pytest.raises(PermissionDenied):
        catalog.set_custom_wage(practice, actor, w.mine.id, w.service.id, 99999)
    with pytest.raises(PermissionDenied):
        users.create_user(practice, actor, "sneaky", "Sneaky", "admin", "password123")
    assert [count(practice, t) for t in (Service, Practitioner, Location, AuditEntry)] == before
    assert catalog.custom_wages(practice, admin, w.mine.id) == {}

    # admin can do all of it
    svc = catalog.create_service(practice, admin, catalog.ServiceInput("Massage", "hourly", 9000, 4500))
    pract = practitioners.create_practitioner(practice, admin, practitioners.PractitionerInput("Dr New"))
    loc = catalog.create_location(practice, admin, "Room Z")
    assert (svc.name, pract.name, loc.name) == ("Massage", "Dr New", "Room Z")

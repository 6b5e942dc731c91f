"""Adding sessions (SPEC 2.1, 2.2, 2.4, 2.6, 3.1, 3.5, 0.5)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Participant, PracticeSession, Series
from app.services.errors import PermissionDenied, RuleViolation, ValidationError
from app.services.people import clients, practitioners, users
from app.services.scheduling import catalog, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from app.services.scheduling.sessions import SessionInput

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
MON, WED = 0, 2


@dataclass
class World:
    pract: object
    other_pract: object
    ann: object
    bob: object
    service: object
    room: object


@pytest.fixture
def w(make):
    return World(make.practitioner("Dr Who"), make.practitioner("Dr No"), make.client("Ann", "Able"),
                 make.client("Bob", "Baker"), make.service("Therapy", cost=8000, wage=4000), make.location("Room A"))


def form(w, **kw):
    values = dict(start=datetime(2026, 1, 5, 10), end=datetime(2026, 1, 5, 11), service_id=w.service.id,
                  practitioner_id=w.pract.id, client_ids=(w.ann.id,), location_id=w.room.id)
    values.update(kw)
    return SessionInput(**values)


def row_counts(practice):
    with practice.read() as tx:
        return tuple(tx.scalar(select(func.count()).select_from(t)) for t in
                     (PracticeSession, Participant, Series, AuditEntry))


def test_one_client_is_a_single_session(practice, admin, w):
    # SPEC 2.1 / 2.2: kind detected from the number of clients
    [s] = sessions.add_session(practice, admin, form(w, public_note="Bring music", private_note="Anxious"))
    assert s.kind == "single"
    assert s.title == "Ann Able"
    assert (s.start, s.end) == (datetime(2026, 1, 5, 10, tzinfo=practice.tz), datetime(2026, 1, 5, 11, tzinfo=practice.tz))
    assert (s.service_name, s.practitioner_name, s.location_name) == ("Therapy", "Dr Who", "Room A")
    assert [c.name for c in s.clients] == ["Ann Able"]
    assert (s.status, s.label, s.series_id) == ("open", "Open", None)
    assert (s.public_note, s.private_note) == ("Bring music", "Anxious")
    # SPEC 2.6: cost and wage shown while open
    assert (s.cost_cents, s.wage_cents) == (8000, 4000)


def test_two_or_more_clients_is_a_group_session(practice, admin, w):
    # SPEC 2.2
    [s] = sessions.add_session(practice, admin, form(w, client_ids=(w.bob.id, w.ann.id)))
    assert s.kind == "group"
    assert s.title == "Group: 2 clients"
    assert [c.name for c in s.clients] == ["Ann Able", "Bob Baker"]
    assert s.client_names == "Ann Able, Bob Baker"
    [again] = sessions.list_sessions(practice, admin, *EVER)
    assert (again.id, again.kind, len(again.clients)) == (s.id, "group", 2)


def test_private_note_only_for_front_desk_and_own_practitioner(practice, admin, make, w):
    # SPEC 2.4: public note for everyone involved; private note for admin, staff, the session's practitioner
    [s] = sessions.add_session(practice, admin, form(w, public_note="Public", private_note="Secret"))
    staff = make.user("staff")
    own = make.user("practitioner", practitioner_id=w.pract.id)
    other = make.user("practitioner", practitioner_id=w.other_pract.id)
    for actor in (admin, staff, own):
        got = sessions.get_session(practice, actor, s.id)
        assert (got.public_note, got.private_note) == ("Public", "Secret")
        [listed] = sessions.list_sessions(practice, actor, *EVER)
        assert listed.private_note == "Secret"
    # another practitioner cannot reach the session at all, so neither note leaks
    assert sessions.list_sessions(practice, other, *EVER) == []
    with pytest.raises(PermissionDenied):
        sessions.get_session(practice, other, s.id)


def test_recurring_add_makes_every_occurrence_linked_by_series(practice, admin, w):
    # SPEC 3.1 / 3.4 / 3.5: each occurrence its own session, shown on the list right after saving
    made = sessions.add_session(practice, admin, form(w), recurrence=RecurrenceInput((MON, WED), count=6))
    assert len(made) == 6
    series_ids = {s.series_id for s in made}
    assert len(series_ids) == 1 and None not in series_ids
    assert len({s.id for s in made}) == 6
    listed = sessions.list_sessions(practice, admin, *EVER)
    assert [s.id for s in listed] == [s.id for s in made]
    assert [s.start.date() for s in listed] == [date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 12),
                                                date(2026, 1, 14), date(2026, 1, 19), date(2026, 1, 21)]
    assert all((s.start.hour, s.end.hour, s.status) == (10, 11, "open") for s in listed)
    assert [s.id for s in sessions.list_series(practice, admin, series_ids.pop())] == [s.id for s in made]
    # a narrower calendar range shows just its part of the series
    week = sessions.list_sessions(practice, admin, datetime(2026, 1, 12, tzinfo=practice.tz),
                                  datetime(2026, 1, 19, tzinfo=practice.tz))
    assert [s.start.date() for s in week] == [date(2026, 1, 12), date(2026, 1, 14)]


def test_schedule_not_enabled_saves_only_first_then_enable_applies_it(practice, admin, w):
    # SPEC 3.1: not enabled -> saved but not applied; enabling later applies it
    rec = RecurrenceInput((MON, WED), count=4, enabled=False)
    [first] = sessions.add_session(practice, admin, form(w, private_note="p"), recurrence=rec)
    assert first.series_id is not None
    assert [s.id for s in sessions.list_sessions(practice, admin, *EVER)] == [first.id]
    with practice.read() as tx:
        series = tx.get(Series, first.series_id)
        assert (series.enabled, series.count, series.weekdays) == (False, 4, "0,2")

    enabled = sessions.enable_series(practice, admin, first.series_id)
    assert [s.start.date() for s in enabled] == [date(2026, 1, 5), date(2026, 1, 7), date(2026, 1, 12),
                                                 date(2026, 1, 14)]
    listed = sessions.list_sessions(practice, admin, *EVER)
    assert [s.id for s in listed] == [s.id for s in enabled]
    assert listed[0].id == first.id
    assert {(s.series_id, s.start.hour, s.private_note, s.clients[0].id) for s in listed} == {
        (first.series_id, 10, "p", w.ann.id)}
    with pytest.raises(RuleViolation):
        sessions.enable_series(practice, admin, first.series_id)
    assert len(sessions.list_sessions(practice, admin, *EVER)) == 4


BAD_INPUT = [
    ("end before start", lambda w, p: dict(end=datetime(2026, 1, 5, 9)), "end"),
    ("end equals start", lambda w, p: dict(end=datetime(2026, 1, 5, 10)), "end"),
    ("longer than 24 h", lambda w, p: dict(end=datetime(2026, 1, 6, 10, 1)), "end"),
    ("start not a datetime", lambda w, p: dict(start=date(2026, 1, 5)), "start"),
    ("no clients", lambda w, p: dict(client_ids=()), "clients"),
    ("duplicate client", lambda w, p: dict(client_ids=(w.ann.id, w.bob.id, w.ann.id)), "clients"),
    ("unknown client", lambda w, p: dict(client_ids=(w.ann.id, 99999)), "clients"),
    ("archived client", lambda w, p: dict(client_ids=(w.ann.id, _archive_client(p, w.bob))), "clients"),
    ("no service", lambda w, p: dict(service_id=None), "service"),
    ("unknown service", lambda w, p: dict(service_id=99999), "service"),
    ("archived service", lambda w, p: dict(service_id=_archive_service(p, w.service)), "service"),
    ("unknown practitioner", lambda w, p: dict(practitioner_id=99999), "practitioner"),
    ("archived practitioner", lambda w, p: dict(practitioner_id=_archive_pract(p, w.other_pract)), "practitioner"),
    ("unknown location", lambda w, p: dict(location_id=99999), "location"),
    ("archived location", lambda w, p: dict(location_id=_archive_location(p, w.room)), "location"),
    ("public note too long", lambda w, p: dict(public_note="x" * 5001), "public note"),
    ("private note too long", lambda w, p: dict(private_note="x" * 5001), "private note"),
]


def _admin(p):
    return users.first_admin(p).actor


def _archive_client(p, c):
    return clients.set_archived(p, _admin(p), c.id, True).id


def _archive_service(p, s):
    return catalog.set_service_archived(p, _admin(p), s.id, True).id


def _archive_pract(p, pr):
    return practitioners.set_archived(p, _admin(p), pr.id, True).id


def _archive_location(p, loc):
    return catalog.set_location_archived(p, _admin(p), loc.id, True).id


@pytest.mark.parametrize("recurring", [False, True], ids=["single", "recurring"])
@pytest.mark.parametrize(("case", "change", "field"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_names_the_field_and_writes_nothing(practice, admin, w, case, change, field, recurring):
    # SPEC 0.5 / 2.1: a clear message naming the field, and nothing changes
    data = replace(form(w), **change(w, practice))
    before = row_counts(practice)
    rec = RecurrenceInput((MON, WED), count=4) if recurring else None
    with pytest.raises(ValidationError) as err:
        sessions.add_session(practice, admin, data, recurrence=rec)
    assert err.value.field == field
    assert err.value.message
    assert row_counts(practice) == before
    assert sessions.list_sessions(practice, admin, *EVER) == []


def test_exactly_24_hours_and_max_note_length_are_accepted(practice, admin, w):
    # SPEC 2.1: the limits themselves are allowed
    [s] = sessions.add_session(practice, admin, form(w, end=datetime(2026, 1, 6, 10), public_note="x" * 5000,
                                                     private_note="  padded  "))
    assert s.minutes == 24 * 60
    assert len(s.public_note) == 5000
    assert s.private_note == "padded"


def test_aware_times_are_taken_as_instants(practice, admin, w):
    # SPEC 0.2: an aware datetime is converted to the practice's wall time
    start = datetime(2026, 1, 5, 15, tzinfo=UTC)  # 10:00 in New York
    [s] = sessions.add_session(practice, admin, form(w, start=start, end=datetime(2026, 1, 5, 16, tzinfo=UTC)))
    assert (s.start.hour, s.end.hour, s.start.utcoffset().total_seconds()) == (10, 11, -5 * 3600)

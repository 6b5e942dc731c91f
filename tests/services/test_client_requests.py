"""Client requests (SPEC 1.1, 1.4, 6.2-6.4): recorded by the front desk on the client's behalf, only
for client-booking services and locations, accepted into exactly one session with the client rules,
or declined with a reason."""
from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, ClientRequest, PracticeSession
from app.models.enums import WarningCode
from app.services import practice_settings
from app.services.errors import (
    Busy,
    NeedsConfirmation,
    NotFound,
    PermissionDenied,
    RuleViolation,
    ServiceError,
    ValidationError,
)
from app.services.money import ledger, packages
from app.services.scheduling import catalog, client_requests, closures, sessions
from app.services.scheduling.client_requests import RequestInput
from tests.races import open_again
from tests.services.fingerprint import fingerprint


@pytest.fixture
def desk(practice, admin, make):
    """A practice with a bookable service ($80, 60 min) and room, a service and a room that are not
    open to client booking, a practitioner, a client and a staff member."""
    class Desk:
        pass

    d = Desk()
    d.therapy = make.service("Therapy", cost=8000, wage=4000, client_booking=True)
    d.internal = make.service("Supervision", cost=5000, wage=2000)
    d.room = make.location("Room A", client_booking=True)
    d.office = make.location("Back office")
    d.pr = make.practitioner("Dr Who")
    d.ann = make.client("Ann", "Lee")
    d.staff = make.user("staff")
    d.make = make
    return d


def ask(practice, actor, d, day=2, hour=10, **kw):
    values = dict(client_id=d.ann.id, service_id=d.therapy.id, start=datetime(2026, 3, day, hour),
                  end=datetime(2026, 3, day, hour + 1), location_id=d.room.id, practitioner_id=d.pr.id,
                  note="Prefers the morning")
    values.update(kw)
    return client_requests.record_request(practice, actor, RequestInput(**values))


def session_count(practice) -> int:
    with practice.read() as tx:
        return tx.scalar(select(func.count()).select_from(PracticeSession))


# -- SPEC 1.4: only client-booking services and locations ----------------------------------------
def test_spec_1_4_only_client_booking_services_and_locations_are_offered(practice, admin, desk):
    offered = client_requests.booking_choices(practice, desk.staff)
    assert [(c.id, c.name, c.minutes) for c in offered.services] == [(desk.therapy.id, "Therapy", 60)]
    assert [(c.id, c.name) for c in offered.locations] == [(desk.room.id, "Room A")]
    catalog.set_service_archived(practice, admin, desk.therapy.id, True)
    assert client_requests.booking_choices(practice, desk.staff).services == ()  # archived: not offered


@pytest.mark.parametrize("field, change", [
    ("service", "internal service"), ("location", "back office")])
def test_spec_1_4_a_service_or_location_without_the_flag_is_refused_and_nothing_recorded(practice, desk, field,
                                                                                         change):
    before = fingerprint(practice)
    kw = {"service_id": desk.internal.id} if field == "service" else {"location_id": desk.office.id}
    with pytest.raises(ValidationError) as e:
        ask(practice, desk.staff, desk, **kw)
    assert e.value.field == field and "client" in e.value.message
    assert fingerprint(practice) == before


def test_spec_1_4_a_flag_switched_off_after_recording_refuses_the_accept(practice, admin, desk):
    r = ask(practice, desk.staff, desk)
    catalog.update_location(practice, admin, desk.room.id, "Room A", client_booking=False)
    before = fingerprint(practice)
    with pytest.raises(RuleViolation, match="cannot be accepted: clients cannot request sessions at Room A"):
        client_requests.accept_request(practice, desk.staff, r.id)
    assert fingerprint(practice) == before


# -- recording, listing --------------------------------------------------------------------------
def test_spec_1_1_staff_record_a_request_on_the_clients_behalf(practice, desk, clock):
    r = ask(practice, desk.staff, desk)
    assert (r.status, r.client_name, r.service_name, r.location_name, r.practitioner_name) == (
        "pending", "Ann Lee", "Therapy", "Room A", "Dr Who")
    assert (r.start.replace(tzinfo=None), r.end.replace(tzinfo=None)) == (datetime(2026, 3, 2, 10),
                                                                          datetime(2026, 3, 2, 11))
    assert r.start.utcoffset().total_seconds() == -5 * 3600  # practice time (New York, before DST)
    assert r.note == "Prefers the morning" and r.recorded_by.startswith("Staff") and r.session_id is None
    assert r.recorded_at == clock.now()
    with practice.read() as tx:
        row = tx.get(ClientRequest, r.id)
        assert row.start_at.hour == 15  # stored in UTC, like sessions
        assert tx.scalar(select(AuditEntry.action).where(AuditEntry.entity == "client_request")) == \
            "client_request.record"
    assert session_count(practice) == 0  # a request books nothing


def test_the_inbox_lists_pending_first_soonest_first_and_filters(practice, desk):
    late = ask(practice, desk.staff, desk, day=9)
    early = ask(practice, desk.staff, desk, day=3)
    gone = ask(practice, desk.staff, desk, day=2)
    client_requests.decline_request(practice, desk.staff, gone.id, "Fully booked that day")
    assert [r.id for r in client_requests.list_requests(practice, desk.staff)] == [early.id, late.id]
    assert [r.id for r in client_requests.list_requests(practice, desk.staff, None)] == [early.id, late.id, gone.id]
    assert [r.id for r in client_requests.list_requests(practice, desk.staff, None, limit=2, offset=1)] == [
        late.id, gone.id]
    assert [r.id for r in client_requests.list_requests(practice, desk.staff, "declined")] == [gone.id]
    assert client_requests.count_requests(practice, desk.staff) == 2
    assert client_requests.count_requests(practice, desk.staff, None) == 3


def test_a_request_without_practitioner_or_location_needs_a_practitioner_to_accept(practice, desk):
    r = ask(practice, desk.staff, desk, practitioner_id=None, location_id=None)
    assert (r.practitioner_name, r.location_name) == ("", "")
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        client_requests.accept_request(practice, desk.staff, r.id)
    assert e.value.field == "practitioner"
    assert fingerprint(practice) == before
    done = client_requests.accept_request(practice, desk.staff, r.id, practitioner_id=desk.pr.id)
    assert done.session.practitioner_id == desk.pr.id and done.session.location_id is None


# -- accepting -----------------------------------------------------------------------------------
def test_spec_1_4_accept_creates_exactly_one_session_from_the_request(practice, desk):
    r = ask(practice, desk.staff, desk)
    done = client_requests.accept_request(practice, desk.staff, r.id)
    s = done.session
    assert (s.service_id, s.location_id, s.practitioner_id, [c.id for c in s.clients]) == (
        desk.therapy.id, desk.room.id, desk.pr.id, [desk.ann.id])
    assert (s.start, s.end) == (r.start, r.end) and s.status == "open"
    assert s.private_note == "Prefers the morning" and s.public_note == ""
    assert (done.request.status, done.request.session_id) == ("accepted", s.id)
    assert done.request.decided_by.startswith("Staff") and done.request.decided_at is not None
    assert session_count(practice) == 1
    with practice.read() as tx:
        actions = list(tx.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["session.add", "client_request.accept"]


def test_accepting_twice_makes_one_session_and_the_second_is_refused_plainly(practice, desk):
    r = ask(practice, desk.staff, desk)
    client_requests.accept_request(practice, desk.staff, r.id)
    before = fingerprint(practice)
    with pytest.raises(RuleViolation, match="already accepted"):
        client_requests.accept_request(practice, desk.staff, r.id)
    with pytest.raises(RuleViolation, match="already accepted"):
        client_requests.decline_request(practice, desk.staff, r.id, "Too late")
    assert fingerprint(practice) == before and session_count(practice) == 1


def test_spec_0_4_two_desks_accepting_the_same_requests_at_once_make_one_session_each(practice, desk):
    # two workstations (two engines on one file), in step before each accept, 15 requests
    ids = [ask(practice, desk.staff, desk, day=2 + n // 5, hour=9 + n % 5).id for n in range(15)]
    other = open_again(practice)
    barrier = threading.Barrier(2, timeout=60)
    tallies = [[], []]

    def work(p, tally):
        for rid in ids:
            barrier.wait()
            try:
                client_requests.accept_request(p, desk.staff, rid, confirm=True)
                tally.append("ok")
            except (RuleViolation, Busy) as exc:
                tally.append(type(exc).__name__)
            except Exception as exc:  # noqa: BLE001 - any other error is the defect looked for
                tally.append(f"raw {exc!r}")

    threads = [threading.Thread(target=work, args=(p, t)) for p, t in ((practice, tallies[0]), (other, tallies[1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    other.close()
    both = tallies[0] + tallies[1]
    assert not [x for x in both if x.startswith("raw")]
    assert both.count("ok") == 15 and session_count(practice) == 15
    with practice.read() as tx:
        made = list(tx.scalars(select(ClientRequest.session_id)))
    assert len(set(made)) == 15


def test_spec_2_5_a_conflict_is_asked_about_and_the_confirmed_accept_is_audited(practice, desk, make):
    make.session(datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), desk.therapy, desk.pr, [make.client()])
    r = ask(practice, desk.staff, desk)
    before = fingerprint(practice)
    with pytest.raises(NeedsConfirmation) as e:
        client_requests.accept_request(practice, desk.staff, r.id)
    assert [w.code for w in e.value.warnings] == [WarningCode.CONFLICT_PRACTITIONER]
    assert fingerprint(practice) == before
    done = client_requests.accept_request(practice, desk.staff, r.id, confirm=True)
    assert done.request.status == "accepted" and session_count(practice) == 2
    with practice.read() as tx:
        assert "session.warnings_overridden" in set(tx.scalars(select(AuditEntry.action)))


def test_spec_7_3_a_closure_is_asked_about_as_when_adding_a_session(practice, admin, desk):
    closures.add_closure(practice, admin, datetime(2026, 3, 2).date(), None, "Snow day")
    r = ask(practice, desk.staff, desk)
    with pytest.raises(NeedsConfirmation) as e:
        client_requests.accept_request(practice, desk.staff, r.id)
    assert [w.code for w in e.value.warnings] == [WarningCode.CLOSURE]


# -- SPEC 6: the client rules --------------------------------------------------------------------
def test_spec_6_4_insufficient_funds_refuses_the_request_even_for_staff_confirming(practice, admin, desk):
    practice_settings.update_settings(practice, admin, prepayment_mode="credit")
    ledger.record_payment(practice, admin, desk.ann.id, 5000, "cash")
    r = ask(practice, desk.staff, desk)
    before = fingerprint(practice)
    for actor in (desk.staff, admin):
        with pytest.raises(RuleViolation) as e:
            client_requests.accept_request(practice, actor, r.id, confirm=True)
        assert str(e.value) == ("This request cannot be accepted. Insufficient funds: Ann Lee has $50.00 of "
                                "available credit; this booking costs $80.00. Once the client has paid, accept it again; or "
                                "decline it.")
    assert fingerprint(practice) == before
    assert client_requests.get_request(practice, desk.staff, r.id).status == "pending"  # it can still be declined
    # the same booking made by staff themselves is only a warning they may confirm (SPEC 6.4)
    data = sessions.SessionInput(datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), desk.therapy.id, desk.pr.id,
                                 (desk.ann.id,))
    with pytest.raises(NeedsConfirmation):
        sessions.add_session(practice, desk.staff, data)
    # once paid enough, the request is accepted
    ledger.record_payment(practice, admin, desk.ann.id, 3000, "cash")
    assert client_requests.accept_request(practice, desk.staff, r.id).request.status == "accepted"


def test_spec_6_3_nothing_left_on_a_package_refuses_the_request(practice, admin, desk):
    practice_settings.update_settings(practice, admin, prepayment_mode="package")
    pkg = packages.create_package(practice, admin, packages.PackageInput("One", 1, 8000, (desk.therapy.id,)))
    packages.sell_package(practice, admin, desk.ann.id, pkg.id, "card")
    first, second = ask(practice, desk.staff, desk, day=2), ask(practice, desk.staff, desk, day=3)
    client_requests.accept_request(practice, desk.staff, first.id)
    with pytest.raises(RuleViolation, match="cannot be accepted. Ann Lee has nothing left on a package"):
        client_requests.accept_request(practice, desk.staff, second.id, confirm=True)
    assert session_count(practice) == 1


def test_spec_6_2_below_the_threshold_refuses_the_request(practice, admin, desk):
    practice_settings.update_settings(practice, admin, prepayment_mode="threshold", threshold_cents=20000)
    r = ask(practice, desk.staff, desk)
    with pytest.raises(RuleViolation, match="cannot be accepted. Ann Lee cannot be booked"):
        client_requests.accept_request(practice, desk.staff, r.id, confirm=True)
    assert session_count(practice) == 0


# -- declining -----------------------------------------------------------------------------------
def test_decline_keeps_the_reason_and_books_nothing(practice, desk):
    r = ask(practice, desk.staff, desk)
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        client_requests.decline_request(practice, desk.staff, r.id, "   ")
    assert e.value.field == "reason" and fingerprint(practice) == before
    out = client_requests.decline_request(practice, desk.staff, r.id, "The practice is closed that week")
    assert (out.status, out.decline_reason, out.session_id) == ("declined", "The practice is closed that week", None)
    assert session_count(practice) == 0
    with pytest.raises(RuleViolation, match="already declined"):
        client_requests.accept_request(practice, desk.staff, r.id)


# -- SPEC 1.1: permissions -----------------------------------------------------------------------
def test_spec_1_1_a_practitioner_cannot_record_list_accept_or_decline(practice, desk, make):
    doc = make.user("practitioner", practitioner_id=desk.pr.id)
    r = ask(practice, desk.staff, desk)
    before = fingerprint(practice)
    for call in (lambda: ask(practice, doc, desk),
                 lambda: client_requests.accept_request(practice, doc, r.id),
                 lambda: client_requests.decline_request(practice, doc, r.id, "No"),
                 lambda: client_requests.list_requests(practice, doc),
                 lambda: client_requests.booking_choices(practice, doc)):
        with pytest.raises(PermissionDenied):
            call()
    assert fingerprint(practice) == before


# -- SPEC 0.5: bad input names the field and changes nothing -------------------------------------
@pytest.mark.parametrize("kw, field", [
    ({"client_id": None}, "client"), ({"client_id": 9999}, "client"), ({"service_id": "1"}, "service"),
    ({"service_id": 9999}, "service"), ({"location_id": 9999}, "location"), ({"practitioner_id": 9999}, "practitioner"),
    ({"start": "tomorrow"}, "start"), ({"end": datetime(2026, 3, 2, 9)}, "end"),
    ({"end": datetime(2026, 3, 3, 11)}, "end"), ({"note": "x" * 2001}, "note"),
    ({"start": datetime(2025, 12, 1, 10), "end": datetime(2025, 12, 1, 11)}, "start"),  # in the past
])
def test_spec_0_5_bad_request_input_names_the_field_and_changes_nothing(practice, desk, kw, field):
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        ask(practice, desk.staff, desk, **kw)
    assert e.value.field == field
    assert fingerprint(practice) == before


def test_spec_0_5_bad_ids_and_choices_are_refused(practice, desk):
    for call in (lambda: client_requests.accept_request(practice, desk.staff, "1"),
                 lambda: client_requests.accept_request(practice, desk.staff, 1, confirm="yes"),
                 lambda: client_requests.list_requests(practice, desk.staff, "maybe"),
                 lambda: client_requests.list_requests(practice, desk.staff, None, limit=0),
                 lambda: client_requests.record_request(practice, desk.staff, {"client_id": 1})):
        with pytest.raises(ValidationError):
            call()
    with pytest.raises(NotFound):
        client_requests.get_request(practice, desk.staff, 424242)
    with pytest.raises(ServiceError):
        client_requests.decline_request(practice, desk.staff, 424242, "Gone")

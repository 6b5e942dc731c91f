"""Clients, practitioners, services, locations, custom wages and payments (SPEC 1.1, 1.3, 1.4, 0.4, 0.5)."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.models import Client, CustomWage, LedgerEntry, Location, Practitioner, Service
from app.services.errors import PermissionDenied, ValidationError
from app.services.money import ledger
from app.services.people import clients, practitioners
from app.services.people.clients import ClientInput
from app.services.people.practitioners import PractitionerInput
from app.services.scheduling import catalog
from app.services.scheduling.catalog import ServiceInput

TABLES = (Client, Practitioner, Service, Location, CustomWage, LedgerEntry)


def counts(practice) -> dict[str, int]:
    with practice.read() as tx:
        return {t.__tablename__: tx.scalar(select(func.count()).select_from(t)) for t in TABLES}


@pytest.fixture
def staff(make):
    return make.user("staff")


@pytest.fixture
def pract(make):
    return make.user("practitioner", practitioner_id=make.practitioner().id)


# SPEC 1.1
def test_client_crud(practice, staff):
    c = clients.create_client(practice, staff, ClientInput(" Ada ", "Lovelace", email="ada@example.org",
                                                           phone="+1 (555) 010-2000", notify_by="both"))
    assert (c.first_name, c.last_name, c.name, c.notify_by) == ("Ada", "Lovelace", "Ada Lovelace", "both")
    u = clients.update_client(practice, staff, c.id, ClientInput("Ada", "King", may_cancel=True))
    assert (u.last_name, u.email, u.may_cancel, u.notify_by) == ("King", "", True, "none")
    assert clients.get_client(practice, staff, c.id) == u
    assert [x.id for x in clients.list_clients(practice, staff, search="king")] == [c.id]


# SPEC 0.5
@pytest.mark.parametrize("kw, field", [
    (dict(first_name=""), "first name"),
    (dict(last_name="   "), "last name"),
    (dict(first_name="x" * 81), "first name"),
    (dict(email="not-an-email"), "e-mail"),
    (dict(email="a@b"), "e-mail"),
    (dict(phone="call me"), "phone"),
    (dict(notify_by="email"), "e-mail"),  # needs an e-mail address
    (dict(notify_by="both", email="a@b.org"), "phone"),
    (dict(notify_by="sms"), "phone"),  # needs a phone number
    (dict(notify_by="pigeon"), "notify by"),
    (dict(may_cancel="yes"), "may cancel"),
])
def test_bad_client_input_names_the_field_and_changes_nothing(practice, admin, make, kw, field):
    existing = make.client("Grace", "Hopper")
    before = counts(practice)
    data = ClientInput(**{"first_name": "Ada", "last_name": "Lovelace", **kw})
    with pytest.raises(ValidationError) as err:
        clients.create_client(practice, admin, data)
    assert err.value.field == field
    with pytest.raises(ValidationError) as err:
        clients.update_client(practice, admin, existing.id, data)
    assert err.value.field == field
    assert counts(practice) == before
    assert clients.get_client(practice, admin, existing.id) == existing


# SPEC 0.4: archiving hides, keeps the record
def test_archived_client_is_hidden_but_kept(practice, staff, make):
    c, other = make.client(), make.client()
    clients.set_archived(practice, staff, c.id, True)
    assert [x.id for x in clients.list_clients(practice, staff)] == [other.id]
    assert sorted(x.id for x in clients.list_clients(practice, staff, include_archived=True)) == [c.id, other.id]
    assert clients.get_client(practice, staff, c.id).archived is True
    clients.set_archived(practice, staff, c.id, False)
    assert len(clients.list_clients(practice, staff)) == 2


# SPEC 1.1
def test_practitioner_cannot_manage_clients(practice, pract, make):
    c = make.client()
    before = counts(practice)
    with pytest.raises(PermissionDenied):
        clients.create_client(practice, pract, ClientInput("Ada", "Lovelace"))
    with pytest.raises(PermissionDenied):
        clients.update_client(practice, pract, c.id, ClientInput("Ada", "Lovelace"))
    with pytest.raises(PermissionDenied):
        clients.set_archived(practice, pract, c.id, True)
    with pytest.raises(PermissionDenied):
        ledger.record_payment(practice, pract, c.id, 1000, "cash")
    assert counts(practice) == before


# SPEC 1.1
def test_practitioner_crud_and_archive(practice, admin):
    p = practitioners.create_practitioner(practice, admin, PractitionerInput("Dr Who", color="#A0B1C2"))
    assert (p.name, p.color) == ("Dr Who", "#a0b1c2")
    p2 = practitioners.update_practitioner(practice, admin, p.id, PractitionerInput("Dr Who", "who@tardis.org"))
    assert p2.email == "who@tardis.org"
    practitioners.set_archived(practice, admin, p.id, True)
    assert p.id not in [x.id for x in practitioners.list_practitioners(practice, admin)]
    assert [x.archived for x in practitioners.list_practitioners(practice, admin, include_archived=True)
            if x.id == p.id] == [True]


# SPEC 0.5
@pytest.mark.parametrize("kw, field", [(dict(color="blue"), "colour"), (dict(color="#12345"), "colour"),
                                       (dict(name=""), "name"), (dict(email="x@"), "e-mail")])
def test_bad_practitioner_input(practice, admin, make, kw, field):
    p = make.practitioner("Existing")
    before = counts(practice)
    data = PractitionerInput(**{"name": "New", **kw})
    with pytest.raises(ValidationError) as err:
        practitioners.create_practitioner(practice, admin, data)
    assert err.value.field == field
    with pytest.raises(ValidationError):
        practitioners.update_practitioner(practice, admin, p.id, data)
    assert counts(practice) == before
    assert practitioners.list_practitioners(practice, admin) == [p]


# SPEC 1.3, 1.4
def test_service_crud_archive_and_client_booking(practice, admin):
    s = catalog.create_service(practice, admin, ServiceInput("Lesson", "hourly", 6000, 3000, "staff", True))
    t = catalog.create_service(practice, admin, ServiceInput("Assessment", "fixed", 12000, 5000))
    assert (s.kind, s.cost_cents, s.wage_cents, s.visibility, s.client_booking) == ("hourly", 6000, 3000, "staff", True)
    assert [x.id for x in catalog.list_services(practice, admin, client_booking_only=True)] == [s.id]
    u = catalog.update_service(practice, admin, t.id, ServiceInput("Assessment", "fixed", 13000, 5000))
    assert u.cost_cents == 13000
    catalog.set_service_archived(practice, admin, t.id, True)
    assert [x.id for x in catalog.list_services(practice, admin)] == [s.id]
    assert sorted(x.id for x in catalog.list_services(practice, admin, include_archived=True)) == [s.id, t.id]


# SPEC 0.5, 0.1
@pytest.mark.parametrize("kw, field", [
    (dict(cost_cents=-1), "cost"), (dict(wage_cents=-1), "wage"), (dict(cost_cents=80.0), "cost"),
    (dict(kind="daily"), "type"), (dict(visibility="public"), "visibility"), (dict(name=""), "name"),
    (dict(client_booking=1), "client booking"),
])
def test_bad_service_input(practice, admin, make, kw, field):
    existing = make.service("Existing")
    before = counts(practice)
    data = ServiceInput(**{"name": "New", "kind": "fixed", "cost_cents": 8000, "wage_cents": 4000, **kw})
    with pytest.raises(ValidationError) as err:
        catalog.create_service(practice, admin, data)
    assert err.value.field == field
    with pytest.raises(ValidationError):
        catalog.update_service(practice, admin, existing.id, data)
    assert counts(practice) == before
    assert catalog.list_services(practice, admin) == [existing]


# SPEC 1.4
def test_locations(practice, admin):
    a = catalog.create_location(practice, admin, "Room A", client_booking=True)
    b = catalog.create_location(practice, admin, "Room B")
    assert [x.id for x in catalog.list_locations(practice, admin, client_booking_only=True)] == [a.id]
    b2 = catalog.update_location(practice, admin, b.id, "Studio B", True)
    assert (b2.name, b2.client_booking) == ("Studio B", True)
    catalog.set_location_archived(practice, admin, a.id, True)
    assert [x.id for x in catalog.list_locations(practice, admin)] == [b.id]
    assert len(catalog.list_locations(practice, admin, include_archived=True)) == 2
    before = counts(practice)
    with pytest.raises(ValidationError) as err:
        catalog.create_location(practice, admin, "  ")
    assert err.value.field == "name"
    with pytest.raises(ValidationError) as err:
        catalog.update_location(practice, admin, b.id, "", False)
    assert err.value.field == "name"
    assert counts(practice) == before
    assert catalog.list_locations(practice, admin) == [b2]


# SPEC 1.3
def test_custom_wage_replaces_the_default_wage(practice, admin, make):
    pr, svc, c = make.practitioner(), make.service(cost=8000, wage=4000), make.client()
    catalog.set_custom_wage(practice, admin, pr.id, svc.id, 4500)
    assert catalog.custom_wages(practice, admin, pr.id) == {svc.id: 4500}
    [s] = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pr, [c])
    assert s.wage_cents == 4500
    catalog.set_custom_wage(practice, admin, pr.id, svc.id, 5000)
    assert catalog.custom_wages(practice, admin, pr.id) == {svc.id: 5000}
    catalog.set_custom_wage(practice, admin, pr.id, svc.id, None)
    assert catalog.custom_wages(practice, admin, pr.id) == {}


# SPEC 0.5
@pytest.mark.parametrize("which, field", [("wage", "custom wage"), ("practitioner", "practitioner"),
                                          ("service", "service")])
def test_bad_custom_wage(practice, admin, make, which, field):
    pr, svc = make.practitioner(), make.service()
    catalog.set_custom_wage(practice, admin, pr.id, svc.id, 4500)
    before = counts(practice)
    args = {"practitioner_id": pr.id, "service_id": svc.id, "wage_cents": 1000}
    args.update({"wage": {"wage_cents": -5}, "practitioner": {"practitioner_id": 99999},
                 "service": {"service_id": 99999}}[which])
    with pytest.raises(ValidationError) as err:
        catalog.set_custom_wage(practice, admin, **args)
    assert err.value.field == field
    assert counts(practice) == before
    assert catalog.custom_wages(practice, admin, pr.id) == {svc.id: 4500}


# SPEC 1.1: services, practitioners, locations and wages are admin settings
@pytest.mark.parametrize("role", ["staff", "practitioner"])
def test_only_admin_manages_the_catalogue(practice, admin, make, role):
    pr, svc, loc = make.practitioner(), make.service(), make.location()
    who = make.user(role, practitioner_id=pr.id if role == "practitioner" else None)
    before = counts(practice)
    denied = [
        lambda: catalog.create_service(practice, who, ServiceInput("X", "fixed", 1, 1)),
        lambda: catalog.update_service(practice, who, svc.id, ServiceInput("X", "fixed", 1, 1)),
        lambda: catalog.set_service_archived(practice, who, svc.id, True),
        lambda: catalog.create_location(practice, who, "X"),
        lambda: catalog.update_location(practice, who, loc.id, "X", False),
        lambda: catalog.set_location_archived(practice, who, loc.id, True),
        lambda: catalog.set_custom_wage(practice, who, pr.id, svc.id, 1),
        lambda: practitioners.create_practitioner(practice, who, PractitionerInput("X")),
        lambda: practitioners.update_practitioner(practice, who, pr.id, PractitionerInput("X")),
        lambda: practitioners.set_archived(practice, who, pr.id, True),
    ]
    for call in denied:
        with pytest.raises(PermissionDenied):
            call()
    assert counts(practice) == before
    assert catalog.list_services(practice, admin) == [svc]
    assert catalog.list_locations(practice, admin) == [loc]
    assert catalog.custom_wages(practice, admin, pr.id) == {}


# SPEC 9.3, 1.1: staff record payments; each is a ledger entry with who and when (0.4)
def test_staff_records_a_payment(practice, staff, make, clock):
    c = make.client()
    e = ledger.record_payment(practice, staff, c.id, 12345, "cheque", "No. 100")
    assert (e.kind, e.amount_cents, e.method, e.memo) == ("payment", 12345, "cheque", "No. 100")
    assert (e.created_by, e.created_at) == (staff.user_id, clock.now())
    assert ledger.client_balance(practice, staff, c.id) == 12345


# SPEC 0.5
@pytest.mark.parametrize("amount, method, field", [
    (0, "cash", "amount"), (-500, "cash", "amount"), (12.5, "cash", "amount"), ("10", "cash", "amount"),
    (True, "cash", "amount"), (1000, "bitcoin", "method"), (1000, "", "method"),
])
def test_bad_payment_is_refused(practice, admin, make, amount, method, field):
    c = make.client()
    ledger.record_payment(practice, admin, c.id, 1000, "cash")
    before = counts(practice)
    with pytest.raises(ValidationError) as err:
        ledger.record_payment(practice, admin, c.id, amount, method)
    assert err.value.field == field
    assert counts(practice) == before
    assert ledger.client_balance(practice, admin, c.id) == 1000


# SPEC 0.5
def test_payment_for_unknown_client_is_refused(practice, admin):
    before = counts(practice)
    with pytest.raises(ValidationError) as err:
        ledger.record_payment(practice, admin, 99999, 1000, "cash")
    assert err.value.field == "client"
    assert counts(practice) == before

"""Services (fixed or hourly), custom wages and locations (SPEC 1.3-1.4)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...models import CustomWage, Location, Practitioner, Service
from ...models.catalog import SERVICE_KINDS, VISIBILITIES
from .. import audit, validate
from ..errors import NotFound, ValidationError
from ..people.permissions import require_role, require_session_access
from ..practice import Actor, Practice

MIN_LENGTH_MINUTES, MAX_LENGTH_MINUTES = 5, 720  # a service's default length: 5 minutes to 12 hours


@dataclass(frozen=True)
class ServiceInput:
    name: str
    kind: str  # fixed | hourly
    cost_cents: int
    wage_cents: int
    visibility: str = "all"
    client_booking: bool = False
    default_minutes: int = 60  # the length a new session of this service gets
    tax_rate_bp: int = 0  # SPEC 9.3: optional tax in basis points (2000 = 20 %); none by default


@dataclass(frozen=True)
class ServiceView:
    id: int
    name: str
    kind: str
    cost_cents: int
    wage_cents: int
    visibility: str
    client_booking: bool
    archived: bool
    default_minutes: int = 60
    tax_rate_bp: int = 0


@dataclass(frozen=True)
class LocationView:
    id: int
    name: str
    client_booking: bool
    archived: bool


def _service_view(s: Service) -> ServiceView:
    return ServiceView(s.id, s.name, s.kind, s.cost_cents, s.wage_cents, s.visibility, s.client_booking,
                       s.archived_at is not None, s.default_minutes, s.tax_rate_bp)


def _clean_service(data: ServiceInput) -> dict:
    return dict(name=validate.text("name", data.name, 120),
                kind=validate.choice("type", data.kind, SERVICE_KINDS),
                cost_cents=validate.cents("cost", data.cost_cents),
                wage_cents=validate.cents("wage", data.wage_cents),
                visibility=validate.choice("visibility", data.visibility, VISIBILITIES),
                client_booking=validate.flag("client booking", data.client_booking),
                default_minutes=validate.whole("default length", data.default_minutes,
                                               MIN_LENGTH_MINUTES, MAX_LENGTH_MINUTES),
                tax_rate_bp=validate.whole("tax rate", data.tax_rate_bp, 0, 10_000))


def _check_service_amounts(practice: Practice, data: ServiceInput) -> None:
    """Cost and wage in the practice currency's minor units, at most SPEC 0.1's maximum."""
    validate.practice_amount("cost", data.cost_cents, practice)
    validate.practice_amount("wage", data.wage_cents, practice)


def create_service(practice: Practice, actor: Actor, data: ServiceInput) -> ServiceView:
    _check_service_amounts(practice, validate.form("service", data, ServiceInput))
    require_role(actor, "admin")
    values = _clean_service(data)
    with practice.uow() as tx:
        s = Service(**values)
        tx.add(s)
        tx.flush()
        audit.record(tx, practice, actor, "service.create", "service", s.id)
        return _service_view(s)


def update_service(practice: Practice, actor: Actor, service_id: int, data: ServiceInput) -> ServiceView:
    """Changes apply to sessions saved from now on; saved sessions keep their snapshot (SPEC 4.5)."""
    validate.an_id("service", service_id)
    _check_service_amounts(practice, validate.form("service", data, ServiceInput))
    require_role(actor, "admin")
    values = _clean_service(data)
    with practice.uow() as tx:
        s = tx.get(Service, service_id)
        if s is None:
            raise NotFound.gone("service")
        for k, v in values.items():
            setattr(s, k, v)
        audit.record(tx, practice, actor, "service.update", "service", s.id)
        return _service_view(s)


def set_service_archived(practice: Practice, actor: Actor, service_id: int, archived: bool) -> ServiceView:
    validate.an_id("service", service_id), validate.flag("archived", archived)
    require_role(actor, "admin")
    with practice.uow() as tx:
        s = tx.get(Service, service_id)
        if s is None:
            raise NotFound.gone("service")
        s.archived_at = practice.clock.now() if archived else None
        audit.record(tx, practice, actor, "service.archive" if archived else "service.restore", "service", s.id)
        return _service_view(s)


def list_services(practice: Practice, actor: Actor, include_archived: bool = False,
                  client_booking_only: bool = False) -> list[ServiceView]:
    validate.flag("include archived", include_archived), validate.flag("client booking only", client_booking_only)
    q = select(Service).order_by(Service.name)
    if not include_archived:
        q = q.where(Service.archived_at.is_(None))
    if client_booking_only:
        q = q.where(Service.client_booking.is_(True))
    with practice.read() as tx:
        return [_service_view(s) for s in tx.scalars(q)]


def set_custom_wage(practice: Practice, actor: Actor, practitioner_id: int, service_id: int,
                    wage_cents: int | None) -> None:
    """Give a practitioner their own wage for a service; ``None`` returns them to the default."""
    validate.an_id("practitioner", practitioner_id), validate.an_id("service", service_id)
    if wage_cents is not None:
        validate.practice_amount("custom wage", wage_cents, practice)
    require_role(actor, "admin")
    if wage_cents is not None:
        validate.cents("custom wage", wage_cents)
    with practice.uow() as tx:
        if tx.get(Practitioner, practitioner_id) is None:
            raise ValidationError("practitioner", "no such practitioner")
        if tx.get(Service, service_id) is None:
            raise ValidationError("service", "no such service")
        row = tx.scalar(select(CustomWage).where(CustomWage.practitioner_id == practitioner_id,
                                                 CustomWage.service_id == service_id))
        if wage_cents is None:
            if row is not None:
                tx.delete(row)  # a rate, not a record anyone sees: history lives in the audit log
        elif row is None:
            tx.add(CustomWage(practitioner_id=practitioner_id, service_id=service_id, wage_cents=wage_cents))
        else:
            row.wage_cents = wage_cents
        audit.record(tx, practice, actor, "custom_wage.set", "practitioner", practitioner_id,
                     service_id=service_id, wage_cents=wage_cents)


def custom_wages(practice: Practice, actor: Actor, practitioner_id: int) -> dict[int, int]:
    """{service_id: wage_cents} for one practitioner (a practitioner may read only their own)."""
    validate.an_id("practitioner", practitioner_id)
    if not actor.is_front_desk:
        require_session_access(actor, practitioner_id)
    with practice.read() as tx:
        rows = tx.execute(select(CustomWage.service_id, CustomWage.wage_cents)
                          .where(CustomWage.practitioner_id == practitioner_id))
        return dict(rows.all())


def create_location(practice: Practice, actor: Actor, name: str, client_booking: bool = False) -> LocationView:
    validate.text("name", name, 120), validate.flag("client booking", client_booking)
    require_role(actor, "admin")
    name = validate.text("name", name, 120)
    validate.flag("client booking", client_booking)
    with practice.uow() as tx:
        loc = Location(name=name, client_booking=client_booking)
        tx.add(loc)
        tx.flush()
        audit.record(tx, practice, actor, "location.create", "location", loc.id)
        return LocationView(loc.id, loc.name, loc.client_booking, False)


def update_location(practice: Practice, actor: Actor, location_id: int, name: str,
                    client_booking: bool) -> LocationView:
    validate.an_id("location", location_id)
    require_role(actor, "admin")
    name = validate.text("name", name, 120)
    validate.flag("client booking", client_booking)
    with practice.uow() as tx:
        loc = tx.get(Location, location_id)
        if loc is None:
            raise NotFound.gone("location")
        loc.name, loc.client_booking = name, client_booking
        audit.record(tx, practice, actor, "location.update", "location", loc.id)
        return LocationView(loc.id, loc.name, loc.client_booking, loc.archived_at is not None)


def set_location_archived(practice: Practice, actor: Actor, location_id: int, archived: bool) -> LocationView:
    validate.an_id("location", location_id), validate.flag("archived", archived)
    require_role(actor, "admin")
    with practice.uow() as tx:
        loc = tx.get(Location, location_id)
        if loc is None:
            raise NotFound.gone("location")
        loc.archived_at = practice.clock.now() if archived else None
        audit.record(tx, practice, actor, "location.archive" if archived else "location.restore",
                     "location", loc.id)
        return LocationView(loc.id, loc.name, loc.client_booking, archived)


def list_locations(practice: Practice, actor: Actor, include_archived: bool = False,
                   client_booking_only: bool = False) -> list[LocationView]:
    validate.flag("include archived", include_archived), validate.flag("client booking only", client_booking_only)
    q = select(Location).order_by(Location.name)
    if not include_archived:
        q = q.where(Location.archived_at.is_(None))
    if client_booking_only:
        q = q.where(Location.client_booking.is_(True))
    with practice.read() as tx:
        return [LocationView(loc.id, loc.name, loc.client_booking, loc.archived_at is not None)
                for loc in tx.scalars(q)]

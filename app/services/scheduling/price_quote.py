"""What a session being booked would cost each client and pay its practitioner, shown in the session
form before saving (SPEC 2.6). The same pricing functions saving uses; nothing is written."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...models import CustomWage, Service
from .. import validate
from ..errors import NotFound
from ..money.pricing import session_cost, session_wage
from ..people.permissions import require_session_access
from ..practice import Actor, Practice


@dataclass(frozen=True)
class Quote:
    cost_cents: int  # per client
    wage_cents: int  # once per session: the practitioner's custom wage for the service, else the service's
    hourly: bool


def quote(practice: Practice, actor: Actor, service_id: int, practitioner_id: int | None, minutes: int) -> Quote:
    """The price of ``minutes`` of a service with a practitioner (None: the service's own wage)."""
    validate.an_id("service", service_id)
    validate.optional_id("practitioner", practitioner_id)
    validate.whole("length", minutes, 1, 24 * 60)
    if practitioner_id is not None:
        require_session_access(actor, practitioner_id)
    with practice.read() as tx:
        service = tx.get(Service, service_id)
        if service is None:
            raise NotFound.gone("service")
        custom = None
        if practitioner_id is not None:
            custom = tx.scalar(select(CustomWage.wage_cents).where(CustomWage.practitioner_id == practitioner_id,
                                                                   CustomWage.service_id == service_id))
        return Quote(session_cost(service.kind, service.cost_cents, minutes),
                     session_wage(service.kind, service.wage_cents, custom, minutes), service.kind == "hourly")

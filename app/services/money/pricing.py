"""What a session costs each client and pays its practitioner (SPEC 2.6, 4.1, 4.4). Pure functions."""
from __future__ import annotations

from dataclasses import dataclass

from ...models.enums import SessionStatus
from .amounts import percent_of, prorate_hourly


def session_cost(kind: str, cost_cents: int, minutes: int) -> int:
    """Per client: fixed = the service cost; hourly = cost x minutes / 60, half-up."""
    return cost_cents if kind == "fixed" else prorate_hourly(cost_cents, minutes)


def session_wage(kind: str, wage_cents: int, custom_wage_cents: int | None, minutes: int) -> int:
    """Once per session: the practitioner's custom wage for the service, else the service wage."""
    rate = custom_wage_cents if custom_wage_cents is not None else wage_cents
    return rate if kind == "fixed" else prorate_hourly(rate, minutes)


@dataclass(frozen=True)
class Outcome:
    """A completion type reduced to what pricing needs."""

    base_status: str  # completed | canceled | missed
    modifier_type: str | None  # None for the three defaults; percentage | fixed for custom types
    client_modifier: int = 0
    practitioner_modifier: int = 0


def completion_amounts(outcome: Outcome, cost_cents: int, wage_cents: int, unit: int = 100) -> tuple[int, int]:
    """(charge per client, wage) for a session saved with ``outcome``.

    Defaults: completed and missed charge the full cost and pay the full wage, canceled nothing.
    Custom types: a percentage of cost/wage (half-up), or a fixed amount in whole currency units
    (``unit`` minor units each: 100 for USD, 1 for JPY, 1000 for KWD; SPEC 0.1, 4.4).
    """
    if outcome.modifier_type == "percentage":
        return percent_of(cost_cents, outcome.client_modifier), percent_of(wage_cents, outcome.practitioner_modifier)
    if outcome.modifier_type == "fixed":
        return outcome.client_modifier * unit, outcome.practitioner_modifier * unit
    if outcome.base_status == SessionStatus.CANCELED:
        return 0, 0
    return cost_cents, wage_cents

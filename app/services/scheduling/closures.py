"""Closures (SPEC 7.3): a date or range with a label, shown on every calendar; sessions on a
closure are marked, and adding one there warns."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, bindparam, select
from sqlalchemy.orm import Session

from ...models import Closure
from ...models.enums import WarningCode
from .. import audit, validate
from ..driver_select import DriverSelect
from ..errors import NotFound, ValidationError, Warning_
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice


@dataclass(frozen=True)
class ClosureView:
    id: int
    first_day: date
    last_day: date
    label: str

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def _view(c: Closure) -> ClosureView:
    return ClosureView(c.id, c.first_day, c.last_day, c.label)


def add_closure(practice: Practice, actor: Actor, first_day: date, last_day: date | None, label: str) -> ClosureView:
    require_front_desk(actor)
    validate.a_date("first day", first_day)
    last_day = first_day if last_day is None else validate.a_date("last day", last_day)
    if last_day < first_day:
        raise ValidationError("last day", "is before the first day")
    if (last_day - first_day).days > 366:
        raise ValidationError("last day", "a closure lasts at most a year")
    label = validate.text("label", label, 80)
    with practice.uow() as tx:
        c = Closure(first_day=first_day, last_day=last_day, label=label, created_at=practice.clock.now(),
                    created_by=actor.user_id)
        tx.add(c)
        tx.flush()
        audit.record(tx, practice, actor, "closure.add", "closure", c.id, label=label)
        return _view(c)


def remove_closure(practice: Practice, actor: Actor, closure_id: int) -> None:
    validate.an_id("closure", closure_id)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = tx.get(Closure, closure_id)
        if c is None or c.deleted_at is not None:
            raise NotFound.gone("closure")
        c.deleted_at = practice.clock.now()
        audit.record(tx, practice, actor, "closure.remove", "closure", c.id)


_OVERLAPPING = DriverSelect(  # built once: every calendar step reads it
    select(Closure.id, Closure.first_day, Closure.last_day, Closure.label)
    .where(Closure.deleted_at.is_(None), Closure.first_day <= bindparam("last", type_=Date),
           Closure.last_day >= bindparam("first", type_=Date))
    .order_by(Closure.first_day, Closure.id))


def overlapping(tx: Session, first: date, last: date) -> list[ClosureView]:
    """Closures touching the days [first, last], inside the caller's transaction."""
    return [ClosureView(*row) for row in _OVERLAPPING.rows(tx, {"first": first, "last": last})]


def list_closures(practice: Practice, actor: Actor, first: date, last: date) -> list[ClosureView]:
    """Closures touching the days [first, last]; everyone sees them."""
    validate.a_date("first day", first), validate.a_date("last day", last)
    with practice.read() as tx:
        return overlapping(tx, first, last)


def closed_days(found: Sequence[ClosureView], first: date, last: date) -> dict[date, str]:
    """Each day of [first, last] that a closure covers, with its label (the first one's, by start)."""
    closed: dict[date, str] = {}
    for c in found:
        d = max(c.first_day, first)
        while d <= min(c.last_day, last):
            closed.setdefault(d, c.label)
            d += timedelta(days=1)
    return closed


def closure_on(closures: Sequence[ClosureView], day: date) -> ClosureView | None:
    return next((c for c in closures if c.covers(day)), None)


def closure_warnings(tx: Session, tz: ZoneInfo, slots: Sequence[tuple[datetime, datetime]]) -> list[Warning_]:
    if not slots:
        return []
    days = sorted({s.astimezone(tz).date() for s, _ in slots})
    found = overlapping(tx, days[0], days[-1])
    out = []
    for d in days:
        c = closure_on(found, d)
        if c is not None:
            out.append(Warning_(WarningCode.CLOSURE, f"The practice is closed on {d:%a %d %b %Y}: {c.label}."))
    return out

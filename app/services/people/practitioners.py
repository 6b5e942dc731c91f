"""Practitioner records (SPEC 1.1)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...models import Practitioner
from .. import audit, validate
from ..errors import NotFound
from ..practice import Actor, Practice
from .permissions import require_role


@dataclass(frozen=True)
class PractitionerInput:
    name: str
    email: str = ""
    phone: str = ""
    color: str = "#4a7fc1"


@dataclass(frozen=True)
class PractitionerView:
    id: int
    name: str
    email: str
    phone: str
    color: str
    archived: bool


def _view(p: Practitioner) -> PractitionerView:
    return PractitionerView(p.id, p.name, p.email, p.phone, p.color, p.archived_at is not None)


def _clean(data: PractitionerInput) -> dict:
    return dict(name=validate.text("name", data.name, 120), email=validate.email("e-mail", data.email),
                phone=validate.phone("phone", data.phone), color=validate.color("colour", data.color))


def create_practitioner(practice: Practice, actor: Actor, data: PractitionerInput) -> PractitionerView:
    validate.form("practitioner", data, PractitionerInput)
    require_role(actor, "admin")
    values = _clean(data)
    with practice.uow() as tx:
        p = Practitioner(**values)
        tx.add(p)
        tx.flush()
        audit.record(tx, practice, actor, "practitioner.create", "practitioner", p.id)
        return _view(p)


def update_practitioner(practice: Practice, actor: Actor, practitioner_id: int,
                        data: PractitionerInput) -> PractitionerView:
    validate.an_id("practitioner", practitioner_id), validate.form("practitioner", data, PractitionerInput)
    require_role(actor, "admin")
    values = _clean(data)
    with practice.uow() as tx:
        p = tx.get(Practitioner, practitioner_id)
        if p is None:
            raise NotFound.gone("practitioner")
        for k, v in values.items():
            setattr(p, k, v)
        audit.record(tx, practice, actor, "practitioner.update", "practitioner", p.id)
        return _view(p)


def set_archived(practice: Practice, actor: Actor, practitioner_id: int, archived: bool) -> PractitionerView:
    validate.an_id("practitioner", practitioner_id), validate.flag("archived", archived)
    require_role(actor, "admin")
    with practice.uow() as tx:
        p = tx.get(Practitioner, practitioner_id)
        if p is None:
            raise NotFound.gone("practitioner")
        p.archived_at = practice.clock.now() if archived else None
        audit.record(tx, practice, actor, "practitioner.archive" if archived else "practitioner.restore",
                     "practitioner", p.id)
        return _view(p)


def list_practitioners(practice: Practice, actor: Actor, include_archived: bool = False) -> list[PractitionerView]:
    validate.flag("include archived", include_archived)
    q = select(Practitioner).order_by(Practitioner.name)
    if not include_archived:
        q = q.where(Practitioner.archived_at.is_(None))
    with practice.read() as tx:
        return [_view(p) for p in tx.scalars(q)]

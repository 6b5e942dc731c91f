"""The audit log: who did what, when. Written inside the caller's transaction."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEntry
from . import validate
from .people.permissions import require_role
from .practice import AUDITED, Actor, Practice


def record(tx: Session, practice: Practice, actor: Actor | None, action: str, entity: str,
           entity_id: int | None = None, **detail) -> None:
    tx.add(AuditEntry(at=practice.clock.now(), user_id=actor.user_id if actor else None, action=action,
                      entity=entity, entity_id=entity_id,
                      detail=json.dumps(detail, default=str, sort_keys=True) if detail else ""))
    tx.info.setdefault(AUDITED, set()).add(entity)  # the unit of work tells the other desks (PostgreSQL)


@dataclass(frozen=True)
class AuditView:
    at: datetime
    user_id: int | None
    action: str
    entity: str
    entity_id: int | None
    detail: dict


def list_audit(practice: Practice, actor: Actor, entity: str | None = None,
               entity_id: int | None = None, limit: int = 200) -> list[AuditView]:
    validate.text("record type", entity, 40, required=False), validate.optional_id("record", entity_id)
    validate.whole("number of entries", limit, 1, 100_000)
    require_role(actor, "admin")
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity:
        q = q.where(AuditEntry.entity == entity)
    if entity_id is not None:
        q = q.where(AuditEntry.entity_id == entity_id)
    with practice.read() as tx:
        return [AuditView(a.at, a.user_id, a.action, a.entity, a.entity_id,
                          json.loads(a.detail) if a.detail else {}) for a in tx.scalars(q)]

"""Soft delete and recover (SPEC 5): a deleted saved session has its charges and wage reversed;
recovering brings back everything it had, charges included."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import PracticeSession
from ...models.enums import Scope, SessionStatus
from .. import audit, validate
from ..errors import NotFound, RuleViolation, ValidationError
from ..money.invoices import issued_invoice_numbers
from ..money.ledger import post_session_entries, reverse_session_entries
from ..money.packages import sync_slots
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from .completion import _client_canceled
from .session_views import S, SessionView, load_views, session_query
from .sessions import scope_targets


def _when(s: PracticeSession, practice: Practice) -> str:
    local = s.start_at.astimezone(practice.tz)
    return f"{local:%a %d %b %Y} at {local:%H:%M}"


def delete_rows(tx: Session, practice: Practice, actor: Actor, rows: list[PracticeSession]) -> None:
    now = practice.clock.now()
    invoiced = issued_invoice_numbers(tx, [s.id for s in rows])
    for s in rows:
        if s.deleted_at is not None:
            raise RuleViolation(f"The session of {_when(s, practice)} is already deleted.")
        if s.id in invoiced:  # SPEC 9.1: an issued invoice is never edited; its sessions stay with it
            raise RuleViolation(f"The session of {_when(s, practice)} is on issued invoice {invoiced[s.id][0]}. "
                                "Cancel that invoice with a credit note before deleting the session.")
        if s.status != SessionStatus.OPEN or _client_canceled(s):
            reverse_session_entries(tx, practice, actor, s, memo="session deleted")
        s.deleted_at, s.deleted_by = now, actor.user_id
    sync_slots(tx, practice, rows)  # a deleted session gives its package slots back (SPEC 6.3)
    audit.record(tx, practice, actor, "session.delete", "session", rows[0].id if rows else None,
                 ids=[s.id for s in rows])


def delete_sessions(practice: Practice, actor: Actor, session_ids: list[int]) -> None:
    session_ids = validate.ids("sessions", session_ids)
    require_front_desk(actor)
    ids = list(dict.fromkeys(session_ids or []))
    if not ids:
        raise ValidationError("sessions", "choose at least one session")
    with practice.uow() as tx:
        rows = list(tx.scalars(select(PracticeSession).where(PracticeSession.id.in_(ids))))
        if len(rows) != len(ids):
            raise NotFound("one of the sessions does not exist")
        delete_rows(tx, practice, actor, rows)


def delete_session(practice: Practice, actor: Actor, session_id: int, scope: str = Scope.THIS) -> list[int]:
    """Delete one session, it and the following ones, or its whole series (SPEC 3.4). -> deleted ids."""
    validate.an_id("session", session_id), validate.choice("scope", scope, tuple(Scope))
    require_front_desk(actor)
    with practice.uow() as tx:
        s = tx.get(PracticeSession, session_id)
        if s is None or s.deleted_at is not None:
            raise NotFound.gone("session")
        rows = scope_targets(tx, s, scope)
        delete_rows(tx, practice, actor, rows)
        return [r.id for r in rows]


def recover_sessions(practice: Practice, actor: Actor, session_ids: list[int]) -> list[SessionView]:
    session_ids = validate.ids("sessions", session_ids)
    require_front_desk(actor)
    ids = list(dict.fromkeys(session_ids or []))
    if not ids:
        raise ValidationError("sessions", "choose at least one deleted session")
    with practice.uow() as tx:
        rows = list(tx.scalars(select(PracticeSession).where(PracticeSession.id.in_(ids))))
        if len(rows) != len(ids):
            raise NotFound("one of the sessions does not exist")
        for s in rows:
            if s.deleted_at is None:
                raise RuleViolation(f"The session of {_when(s, practice)} is not deleted.")
            s.deleted_at, s.deleted_by = None, None
            sync_slots(tx, practice, [s])
            if s.status != SessionStatus.OPEN or _client_canceled(s):
                post_session_entries(tx, practice, actor, s, memo=f"recovered ({s.completion_label or 'open'})")
        audit.record(tx, practice, actor, "session.recover", "session", ids[0], ids=ids)
        tx.flush()
        return load_views(tx, actor, practice.tz, session_query(S.id.in_(ids)))


def list_deleted(practice: Practice, actor: Actor, limit: int = 500) -> list[SessionView]:
    """The Deleted Sessions tab: most recently deleted first."""
    validate.whole("page size", limit, 1, 100_000)
    require_front_desk(actor)
    with practice.read() as tx:
        return load_views(tx, actor, practice.tz,
                          session_query(S.deleted_at.is_not(None), order=(S.deleted_at.desc(), S.id), limit=limit))

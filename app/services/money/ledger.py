"""Append-only money (SPEC 0.4, 4.3, 4.6, 5.2): posting, reversing, payments, balances, wages.

A session's *live* entries are those neither reversing nor reversed. Re-saving or deleting a
session reverses them; nothing is ever updated or deleted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from ...models import LedgerEntry, PracticeSession, Practitioner
from .. import validate
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from . import payments


def live_entries_for_sessions(tx: Session, session_ids: list[int]) -> list[LedgerEntry]:
    reversal = aliased(LedgerEntry)
    return list(tx.scalars(
        select(LedgerEntry).where(
            LedgerEntry.session_id.in_(session_ids), LedgerEntry.reverses_id.is_(None),
            ~exists().where(reversal.reverses_id == LedgerEntry.id))
        .order_by(LedgerEntry.id)))


def reverse_session_entries(tx: Session, practice: Practice, actor: Actor, s: PracticeSession, memo: str) -> None:
    """Cancels the session's live entries. A reversal is dated when it is made (SPEC 0.4), so a
    period already closed keeps its figures; only an original still dated in the future (a session
    saved ahead of time) is reversed on its own date, so the two cancel out inside one period."""
    now = practice.clock.now()
    for e in live_entries_for_sessions(tx, [s.id]):
        tx.add(LedgerEntry(kind=e.kind, client_id=e.client_id, practitioner_id=e.practitioner_id,
                           session_id=e.session_id, amount_cents=-e.amount_cents, reverses_id=e.id,
                           memo=memo, effective_at=max(now, e.effective_at), created_at=now,
                           created_by=actor.user_id))


def post_session_entries(tx: Session, practice: Practice, actor: Actor, s: PracticeSession, memo: str) -> None:
    """Charges each participant their snapshot and pays the practitioner the session's wage.

    The first entries of a session are dated when it took place. Entries that replace earlier ones
    (a re-save, a recovery after deletion) are dated when they are made, never before the
    session, so a re-save this month leaves last month's wages as they were (SPEC 0.4)."""
    now = practice.clock.now()
    tx.flush()
    corrected = tx.scalar(select(exists().where(LedgerEntry.session_id == s.id)))
    effective = max(now, s.start_at) if corrected else s.start_at
    for p in s.participants:
        if p.charge_cents:
            tx.add(LedgerEntry(kind="charge", client_id=p.client_id, session_id=s.id, amount_cents=-p.charge_cents,
                               memo=memo, effective_at=effective, created_at=now, created_by=actor.user_id))
    if s.wage_cents:
        tx.add(LedgerEntry(kind="wage", practitioner_id=s.practitioner_id, session_id=s.id,
                           amount_cents=s.wage_cents, memo=memo, effective_at=effective, created_at=now,
                           created_by=actor.user_id))


@dataclass(frozen=True)
class EntryView:
    id: int
    kind: str
    amount_cents: int
    session_id: int | None
    reverses_id: int | None
    method: str | None
    memo: str
    effective_at: datetime
    created_at: datetime
    created_by: int | None


def record_payment(practice: Practice, actor: Actor, client_id: int, amount_cents: int, method: str,
                   memo: str = "") -> EntryView:
    """A client's payment raises their balance (SPEC 9.3). The first entry point, kept for its callers:
    ``payments.record_payment`` received today and allocated oldest due first; gives back the entry."""
    p = payments.record_payment(practice, actor, client_id, amount_cents, method, memo=memo).payment
    return EntryView(p.id, p.kind, p.amount_cents, None, None, p.method, p.memo, p.effective_at, p.created_at,
                     p.created_by)


def _entry_view(e: LedgerEntry) -> EntryView:
    return EntryView(e.id, e.kind, e.amount_cents, e.session_id, e.reverses_id, e.method, e.memo,
                     e.effective_at, e.created_at, e.created_by)


def client_balance(practice: Practice, actor: Actor, client_id: int) -> int:
    """Payments minus live charges, in cents (SPEC 6: balance = P - C)."""
    validate.an_id("client", client_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return int(tx.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                             .where(LedgerEntry.client_id == client_id)))


def client_entries(practice: Practice, actor: Actor, client_id: int) -> list[EntryView]:
    validate.an_id("client", client_id)
    require_front_desk(actor)
    with practice.read() as tx:
        q = select(LedgerEntry).where(LedgerEntry.client_id == client_id).order_by(LedgerEntry.id)
        return [_entry_view(e) for e in tx.scalars(q)]


@dataclass(frozen=True)
class WageTotal:
    practitioner_id: int
    name: str
    wages_cents: int
    sessions: int


def practitioner_wages(practice: Practice, actor: Actor, start: datetime, end: datetime) -> list[WageTotal]:
    """Wages per practitioner for entries dated in [start, end), by GROUP BY: a session's wage
    is dated when it took place, a later correction when it was made (see post_session_entries).

    A practitioner sees only their own line (SPEC 1.1)."""
    start, end = validate.moment("from", start, practice.tz), validate.moment("to", end, practice.tz)
    cond = and_(LedgerEntry.practitioner_id == Practitioner.id, LedgerEntry.effective_at >= start,
                LedgerEntry.effective_at < end)
    q = (select(Practitioner.id, Practitioner.name, func.coalesce(func.sum(LedgerEntry.amount_cents), 0),
                # each reversal cancels one original, so this counts live wage entries
                func.coalesce(func.sum(case((LedgerEntry.id.is_(None), 0),
                                            (LedgerEntry.reverses_id.is_(None), 1), else_=-1)), 0))
         .outerjoin(LedgerEntry, cond).group_by(Practitioner.id, Practitioner.name).order_by(Practitioner.name))
    if actor.role == "practitioner":
        q = q.where(Practitioner.id == actor.practitioner_id)
    else:
        q = q.where(Practitioner.archived_at.is_(None))
    with practice.read() as tx:
        rows = tx.execute(q).all()
    return [WageTotal(pid, name, int(total), int(n)) for pid, name, total, n in rows]

"""A client's record (SPEC 1.5, 6): their details, balance and available credit, and their
upcoming and past sessions, read in one transaction so the figures agree with each other."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists

from ...models import Participant
from ...models.enums import ParticipantStatus
from .. import validate
from ..money.prepayment import balances, open_charges
from ..practice import Actor, Practice
from ..scheduling.session_views import S, SessionView, load_views, session_query
from .capabilities import capabilities
from .clients import ClientView, get_client

PAGE = 50


@dataclass(frozen=True)
class ClientRecord:
    client: ClientView
    balance_cents: int | None  # payments less saved charges; None when the user may not see it
    available_credit_cents: int | None  # balance less what open sessions will cost (SPEC 6)
    upcoming: tuple[SessionView, ...]  # soonest first
    past: tuple[SessionView, ...]  # most recent first
    more_upcoming: bool  # more than shown
    more_past: bool


def client_record(practice: Practice, actor: Actor, client_id: int, limit: int = PAGE) -> ClientRecord:
    """Anyone who may read the client (SPEC 1.5 decides which details a practitioner sees). The
    sessions are those the client is booked on and the user may see: a practitioner's own only.
    Balance and available credit are for the front desk."""
    validate.an_id("client", client_id)
    limit = validate.whole("limit", limit, 1, 1000)
    client = get_client(practice, actor, client_id)
    booked = exists().where(Participant.session_id == S.id, Participant.client_id == client_id,
                            Participant.status == ParticipantStatus.BOOKED.value)
    where = [S.deleted_at.is_(None), booked]
    caps = capabilities(actor)
    if caps.practitioner_id is not None:
        where.append(S.practitioner_id == caps.practitioner_id)
    now = practice.clock.now()
    with practice.read() as tx:
        upcoming = load_views(tx, actor, practice.tz, session_query(
            *where, S.end_at >= now, order=(S.start_at, S.id), limit=limit + 1))
        past = load_views(tx, actor, practice.tz, session_query(
            *where, S.end_at < now, order=(S.start_at.desc(), S.id.desc()), limit=limit + 1))
        balance = credit = None
        if caps.see_balances:
            balance = balances(tx, [client_id])[client_id]
            credit = balance - open_charges(tx, [client_id])[client_id]
    return ClientRecord(client, balance, credit, tuple(upcoming[:limit]), tuple(past[:limit]),
                        len(upcoming) > limit, len(past) > limit)

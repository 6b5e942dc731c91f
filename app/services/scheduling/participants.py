"""A session's clients with their history (SPEC 3.4, 0.4): each participant row has its own status,
price and who/when last changed it. Taking a client off marks the row; nothing is deleted."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Client, Participant, PracticeSession, User
from ...models.enums import ParticipantStatus, SessionStatus
from .. import audit, validate
from ..errors import NotFound, RuleViolation, ValidationError
from ..people.permissions import require_front_desk, require_session_access
from ..practice import Actor, Practice
from .session_views import S, SessionView, load_views, session_query

__all__ = ["ParticipantStatus", "ParticipantView", "book", "remove", "session_participants", "set_participant_price"]


def book(s: PracticeSession, client_id: int, actor: Actor, now: datetime) -> None:
    """Put a client on ``s``: a row they had before (removed, canceled) is booked again."""
    row = next((p for p in s.participants if p.client_id == client_id), None)
    if row is None:
        s.participants.append(Participant(client_id=client_id, status=ParticipantStatus.BOOKED.value,
                                          changed_at=now, changed_by=actor.user_id))
        return
    if row.status != ParticipantStatus.BOOKED:
        row.status, row.changed_at, row.changed_by = ParticipantStatus.BOOKED.value, now, actor.user_id
        row.price_cents = row.charge_cents = None  # a new booking, at the session's cost


def remove(s: PracticeSession, client_id: int, actor: Actor, now: datetime,
           status: ParticipantStatus = ParticipantStatus.REMOVED) -> None:
    """Take a booked client off ``s``; the row stays, marked with who and when."""
    for p in s.participants:
        if p.client_id == client_id and p.status == ParticipantStatus.BOOKED:
            p.status, p.changed_at, p.changed_by = status.value, now, actor.user_id


@dataclass(frozen=True)
class ParticipantView:
    client_id: int
    client_name: str
    status: ParticipantStatus
    price_cents: int | None  # their own price; None = the session's cost
    charge_cents: int | None  # what saving the session charged them
    changed_at: datetime | None  # practice time zone
    changed_by: int | None
    changed_by_name: str


def session_participants(practice: Practice, actor: Actor, session_id: int) -> list[ParticipantView]:
    """Every client the session has had, booked or not, by name: its history of clients."""
    validate.an_id("session", session_id)
    with practice.read() as tx:
        s = tx.get(PracticeSession, session_id)
        if s is None:
            raise NotFound.gone("session")
        require_session_access(actor, s.practitioner_id)
        rows = tx.execute(select(Participant, Client.first_name, Client.last_name, User.display_name)
                          .join(Client, Client.id == Participant.client_id)
                          .outerjoin(User, User.id == Participant.changed_by)
                          .where(Participant.session_id == session_id)
                          .order_by(Client.last_name, Client.first_name)).all()
        tz = practice.tz
        return [ParticipantView(p.client_id, f"{first} {last}", ParticipantStatus(p.status), p.price_cents,
                                p.charge_cents, p.changed_at.astimezone(tz) if p.changed_at else None,
                                p.changed_by, who or "") for p, first, last, who in rows]


def set_participant_price(practice: Practice, actor: Actor, session_id: int, client_id: int,
                          price_cents: int | None) -> SessionView:
    """Give one client of an open session their own price (None: back to the session's cost).
    Front desk only, like a cost override (SPEC 1.1, 4.1); saving the session charges it."""
    validate.an_id("session", session_id), validate.an_id("client", client_id)
    if price_cents is not None:
        validate.practice_amount("price", price_cents, practice)
    require_front_desk(actor)
    if price_cents is not None:
        validate.cents("price", price_cents)
    with practice.uow() as tx:
        s = _live(tx, session_id)
        if s.status != SessionStatus.OPEN:
            raise RuleViolation("This session is saved. Set it back to open before changing a client's price.")
        row = next((p for p in s.booked if p.client_id == client_id), None)
        if row is None:
            raise ValidationError("client", "this client is not booked on the session")
        before, row.price_cents = row.price_cents, price_cents
        row.changed_at, row.changed_by = practice.clock.now(), actor.user_id
        audit.record(tx, practice, actor, "session.price", "session", s.id, client_id=client_id,
                     changes={"price": {"before": before, "after": price_cents}})
        tx.flush()
        return load_views(tx, actor, practice.tz, session_query(S.id == session_id))[0]


def _live(tx: Session, session_id: int) -> PracticeSession:
    s = tx.get(PracticeSession, session_id)
    if s is None or s.deleted_at is not None:
        raise NotFound.gone("session")
    return s

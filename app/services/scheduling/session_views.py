"""Reading sessions: the plain values views get, built from one joined query per request."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ...models import Client, CustomWage, Location, Participant, PracticeSession, Practitioner, Service
from ...models.enums import ParticipantStatus, SessionStatus
from ..money.pricing import session_cost, session_wage
from ..practice import Actor


@dataclass(frozen=True)
class ClientRef:
    id: int
    name: str
    charge_cents: int | None  # what they were charged when the session was saved
    price_cents: int | None = None  # their price now: their own, else the session's cost (SessionView.cost_cents)


@dataclass(frozen=True)
class SessionView:
    id: int
    start: datetime  # aware, practice time zone
    end: datetime
    service_id: int
    service_name: str
    service_kind: str
    location_id: int | None
    location_name: str
    practitioner_id: int
    practitioner_name: str
    practitioner_color: str
    clients: tuple[ClientRef, ...]
    public_note: str
    private_note: str | None  # None when the actor may not see it (SPEC 2.4)
    status: str
    completion_type_id: int | None
    completion_label: str | None
    cost_override: bool
    cost_cents: int  # per client unless one has their own (ClientRef.price_cents); once saved see charge_cents
    wage_cents: int  # the wage now while open; the paid snapshot once saved
    series_id: int | None
    deleted: bool
    deleted_at: datetime | None

    @property
    def kind(self) -> str:
        """SPEC 2.2: one client = single, two or more = group; detected, never asked."""
        return "group" if len(self.clients) > 1 else "single"

    @property
    def label(self) -> str:
        """The status as people read it: the completion label once saved, else 'Open'."""
        return self.completion_label or self.status.capitalize()

    @property
    def minutes(self) -> int:
        return int(self.end.timestamp() - self.start.timestamp()) // 60  # real minutes, as billed

    @property
    def client_names(self) -> str:
        return ", ".join(c.name for c in self.clients)

    @property
    def title(self) -> str:
        if not self.clients:
            return "No clients"
        return self.clients[0].name if len(self.clients) == 1 else f"Group: {len(self.clients)} clients"


S = PracticeSession
_COLUMNS = (S.id, S.start_at, S.end_at, S.service_id, S.location_id, S.practitioner_id, S.public_note,
            S.private_note, S.status, S.completion_type_id, S.completion_label, S.cost_override,
            S.wage_cents, S.series_id, S.deleted_at,
            Service.name, Service.kind, Service.cost_cents, Service.wage_cents, CustomWage.wage_cents,
            Practitioner.name, Practitioner.color, Location.name,
            Participant.client_id, Participant.charge_cents, Client.first_name, Client.last_name,
            Participant.price_cents)


def session_query(*where, order=(S.start_at, S.id), limit: int | None = None):
    """One SELECT that yields a row per (session, booked client) with everything a view shows.
    Clients taken off a session are its history (session_participants), not its clients.

    With ``limit`` the sessions are chosen first (a subquery), so a page never cuts a group."""
    q = (select(*_COLUMNS)
         .join(Service, Service.id == S.service_id)
         .join(Practitioner, Practitioner.id == S.practitioner_id)
         .outerjoin(Location, Location.id == S.location_id)
         .outerjoin(CustomWage, and_(CustomWage.practitioner_id == S.practitioner_id,
                                     CustomWage.service_id == S.service_id))
         .outerjoin(Participant, and_(Participant.session_id == S.id,
                                      Participant.status == ParticipantStatus.BOOKED.value))
         .outerjoin(Client, Client.id == Participant.client_id))
    if limit is not None:
        ids = select(S.id).where(*where).order_by(*order).limit(limit).scalar_subquery()
        q = q.where(S.id.in_(ids))
    else:
        q = q.where(*where)
    return q.order_by(*order, Client.last_name, Client.first_name)


def load_views(tx: Session, actor: Actor, tz: ZoneInfo, query) -> list[SessionView]:
    out: list[SessionView] = []
    current: list = []
    clients: list[ClientRef] = []

    def flush() -> None:
        if current:
            out.append(_build(current, tuple(clients), actor, tz))

    for row in tx.execute(query):
        if not current or row[0] != current[0]:
            flush()
            current, clients = list(row), []
        if row[23] is not None:  # a session whose clients were all taken off still shows
            clients.append(ClientRef(row[23], f"{row[25]} {row[26]}", row[24], row[27]))
    flush()
    return out


def _build(r, clients, actor: Actor, tz: ZoneInfo) -> SessionView:
    (sid, start, end, service_id, location_id, practitioner_id, public_note, private_note, status, type_id,
     label, override, wage_snapshot, series_id, deleted_at, service_name, kind, cost, wage, custom_wage,
     practitioner_name, color, location_name) = r[:23]
    minutes = int((end - start).total_seconds() // 60)
    sees_private = actor.is_front_desk or actor.practitioner_id == practitioner_id
    saved = status != SessionStatus.OPEN
    cost_now = session_cost(kind, cost, minutes)
    clients = tuple(c if c.price_cents is not None else replace(c, price_cents=cost_now) for c in clients)
    return SessionView(
        id=sid, start=start.astimezone(tz), end=end.astimezone(tz), service_id=service_id,
        service_name=service_name, service_kind=kind, location_id=location_id, location_name=location_name or "",
        practitioner_id=practitioner_id, practitioner_name=practitioner_name, practitioner_color=color,
        clients=clients, public_note=public_note, private_note=private_note if sees_private else None,
        status=status, completion_type_id=type_id, completion_label=label, cost_override=override,
        cost_cents=cost_now,
        wage_cents=wage_snapshot if saved and wage_snapshot is not None else session_wage(kind, wage, custom_wage, minutes),
        series_id=series_id, deleted=deleted_at is not None,
        deleted_at=deleted_at.astimezone(tz) if deleted_at else None)

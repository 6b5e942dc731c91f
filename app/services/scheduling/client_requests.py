"""Client requests (SPEC 1.1, 1.4): a session a client asks for, recorded by the front desk on the
client's behalf, then accepted or declined.

- Only services and locations with the "client booking" flag are offered (``booking_choices``) and
  taken, when recorded and again when accepted (a flag switched off since then refuses the accept).
- Accepting books the session through the session service (``sessions.add_in``, the same checks as
  Add Session) inside the accept's own transaction, with the client rules: where prepayment would
  refuse a practitioner (SPEC 6.3, 6.4: no credit, nothing left on a package; 6.2's threshold refuses
  everyone) the request is refused with a plain message, even for staff; conflicts and closures are
  asked about as Add Session asks (``NeedsConfirmation``; repeat with ``confirm=True``).
- A request is decided once: a second accept or decline (another desk, a double click) is refused
  and makes nothing, because the write lock is held from before the request is read (STACK trap 0).
- Only admin and staff record, list and decide requests: they are the front desk's inbox.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ...models import Client, ClientRequest, Location, Practitioner, Service, User
from ...models.enums import RequestStatus
from .. import audit, validate
from ..errors import NotFound, RuleViolation, ValidationError
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from . import sessions
from .session_views import S, SessionView, load_views, session_query

STATUSES = tuple(RequestStatus)
MAX_NOTE = 2000
MAX_REASON = 1000
MAX_LENGTH = sessions.MAX_LENGTH


@dataclass(frozen=True)
class RequestInput:
    """A request as the front desk types it. Times are the practice's wall-clock times (naive) or
    aware datetimes; ``practitioner_id`` is who the client asked for, if anyone."""

    client_id: int
    service_id: int
    start: datetime
    end: datetime
    location_id: int | None = None
    practitioner_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Choice:
    id: int
    name: str
    minutes: int | None = None  # a service's usual length (the form's default end)


@dataclass(frozen=True)
class BookingChoices:
    """What may be offered for a client request (SPEC 1.4): live services and locations with the
    client-booking flag, by name."""

    services: tuple[Choice, ...]
    locations: tuple[Choice, ...]


@dataclass(frozen=True)
class RequestView:
    id: int
    client_id: int
    client_name: str
    service_id: int
    service_name: str
    location_id: int | None
    location_name: str  # "" when none
    practitioner_id: int | None
    practitioner_name: str  # "" when none was asked for
    start: datetime  # aware, practice time zone
    end: datetime
    note: str
    status: str
    recorded_at: datetime
    recorded_by: str  # the user's display name
    decided_at: datetime | None
    decided_by: str
    decline_reason: str
    session_id: int | None  # the session made on acceptance

    @property
    def pending(self) -> bool:
        return self.status == RequestStatus.PENDING


@dataclass(frozen=True)
class Accepted:
    request: RequestView
    session: SessionView


# -- reading --------------------------------------------------------------------------------------
def booking_choices(practice: Practice, actor: Actor) -> BookingChoices:
    """The services and locations a client may request (SPEC 1.4)."""
    require_front_desk(actor)
    with practice.read() as tx:
        services = tx.execute(select(Service.id, Service.name, Service.default_minutes)
                              .where(Service.client_booking.is_(True), Service.archived_at.is_(None))
                              .order_by(Service.name, Service.id))
        services = tuple(Choice(i, n, m) for i, n, m in services)
        locations = tx.execute(select(Location.id, Location.name)
                               .where(Location.client_booking.is_(True), Location.archived_at.is_(None))
                               .order_by(Location.name, Location.id))
        return BookingChoices(services, tuple(Choice(i, n) for i, n in locations))


def _query(*where):
    recorder, decider = aliased(User), aliased(User)
    return (select(ClientRequest, Client.first_name, Client.last_name, Service.name, Location.name,
                   Practitioner.name, recorder.display_name, decider.display_name)
            .join(Client, Client.id == ClientRequest.client_id)
            .join(Service, Service.id == ClientRequest.service_id)
            .outerjoin(Location, Location.id == ClientRequest.location_id)
            .outerjoin(Practitioner, Practitioner.id == ClientRequest.practitioner_id)
            .outerjoin(recorder, recorder.id == ClientRequest.recorded_by)
            .outerjoin(decider, decider.id == ClientRequest.decided_by)
            .where(*where))


def _views(tx: Session, practice: Practice, q) -> list[RequestView]:
    tz = practice.tz
    out = []
    for r, first, last, service, location, practitioner, recorder, decider in tx.execute(q):
        out.append(RequestView(
            r.id, r.client_id, f"{first} {last}", r.service_id, service, r.location_id, location or "",
            r.practitioner_id, practitioner or "", r.start_at.astimezone(tz), r.end_at.astimezone(tz), r.note,
            r.status, r.recorded_at.astimezone(tz), recorder or "",
            r.decided_at.astimezone(tz) if r.decided_at else None, decider or "", r.decline_reason or "",
            r.session_id))
    return out


def _order(q):
    """Pending first, soonest first; then the decided ones, the latest decision first."""
    pending = ClientRequest.status == RequestStatus.PENDING.value
    return q.order_by(case((pending, 0), else_=1), case((pending, ClientRequest.start_at)),
                      ClientRequest.decided_at.desc(), ClientRequest.id)


def list_requests(practice: Practice, actor: Actor, status: str | None = RequestStatus.PENDING,
                  limit: int | None = 200, offset: int = 0) -> list[RequestView]:
    """The inbox: requests with ``status`` (None: all of them), pending first and soonest first, then
    the decided ones newest decision first; a page of ``limit`` from ``offset``."""
    if status is not None:
        validate.choice("status", status, STATUSES)
    validate.limit_offset(limit, offset)
    require_front_desk(actor)
    where = [] if status is None else [ClientRequest.status == status]
    with practice.read() as tx:
        return _views(tx, practice, _order(_query(*where)).limit(limit).offset(offset))


def count_requests(practice: Practice, actor: Actor, status: str | None = RequestStatus.PENDING) -> int:
    if status is not None:
        validate.choice("status", status, STATUSES)
    require_front_desk(actor)
    q = select(func.count()).select_from(ClientRequest)
    if status is not None:
        q = q.where(ClientRequest.status == status)
    with practice.read() as tx:
        return int(tx.scalar(q))


def get_request(practice: Practice, actor: Actor, request_id: int) -> RequestView:
    validate.an_id("request", request_id)
    require_front_desk(actor)
    with practice.read() as tx:
        found = _views(tx, practice, _query(ClientRequest.id == request_id))
    if not found:
        raise NotFound.gone("request")
    return found[0]


# -- recording ------------------------------------------------------------------------------------
def _clean(practice: Practice, data: RequestInput) -> RequestInput:
    validate.form("request", data, RequestInput)
    tz = practice.tz
    validate.a_datetime("start", data.start)
    validate.a_datetime("end", data.end)
    start, end = sessions.to_local_naive(data.start, tz), sessions.to_local_naive(data.end, tz)
    if end <= start:
        raise ValidationError("end", "must be after the start")
    if end - start > MAX_LENGTH:
        raise ValidationError("end", "a session lasts at most 24 hours")
    return replace(data, start=start, end=end, client_id=validate.an_id("client", data.client_id),
                   service_id=validate.an_id("service", data.service_id),
                   location_id=validate.optional_id("location", data.location_id),
                   practitioner_id=validate.optional_id("practitioner", data.practitioner_id),
                   note=validate.text("note", data.note, MAX_NOTE, required=False))


def _check_bookable(tx: Session, service_id: int, location_id: int | None) -> None:
    """SPEC 1.4: only services and locations with the client-booking flag (and not archived)."""
    service = tx.get(Service, service_id)
    if service is None or service.archived_at is not None:
        raise ValidationError("service", "no such service (or it is archived)")
    if not service.client_booking:
        raise ValidationError("service", f"clients cannot request {service.name}; only services open to "
                                         "client booking can be requested")
    if location_id is not None:
        loc = tx.get(Location, location_id)
        if loc is None or loc.archived_at is not None:
            raise ValidationError("location", "no such location (or it is archived)")
        if not loc.client_booking:
            raise ValidationError("location", f"clients cannot request sessions at {loc.name}; only locations "
                                              "open to client booking can be requested")


def record_request(practice: Practice, actor: Actor, data: RequestInput) -> RequestView:
    """Record a client's request on their behalf (SPEC 1.1): pending until accepted or declined.
    A request for a time already past is refused (``start``)."""
    data = _clean(practice, data)
    require_front_desk(actor)
    start, end = sessions.local_span(data.start, data.end - data.start, practice.tz)
    if start < practice.clock.now():
        raise ValidationError("start", "is in the past; a client can request a session still to come")
    with practice.uow() as tx:
        client = tx.get(Client, data.client_id)
        if client is None or client.archived_at is not None:
            raise ValidationError("client", "no such client (or they are archived)")
        _check_bookable(tx, data.service_id, data.location_id)
        if data.practitioner_id is not None:
            pract = tx.get(Practitioner, data.practitioner_id)
            if pract is None or pract.archived_at is not None:
                raise ValidationError("practitioner", "no such practitioner (or they are archived)")
        r = ClientRequest(client_id=data.client_id, service_id=data.service_id, location_id=data.location_id,
                          practitioner_id=data.practitioner_id, start_at=start, end_at=end, note=data.note,
                          status=RequestStatus.PENDING.value, recorded_at=practice.clock.now(),
                          recorded_by=actor.user_id)
        tx.add(r)
        tx.flush()
        audit.record(tx, practice, actor, "client_request.record", "client_request", r.id, client_id=r.client_id,
                     service_id=r.service_id, location_id=r.location_id, practitioner_id=r.practitioner_id,
                     start=f"{data.start:%Y-%m-%d %H:%M}")
        return _views(tx, practice, _query(ClientRequest.id == r.id))[0]


# -- deciding -------------------------------------------------------------------------------------
def _pending(tx: Session, request_id: int) -> ClientRequest:
    """The request, locked for this transaction; refused unless still pending."""
    r = tx.scalar(select(ClientRequest).where(ClientRequest.id == request_id).with_for_update())
    if r is None:
        raise NotFound.gone("request")
    if r.status != RequestStatus.PENDING:
        raise RuleViolation(f"This request was already {r.status} (perhaps at another workstation); "
                            "nothing was changed.")
    return r


def accept_request(practice: Practice, actor: Actor, request_id: int, practitioner_id: int | None = None,
                   confirm: bool = False) -> Accepted:
    """Accept a pending request: book its session (one client, the requested service, location and
    times; the request's note as the private note) with the client rules, and mark it accepted.

    ``practitioner_id``: who will see the client; required when the client asked for nobody, else
    it replaces the one asked for. Conflicts and closures raise NeedsConfirmation (repeat with
    ``confirm=True``); prepayment that would refuse a practitioner refuses the request
    (RuleViolation), and so does a service or location no longer open to client requests."""
    validate.an_id("request", request_id)
    practitioner_id = validate.optional_id("practitioner", practitioner_id)
    validate.flag("confirm", confirm)
    require_front_desk(actor)
    tz = practice.tz
    with practice.uow() as tx:
        r = _pending(tx, request_id)
        chosen = practitioner_id if practitioner_id is not None else r.practitioner_id
        if chosen is None:
            raise ValidationError("practitioner", "choose who will see the client")
        try:
            _check_bookable(tx, r.service_id, r.location_id)
        except ValidationError as exc:
            raise RuleViolation(f"This request cannot be accepted: {exc.message}. Decline it, or book the "
                                "session with Add Session.") from exc
        data = sessions.SessionInput(start=sessions.to_local_naive(r.start_at, tz),
                                     end=sessions.to_local_naive(r.end_at, tz), service_id=r.service_id,
                                     practitioner_id=chosen, client_ids=(r.client_id,), location_id=r.location_id,
                                     private_note=r.note)
        data, _rec, slots = sessions.prepare_new(practice, actor, data, None)
        try:
            [session_id] = sessions.add_in(tx, practice, actor, data, slots, None, confirm, client_request=True)
        except RuleViolation as exc:
            raise RuleViolation(f"This request cannot be accepted. {exc} Once the client has paid, accept it "
                                "again; or decline it.") from exc
        r.status, r.session_id = RequestStatus.ACCEPTED.value, session_id
        r.decided_at, r.decided_by = practice.clock.now(), actor.user_id
        audit.record(tx, practice, actor, "client_request.accept", "client_request", r.id, session_id=session_id,
                     practitioner_id=chosen, confirmed=confirm)
        view = _views(tx, practice, _query(ClientRequest.id == r.id))[0]
        [session] = load_views(tx, actor, tz, session_query(S.id == session_id))
        return Accepted(view, session)


def decline_request(practice: Practice, actor: Actor, request_id: int, reason: str) -> RequestView:
    """Decline a pending request with the reason given to the client. Nothing is booked."""
    validate.an_id("request", request_id)
    reason = validate.text("reason", reason, MAX_REASON)
    require_front_desk(actor)
    with practice.uow() as tx:
        r = _pending(tx, request_id)
        r.status, r.decline_reason = RequestStatus.DECLINED.value, reason
        r.decided_at, r.decided_by = practice.clock.now(), actor.user_id
        audit.record(tx, practice, actor, "client_request.decline", "client_request", r.id, reason=reason)
        return _views(tx, practice, _query(ClientRequest.id == r.id))[0]


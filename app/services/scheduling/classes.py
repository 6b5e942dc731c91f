"""Classes (SPEC 11): a recurring series or one session that clients enroll in as a whole.

Front desk only. Every write is one unit of work (``practice.uow()``: the write lock before the first
read). Rules:
- 11.1 Enrolling puts the client on every session of the class not yet held; dropping takes them
  off every session not yet held (marked ``dropped``, the rows kept as history) and keeps them on
  the ones held. A session is held once it has started or been saved. (Before the first session,
  the normal case, "not yet held" is every session of the series, as 11.1 says; a late enrollment
  allowed by staff is never put on, and charged for, sessions that took place without the client.)
  After the enrollment or drop deadline, or when the class is full, the action comes back as
  ``NeedsConfirmation``; staff repeating it with ``confirm=True`` override it, and the override is
  audited and marked on the enrollment.
- 11.2 Each session of a class has a display flag (class_list.py publishes the displayed ones).
- 11.3 A class is priced by one fixed service: each enrolled client's price on each session is the
  service's cost, and the class's open sessions take that service (its wage is the practitioner's).
- 11.4 The prepayment rules cover the whole class: in the available-credit mode the client needs
  credit for every session they are being put on.
A full class has a waitlist: when a seat frees, the first in line is offered it (recorded and shown);
the seat is held for them until they accept (enroll) or decline.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Client, Location, PracticeSession, Practitioner, Service, User
from ...models.classes import ClassSession, Enrollment, PracticeClass, WaitlistEntry
from ...models.enums import ParticipantStatus, SessionStatus, WarningCode
from .. import audit, validate
from ..errors import NeedsConfirmation, NotFound, RuleViolation, ValidationError, Warning_
from ..money.packages import sync_slots
from ..money.prepayment import HARD_CODES, prepayment_warnings
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from . import participants
from .conflicts import find_conflicts

CLASS_CODES = (WarningCode.CLASS_ENROLL_CLOSED, WarningCode.CLASS_FULL)
MAX_CAPACITY = 1000


@dataclass(frozen=True)
class ClassInput:
    """A class's own settings. Deadlines are practice wall-clock times (naive) or aware datetimes."""

    name: str
    capacity: int
    enroll_deadline: datetime
    drop_deadline: datetime


@dataclass(frozen=True)
class ClassSessionView:
    session_id: int
    start: datetime  # practice time zone
    end: datetime
    practitioner_name: str
    location_name: str
    status: str
    label: str  # Open, or the completion label once saved
    displayed: bool  # listed in the published group-sessions list (SPEC 11.2)
    held: bool  # started or saved: enrolling and dropping leave it alone
    booked: int  # clients on it now


@dataclass(frozen=True)
class EnrollmentView:
    client_id: int
    client_name: str
    enrolled_at: datetime
    enrolled_by: str
    overridden: bool
    dropped_at: datetime | None
    dropped_by: str
    drop_overridden: bool


@dataclass(frozen=True)
class WaitlistView:
    client_id: int
    client_name: str
    position: int  # 1 = first in line
    added_at: datetime
    offered_at: datetime | None  # the seat offered to them and held until they accept or decline


@dataclass(frozen=True)
class ClassView:
    id: int
    name: str
    service_id: int
    service_name: str
    cost_cents: int  # per session, the fixed service's (SPEC 11.3)
    wage_cents: int
    capacity: int
    enroll_deadline: datetime
    drop_deadline: datetime
    series_id: int | None
    archived: bool
    sessions: tuple[ClassSessionView, ...]
    enrolled: tuple[EnrollmentView, ...]  # enrolled now, by name
    dropped: tuple[EnrollmentView, ...]  # history: dropped enrollments, latest first
    waitlist: tuple[WaitlistView, ...]

    @property
    def total_cents(self) -> int:
        """SPEC 11.3: what the whole class costs one client (10 sessions at $100: $1000.00)."""
        return self.cost_cents * len(self.sessions)

    @property
    def wages_cents(self) -> int:
        """SPEC 11.3: the service's wage for every session (10 at $30: $300.00)."""
        return self.wage_cents * len(self.sessions)

    @property
    def offers(self) -> int:
        return sum(1 for w in self.waitlist if w.offered_at is not None)

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - len(self.enrolled) - self.offers)


@dataclass(frozen=True)
class ClassSummary:
    id: int
    name: str
    service_name: str
    capacity: int
    enrolled: int
    waiting: int
    sessions: int
    first_start: datetime | None
    last_start: datetime | None
    enroll_deadline: datetime
    archived: bool


# -- reading ----------------------------------------------------------------------------------------
def list_classes(practice: Practice, actor: Actor, include_archived: bool = False) -> list[ClassSummary]:
    """Every class, soonest first (the Classes window)."""
    validate.flag("include archived", include_archived)
    require_front_desk(actor)
    tz = practice.tz
    sess = (select(ClassSession.class_id, func.count().label("n"), func.min(PracticeSession.start_at).label("first"),
                   func.max(PracticeSession.start_at).label("last"))
            .join(PracticeSession, PracticeSession.id == ClassSession.session_id)
            .where(PracticeSession.deleted_at.is_(None)).group_by(ClassSession.class_id).subquery())
    enr = (select(Enrollment.class_id, func.count().label("n")).where(Enrollment.dropped_at.is_(None))
           .group_by(Enrollment.class_id).subquery())
    wait = (select(WaitlistEntry.class_id, func.count().label("n")).where(WaitlistEntry.removed_at.is_(None))
            .group_by(WaitlistEntry.class_id).subquery())
    q = (select(PracticeClass, Service.name, sess.c.n, sess.c.first, sess.c.last, enr.c.n, wait.c.n)
         .join(Service, Service.id == PracticeClass.service_id)
         .outerjoin(sess, sess.c.class_id == PracticeClass.id)
         .outerjoin(enr, enr.c.class_id == PracticeClass.id)
         .outerjoin(wait, wait.c.class_id == PracticeClass.id)
         .order_by(sess.c.first, PracticeClass.id))
    if not include_archived:
        q = q.where(PracticeClass.archived_at.is_(None))
    with practice.read() as tx:
        return [ClassSummary(c.id, c.name, service, c.capacity, enrolled or 0, waiting or 0, n or 0,
                             first.astimezone(tz) if first else None, last.astimezone(tz) if last else None,
                             c.enroll_deadline.astimezone(tz), c.archived_at is not None)
                for c, service, n, first, last, enrolled, waiting in tx.execute(q)]


def get_class(practice: Practice, actor: Actor, class_id: int) -> ClassView:
    validate.an_id("class", class_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return _view(tx, practice, _class(tx, class_id))


def class_of_session(practice: Practice, actor: Actor, session_id: int) -> int | None:
    """The live class a session belongs to, if any (a session's view offers "Open class…")."""
    validate.an_id("session", session_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return _class_of(tx, session_id)


# -- making and changing a class ------------------------------------------------------------------
def make_class(practice: Practice, actor: Actor, session_id: int, service_id: int, data: ClassInput,
               whole_series: bool = True) -> ClassView:
    """Make a class from a session: its whole recurring series (``whole_series``) or the one session.

    The class is priced by ``service_id``, a fixed service (SPEC 11.3): its open sessions not yet held
    take that service. The clients already booked on its sessions are its first enrollments and are put
    on every session of it not yet held."""
    validate.an_id("session", session_id), validate.an_id("service", service_id)
    validate.flag("whole series", whole_series)
    require_front_desk(actor)
    data = _clean(data, practice)
    with practice.uow() as tx:
        s = tx.get(PracticeSession, session_id)
        if s is None or s.deleted_at is not None:
            raise NotFound.gone("session")
        service = _fixed_service(tx, service_id)
        rows = [s]
        if whole_series and s.series_id is not None:
            rows = list(tx.scalars(select(PracticeSession).where(PracticeSession.series_id == s.series_id,
                                                                 PracticeSession.deleted_at.is_(None))
                                   .order_by(PracticeSession.start_at, PracticeSession.id)))
        for r in rows:
            if (other := _class_of(tx, r.id)) is not None:
                raise RuleViolation(f"A session of these already belongs to the class "
                                    f"\u201c{tx.get(PracticeClass, other).name}\u201d.")
        clients = sorted({p.client_id for r in rows for p in r.booked})
        if len(clients) > data.capacity:
            raise ValidationError("capacity", f"{len(clients)} clients are already booked on these sessions")
        now = practice.clock.now()
        c = PracticeClass(name=data.name, service_id=service.id, capacity=data.capacity,
                          enroll_deadline=data.enroll_deadline, drop_deadline=data.drop_deadline,
                          series_id=s.series_id if whole_series and s.series_id is not None else None,
                          session_id=None if whole_series and s.series_id is not None else s.id,
                          created_at=now, created_by=actor.user_id)
        tx.add(c)
        tx.flush()
        tx.add_all(ClassSession(class_id=c.id, session_id=r.id, displayed=True) for r in rows)
        upcoming = [r for r in rows if not _held(r, now)]
        retyped = [r.id for r in upcoming if r.service_id != service.id]
        for r in upcoming:
            r.service_id = service.id
        for cid in clients:
            tx.add(Enrollment(class_id=c.id, client_id=cid, enrolled_at=now, enrolled_by=actor.user_id))
            _put_on(upcoming, cid, service, actor, now)
        sync_slots(tx, practice, upcoming)
        audit.record(tx, practice, actor, "class.make", "class", c.id, name=c.name, sessions=[r.id for r in rows],
                     service_id=service.id, sessions_retyped=retyped, clients=clients)
        tx.flush()
        return _view(tx, practice, c)


def update_class(practice: Practice, actor: Actor, class_id: int, data: ClassInput) -> ClassView:
    """Rename a class, change its capacity or deadlines. More seats offer them to the waitlist."""
    validate.an_id("class", class_id)
    require_front_desk(actor)
    data = _clean(data, practice)
    with practice.uow() as tx:
        c = _live_class(tx, class_id)
        enrolled = _enrolled_count(tx, c.id)
        if data.capacity < enrolled:
            raise ValidationError("capacity", f"{enrolled} clients are enrolled; drop some first")
        changes = {}
        for field in ("name", "capacity", "enroll_deadline", "drop_deadline"):
            before, after = getattr(c, field), getattr(data, field)
            if before != after:
                changes[field] = {"before": before, "after": after}
                setattr(c, field, after)
        if changes:
            audit.record(tx, practice, actor, "class.update", "class", c.id, changes=changes)
            _offer_seats(tx, practice, actor, c)
        tx.flush()
        return _view(tx, practice, c)


def set_class_archived(practice: Practice, actor: Actor, class_id: int, archived: bool) -> ClassView:
    """Archive a class (it leaves the list and the published list; its sessions and clients stay)."""
    validate.an_id("class", class_id), validate.flag("archived", archived)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = _class(tx, class_id)
        if (c.archived_at is not None) != archived:
            c.archived_at = practice.clock.now() if archived else None
            audit.record(tx, practice, actor, "class.archive" if archived else "class.restore", "class", c.id)
        tx.flush()
        return _view(tx, practice, c)


def set_session_displayed(practice: Practice, actor: Actor, class_id: int, session_id: int,
                          displayed: bool) -> ClassView:
    """Show or hide one session of a class in the published group-sessions list (SPEC 11.2)."""
    validate.an_id("class", class_id), validate.an_id("session", session_id), validate.flag("displayed", displayed)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = _live_class(tx, class_id)
        row = tx.scalar(select(ClassSession).where(ClassSession.class_id == c.id,
                                                   ClassSession.session_id == session_id))
        if row is None:
            raise ValidationError("session", "is not a session of this class")
        if row.displayed != displayed:
            row.displayed = displayed
            audit.record(tx, practice, actor, "class.display", "class", c.id, session_id=session_id,
                         displayed=displayed)
        tx.flush()
        return _view(tx, practice, c)


# -- enrolling, dropping, the waitlist ------------------------------------------------------------
def enroll(practice: Practice, actor: Actor, class_id: int, client_id: int, confirm: bool = False) -> ClassView:
    """Enroll a client: they are put on every session of the class not yet held, each at the class's
    price (SPEC 11.1, 11.3). After the enrollment deadline, in a full class, on a clash with another of
    the client's sessions or without the credit for the whole class (11.4) it raises NeedsConfirmation;
    ``confirm=True`` goes ahead and the override is audited. A client offered a seat from the waitlist
    takes the seat held for them."""
    validate.an_id("class", class_id), validate.an_id("client", client_id), validate.flag("confirm", confirm)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = _live_class(tx, class_id)
        return _enroll(tx, practice, actor, c, client_id, confirm)


def accept_offer(practice: Practice, actor: Actor, class_id: int, client_id: int, confirm: bool = False) -> ClassView:
    """The client accepts the seat offered to them from the waitlist: they are enrolled (as ``enroll``)."""
    validate.an_id("class", class_id), validate.an_id("client", client_id), validate.flag("confirm", confirm)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = _live_class(tx, class_id)
        entry = _waiting(tx, c.id, client_id)
        if entry is None or entry.offered_at is None:
            raise ValidationError("client", "has not been offered a seat in this class")
        return _enroll(tx, practice, actor, c, client_id, confirm)


def drop(practice: Practice, actor: Actor, class_id: int, client_id: int, confirm: bool = False) -> ClassView:
    """Drop a client: they come off every session not yet held and stay on the ones held; the
    enrollment is kept as history (SPEC 11.1). After the drop deadline it raises NeedsConfirmation;
    ``confirm=True`` overrides it (audited). The freed seat is offered to the first on the waitlist."""
    validate.an_id("class", class_id), validate.an_id("client", client_id), validate.flag("confirm", confirm)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = _live_class(tx, class_id)
        row = _enrollment(tx, c.id, client_id)
        if row is None:
            raise ValidationError("client", "is not enrolled in this class")
        now = practice.clock.now()
        warnings = []
        if now > c.drop_deadline:
            warnings.append(Warning_(WarningCode.CLASS_DROP_CLOSED,
                                     f"The drop deadline of {c.name} was {_when(c.drop_deadline, practice)}."))
        _gate(tx, practice, actor, c, warnings, confirm, "drop", client_id)
        upcoming = [s for s in _sessions(tx, c.id) if not _held(s, now)]
        for s in upcoming:
            participants.remove(s, client_id, actor, now, ParticipantStatus.DROPPED)
        row.dropped_at, row.dropped_by, row.drop_overridden = now, actor.user_id, bool(warnings)
        sync_slots(tx, practice, upcoming)
        audit.record(tx, practice, actor, "class.drop", "class", c.id, client_id=client_id,
                     sessions=[s.id for s in upcoming], overridden=bool(warnings))
        tx.flush()
        _offer_seats(tx, practice, actor, c)
        tx.flush()
        return _view(tx, practice, c)


def add_to_waitlist(practice: Practice, actor: Actor, class_id: int, client_id: int) -> ClassView:
    """Put a client at the end of a full class's waitlist."""
    validate.an_id("class", class_id), validate.an_id("client", client_id)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = _live_class(tx, class_id)
        _client(tx, client_id)
        if _enrollment(tx, c.id, client_id) is not None:
            raise ValidationError("client", "is already enrolled in this class")
        if _waiting(tx, c.id, client_id) is not None:
            raise ValidationError("client", "is already on the waitlist")
        if _free_seats(tx, c) > 0:
            raise RuleViolation(f"{c.name} has a free seat: enroll the client instead.")
        tx.add(WaitlistEntry(class_id=c.id, client_id=client_id, added_at=practice.clock.now(),
                             added_by=actor.user_id))
        audit.record(tx, practice, actor, "class.waitlist_add", "class", c.id, client_id=client_id)
        tx.flush()
        return _view(tx, practice, c)


def remove_from_waitlist(practice: Practice, actor: Actor, class_id: int, client_id: int,
                         declined: bool = False) -> ClassView:
    """Take a client off the waitlist (``declined``: they turned down the seat offered). A seat that
    was held for them is offered to the next in line."""
    validate.an_id("class", class_id), validate.an_id("client", client_id), validate.flag("declined", declined)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = _live_class(tx, class_id)
        entry = _waiting(tx, c.id, client_id)
        if entry is None:
            raise ValidationError("client", "is not on the waitlist")
        if declined and entry.offered_at is None:
            raise ValidationError("client", "has not been offered a seat to decline")
        entry.removed_at, entry.removed_by = practice.clock.now(), actor.user_id
        entry.removed_reason = "declined" if declined else "removed"
        audit.record(tx, practice, actor, "class.waitlist_remove", "class", c.id, client_id=client_id,
                     reason=entry.removed_reason)
        tx.flush()
        _offer_seats(tx, practice, actor, c)
        tx.flush()
        return _view(tx, practice, c)


# -- inside a unit of work ------------------------------------------------------------------------
def _enroll(tx: Session, practice: Practice, actor: Actor, c: PracticeClass, client_id: int,
            confirm: bool) -> ClassView:
    client = _client(tx, client_id)
    if _enrollment(tx, c.id, client_id) is not None:
        raise ValidationError("client", "is already enrolled in this class")
    now, tz = practice.clock.now(), practice.tz
    upcoming = [s for s in _sessions(tx, c.id) if not _held(s, now) and s.status == SessionStatus.OPEN]
    if not upcoming:
        raise RuleViolation(f"Every session of {c.name} has been held; there is none left to enroll in.")
    entry = _waiting(tx, c.id, client_id)
    warnings: list[Warning_] = []
    if now > c.enroll_deadline:
        warnings.append(Warning_(WarningCode.CLASS_ENROLL_CLOSED,
                                 f"Enrollment in {c.name} closed on {_when(c.enroll_deadline, practice)}."))
    held_for_them = entry is not None and entry.offered_at is not None
    if not held_for_them and _free_seats(tx, c) <= 0:
        warnings.append(Warning_(WarningCode.CLASS_FULL, f"{c.name} is full ({c.capacity} of {c.capacity} "
                                                         "seats taken or offered)."))
    slots = [(s.start_at, s.end_at) for s in upcoming]
    for s in upcoming:  # the client's other sessions at the same time (SPEC 2.5)
        warnings += find_conflicts(tx, tz, [(s.start_at, s.end_at)], None, None, [client_id], [s.id])
    warnings += prepayment_warnings(tx, practice, [client_id], c.service_id, slots)  # SPEC 11.4: the whole class
    warnings = list(dict.fromkeys(warnings))
    hard = [w for w in warnings if w.code in HARD_CODES]
    if hard:
        raise RuleViolation(" ".join(w.message for w in hard))
    _gate(tx, practice, actor, c, warnings, confirm, "enroll", client_id)
    service = tx.get(Service, c.service_id)
    _put_on(upcoming, client_id, service, actor, now)
    tx.add(Enrollment(class_id=c.id, client_id=client.id, enrolled_at=now, enrolled_by=actor.user_id,
                      overridden=any(w.code in CLASS_CODES for w in warnings)))
    if entry is not None:
        entry.removed_at, entry.removed_by, entry.removed_reason = now, actor.user_id, "enrolled"
    sync_slots(tx, practice, upcoming)
    audit.record(tx, practice, actor, "class.enroll", "class", c.id, client_id=client_id,
                 sessions=[s.id for s in upcoming], overridden=bool(warnings))
    tx.flush()
    return _view(tx, practice, c)


def _gate(tx: Session, practice: Practice, actor: Actor, c: PracticeClass, warnings: list[Warning_],
          confirm: bool, action: str, client_id: int) -> None:
    """Overridable rules: raised for confirmation; confirmed by staff, the override is audited."""
    if not warnings:
        return
    if not confirm:
        raise NeedsConfirmation(warnings)
    audit.record(tx, practice, actor, "class.warnings_overridden", "class", c.id, doing=action,
                 client_id=client_id, warnings=[w.message for w in warnings], codes=[str(w.code) for w in warnings])


def _put_on(rows: list[PracticeSession], client_id: int, service: Service, actor: Actor, now: datetime) -> None:
    """Book the client on each session at the class's price (SPEC 11.3); a booking they already
    had keeps its own price."""
    for s in rows:
        was = next((p for p in s.participants if p.client_id == client_id), None)
        already = was is not None and was.status == ParticipantStatus.BOOKED
        participants.book(s, client_id, actor, now)
        if not already:
            row = next(p for p in s.participants if p.client_id == client_id)
            row.price_cents = service.cost_cents


def _offer_seats(tx: Session, practice: Practice, actor: Actor, c: PracticeClass) -> None:
    """Offer each free seat to the next client in line who has not been offered one (recorded)."""
    free = _free_seats(tx, c)
    if free <= 0:
        return
    now = practice.clock.now()
    for entry in tx.scalars(select(WaitlistEntry).where(WaitlistEntry.class_id == c.id,
                                                        WaitlistEntry.removed_at.is_(None),
                                                        WaitlistEntry.offered_at.is_(None))
                            .order_by(WaitlistEntry.added_at, WaitlistEntry.id).limit(free)):
        entry.offered_at = now
        audit.record(tx, practice, actor, "class.waitlist_offer", "class", c.id, client_id=entry.client_id)


def _free_seats(tx: Session, c: PracticeClass) -> int:
    offers = tx.scalar(select(func.count()).select_from(WaitlistEntry).where(
        WaitlistEntry.class_id == c.id, WaitlistEntry.removed_at.is_(None), WaitlistEntry.offered_at.is_not(None)))
    return c.capacity - _enrolled_count(tx, c.id) - offers


def _enrolled_count(tx: Session, class_id: int) -> int:
    return tx.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.class_id == class_id,
                                                                        Enrollment.dropped_at.is_(None)))


def _held(s: PracticeSession, now: datetime) -> bool:
    """Started or saved: enrolling and dropping no longer change it."""
    return s.status != SessionStatus.OPEN or s.start_at <= now


def _sessions(tx: Session, class_id: int) -> list[PracticeSession]:
    return list(tx.scalars(select(PracticeSession).join(ClassSession, ClassSession.session_id == PracticeSession.id)
                           .where(ClassSession.class_id == class_id, PracticeSession.deleted_at.is_(None))
                           .order_by(PracticeSession.start_at, PracticeSession.id)))


def _class(tx: Session, class_id: int) -> PracticeClass:
    c = tx.get(PracticeClass, class_id)
    if c is None:
        raise NotFound.gone("class")
    return c


def _live_class(tx: Session, class_id: int) -> PracticeClass:
    c = _class(tx, class_id)
    if c.archived_at is not None:
        raise RuleViolation(f"{c.name} is archived. Restore it before changing it.")
    return c


def _class_of(tx: Session, session_id: int) -> int | None:
    return tx.scalar(select(ClassSession.class_id).join(PracticeClass, PracticeClass.id == ClassSession.class_id)
                     .where(ClassSession.session_id == session_id, PracticeClass.archived_at.is_(None)).limit(1))


def _client(tx: Session, client_id: int) -> Client:
    client = tx.get(Client, client_id)
    if client is None or client.archived_at is not None:
        raise ValidationError("client", "no such client (or they are archived)")
    return client


def _enrollment(tx: Session, class_id: int, client_id: int) -> Enrollment | None:
    return tx.scalar(select(Enrollment).where(Enrollment.class_id == class_id, Enrollment.client_id == client_id,
                                              Enrollment.dropped_at.is_(None)))


def _waiting(tx: Session, class_id: int, client_id: int) -> WaitlistEntry | None:
    return tx.scalar(select(WaitlistEntry).where(WaitlistEntry.class_id == class_id,
                                                 WaitlistEntry.client_id == client_id,
                                                 WaitlistEntry.removed_at.is_(None)))


def _fixed_service(tx: Session, service_id: int) -> Service:
    service = tx.get(Service, service_id)
    if service is None or service.archived_at is not None:
        raise ValidationError("service", "no such service (or it is archived)")
    if service.kind != "fixed":
        raise ValidationError("service", "a class is priced by a fixed service: choose one with a fixed price")
    return service


def _clean(data: ClassInput, practice: Practice) -> ClassInput:
    validate.form("class", data, ClassInput)
    tz = practice.tz
    return ClassInput(name=validate.text("name", data.name, 120),
                      capacity=validate.whole("capacity", data.capacity, 1, MAX_CAPACITY),
                      enroll_deadline=validate.moment("enrollment deadline", data.enroll_deadline, tz),
                      drop_deadline=validate.moment("drop deadline", data.drop_deadline, tz))


def _when(moment: datetime, practice: Practice) -> str:
    return f"{moment.astimezone(practice.tz):%a %d %b %Y %H:%M}"


def _view(tx: Session, practice: Practice, c: PracticeClass) -> ClassView:
    tz, now = practice.tz, practice.clock.now()
    service = tx.get(Service, c.service_id)
    rows = tx.execute(select(PracticeSession, ClassSession.displayed, Practitioner.name, Location.name)
                      .join(ClassSession, ClassSession.session_id == PracticeSession.id)
                      .join(Practitioner, Practitioner.id == PracticeSession.practitioner_id)
                      .outerjoin(Location, Location.id == PracticeSession.location_id)
                      .where(ClassSession.class_id == c.id, PracticeSession.deleted_at.is_(None))
                      .order_by(PracticeSession.start_at, PracticeSession.id)).all()
    sessions = tuple(ClassSessionView(s.id, s.start_at.astimezone(tz), s.end_at.astimezone(tz), pract, loc or "",
                                      s.status, s.completion_label or s.status.capitalize(), shown, _held(s, now),
                                      len(s.booked))
                     for s, shown, pract, loc in rows)
    def name(first, last):
        return f"{first} {last}"

    enrolled, dropped = [], []
    by = User.__table__.alias("by_user")
    drop_by = User.__table__.alias("drop_user")
    for e, first, last, who, dropper in tx.execute(
            select(Enrollment, Client.first_name, Client.last_name, by.c.display_name, drop_by.c.display_name)
            .join(Client, Client.id == Enrollment.client_id)
            .outerjoin(by, by.c.id == Enrollment.enrolled_by).outerjoin(drop_by, drop_by.c.id == Enrollment.dropped_by)
            .where(Enrollment.class_id == c.id)
            .order_by(Client.last_name, Client.first_name, Enrollment.id)):
        view = EnrollmentView(e.client_id, name(first, last), e.enrolled_at.astimezone(tz), who or "", e.overridden,
                              e.dropped_at.astimezone(tz) if e.dropped_at else None, dropper or "",
                              e.drop_overridden)
        (enrolled if e.dropped_at is None else dropped).append(view)
    dropped.sort(key=lambda v: v.dropped_at, reverse=True)
    waitlist = tuple(
        WaitlistView(w.client_id, name(first, last), i, w.added_at.astimezone(tz),
                     w.offered_at.astimezone(tz) if w.offered_at else None)
        for i, (w, first, last) in enumerate(tx.execute(
            select(WaitlistEntry, Client.first_name, Client.last_name).join(Client, Client.id == WaitlistEntry.client_id)
            .where(WaitlistEntry.class_id == c.id, WaitlistEntry.removed_at.is_(None))
            .order_by(WaitlistEntry.added_at, WaitlistEntry.id)), start=1))
    return ClassView(c.id, c.name, service.id, service.name, service.cost_cents, service.wage_cents, c.capacity,
                     c.enroll_deadline.astimezone(tz), c.drop_deadline.astimezone(tz), c.series_id,
                     c.archived_at is not None, sessions, tuple(enrolled), tuple(dropped), waitlist)

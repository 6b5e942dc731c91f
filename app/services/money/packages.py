"""Packages (SPEC 6.3): N sessions of the services a package covers, for a price X.

Selling a package records the client's payment of X and a sale of N sessions. In package mode each
booked client of a covered session takes a *slot* of one of their sales (the oldest sale with a slot
left, then its lowest free slot). Slot k costs the k-th share of X, the shares adding up to X exactly
with the extra cents on the first slots (33.34 + 33.33 + 33.33 for 3 at 100.00); that share is the
participant's own price. A slot is held while the client is booked on a live session that is open or
saved as consuming (completed, missed, or a custom type based on them): remaining = bought - saved
consuming - open. A cancellation, a client taken off or a deleted session gives the slot back.

Saved in package mode, a client with a slot pays either their share (completed or missed) or nothing
(canceled), and the practitioner is paid the fixed service or custom wage whatever the length.

``sync_slots`` is called by the scheduling services after every change to a session's clients,
status or deletion, inside their own transaction (so two desks never take the same slot: the write
lock is held, and ``uq_participant_package_sale_id`` is the backstop).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ...models import (
    Client,
    LedgerEntry,
    Package,
    PackageSale,
    PackageService,
    Participant,
    PracticeSession,
    Service,
)
from ...models.enums import ParticipantStatus, PrepaymentMode, SessionStatus, WarningCode
from ...models.ledger import PAYMENT_METHODS
from .. import audit, validate
from ..errors import NotFound, ValidationError, Warning_
from ..people.permissions import require_front_desk, require_role
from ..practice import Actor, Practice
from .amounts import split_exact

MAX_SESSIONS = 1000
CONSUMING = (SessionStatus.OPEN.value, SessionStatus.COMPLETED.value, SessionStatus.MISSED.value)


@dataclass(frozen=True)
class PackageInput:
    name: str
    sessions: int  # N
    price_cents: int  # X
    service_ids: tuple[int, ...]  # the services it covers


@dataclass(frozen=True)
class PackageView:
    id: int
    name: str
    sessions: int
    price_cents: int
    service_ids: tuple[int, ...]
    archived: bool
    shares_cents: tuple[int, ...]  # what each of its sessions costs, in order


@dataclass(frozen=True)
class SaleView:
    id: int
    client_id: int
    package_id: int
    package_name: str
    sessions: int
    price_cents: int
    used: int  # saved consuming sessions and open sessions holding a slot
    remaining: int
    sold_at: datetime
    payment_id: int | None


# --- defining packages (admin) -------------------------------------------------------------------
def _clean(practice: Practice, data: PackageInput) -> dict:
    validate.form("package", data, PackageInput)
    return dict(name=validate.text("name", data.name, 120),
                sessions_count=validate.whole("number of sessions", data.sessions, 1, MAX_SESSIONS),
                price_cents=validate.practice_amount("price", data.price_cents, practice),
                service_ids=validate.ids("services", data.service_ids, required=True))


def _services_exist(tx: Session, service_ids: Sequence[int]) -> None:
    found = set(tx.scalars(select(Service.id).where(Service.id.in_(service_ids), Service.archived_at.is_(None))))
    if found != set(service_ids):
        raise ValidationError("services", "one of the services no longer exists or is archived")


def _package_view(tx: Session, p: Package) -> PackageView:
    ids = tuple(sorted(tx.scalars(select(PackageService.service_id).where(PackageService.package_id == p.id))))
    return PackageView(p.id, p.name, p.sessions_count, p.price_cents, ids, p.archived_at is not None,
                       tuple(split_exact(p.price_cents, p.sessions_count)))


def create_package(practice: Practice, actor: Actor, data: PackageInput) -> PackageView:
    values = _clean(practice, data)
    require_role(actor, "admin")
    service_ids = values.pop("service_ids")
    with practice.uow() as tx:
        _services_exist(tx, service_ids)
        p = Package(**values, created_at=practice.clock.now())
        tx.add(p)
        tx.flush()
        tx.add_all(PackageService(package_id=p.id, service_id=s) for s in service_ids)
        tx.flush()
        audit.record(tx, practice, actor, "package.create", "package", p.id, name=p.name,
                     sessions=p.sessions_count, price_cents=p.price_cents, services=list(service_ids))
        return _package_view(tx, p)


def update_package(practice: Practice, actor: Actor, package_id: int, data: PackageInput) -> PackageView:
    """Change a package for future sales; packages already sold keep their size and price."""
    validate.an_id("package", package_id)
    values = _clean(practice, data)
    require_role(actor, "admin")
    service_ids = values.pop("service_ids")
    with practice.uow() as tx:
        p = tx.get(Package, package_id)
        if p is None:
            raise NotFound.gone("package")
        _services_exist(tx, service_ids)
        before = _package_view(tx, p)
        for k, v in values.items():
            setattr(p, k, v)
        for link in tx.scalars(select(PackageService).where(PackageService.package_id == p.id)):
            tx.delete(link)
        tx.flush()
        tx.add_all(PackageService(package_id=p.id, service_id=s) for s in service_ids)
        tx.flush()
        after = _package_view(tx, p)
        audit.record(tx, practice, actor, "package.update", "package", p.id,
                     before={"name": before.name, "sessions": before.sessions, "price_cents": before.price_cents,
                             "services": list(before.service_ids)},
                     after={"name": after.name, "sessions": after.sessions, "price_cents": after.price_cents,
                            "services": list(after.service_ids)})
        return after


def set_package_archived(practice: Practice, actor: Actor, package_id: int, archived: bool) -> PackageView:
    """Archived packages are no longer sold; sales already made go on as before."""
    validate.an_id("package", package_id), validate.flag("archived", archived)
    require_role(actor, "admin")
    with practice.uow() as tx:
        p = tx.get(Package, package_id)
        if p is None:
            raise NotFound.gone("package")
        p.archived_at = practice.clock.now() if archived else None
        audit.record(tx, practice, actor, "package.archive" if archived else "package.restore", "package", p.id)
        return _package_view(tx, p)


def list_packages(practice: Practice, actor: Actor, include_archived: bool = False) -> list[PackageView]:
    validate.flag("include archived", include_archived)
    require_front_desk(actor)
    with practice.read() as tx:
        q = select(Package).order_by(Package.name, Package.id)
        if not include_archived:
            q = q.where(Package.archived_at.is_(None))
        return [_package_view(tx, p) for p in tx.scalars(q)]


# --- selling -------------------------------------------------------------------------------------
def sell_package(practice: Practice, actor: Actor, client_id: int, package_id: int, method: str,
                 reference: str = "") -> SaleView:
    """The client buys the package: their payment of its price (a ledger entry) and a sale of its
    sessions, in one transaction. Sessions already booked in package mode without a slot (booked
    anyway by staff) take slots of the new sale at once."""
    validate.an_id("client", client_id), validate.an_id("package", package_id)
    validate.choice("method", method, PAYMENT_METHODS)
    reference = validate.text("reference", reference, 120, required=False)
    require_front_desk(actor)
    with practice.uow() as tx:
        client = tx.get(Client, client_id)
        if client is None or client.archived_at is not None:
            raise ValidationError("client", "no such client (archived or removed)")
        p = tx.get(Package, package_id)
        if p is None or p.archived_at is not None:
            raise ValidationError("package", "this package is no longer sold")
        now = practice.clock.now()
        pay = LedgerEntry(kind="payment", client_id=client_id, amount_cents=p.price_cents, method=method,
                          reference=reference, memo=f"Package: {p.name}", effective_at=now, created_at=now,
                          created_by=actor.user_id)
        tx.add(pay)
        tx.flush()
        sale = PackageSale(client_id=client_id, package_id=p.id, sessions_count=p.sessions_count,
                           price_cents=p.price_cents, payment_id=pay.id, sold_at=now, sold_by=actor.user_id)
        tx.add(sale)
        tx.flush()
        audit.record(tx, practice, actor, "package.sell", "client", client_id, package=p.name,
                     sessions=p.sessions_count, price_cents=p.price_cents)
        waiting = tx.scalars(select(PracticeSession).join(Participant, Participant.session_id == PracticeSession.id)
                             .where(Participant.client_id == client_id, Participant.is_booked(),
                                    Participant.package_sale_id.is_(None),
                                    PracticeSession.status == SessionStatus.OPEN.value,
                                    PracticeSession.deleted_at.is_(None))
                             .order_by(PracticeSession.start_at, PracticeSession.id)).all()
        sync_slots(tx, practice, waiting)
        return _sales(tx, [client_id], sale_id=sale.id)[0]


def _held():
    """SQL condition on Participant joined to PracticeSession: the row holds its slot."""
    return and_(Participant.package_sale_id.is_not(None), Participant.is_booked(),
                PracticeSession.deleted_at.is_(None), PracticeSession.status.in_(CONSUMING))


def _sales(tx: Session, client_ids: Sequence[int], sale_id: int | None = None) -> list[SaleView]:
    used = (select(Participant.package_sale_id.label("sale_id"), func.count().label("used"))
            .join(PracticeSession, PracticeSession.id == Participant.session_id)
            .where(_held()).group_by(Participant.package_sale_id).subquery())
    q = (select(PackageSale, Package.name, func.coalesce(used.c.used, 0))
         .join(Package, Package.id == PackageSale.package_id)
         .outerjoin(used, used.c.sale_id == PackageSale.id)
         .where(PackageSale.client_id.in_(list(client_ids)))
         .order_by(PackageSale.sold_at, PackageSale.id))
    if sale_id is not None:
        q = q.where(PackageSale.id == sale_id)
    return [SaleView(s.id, s.client_id, s.package_id, name, s.sessions_count, s.price_cents, int(n),
                     s.sessions_count - int(n), s.sold_at, s.payment_id) for s, name, n in tx.execute(q)]


def client_packages(practice: Practice, actor: Actor, client_id: int) -> list[SaleView]:
    """A client's packages, oldest first, each with what is used and what remains (SPEC 6.3)."""
    validate.an_id("client", client_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return _sales(tx, [client_id])


def _covers(tx: Session, package_ids) -> dict[int, set[int]]:
    """{package id: the services it covers}."""
    out: dict[int, set[int]] = defaultdict(set)
    for pkg, svc in tx.execute(select(PackageService.package_id, PackageService.service_id)
                               .where(PackageService.package_id.in_(list(package_ids)))):
        out[pkg].add(svc)
    return out


def remaining(tx: Session, client_ids: Sequence[int], service_id: int) -> dict[int, int]:
    """Sessions left for each client on their packages that cover ``service_id``."""
    covering = set(tx.scalars(select(PackageService.package_id).where(PackageService.service_id == service_id)))
    out: dict[int, int] = defaultdict(int)
    for sale in _sales(tx, client_ids):
        if sale.package_id in covering:
            out[sale.client_id] += sale.remaining
    return {cid: out.get(cid, 0) for cid in client_ids}


def remaining_sessions(practice: Practice, actor: Actor, client_id: int, service_id: int) -> int:
    """What the session form shows beside a client in package mode: sessions left for that service."""
    validate.an_id("client", client_id), validate.an_id("service", service_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return remaining(tx, [client_id], service_id)[client_id]


def remaining_for(practice: Practice, actor: Actor, client_ids: Sequence[int], service_id: int) -> dict[int, int]:
    """The same for every client chosen in the session form, in one read: {client id: sessions left}."""
    client_ids = validate.ids("clients", client_ids)
    validate.an_id("service", service_id)
    require_front_desk(actor)
    if not client_ids:
        return {}
    with practice.read() as tx:
        return remaining(tx, client_ids, service_id)


def package_warnings(tx: Session, client_ids: Sequence[int], service_id: int, sessions_needed: int,
                     names: dict[int, str]) -> list[Warning_]:
    """SPEC 6.3: a session cannot be added for a client with nothing remaining. Staff see this and
    may add anyway (audited by the caller's confirmation); practitioners and client requests are refused."""
    left = remaining(tx, client_ids, service_id)
    out = []
    for cid in client_ids:
        if left[cid] < sessions_needed:
            have = "nothing left" if left[cid] <= 0 else f"only {left[cid]} session{'s' if left[cid] != 1 else ''} left"
            out.append(Warning_(WarningCode.PREPAYMENT_PACKAGE,
                                f"{names[cid]} has {have} on a package for this service"
                                + (f"; this booking needs {sessions_needed}." if sessions_needed > 1 else "."),
                                redacted=f"{names[cid]} has no package sessions left for this service. "
                                         "The front desk can help."))
    return out


# --- slots ---------------------------------------------------------------------------------------
def _should_hold(p: Participant, s: PracticeSession) -> bool:
    return p.status == ParticipantStatus.BOOKED and s.deleted_at is None and s.status in CONSUMING


def sync_slots(tx: Session, practice: Practice, sessions: Iterable[PracticeSession]) -> None:
    """Give back the slots that sessions no longer hold and, in package mode, give a slot to each
    booked client of a covered session that has none (their price becomes the slot's share). Called
    inside the caller's write transaction, after the change."""
    sessions = list(sessions)
    if not sessions:
        return
    tx.flush()
    held = [(s, p) for s in sessions for p in s.participants if p.package_sale_id is not None]
    if held:
        package_of = dict(tx.execute(select(PackageSale.id, PackageSale.package_id)
                                     .where(PackageSale.id.in_({p.package_sale_id for _s, p in held}))).all())
        covered = _covers(tx, set(package_of.values()))
        for s, p in held:
            if not _should_hold(p, s) or s.service_id not in covered[package_of[p.package_sale_id]]:
                p.package_sale_id, p.package_slot = None, None
                if s.status == SessionStatus.OPEN.value or p.status != ParticipantStatus.BOOKED:
                    p.price_cents = None  # no longer priced by the package
        tx.flush()
    if practice.settings().get("prepayment_mode") != PrepaymentMode.PACKAGE:
        return
    wanting = [(s, p) for s in sessions for p in s.participants if p.package_sale_id is None and _should_hold(p, s)]
    if not wanting:
        return
    client_ids = sorted({p.client_id for _s, p in wanting})
    sales = [sale for sale in _sales(tx, client_ids) if sale.remaining > 0]
    if not sales:
        return
    covers = _covers(tx, {x.package_id for x in sales})
    taken: dict[int, set[int]] = defaultdict(set)
    for sale_id, slot in tx.execute(select(Participant.package_sale_id, Participant.package_slot)
                                    .join(PracticeSession, PracticeSession.id == Participant.session_id)
                                    .where(Participant.package_sale_id.in_([x.id for x in sales]), _held())):
        taken[sale_id].add(slot)
    left = {x.id: x.remaining for x in sales}
    for s, p in sorted(wanting, key=lambda sp: (sp[0].start_at, sp[0].id)):
        sale = next((x for x in sales if x.client_id == p.client_id and left[x.id] > 0
                     and s.service_id in covers[x.package_id]), None)
        if sale is None:
            continue
        slot = next(i for i in range(sale.sessions) if i not in taken[sale.id])
        taken[sale.id].add(slot)
        left[sale.id] -= 1
        p.package_sale_id, p.package_slot = sale.id, slot
        p.price_cents = split_exact(sale.price_cents, sale.sessions)[slot]
    tx.flush()


def package_outcome(base_status: str, price_cents: int) -> int:
    """A package client's charge: the whole share (completed, missed) or nothing (canceled)."""
    return price_cents if base_status in (SessionStatus.COMPLETED, SessionStatus.MISSED) else 0

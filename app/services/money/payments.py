"""Payments apart from their allocation to invoices (SPEC 9.3).

Every movement of money is a ledger entry of its own and is never edited (SPEC 0.4):

- a **payment** (``kind='payment'``, positive) raises the client's balance; it is dated on the day
  it was received, in the practice time zone;
- a **refund** (``kind='refund'``, negative, ``refund_of_id`` = the payment) gives part of a payment
  back; only money the payment has neither allocated nor refunded can go back;
- a **write-off** (``kind='writeoff'``, positive, admin only, with a reason) forgives what the client
  owes, like a payment nobody made.

An **allocation** ties part of a payment (or write-off) to an issued invoice of the same client. It
is a row of its own, append-only like the ledger: taking one back adds a row of the opposite amount
that ``reverses_id`` the original. So, all in SQL over live rows (reversals included in the sums):

- an invoice's amount due = its total - SUM(its allocations);
- what a payment has left = its amount + SUM(its refunds, negative) - SUM(its allocations);
- the client's credit = SUM(what each payment and write-off has left).

An allocation never exceeds what the invoice still owes nor what the payment has left. Each write
runs in one unit of work that holds the write lock before its first read (STACK trap 0; ``FOR UPDATE``
on the rows decided on, for PostgreSQL), so two desks allocating the same payment at once cannot
both spend its last cents.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Integer, bindparam, case, exists, func, literal, null, select, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from ...models import Allocation, Client, Invoice, LedgerEntry
from ...models.ledger import PAYMENT_METHODS
from .. import audit, validate
from ..errors import NotFound, ValidationError
from ..people.permissions import require_front_desk, require_role
from ..practice import Actor, Practice
from .amounts import format_money


class Allocate(StrEnum):
    """How ``record_payment`` allocates a payment when no invoices are chosen."""

    OLDEST = "oldest"  # oldest due date first, then the invoice number (SPEC 9.3)
    NONE = "none"  # all of it stays the client's credit


class HistoryKind(StrEnum):
    """A row of ``payment_history``: a ledger entry's kind, or an allocation or its take-back."""

    PAYMENT = "payment"
    REFUND = "refund"
    WRITEOFF = "writeoff"
    CHARGE = "charge"
    ALLOCATION = "allocation"
    TAKE_BACK = "take_back"


MONEY_IN = ("payment", "writeoff")  # entries that can be allocated to invoices
MAX_TEXT = 500


# -- what callers get back -------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentView:
    """A payment, refund or write-off as booked in the ledger."""

    id: int
    client_id: int
    kind: str  # payment | refund | writeoff
    amount_cents: int  # payments and write-offs positive, refunds negative
    method: str | None  # cash | cheque | card | transfer | stripe (a refund: its payment's method)
    reference: str  # cheque number, transfer reference, the card gateway's payment id
    memo: str  # a refund's or write-off's reason
    refund_of_id: int | None
    effective_at: datetime  # what periods and the running balance are dated by
    created_at: datetime
    created_by: int | None


@dataclass(frozen=True)
class AllocationView:
    id: int
    payment_id: int  # the payment or write-off
    invoice_id: int
    invoice_number: str | None
    amount_cents: int  # a take-back is negative
    reverses_id: int | None  # a take-back: the allocation it takes back
    taken_back: bool  # an allocation: a take-back of it exists
    created_at: datetime
    created_by: int | None


@dataclass(frozen=True)
class PaymentResult:
    """What ``record_payment`` and ``write_off`` made: the entry, its allocations, what is left."""

    payment: PaymentView
    allocations: tuple[AllocationView, ...]
    left_cents: int  # not allocated: the client's credit from this entry


@dataclass(frozen=True)
class GatewayRefund:
    """A refund the card gateway must still be told about (SPEC 9.3: a Stripe payment is refunded
    through Stripe). ``refund_payment`` records the books only and calls no network; its caller (the
    card billing of issue 14, in ``app/services/billing``) asks the gateway to refund ``amount_cents`` of
    the charge ``payment_reference`` with ``idempotency_key``, which is fixed by the refund's ledger
    entry, so repeating a failed or interrupted request can never refund twice."""

    refund_id: int
    payment_reference: str
    amount_cents: int
    idempotency_key: str

    @classmethod
    def of(cls, refund_id: int, payment_reference: str, amount_cents: int) -> GatewayRefund:
        """The refund ``refund_id`` (its ledger entry) as the gateway is told it, with its fixed key."""
        return cls(refund_id, payment_reference, amount_cents, f"practice-refund-{refund_id}")


@dataclass(frozen=True)
class RefundResult:
    refund: PaymentView
    left_cents: int  # what the payment still has unallocated and unrefunded
    gateway: GatewayRefund | None  # None: the money goes back by hand (cash, cheque, card terminal, transfer)


@dataclass(frozen=True)
class PaymentDetail:
    payment: PaymentView  # a payment or a write-off
    allocations: tuple[AllocationView, ...]  # oldest first, take-backs included
    refunds: tuple[PaymentView, ...]
    allocated_cents: int  # live allocations
    refunded_cents: int  # positive
    left_cents: int


@dataclass(frozen=True)
class HistoryRow:
    """One line of a client's money history. ``balance_cents`` is the ledger balance (SPEC 6:
    payments - charges, write-offs and refunds included) once this line is counted; allocations and
    take-backs move money between a payment and an invoice and leave it as it was."""

    kind: HistoryKind
    id: int  # the ledger entry's or the allocation's id
    at: datetime  # entries: effective_at; allocations: when made
    amount_cents: int
    balance_cents: int
    method: str | None
    reference: str
    memo: str
    payment_id: int | None  # allocations and refunds: their payment (or write-off)
    invoice_id: int | None
    invoice_number: str | None
    reverses_id: int | None
    created_by: int | None


# -- SQL over the models: amounts due and money left (for other services too; they take a tx) --------
def allocated_to_invoice() -> ColumnElement[int]:
    """SUM of an invoice's allocations, take-backs included: a subquery correlated to ``Invoice``."""
    return (select(func.coalesce(func.sum(Allocation.amount_cents), 0))
            .where(Allocation.invoice_id == Invoice.id).correlate(Invoice).scalar_subquery())


def amount_due_sql() -> ColumnElement[int]:
    """An invoice's amount due (its total less live allocations), correlated to ``Invoice``. Only
    issued invoices are owed; a draft owes nothing yet and a cancelled one nothing any more."""
    return Invoice.total_cents - allocated_to_invoice()


def amounts_due(tx: Session, invoice_ids: Sequence[int]) -> dict[int, int]:
    """Amount due of each issued invoice among ``invoice_ids`` (others are left out)."""
    rows = tx.execute(select(Invoice.id, amount_due_sql())
                      .where(Invoice.id.in_(list(invoice_ids)), Invoice.status == "issued"))
    return {iid: int(due) for iid, due in rows}


def money_left(tx: Session, entry_ids: Sequence[int]) -> dict[int, int]:
    """What each payment or write-off has left: its amount + its refunds (negative) - its live
    allocations. By two GROUP BYs, never row by row."""
    ids = list(entry_ids)
    left = {eid: int(amount) for eid, amount in tx.execute(
        select(LedgerEntry.id, LedgerEntry.amount_cents).where(LedgerEntry.id.in_(ids)))}
    for eid, refunded in tx.execute(select(LedgerEntry.refund_of_id, func.sum(LedgerEntry.amount_cents))
                                    .where(LedgerEntry.refund_of_id.in_(ids)).group_by(LedgerEntry.refund_of_id)):
        left[eid] += int(refunded)
    for eid, allocated in tx.execute(select(Allocation.payment_id, func.sum(Allocation.amount_cents))
                                     .where(Allocation.payment_id.in_(ids)).group_by(Allocation.payment_id)):
        left[eid] -= int(allocated)
    return left


def credit_of(tx: Session, client_id: int) -> int:
    """The client's unallocated money: payments and write-offs, less refunds, less live allocations."""
    received = tx.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                         .where(LedgerEntry.client_id == client_id,
                                LedgerEntry.kind.in_(("payment", "writeoff", "refund"))))
    allocated = tx.scalar(select(func.coalesce(func.sum(Allocation.amount_cents), 0))
                          .join(LedgerEntry, LedgerEntry.id == Allocation.payment_id)
                          .where(LedgerEntry.client_id == client_id))
    return int(received) - int(allocated)


# -- writes ----------------------------------------------------------------------------------------
def record_payment(practice: Practice, actor: Actor, client_id: int, amount_cents: int, method: str,
                   received_on: date | None = None, reference: str = "", memo: str = "",
                   allocate: str | Sequence[tuple[int, int]] = Allocate.OLDEST) -> PaymentResult:
    """Records a payment received on ``received_on`` (default today, never in the future) and
    allocates it in the same transaction: ``"oldest"`` to the client's issued invoices oldest due
    date first (then by number), ``"none"`` not at all, or a list of ``(invoice_id, amount_cents)``
    (each invoice once, adding up to at most the payment). What is not allocated is the client's
    credit. A payment received today is dated now; an earlier one at the start of that day."""
    validate.an_id("client", client_id), validate.practice_amount("amount", amount_cents, practice)
    require_front_desk(actor)
    _positive("amount", amount_cents)
    validate.choice("method", method, PAYMENT_METHODS)
    received_on = validate.optional_date("received on", received_on)
    reference = validate.text("reference", reference, 200, required=False)
    memo = validate.text("memo", memo, MAX_TEXT, required=False)
    plan = _allocation_plan(practice, allocate, amount_cents)
    now = practice.clock.now()
    effective = _received_at(practice, received_on, now)
    with practice.uow() as tx:
        return record_payment_in(tx, practice, actor, client_id, amount_cents, method, effective, reference, memo,
                                 plan)


def record_payment_in(tx: Session, practice: Practice, actor: Actor, client_id: int, amount_cents: int, method: str,
                      effective: datetime, reference: str, memo: str,
                      plan: str | Sequence[tuple[int, int]],
                      locked: dict[int, tuple[Invoice, int]] | None = None) -> PaymentResult:
    """``record_payment``'s writes inside the caller's unit of work, on checked input (a card charge
    records the payment Stripe took in the transaction that marks the charge succeeded).
    ``locked``: {invoice id: (the invoice, its amount due)} of invoices of the plan that the caller
    has read locked (``_invoice_due_locked``) in this unit of work, so they are not read again; the
    same checks are made on them."""
    if tx.get(Client, client_id) is None:
        raise ValidationError("client", "no such client")
    e = LedgerEntry(kind="payment", client_id=client_id, amount_cents=amount_cents, method=method,
                    reference=reference, memo=memo, effective_at=effective, created_at=practice.clock.now(),
                    created_by=actor.user_id)
    tx.add(e)
    tx.flush()
    # kept for the rest of the unit of work (the session holds its objects weakly), so that what reads
    # it back there (a card charge's receipt) finds it without a SELECT
    tx.info.setdefault(_RECORDED, []).append(e)
    audit.record(tx, practice, actor, "payment.record", "client", client_id, amount_cents=amount_cents,
                 method=method, payment_id=e.id, received_on=effective.astimezone(practice.tz).date(),
                 reference=reference)
    made = _allocate_plan(tx, practice, actor, e, tuple(plan) if not isinstance(plan, str) else plan, locked or {})
    return PaymentResult(_payment_view(e), made, amount_cents - sum(a.amount_cents for a in made))


_RECORDED = "payments_recorded"


@functools.cache
def _due_locked_query():
    """``_invoice_due_locked``'s SELECT, built once (building it cost about as much as running it)."""
    return (select(Invoice, amount_due_sql()).where(Invoice.id == bindparam("due_invoice", type_=Integer))
            .with_for_update(of=Invoice))


def _invoice_due_locked(tx: Session, invoice_id: int) -> tuple[Invoice | None, int]:
    """The invoice, locked for the rest of the unit of work (as ``_invoice_for`` locks it), and its
    amount due (0 unless issued), in one SELECT; (None, 0) when there is no such invoice. For
    ``record_payment_in(locked=...)``: the allocation to it is then checked without reading it again."""
    row = tx.execute(_due_locked_query(), {"due_invoice": invoice_id}).first()
    if row is None:
        return None, 0
    inv, due = row
    return inv, int(due) if inv.status == "issued" else 0


def allocate(practice: Practice, actor: Actor, payment_id: int, invoice_id: int, amount_cents: int) -> AllocationView:
    """Allocates ``amount_cents`` of a payment or write-off with money left to an issued invoice of
    the same client, at most what the invoice still owes and what the payment has left."""
    validate.an_id("payment", payment_id), validate.an_id("invoice", invoice_id)
    validate.practice_amount("amount", amount_cents, practice)
    require_front_desk(actor)
    _positive("amount", amount_cents)
    with practice.uow() as tx:
        entry = _money_in(tx, payment_id)
        return _allocate_one(tx, practice, actor, entry, _invoice_for(tx, invoice_id), amount_cents, "amount")


def take_back_allocation(practice: Practice, actor: Actor, allocation_id: int, reason: str) -> AllocationView:
    """Takes an allocation back: a row of the opposite amount that reverses it (never an edit). The
    money is the payment's again, to allocate elsewhere or refund. The reason goes to the audit log."""
    validate.an_id("allocation", allocation_id)
    reason = validate.text("reason", reason, MAX_TEXT)
    require_front_desk(actor)
    with practice.uow() as tx:
        a = tx.get(Allocation, allocation_id)  # never changes once written
        if a is None:
            raise NotFound.gone("allocation")
        _money_in(tx, a.payment_id)  # locks the payment first, as every writer of its allocations does
        if a.reverses_id is not None:
            raise ValidationError("allocation", "is itself a take-back; allocate the payment again instead")
        if tx.scalar(select(exists().where(Allocation.reverses_id == a.id))):
            raise ValidationError("allocation", "was already taken back")
        return _take_back(tx, practice, actor, a, reason)


def refund_payment(practice: Practice, actor: Actor, payment_id: int, amount_cents: int, reason: str) -> RefundResult:
    """Gives back part or all of a payment: a ledger entry of kind ``refund``, negative, dated now,
    pointing at the payment. At most what the payment has neither allocated nor refunded (take
    allocations back first). A ``stripe`` payment comes back with ``gateway`` set: see ``GatewayRefund``."""
    validate.an_id("payment", payment_id), validate.practice_amount("amount", amount_cents, practice)
    reason = validate.text("reason", reason, MAX_TEXT)
    require_front_desk(actor)
    _positive("amount", amount_cents)
    money = _formatter(practice)
    with practice.uow() as tx:
        p = _money_in(tx, payment_id)
        if p.kind != "payment":
            raise ValidationError("payment", "is a write-off; only a payment can be refunded")
        left = money_left(tx, [p.id])[p.id]
        if amount_cents > left:
            raise ValidationError("amount", f"is more than the payment has left to refund ({money(left)}); "
                                            "take its allocations back first to refund more")
        now = practice.clock.now()
        r = LedgerEntry(kind="refund", client_id=p.client_id, amount_cents=-amount_cents, method=p.method,
                        refund_of_id=p.id, memo=reason, effective_at=now, created_at=now, created_by=actor.user_id)
        tx.add(r)
        tx.flush()
        gateway = GatewayRefund.of(r.id, p.reference, amount_cents) if p.method == "stripe" else None
        audit.record(tx, practice, actor, "payment.refund", "client", p.client_id, payment_id=p.id, refund_id=r.id,
                     amount_cents=amount_cents, reason=reason, gateway=gateway is not None)
        return RefundResult(_payment_view(r), left - amount_cents, gateway)


def write_off(practice: Practice, actor: Actor, client_id: int, amount_cents: int, reason: str,
              invoice_id: int | None = None) -> PaymentResult:
    """Forgives what a client owes (admin only, with a reason): a ledger entry of kind ``writeoff``,
    positive like a payment, dated now. With ``invoice_id`` it is allocated to that issued invoice
    and is at most its amount due; without, at most what the client owes (minus their balance)."""
    validate.an_id("client", client_id), validate.practice_amount("amount", amount_cents, practice)
    reason = validate.text("reason", reason, MAX_TEXT)
    invoice_id = validate.optional_id("invoice", invoice_id)
    require_role(actor, "admin")
    _positive("amount", amount_cents)
    money = _formatter(practice)
    with practice.uow() as tx:
        if tx.get(Client, client_id) is None:
            raise ValidationError("client", "no such client")
        inv = None
        if invoice_id is None:
            owed = -int(tx.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                                  .where(LedgerEntry.client_id == client_id)))
            if amount_cents > owed:
                raise ValidationError("amount", f"is more than the client owes ({money(max(owed, 0))})")
        else:
            inv = _invoice_for(tx, invoice_id)
        now = practice.clock.now()
        e = LedgerEntry(kind="writeoff", client_id=client_id, amount_cents=amount_cents, memo=reason,
                        effective_at=now, created_at=now, created_by=actor.user_id)
        tx.add(e)
        tx.flush()
        audit.record(tx, practice, actor, "writeoff.record", "client", client_id, writeoff_id=e.id,
                     amount_cents=amount_cents, reason=reason, invoice_id=invoice_id)
        made = () if inv is None else (_allocate_one(tx, practice, actor, e, inv, amount_cents, "amount"),)
        return PaymentResult(_payment_view(e), made, amount_cents - sum(a.amount_cents for a in made))


# -- reads -----------------------------------------------------------------------------------------
def client_credit(practice: Practice, actor: Actor, client_id: int) -> int:
    """The client's credit (SPEC 9.3): payments and write-offs not allocated to an invoice, less
    refunds. Not SPEC 6's available credit, which is about open sessions (``client_record``)."""
    validate.an_id("client", client_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return credit_of(tx, client_id)


def payment_history(practice: Practice, actor: Actor, client_id: int,
                    include_charges: bool = False) -> list[HistoryRow]:
    """Every payment, allocation, take-back, refund and write-off of the client (and their charges
    with ``include_charges``), oldest first, each with the ledger balance once it is counted. One
    ordered query with a window SUM over the client's entries and allocations."""
    validate.an_id("client", client_id), validate.flag("include charges", include_charges)
    require_front_desk(actor)
    entries = select(
        literal(0).label("src"), LedgerEntry.id.label("id"), LedgerEntry.kind.label("kind"),
        LedgerEntry.effective_at.label("at"), LedgerEntry.amount_cents.label("amount"),
        LedgerEntry.amount_cents.label("delta"), LedgerEntry.method.label("method"),
        LedgerEntry.reference.label("reference"), LedgerEntry.memo.label("memo"),
        LedgerEntry.refund_of_id.label("payment_id"), null().label("invoice_id"),
        LedgerEntry.reverses_id.label("reverses_id"), LedgerEntry.created_by.label("created_by"),
    ).where(LedgerEntry.client_id == client_id)
    paid = aliased(LedgerEntry)
    allocations = select(
        literal(1), Allocation.id,
        case((Allocation.reverses_id.is_(None), literal(HistoryKind.ALLOCATION.value)),
             else_=literal(HistoryKind.TAKE_BACK.value)),
        Allocation.created_at, Allocation.amount_cents, literal(0), paid.method, literal(""), literal(""),
        Allocation.payment_id, Allocation.invoice_id, Allocation.reverses_id, Allocation.created_by,
    ).join(paid, paid.id == Allocation.payment_id).where(paid.client_id == client_id)
    u = union_all(entries, allocations).subquery()
    order = (u.c.at, u.c.src, u.c.id)
    w = select(u, func.sum(u.c.delta).over(order_by=order).label("balance")).subquery()
    q = (select(w.c.kind, w.c.id, w.c.at, w.c.amount, w.c.balance, w.c.method, w.c.reference, w.c.memo,
                w.c.payment_id, w.c.invoice_id, Invoice.number, w.c.reverses_id, w.c.created_by)
         .outerjoin(Invoice, Invoice.id == w.c.invoice_id).order_by(w.c.at, w.c.src, w.c.id))
    if not include_charges:
        q = q.where(w.c.kind.in_([k.value for k in HistoryKind if k != HistoryKind.CHARGE]))
    with practice.read() as tx:
        if tx.get(Client, client_id) is None:
            raise NotFound.gone("client")
        rows = tx.execute(q).all()
    return [HistoryRow(HistoryKind(kind), rid, at, int(amount), int(balance), method, reference or "", memo or "",
                       pid, iid, number, rev, by)
            for kind, rid, at, amount, balance, method, reference, memo, pid, iid, number, rev, by in rows]


def payment_detail(practice: Practice, actor: Actor, payment_id: int) -> PaymentDetail:
    """A payment or write-off with its allocations (take-backs included) and refunds."""
    validate.an_id("payment", payment_id)
    require_front_desk(actor)
    with practice.read() as tx:
        p = tx.get(LedgerEntry, payment_id)
        if p is None or p.kind not in MONEY_IN or p.client_id is None:
            raise NotFound.gone("payment")
        allocations = _allocation_views(tx, Allocation.payment_id == p.id)
        refunds = tuple(_payment_view(r) for r in tx.scalars(
            select(LedgerEntry).where(LedgerEntry.refund_of_id == p.id).order_by(LedgerEntry.id)))
        left = money_left(tx, [p.id])[p.id]
    allocated = sum(a.amount_cents for a in allocations)
    return PaymentDetail(_payment_view(p), allocations, refunds, allocated,
                         -sum(r.amount_cents for r in refunds), left)


# -- helpers ---------------------------------------------------------------------------------------
def _positive(field: str, amount: int) -> None:
    if amount == 0:
        raise ValidationError(field, "must be more than zero")


def _formatter(practice: Practice):
    s = practice.settings()
    currency, locale = s.get("currency", "USD"), s.get("locale", "en_US")
    return lambda cents: format_money(cents, currency, locale)


def _received_at(practice: Practice, received_on: date | None, now: datetime) -> datetime:
    today = now.astimezone(practice.tz).date()
    if received_on is None or received_on == today:
        return now
    if received_on > today:
        raise ValidationError("received on", "cannot be in the future")
    return datetime.combine(received_on, time(0), tzinfo=practice.tz)


def _allocation_plan(practice: Practice, value, amount_cents: int) -> str | tuple[tuple[int, int], ...]:
    """``allocate`` checked: a mode of ``Allocate`` or (invoice id, amount) pairs, each invoice once,
    each amount above zero, adding up to at most the payment."""
    if isinstance(value, str):
        return validate.choice("allocation", value, tuple(Allocate))
    if not isinstance(value, (list, tuple)) or len(value) > validate.MAX_IDS:
        raise ValidationError("allocation", "must be oldest, none, or a list of invoices and amounts")
    pairs: dict[int, int] = {}
    for item in value:
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise ValidationError("allocation", "each choice is an invoice and an amount")
        invoice_id = validate.an_id("invoice", item[0])
        cents = validate.practice_amount("allocation", item[1], practice)
        _positive("allocation", cents)
        if invoice_id in pairs:
            raise ValidationError("allocation", "names an invoice twice")
        pairs[invoice_id] = cents
    if sum(pairs.values()) > amount_cents:
        raise ValidationError("allocation", "adds up to more than the payment")
    return tuple(pairs.items())


def _allocate_plan(tx: Session, practice: Practice, actor: Actor, e: LedgerEntry, plan,
                   locked: dict[int, tuple[Invoice, int]] | None = None) -> tuple[AllocationView, ...]:
    """``locked``: see ``record_payment_in``."""
    locked = locked or {}
    if plan == Allocate.NONE:
        return ()
    if plan == Allocate.OLDEST:
        due = amount_due_sql()
        oldest = tx.execute(select(Invoice, due).where(Invoice.client_id == e.client_id, Invoice.status == "issued",
                                                       due > 0)
                            .order_by(func.coalesce(Invoice.due_date, Invoice.issue_date).is_(None),
                                      func.coalesce(Invoice.due_date, Invoice.issue_date), Invoice.year,
                                      Invoice.seq, Invoice.number, Invoice.id)
                            .with_for_update(of=Invoice)).all()
        left, made = e.amount_cents, []
        for inv, owed in oldest:
            if left == 0:
                break
            part = min(left, int(owed))
            made.append(_insert_allocation(tx, practice, actor, e, inv, part))
            left -= part
        return tuple(made)
    left, made = e.amount_cents, []  # recorded just now in this transaction: nothing refunded or allocated yet
    for iid, cents in plan:
        if iid in locked:
            inv, owed = locked[iid]
            made.append(_allocate_one(tx, practice, actor, e, _check_invoice(inv), cents, "allocation", left, owed))
        else:
            made.append(_allocate_one(tx, practice, actor, e, _invoice_for(tx, iid), cents, "allocation", left))
        left -= cents
    return tuple(made)


def _money_in(tx: Session, entry_id: int) -> LedgerEntry:
    """A payment or write-off, locked for the rest of the unit of work."""
    e = tx.scalar(select(LedgerEntry).where(LedgerEntry.id == entry_id).with_for_update())
    if e is None or e.client_id is None:
        raise NotFound.gone("payment")
    if e.kind not in MONEY_IN or e.reverses_id is not None:
        raise ValidationError("payment", "is not a payment or a write-off")
    return e


def _invoice_for(tx: Session, invoice_id: int) -> Invoice:
    return _check_invoice(tx.scalar(select(Invoice).where(Invoice.id == invoice_id).with_for_update()))


def _check_invoice(inv: Invoice | None) -> Invoice:
    """An invoice money can be allocated to: issued (cancelled and drafts refused in words)."""
    if inv is None or (inv.status == "draft" and inv.deleted_at is not None):
        raise NotFound.gone("invoice")
    if inv.status == "draft":
        raise ValidationError("invoice", "is a draft; issue it before allocating money to it")
    if inv.status == "cancelled":
        raise ValidationError("invoice", f"{inv.number} is cancelled by a credit note")
    return inv


def _allocate_one(tx: Session, practice: Practice, actor: Actor, e: LedgerEntry, inv: Invoice, cents: int,
                  field: str, left: int | None = None, owed: int | None = None) -> AllocationView:
    """The checks every allocation passes, then the row: the invoice is the payment's client's and
    the amount at most what the invoice owes and what the payment has left (``left``: known to the
    caller, for a payment it is recording now; ``owed``: read by the caller with the invoice locked
    in this unit of work; else each is read)."""
    if inv.client_id != e.client_id:
        raise ValidationError("invoice", f"{inv.number} is another client's invoice")
    money = _formatter(practice)
    owed = amounts_due(tx, [inv.id])[inv.id] if owed is None else owed
    if cents > owed:
        raise ValidationError(field, f"is more than invoice {inv.number} still owes ({money(max(owed, 0))})")
    left = money_left(tx, [e.id])[e.id] if left is None else left
    if cents > left:
        what = "payment" if e.kind == "payment" else "write-off"
        raise ValidationError(field, f"is more than the {what} has left to allocate ({money(max(left, 0))})")
    return _insert_allocation(tx, practice, actor, e, inv, cents)


def _insert_allocation(tx: Session, practice: Practice, actor: Actor, e: LedgerEntry, inv: Invoice,
                       cents: int) -> AllocationView:
    a = Allocation(payment_id=e.id, invoice_id=inv.id, amount_cents=cents, created_at=practice.clock.now(),
                   created_by=actor.user_id)
    tx.add(a)
    tx.flush()
    audit.record(tx, practice, actor, "allocation.add", "invoice", inv.id, allocation_id=a.id, payment_id=e.id,
                 amount_cents=cents)
    return _allocation_view(a, inv.number, False)


def _take_back(tx: Session, practice: Practice, actor: Actor, a: Allocation, reason: str) -> AllocationView:
    back = Allocation(payment_id=a.payment_id, invoice_id=a.invoice_id, amount_cents=-a.amount_cents,
                      reverses_id=a.id, created_at=practice.clock.now(), created_by=actor.user_id)
    tx.add(back)
    tx.flush()
    audit.record(tx, practice, actor, "allocation.take_back", "invoice", a.invoice_id, allocation_id=back.id,
                 reverses_id=a.id, payment_id=a.payment_id, amount_cents=a.amount_cents, reason=reason)
    return _allocation_view(back, tx.scalar(select(Invoice.number).where(Invoice.id == a.invoice_id)), False)


def _allocation_views(tx: Session, where) -> tuple[AllocationView, ...]:
    back = aliased(Allocation)
    taken = exists().where(back.reverses_id == Allocation.id)
    rows = tx.execute(select(Allocation, Invoice.number, taken).join(Invoice, Invoice.id == Allocation.invoice_id)
                      .where(where).order_by(Allocation.id))
    return tuple(_allocation_view(a, number, bool(t)) for a, number, t in rows)


def _allocation_view(a: Allocation, number: str | None, taken_back: bool) -> AllocationView:
    return AllocationView(a.id, a.payment_id, a.invoice_id, number, a.amount_cents, a.reverses_id, taken_back,
                          a.created_at, a.created_by)


def _payment_view(e: LedgerEntry) -> PaymentView:
    return PaymentView(e.id, e.client_id, e.kind, e.amount_cents, e.method, e.reference or "", e.memo or "",
                       e.refund_of_id, e.effective_at, e.created_at, e.created_by)


"""Invoices and credit notes (SPEC 9.1, 9.3 tax, 6.3 package mode).

A draft is made from a client's uninvoiced sessions in a date range plus free line items; it has no
number and may be changed or deleted. Issuing gives it the next number of the gap-free invoice
series of its issue date's year (``numbering.next_seq``, in the same transaction), a due date
(issue date + the practice's payment terms) and freezes it. An issued invoice is never edited or
deleted: cancelling it issues a credit note in its own gap-free series, stating the reason, and
frees its sessions for another invoice.

Money: a session's amount is in the client's ledger from the moment the session is saved
(completion.py), so an invoice never charges it again. What only the invoice adds is charged when
it is issued, one ledger entry each with ``invoice_line_id`` set: every free line item's amount and
every line's tax (the service's ``tax_rate_bp``, rounded half-up per line). A credit note reverses
exactly those entries (reversal rows dated when it is made, SPEC 0.4). These entries carry no
``session_id``, so re-saving or deleting a session never touches them.

Statuses: stored draft, issued or cancelled; "partly paid" and "paid" are read from the invoice's
allocations (payments.py records them): paid once they cover the total, partly paid before that.
A session is on at most one live invoice per client (``InvoiceLine.live``; the partial unique
index ``uq_invoice_line_live_session`` is the backstop of the check made here first).

Who: the front desk (admin and staff); practitioners neither see nor make invoices (SPEC 1.1).
Cancelling is a front-desk correction too, not admin-only: it moves no money but the invoice's own
entries, needs a reason and is audited (forgiving a debt is a write-off, which is admin-only).
It is refused while payments are applied to the invoice: take them back first (payments.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import Integer, String, and_, bindparam, exists, func, literal_column, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ...models import (
    Allocation,
    Client,
    CreditNote,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Participant,
    PracticeSession,
    Practitioner,
    Service,
    Setting,
)
from ...models.enums import InvoiceStatus, ParticipantStatus, PrepaymentMode, SessionStatus
from .. import audit, validate
from ..errors import NotFound, RuleViolation, ValidationError
from ..people.permissions import require_front_desk
from ..practice import DEFAULT_SETTINGS, Actor, Practice
from . import numbering
from .amounts import div_half_up, format_money, max_amount
from .pricing import session_cost

MAX_ITEMS = 100  # free line items on one invoice
MAX_PAGE = 1000
DESCRIPTION_MAX, NOTE_MAX, REASON_MAX = 200, 2000, 500
SCHEDULED = "Scheduled"  # the label printed for a session not saved yet
CANCELED_BY_CLIENT = "Canceled by client"  # a group client's own charged cancel (SPEC 8)
STATUSES = tuple(InvoiceStatus)
S = PracticeSession


class LineItem(NamedTuple):
    """A free line item: ``(description, amount_cents, tax_rate_bp)``; 2000 basis points = 20 %."""

    description: str
    amount_cents: int
    tax_rate_bp: int = 0


def line_tax(amount_cents: int, tax_rate_bp: int) -> int:
    """One line's tax, half-up to the minor unit (SPEC 9.3): line_tax(1005, 2000) == 201."""
    return div_half_up(amount_cents * tax_rate_bp, 10_000)


@dataclass(frozen=True)
class UninvoicedSession:
    session_id: int
    start: datetime  # aware, practice time zone
    service_date: date  # the local date
    service_name: str
    practitioner_name: str
    status: str  # open | completed | canceled | missed
    label: str  # the completion label, or "Scheduled" for an open session
    amount_cents: int  # saved: the client's charge; open: their price now
    tax_rate_bp: int
    tax_cents: int


@dataclass(frozen=True)
class InvoiceLineView:
    id: int
    position: int
    session_id: int | None  # None for a free line item
    service_date: date | None
    description: str
    service_name: str
    practitioner_name: str
    label: str
    amount_cents: int
    tax_rate_bp: int
    tax_cents: int

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.tax_cents


@dataclass(frozen=True)
class CreditNoteView:
    id: int
    number: str
    issue_date: date
    reason: str
    amount_cents: int
    created_at: datetime
    created_by: int | None


@dataclass(frozen=True)
class AppliedPayment:
    """A payment (or write-off) as applied to this invoice: its allocations net of take-backs."""

    payment_id: int
    kind: str  # payment | writeoff
    method: str | None
    reference: str
    paid_at: datetime  # aware, practice time zone
    amount_cents: int


@dataclass(frozen=True)
class InvoiceView:
    id: int
    client_id: int
    client_name: str
    client_address: str
    status: str  # InvoiceStatus: draft, issued, partly paid, paid, cancelled
    number: str | None  # None while a draft
    issue_date: date | None
    due_date: date | None
    period_first: date | None
    period_last: date | None
    note: str
    lines: tuple[InvoiceLineView, ...]
    subtotal_cents: int  # the lines' amounts
    tax_cents: int
    total_cents: int  # subtotal + tax; frozen at issue
    allocated_cents: int  # payments applied
    amount_due_cents: int  # total - allocated; 0 once cancelled
    payments: tuple[AppliedPayment, ...]
    credit_note: CreditNoteView | None
    created_at: datetime
    issued_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True)
class InvoiceRow:
    """One row of the invoices list."""

    id: int
    number: str | None
    status: str  # InvoiceStatus
    client_id: int
    client_name: str
    issue_date: date | None
    due_date: date | None
    period_first: date | None
    period_last: date | None
    total_cents: int
    allocated_cents: int
    amount_due_cents: int
    overdue: bool  # issued or partly paid, and the due date has passed
    credit_note_number: str | None


# -- input checks -------------------------------------------------------------------------------

def _check_range(first_day, last_day) -> tuple[date, date]:
    first, last = validate.a_date("from", first_day), validate.a_date("to", last_day)
    if last < first:
        raise ValidationError("to", "must be on or after the first day")
    return first, last


def _check_items(practice: Practice, items) -> list[LineItem]:
    if items is None:
        return []
    if not isinstance(items, (list, tuple)):
        raise ValidationError("line items", "must be a list of (description, amount, tax rate)")
    if len(items) > MAX_ITEMS:
        raise ValidationError("line items", f"too many (at most {MAX_ITEMS})")
    out = []
    for n, item in enumerate(items, 1):
        field = f"line item {n}"
        if not isinstance(item, (list, tuple)) or len(item) not in (2, 3):
            raise ValidationError(field, "must be a description, an amount and a tax rate")
        description, amount, rate = (*item, 0) if len(item) == 2 else item
        try:
            out.append(LineItem(validate.text("description", description, DESCRIPTION_MAX),
                                validate.practice_amount("amount", amount, practice),
                                validate.whole("tax rate (basis points)", rate, 0, 10_000)))
        except ValidationError as exc:
            raise ValidationError(field, f"{exc.field} {exc.message}") from exc
    return out


def _check_draft_input(practice: Practice, session_ids, first_day, last_day, items, note):
    ids = validate.ids("sessions", session_ids)
    first, last = _check_range(first_day, last_day)
    clean_items = _check_items(practice, items)
    note = validate.text("note", note, NOTE_MAX, required=False)
    if not ids and not clean_items:
        raise ValidationError("sessions", "choose at least one session or add a line item")
    return ids, first, last, clean_items, note


# -- sessions and their amounts -----------------------------------------------------------------

def _day_bounds(practice: Practice, first: date, last: date) -> tuple[datetime, datetime]:
    tz = practice.tz
    return datetime.combine(first, time(), tzinfo=tz), datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)


# ``live`` written as the partial index ``uq_invoice_line_live_session`` says it ("live AND ..."), so that
# SQLite uses that index: "live IS 1", what ``InvoiceLine.live.is_(True)`` renders, made it read every
# invoice line for each session looked at (a scan that grows with every invoice issued)
_LIVE = literal_column("invoice_line.live")


def _live_line_of(client_id):
    """SQL: the session is on a live invoice line of the client (a draft's or an issued invoice's)."""
    return exists().where(InvoiceLine.session_id == S.id, InvoiceLine.client_id == client_id, _LIVE)


def _package_mode(tx: Session) -> bool:
    return _setting(tx, "prepayment_mode") == PrepaymentMode.PACKAGE


def _sessions(tx: Session, practice: Practice, client_id: int, *where) -> list[UninvoicedSession]:
    """The client's live sessions (where they are booked) matching ``where``, with what each would
    put on an invoice now, in date order."""
    return _session_rows(practice, tx.execute(_sessions_query(client_id, *where)))


def _sessions_query(client_id, *where):
    """``_sessions``' SELECT; ``client_id`` an id or a bind parameter."""
    return (select(S.id, S.start_at, S.end_at, S.status, S.completion_label, Service.name, Service.kind,
                   Service.cost_cents, Service.tax_rate_bp, Practitioner.name, Participant.charge_cents,
                   Participant.price_cents, Participant.status)
            .join(Participant, and_(Participant.session_id == S.id, Participant.client_id == client_id,
                                    or_(Participant.is_booked(), _charged_own_cancel())))
            .join(Service, Service.id == S.service_id)
            .join(Practitioner, Practitioner.id == S.practitioner_id)
            .where(S.deleted_at.is_(None), *where)
            .order_by(S.start_at, S.id))


def _session_rows(practice: Practice, rows) -> list[UninvoicedSession]:
    out = []
    for sid, start, end, status, label, service, kind, cost, rate, practitioner, charge, own, place in rows:
        if place == ParticipantStatus.CANCELED_BY_CLIENT:  # SPEC 8: their own late cancel of a group session
            status, label, amount = SessionStatus.CANCELED, CANCELED_BY_CLIENT, charge
        elif status == SessionStatus.OPEN:
            amount = own if own is not None else session_cost(kind, cost, int((end - start).total_seconds() // 60))
            label = SCHEDULED
        else:
            amount = charge or 0
        local = start.astimezone(practice.tz)
        out.append(UninvoicedSession(sid, local, local.date(), service, practitioner, status, label or status.title(),
                                     amount, rate, line_tax(amount, rate)))
    return out


def _charged_own_cancel():
    """SQL: the client canceled their place in a group session and was charged for it (SPEC 8): the
    session may stay open for the others, but that charge is theirs to invoice."""
    return and_(Participant.status == ParticipantStatus.CANCELED_BY_CLIENT.value, Participant.charge_cents > 0)


def _require_client(tx: Session, client_id: int) -> Client:
    client = tx.get(Client, client_id)
    if client is None:
        raise ValidationError("client", "no such client")
    return client


def uninvoiced_sessions(practice: Practice, actor: Actor, client_id: int, first_day: date,
                        last_day: date) -> list[UninvoicedSession]:
    """What a new invoice of ``client_id`` for the local dates ``first_day``-``last_day`` may hold:
    their saved sessions with a charge (a canceled-free one has nothing to invoice) and, except in
    package mode (SPEC 6.3: future sessions cannot be invoiced), their open ones at their price now;
    none deleted, none already on a live invoice of theirs."""
    validate.an_id("client", client_id)
    first, last = _check_range(first_day, last_day)
    require_front_desk(actor)
    lo, hi = _day_bounds(practice, first, last)
    with practice.read() as tx:
        _require_client(tx, client_id)
        where = [S.start_at >= lo, S.start_at < hi, ~_live_line_of(client_id),
                 or_(S.status == SessionStatus.OPEN, Participant.charge_cents > 0)]
        if _package_mode(tx):
            where.append(S.status != SessionStatus.OPEN)
        return _sessions(tx, practice, client_id, *where)


def _when(s: UninvoicedSession) -> str:
    return f"of {s.start:%a %d %b %Y %H:%M} ({s.service_name})"


def _invoiceable(tx: Session, practice: Practice, client_id: int, ids: tuple[int, ...], first: date,
                 last: date) -> list[UninvoicedSession]:
    """The chosen sessions, each checked (inside the write lock) to be the client's, live, in the
    range, with something to invoice, allowed in the prepayment mode and on no live invoice."""
    if not ids:
        return []
    found = _check_chosen(tx, {s.session_id: s for s in _sessions(tx, practice, client_id, S.id.in_(ids))}, ids,
                          first, last)
    taken = tx.execute(select(InvoiceLine.session_id, Invoice.number)
                       .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                       .where(InvoiceLine.session_id.in_(ids), InvoiceLine.client_id == client_id,
                              InvoiceLine.live.is_(True))).first()
    if taken is not None:
        where = f"invoice {taken[1]}" if taken[1] else "a draft invoice"
        raise ValidationError("sessions", f"the session {_when(found[taken[0]])} is already on {where}")
    return sorted(found.values(), key=lambda s: (s.start, s.session_id))


def _check_chosen(tx: Session, found: dict[int, UninvoicedSession], ids: tuple[int, ...], first: date,
                  last: date) -> dict[int, UninvoicedSession]:
    """``_invoiceable``'s checks of the chosen sessions as read (``found``: by session id)."""
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError("sessions", "one of the chosen sessions is not this client's any more (it may have "
                                          "been deleted, or the client taken off it, at another workstation)")
    package = _package_mode(tx)
    for s in found.values():
        if not first <= s.service_date <= last:
            raise ValidationError("sessions", f"the session {_when(s)} is outside the invoice's dates "
                                              f"({first:%d %b %Y} to {last:%d %b %Y})")
        if s.status != SessionStatus.OPEN and s.amount_cents == 0:
            raise ValidationError("sessions", f"the session {_when(s)} was saved as {s.label} at no charge; "
                                              "there is nothing to invoice")
        if package and s.status == SessionStatus.OPEN:
            raise ValidationError("sessions", f"the session {_when(s)} has not been saved yet: in package mode "
                                              "only saved sessions can be invoiced")
    return found


# -- drafts -------------------------------------------------------------------------------------

def _setting(tx: Session, key: str):
    """A practice setting as stored now, read in the caller's transaction (not the cached copy): once
    per transaction, which holds the write lock, so no other workstation can change it meanwhile
    (nothing here writes settings)."""
    read = tx.info.setdefault("invoice_settings", {})
    if key not in read:
        value = tx.scalar(select(Setting.value).where(Setting.key == key))  # a plain read: no ORM object to build
        read[key] = json.loads(value) if value is not None else DEFAULT_SETTINGS[key]
    return read[key]


def _fill(tx: Session, practice: Practice, inv: Invoice, sessions: list[UninvoicedSession],
          items: list[LineItem]) -> None:
    lines = _lines(practice, inv, sessions, items)
    inv.total_cents = sum(line.amount_cents + line.tax_cents for line in lines)
    tx.add_all(lines)
    _flush_lines(tx)


def _flush_lines(tx: Session) -> None:
    try:
        tx.flush()
    except IntegrityError as exc:  # the partial unique index: the check above is made first, so rare
        raise ValidationError("sessions", "one of the chosen sessions is already on another invoice") from exc


def _lines(practice: Practice, inv: Invoice, sessions: list[UninvoicedSession],
           items: list[LineItem]) -> list[InvoiceLine]:
    """The invoice's lines (``inv.id`` set, or set on them later), their total checked."""
    lines = [InvoiceLine(invoice_id=inv.id, client_id=inv.client_id, session_id=s.session_id,
                         service_date=s.service_date, description=s.service_name, service_name=s.service_name,
                         practitioner_name=s.practitioner_name, label=s.label, amount_cents=s.amount_cents,
                         tax_rate_bp=s.tax_rate_bp, tax_cents=s.tax_cents, live=True) for s in sessions]
    lines += [InvoiceLine(invoice_id=inv.id, client_id=inv.client_id, description=i.description,
                          amount_cents=i.amount_cents, tax_rate_bp=i.tax_rate_bp,
                          tax_cents=line_tax(i.amount_cents, i.tax_rate_bp), live=True) for i in items]
    for n, line in enumerate(lines, 1):
        line.position = n
    total = sum(line.amount_cents + line.tax_cents for line in lines)
    currency = practice.settings()["currency"]
    if total > max_amount(currency):
        raise ValidationError("line items", f"the invoice total {format_money(total, currency)} is more than the "
                                            f"largest amount allowed, {format_money(max_amount(currency), currency)}")
    return lines


def create_draft(practice: Practice, actor: Actor, client_id: int, session_ids: list[int], first_day: date,
                 last_day: date, items: list[LineItem] | tuple = (), note: str = "") -> InvoiceView:
    """A draft invoice (no number) of the chosen sessions (one line each: service date, service,
    practitioner, label, amount, tax) and free line items, for the local dates given."""
    validate.an_id("client", client_id)
    ids, first, last, clean_items, note = _check_draft_input(practice, session_ids, first_day, last_day, items, note)
    require_front_desk(actor)
    with practice.uow() as tx:
        return _view(tx, practice, _make_draft(tx, practice, actor, client_id, ids, first, last, clean_items, note))


def _make_draft(tx: Session, practice: Practice, actor: Actor, client_id: int, ids: tuple[int, ...], first: date,
                last: date, clean_items: list[LineItem], note: str) -> Invoice:
    """create_draft's work inside the caller's unit of work, on checked input."""
    _require_client(tx, client_id)
    chosen = _invoiceable(tx, practice, client_id, ids, first, last)
    inv = Invoice(client_id=client_id, status="draft", period_first=first, period_last=last, note=note,
                  total_cents=0, created_at=practice.clock.now(), created_by=actor.user_id)
    tx.add(inv)
    tx.flush()
    _fill(tx, practice, inv, chosen, clean_items)
    audit.record(tx, practice, actor, "invoice.create_draft", "invoice", inv.id, client_id=client_id,
                 sessions=[s.session_id for s in chosen], items=len(clean_items), total_cents=inv.total_cents)
    return inv


def _draft(tx: Session, invoice_id: int, doing: str) -> Invoice:
    inv = _invoice(tx, invoice_id)
    if inv.status == "issued":
        raise RuleViolation(f"Invoice {inv.number} has been issued, so it cannot be {doing}: an issued invoice "
                            "is never changed. Cancel it with a credit note and make a new one instead.")
    if inv.status == "cancelled":
        raise RuleViolation(f"Invoice {inv.number} is cancelled, so it cannot be {doing}.")
    return inv


def _invoice(tx: Session, invoice_id: int) -> Invoice:
    inv = tx.get(Invoice, invoice_id)
    if inv is None or inv.deleted_at is not None:
        raise NotFound.gone("invoice")
    return inv


def update_draft(practice: Practice, actor: Actor, invoice_id: int, session_ids: list[int], first_day: date,
                 last_day: date, items: list[LineItem] | tuple = (), note: str = "") -> InvoiceView:
    """Replace a draft's sessions, line items, dates and note (its client stays). Amounts are taken
    afresh, so updating a draft with the same sessions brings in a session saved since."""
    validate.an_id("invoice", invoice_id)
    ids, first, last, clean_items, note = _check_draft_input(practice, session_ids, first_day, last_day, items, note)
    require_front_desk(actor)
    with practice.uow() as tx:
        inv = _draft(tx, invoice_id, "changed")
        old = list(tx.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id)))
        for line in old:  # a draft's lines were never issued, printed under a number or in the ledger
            tx.delete(line)
        tx.flush()
        chosen = _invoiceable(tx, practice, inv.client_id, ids, first, last)
        inv.period_first, inv.period_last, inv.note = first, last, note
        _fill(tx, practice, inv, chosen, clean_items)
        audit.record(tx, practice, actor, "invoice.update_draft", "invoice", inv.id,
                     sessions=[s.session_id for s in chosen], items=len(clean_items), total_cents=inv.total_cents,
                     before_total_cents=sum(line.amount_cents + line.tax_cents for line in old))
        return _view(tx, practice, inv)


def delete_draft(practice: Practice, actor: Actor, invoice_id: int) -> None:
    """Delete a draft (soft: it stays in the file, out of every list; its sessions are free again).
    An issued invoice is never deleted (cancel it instead)."""
    validate.an_id("invoice", invoice_id)
    require_front_desk(actor)
    with practice.uow() as tx:
        inv = _draft(tx, invoice_id, "deleted")
        inv.deleted_at = practice.clock.now()
        for line in tx.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id)):
            line.live = False
        audit.record(tx, practice, actor, "invoice.delete_draft", "invoice", inv.id, client_id=inv.client_id,
                     total_cents=inv.total_cents)


# -- issuing and cancelling ---------------------------------------------------------------------

def _today(practice: Practice) -> date:
    return practice.clock.now().astimezone(practice.tz).date()


def _check_still_true(tx: Session, practice: Practice, inv: Invoice, lines: list[InvoiceLine]) -> None:
    """A draft's sessions are re-read under the write lock before it is frozen: one deleted, its
    client taken off, or its amount changed since the draft was made refuses the issue."""
    by_session = {line.session_id: line for line in lines if line.session_id is not None}
    if not by_session:
        return
    now = {s.session_id: s for s in _sessions(tx, practice, inv.client_id, S.id.in_(list(by_session)))}
    package = _package_mode(tx)
    for sid, line in by_session.items():
        s = now.get(sid)
        when = f"of {line.service_date:%d %b %Y} ({line.service_name})"
        if s is None:
            raise RuleViolation(f"The session {when} was deleted, or the client taken off it, since this draft was "
                                "made. Update the draft, then issue it.")
        if s.amount_cents != line.amount_cents or s.label != line.label:
            raise RuleViolation(f"The session {when} has changed since this draft was made (now {s.label}, "
                                f"{format_money(s.amount_cents, *_money(practice))}). Update the draft, then issue it.")
        if package and s.status == SessionStatus.OPEN:
            raise RuleViolation(f"The session {when} has not been saved yet: in package mode only saved sessions "
                                "can be invoiced. Update the draft, then issue it.")


def _money(practice: Practice) -> tuple[str, str]:
    conf = practice.settings()
    return conf["currency"], conf["locale"]


def issue_invoice(practice: Practice, actor: Actor, invoice_id: int, issue_date: date | None = None) -> InvoiceView:
    """Issue a draft, in one transaction: the next number of the invoice series of the issue date's
    year (today by default), status issued, due date = issue date + payment terms, total frozen,
    and a ledger charge for each free line item and each line's tax (SPEC 9.1, 9.3).

    Numbers follow dates within a year: an issue date before that of the series' last invoice is
    refused, so that 2026-0007 is never dated before 2026-0006."""
    validate.an_id("invoice", invoice_id)
    issue_date = validate.optional_date("issue date", issue_date)
    require_front_desk(actor)
    with practice.uow() as tx:
        inv = _issue(tx, practice, actor, _invoice(tx, invoice_id), issue_date)
        return _view(tx, practice, inv, unpaid=True)  # issued just now: nothing applied yet


def _issue(tx: Session, practice: Practice, actor: Actor, inv: Invoice, issue_date: date | None,
           drafted_here: bool = False) -> Invoice:
    """issue_invoice's work inside the caller's unit of work. ``drafted_here``: the draft was made in
    this very transaction, under the same write lock, so its sessions cannot have changed since and
    are not read again."""
    if inv.status != "draft":
        raise RuleViolation(f"Invoice {inv.number} is already {inv.status}; only a draft can be issued.")
    issue_date = issue_date or _today(practice)
    _check_issue_date(tx, issue_date)
    lines = list(tx.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id)
                            .order_by(InvoiceLine.position)))
    if not drafted_here:
        _check_still_true(tx, practice, inv, lines)
    seq, number = _take_number(tx, issue_date)
    _set_issued(tx, practice, actor, inv, issue_date, seq, number, lines)
    tx.add_all(_line_charges(practice, actor, inv, lines))
    tx.flush()
    audit.record(tx, practice, actor, "invoice.issue", "invoice", inv.id, number=number, issue_date=issue_date,
                 total_cents=inv.total_cents)
    return inv


def _check_issue_date(tx: Session, issue_date: date) -> None:
    latest = tx.execute(select(Invoice.issue_date, Invoice.number).where(Invoice.year == issue_date.year)
                        .order_by(Invoice.seq.desc()).limit(1)).first()
    if latest is not None and issue_date < latest[0]:
        raise ValidationError("issue date", f"must not be before {latest[0]:%d %b %Y}, the date of invoice "
                                            f"{latest[1]}, so that numbers follow dates")


def _take_number(tx: Session, issue_date: date) -> tuple[int, str]:
    """The next number of the issue date's year: (seq, number as formatted)."""
    seq = numbering.next_seq(tx, numbering.INVOICE, issue_date.year)
    number = numbering.format_number(_setting(tx, "invoice_number_format"), issue_date.year, seq)
    if tx.scalar(select(Invoice.id).where(or_(Invoice.number == number, and_(
            Invoice.year == issue_date.year, Invoice.seq == seq)))) is not None:  # imported or changed by hand
        raise RuleViolation(f"The number {number} is already used by another invoice (the invoice number format "
                            "was changed?). Change the invoice number format in Settings, then issue again.")
    return seq, number


def _take_number_checked(tx: Session, issue_date: date) -> tuple[int, str]:
    """``_check_issue_date`` then ``_take_number`` with their two checks in one SELECT, built once
    per unit of work: the number is taken first (a refusal gives it back with the caller's savepoint
    or unit of work, as any refusal after it does)."""
    seq = numbering.next_seq(tx, numbering.INVOICE, issue_date.year, flush=False)  # written with the invoice
    number = numbering.format_number(_setting(tx, "invoice_number_format"), issue_date.year, seq)
    queries = tx.info.setdefault("invoice_queries", {})
    if "number_checks" not in queries:
        year, num, nseq = (bindparam("check_year", type_=Integer), bindparam("check_number", type_=String),
                           bindparam("check_seq", type_=Integer))
        latest = select(Invoice.issue_date, Invoice.number).where(Invoice.year == year) \
            .order_by(Invoice.seq.desc()).limit(1)
        taken = exists().where(or_(Invoice.number == num, and_(Invoice.year == year, Invoice.seq == nseq)))
        queries["number_checks"] = select(latest.with_only_columns(Invoice.issue_date).scalar_subquery(),
                                          latest.with_only_columns(Invoice.number).scalar_subquery(), taken)
    with tx.no_autoflush:  # the series' new value is not read here
        latest_date, latest_number, taken = tx.execute(queries["number_checks"], {
            "check_year": issue_date.year, "check_number": number, "check_seq": seq}).one()
    if latest_date is not None and issue_date < latest_date:
        raise ValidationError("issue date", f"must not be before {latest_date:%d %b %Y}, the date of invoice "
                                            f"{latest_number}, so that numbers follow dates")
    if taken:  # imported or changed by hand
        raise RuleViolation(f"The number {number} is already used by another invoice (the invoice number format "
                            "was changed?). Change the invoice number format in Settings, then issue again.")
    return seq, number


def _set_issued(tx: Session, practice: Practice, actor: Actor, inv: Invoice, issue_date: date, seq: int,
                number: str, lines: list[InvoiceLine]) -> None:
    inv.status, inv.number, inv.year, inv.seq = "issued", number, issue_date.year, seq
    inv.issue_date = issue_date
    inv.due_date = issue_date + timedelta(days=int(_setting(tx, "payment_terms_days")))
    inv.total_cents = sum(line.amount_cents + line.tax_cents for line in lines)
    inv.issued_at, inv.issued_by = practice.clock.now(), actor.user_id


def _line_charges(practice: Practice, actor: Actor, inv: Invoice, lines: list[InvoiceLine]) -> list[LedgerEntry]:
    """The ledger charges of an invoice being issued: each free line item and each line's tax (the
    lines written: their ids are set); dated when it is issued."""
    now = inv.issued_at
    out = []
    for line in lines:
        charges = [] if line.session_id is not None else [(line.amount_cents, f"Invoice {inv.number}: "
                                                                              f"{line.description}")]
        charges.append((line.tax_cents, f"Invoice {inv.number}: tax {line.tax_rate_bp / 100:g} % on "
                                         f"{line.description}"))
        for amount, memo in charges:
            if amount:
                out.append(LedgerEntry(kind="charge", client_id=inv.client_id, invoice_line_id=line.id,
                                       amount_cents=-amount, memo=memo[:500], effective_at=now, created_at=now,
                                       created_by=actor.user_id))
    return out


# -- many invoices at once ---------------------------------------------------------------------

MAX_BATCH = 20_000  # invoices in one call
MAX_CHUNK = 1000  # invoices in one transaction: the write lock is let go between chunks


class BatchRequest(NamedTuple):
    """One invoice of a batch: what ``create_draft`` takes."""

    client_id: int
    session_ids: list[int] | tuple[int, ...]
    first_day: date
    last_day: date
    items: list[LineItem] | tuple = ()
    note: str = ""


@dataclass(frozen=True)
class BatchIssued:
    index: int  # of the request
    client_id: int
    invoice_id: int
    number: str
    total_cents: int


@dataclass(frozen=True)
class BatchRefused:
    index: int  # of the request
    client_id: int
    message: str  # why, in plain words: nothing of this invoice was written and it took no number


@dataclass(frozen=True)
class BatchResult:
    issued: tuple[BatchIssued, ...]  # in number order
    refused: tuple[BatchRefused, ...]


def _check_batch(practice: Practice, requests, issue_date, chunk_size, on_chunk):
    if not isinstance(requests, (list, tuple)):
        raise ValidationError("invoices", "must be a list of invoices to make")
    if not requests:
        raise ValidationError("invoices", "choose at least one invoice to make")
    if len(requests) > MAX_BATCH:
        raise ValidationError("invoices", f"too many at once (at most {MAX_BATCH:,})")
    issue_date = validate.optional_date("issue date", issue_date)
    chunk_size = validate.whole("invoices per transaction", chunk_size, 1, MAX_CHUNK)
    if on_chunk is not None and not callable(on_chunk):
        raise ValidationError("progress", "must be a function or nothing")
    clean = []
    for n, req in enumerate(requests, 1):
        if not isinstance(req, (list, tuple)) or len(req) not in (4, 5, 6):
            raise ValidationError(f"invoice {n}", "must be a client, sessions, first and last day, items and a note")
        req = BatchRequest(*req)
        try:
            client_id = validate.an_id("client", req.client_id)
            clean.append((client_id, *_check_draft_input(practice, req.session_ids, req.first_day, req.last_day,
                                                         req.items, req.note)))
        except ValidationError as exc:
            raise ValidationError(f"invoice {n}", f"{exc.field} {exc.message}") from exc
    return clean, issue_date, chunk_size


def issue_batch(practice: Practice, actor: Actor, requests: list[BatchRequest], issue_date: date | None = None,
                chunk_size: int = 250, on_chunk=None) -> BatchResult:
    """Draft and issue many invoices (month-end invoicing), one unit of work per ``chunk_size`` of
    them: each goes through the same steps and checks as ``create_draft`` then ``issue_invoice``
    (its sessions checked under the write lock, the next gap-free number, due date, tax charges,
    both audit entries), so the numbers of a batch are consecutive in request order. An invoice
    refused by a rule (a session already invoiced, deleted or the client taken off it, a number
    taken by hand) is rolled back alone (a savepoint) and listed in ``refused``; it takes no number.

    Every request is checked before anything is written: bad input raises ``ValidationError``
    naming the invoice ("invoice 3: to must be on or after the first day") and changes nothing.
    ``on_chunk(issued)`` is called with each chunk's ``BatchIssued`` after it is committed (PDFs
    may be made from them at once)."""
    clean, issue_date, chunk_size = _check_batch(practice, requests, issue_date, chunk_size, on_chunk)
    require_front_desk(actor)
    issued: list[BatchIssued] = []
    refused: list[BatchRefused] = []
    for start in range(0, len(clean), chunk_size):
        done: list[BatchIssued] = []
        with practice.uow() as tx:
            for index, (client_id, ids, first, last, items, note) in enumerate(clean[start:start + chunk_size], start):
                try:
                    with tx.begin_nested():
                        inv = _make_draft(tx, practice, actor, client_id, ids, first, last, items, note)
                        _issue(tx, practice, actor, inv, issue_date, drafted_here=True)
                except (ValidationError, RuleViolation) as exc:
                    message = f"{exc.field} {exc.message}" if isinstance(exc, ValidationError) else str(exc)
                    refused.append(BatchRefused(index, client_id, message))
                    continue
                done.append(BatchIssued(index, client_id, inv.id, inv.number, inv.total_cents))
        issued += done
        if on_chunk is not None and done:
            on_chunk(tuple(done))
    return BatchResult(tuple(issued), tuple(refused))


# -- automatic invoicing (billing/auto_invoicing.py calls these inside its own transactions) --------

def _auto_where(tx: Session, practice: Practice, since: date, saved_until: date | None,
                open_until: date | None) -> list | None:
    """SQL: a session from the local date ``since`` with something to invoice: saved with a charge up
    to ``saved_until``, or open (scheduled) up to ``open_until`` (never in package mode, SPEC 6.3).
    None when neither is asked for.

    The lower bound is written ``coalesce(start_at, since) >= since`` (the same for a column that is never
    null) so that SQLite does not read every session since ``since`` for one client: it starts from the
    client's participant rows (``ix_participant_client``) instead; measured 10.6 -> 2.6 ms per client on
    36,000 sessions."""
    tz = practice.tz
    conds = []
    if saved_until is not None:
        hi = datetime.combine(saved_until + timedelta(days=1), time(), tzinfo=tz)
        conds.append(and_(or_(S.status != SessionStatus.OPEN, _charged_own_cancel()), Participant.charge_cents > 0,
                          S.start_at < hi))
    if open_until is not None and not _package_mode(tx):
        hi = datetime.combine(open_until + timedelta(days=1), time(), tzinfo=tz)
        conds.append(and_(S.status == SessionStatus.OPEN, S.start_at < hi))
    if not conds:
        return None
    lo = datetime.combine(since, time(), tzinfo=tz)
    return [func.coalesce(S.start_at, lo) >= lo, or_(*conds)]


def clients_to_invoice(tx: Session, practice: Practice, since: date, saved_until: date | None,
                       open_until: date | None) -> list[int]:
    """Ids of the clients with a session to invoice (``_auto_where``) that no live invoice of theirs
    holds, in id order: one SELECT."""
    where = _auto_where(tx, practice, since, saved_until, open_until)
    if where is None:
        return []
    on_live = exists().where(InvoiceLine.session_id == S.id, InvoiceLine.client_id == Participant.client_id, _LIVE)
    return list(tx.scalars(select(Participant.client_id).distinct()
                           .join(S, S.id == Participant.session_id)
                           .where(or_(Participant.is_booked(), _charged_own_cancel()), S.deleted_at.is_(None),
                                  ~on_live, *where)
                           .order_by(Participant.client_id)))


def sessions_to_invoice(tx: Session, practice: Practice, client_id: int, since: date, saved_until: date | None,
                        open_until: date | None) -> list[UninvoicedSession]:
    """The client's sessions ``clients_to_invoice`` counted, on no live invoice of theirs, in date order.
    Its SELECT is built once per unit of work and periods (a run asks it for each of its clients;
    building it took about as long as running it), the client a bind parameter."""
    queries = tx.info.setdefault("invoice_queries", {})
    key = ("sessions_to_invoice", since, saved_until, open_until)
    if key not in queries:
        where = _auto_where(tx, practice, since, saved_until, open_until)
        client = bindparam("invoiced_client", type_=Integer)
        queries[key] = None if where is None else _sessions_query(client, ~_live_line_of(client), *where)
    if queries[key] is None:
        return []
    return _session_rows(practice, tx.execute(queries[key], {"invoiced_client": client_id}))


def draft_and_issue_in(tx: Session, practice: Practice, actor: Actor, client_id: int, session_ids: list[int],
                       first_day: date, last_day: date, note: str = "",
                       read: list[UninvoicedSession] | None = None) -> InvoiceView:
    """``create_draft`` then ``issue_invoice`` (dated today) inside the caller's unit of work, with the
    same checks, numbering and audit entries; the caller holds the write lock (``practice.uow``).

    ``read``: the client's sessions as ``sessions_to_invoice`` read them in this very unit of work (so
    under its write lock, none on a live invoice of theirs), holding the chosen ones: they are checked
    as read instead of read again, and the invoice is written issued at once (its row, then its lines
    and charges, with both audit entries) instead of written as a draft and then changed."""
    validate.an_id("client", client_id)
    ids, first, last, items, note = _check_draft_input(practice, session_ids, first_day, last_day, (), note)
    require_front_desk(actor)
    if read is not None:
        return _draft_and_issue_read(tx, practice, actor, client_id, ids, first, last, note, read)
    inv = _make_draft(tx, practice, actor, client_id, ids, first, last, items, note)
    _issue(tx, practice, actor, inv, None, drafted_here=True)
    return _view(tx, practice, inv, unpaid=True)


def _draft_and_issue_read(tx: Session, practice: Practice, actor: Actor, client_id: int, ids: tuple[int, ...],
                          first: date, last: date, note: str, read: list[UninvoicedSession]) -> InvoiceView:
    _require_client(tx, client_id)
    wanted = set(ids)
    found = _check_chosen(tx, {s.session_id: s for s in read if s.session_id in wanted}, ids, first, last)
    chosen = sorted(found.values(), key=lambda s: (s.start, s.session_id))
    inv = Invoice(client_id=client_id, status="draft", period_first=first, period_last=last, note=note,
                  total_cents=0, created_at=practice.clock.now(), created_by=actor.user_id)
    lines = _lines(practice, inv, chosen, [])
    issue_date = _today(practice)
    seq, number = _take_number_checked(tx, issue_date)
    _set_issued(tx, practice, actor, inv, issue_date, seq, number, lines)
    tx.add(inv)
    tx.flush()  # its id, for its lines
    for line in lines:
        line.invoice_id = inv.id
    tx.add_all(lines)
    audit.record(tx, practice, actor, "invoice.create_draft", "invoice", inv.id, client_id=client_id,
                 sessions=[s.session_id for s in chosen], items=0, total_cents=inv.total_cents)
    if any(line.tax_cents or line.session_id is None for line in lines):
        _flush_lines(tx)  # their ids, for the charges
        tx.add_all(_line_charges(practice, actor, inv, lines))
    audit.record(tx, practice, actor, "invoice.issue", "invoice", inv.id, number=number, issue_date=issue_date,
                 total_cents=inv.total_cents)
    _flush_lines(tx)  # in the caller's savepoint: a session taken meanwhile fails this invoice alone
    return _view(tx, practice, inv, unpaid=True, lines=lines)


def _allocated(tx: Session, invoice_id: int) -> int:
    return int(tx.scalar(select(func.coalesce(func.sum(Allocation.amount_cents), 0))
                         .where(Allocation.invoice_id == invoice_id)))


def cancel_invoice(practice: Practice, actor: Actor, invoice_id: int, reason: str) -> InvoiceView:
    """Cancel ("void") an issued invoice: a credit note in its own gap-free series (dated today)
    that references it, states the reason and credits its total; the ledger entries the invoice
    posted are reversed; its sessions are free to be invoiced again (SPEC 9.1).

    Refused while payments are applied to it: take them back first, so no payment is left
    pointing at a cancelled invoice."""
    validate.an_id("invoice", invoice_id)
    reason = validate.text("reason", reason, REASON_MAX)
    require_front_desk(actor)
    with practice.uow() as tx:
        inv = _invoice(tx, invoice_id)
        if inv.status == "draft":
            raise RuleViolation("A draft has no number and nothing to cancel: delete it instead.")
        if inv.status == "cancelled":
            raise RuleViolation(f"Invoice {inv.number} is already cancelled.")
        applied = _allocated(tx, inv.id)
        if applied > 0:
            raise RuleViolation(f"{format_money(applied, *_money(practice))} of payments are applied to invoice "
                                f"{inv.number}. Take those payments back from it first, then cancel it.")
        now, today = practice.clock.now(), _today(practice)
        seq = numbering.next_seq(tx, numbering.CREDIT, today.year)
        number = numbering.format_number(_setting(tx, "credit_note_number_format"), today.year, seq)
        if tx.scalar(select(CreditNote.id).where(or_(CreditNote.number == number, and_(
                CreditNote.year == today.year, CreditNote.seq == seq)))) is not None:
            raise RuleViolation(f"The number {number} is already used by another credit note (the credit note number "
                                "format was changed?). Change it in Settings, then cancel again.")
        note = CreditNote(invoice_id=inv.id, number=number, year=today.year, seq=seq, issue_date=today, reason=reason,
                          amount_cents=inv.total_cents, created_at=now, created_by=actor.user_id)
        tx.add(note)
        lines = list(tx.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id)))
        for e in _live_invoice_entries(tx, [line.id for line in lines]):
            tx.add(LedgerEntry(kind=e.kind, client_id=e.client_id, invoice_line_id=e.invoice_line_id,
                               amount_cents=-e.amount_cents, reverses_id=e.id, memo=f"Credit note {number}"[:500],
                               effective_at=max(now, e.effective_at), created_at=now, created_by=actor.user_id))
        for line in lines:
            line.live = False
        inv.status, inv.cancelled_at = "cancelled", now
        tx.flush()
        audit.record(tx, practice, actor, "invoice.cancel", "invoice", inv.id, number=inv.number, credit_note=number,
                     reason=reason, amount_cents=inv.total_cents)
        return _view(tx, practice, inv)


def _live_invoice_entries(tx: Session, line_ids: list[int]) -> list[LedgerEntry]:
    if not line_ids:
        return []
    reversal = aliased(LedgerEntry)
    return list(tx.scalars(select(LedgerEntry).where(
        LedgerEntry.invoice_line_id.in_(line_ids), LedgerEntry.reverses_id.is_(None),
        ~exists().where(reversal.reverses_id == LedgerEntry.id)).order_by(LedgerEntry.id)))


# -- reading ------------------------------------------------------------------------------------

def _derived(status: str, total: int, allocated: int) -> InvoiceStatus:
    if status != "issued":
        return InvoiceStatus(status)
    if allocated >= total:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTLY_PAID if allocated > 0 else InvoiceStatus.ISSUED


def _view(tx: Session, practice: Practice, inv: Invoice, unpaid: bool = False,
          lines: list[InvoiceLine] | None = None) -> InvoiceView:
    """``unpaid``: the caller knows no payment is applied and no credit note made (an invoice issued
    in this very transaction), so they are not read. A draft has neither: payments refuse drafts and
    only an issued invoice is cancelled. ``lines``: all the invoice's lines, in position order, when
    the caller has just written them (not read again)."""
    tx.flush()
    tz = practice.tz
    client = tx.get(Client, inv.client_id)
    if lines is None:
        lines = tx.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == inv.id)
                           .order_by(InvoiceLine.position, InvoiceLine.id))
    lines = tuple(InvoiceLineView(ln.id, ln.position, ln.session_id, ln.service_date, ln.description,
                                  ln.service_name, ln.practitioner_name, ln.label, ln.amount_cents, ln.tax_rate_bp,
                                  ln.tax_cents) for ln in lines)
    unpaid = unpaid or inv.status == "draft"
    payments: tuple[AppliedPayment, ...] = ()
    if not unpaid:
        paid = tx.execute(select(Allocation.payment_id, LedgerEntry.kind, LedgerEntry.method, LedgerEntry.reference,
                                 LedgerEntry.effective_at, func.sum(Allocation.amount_cents))
                          .join(LedgerEntry, LedgerEntry.id == Allocation.payment_id)
                          .where(Allocation.invoice_id == inv.id)
                          .group_by(Allocation.payment_id, LedgerEntry.kind, LedgerEntry.method, LedgerEntry.reference,
                                    LedgerEntry.effective_at)
                          .order_by(LedgerEntry.effective_at, Allocation.payment_id)).all()
        payments = tuple(AppliedPayment(pid, kind, method, ref, at.astimezone(tz), int(amount))
                         for pid, kind, method, ref, at, amount in paid if amount)
    allocated = sum(p.amount_cents for p in payments)
    cn = None if unpaid else tx.scalar(select(CreditNote).where(CreditNote.invoice_id == inv.id))
    credit = (CreditNoteView(cn.id, cn.number, cn.issue_date, cn.reason, cn.amount_cents, cn.created_at.astimezone(tz),
                             cn.created_by) if cn is not None else None)
    subtotal, tax = sum(ln.amount_cents for ln in lines), sum(ln.tax_cents for ln in lines)
    status = _derived(inv.status, inv.total_cents, allocated)
    return InvoiceView(
        id=inv.id, client_id=inv.client_id, client_name=f"{client.first_name} {client.last_name}",
        client_address=client.address, status=status, number=inv.number, issue_date=inv.issue_date,
        due_date=inv.due_date, period_first=inv.period_first, period_last=inv.period_last, note=inv.note, lines=lines,
        subtotal_cents=subtotal, tax_cents=tax, total_cents=inv.total_cents, allocated_cents=allocated,
        amount_due_cents=0 if status == InvoiceStatus.CANCELLED else inv.total_cents - allocated,
        payments=payments, credit_note=credit, created_at=inv.created_at.astimezone(tz),
        issued_at=inv.issued_at.astimezone(tz) if inv.issued_at else None,
        cancelled_at=inv.cancelled_at.astimezone(tz) if inv.cancelled_at else None)


def get_invoice(practice: Practice, actor: Actor, invoice_id: int) -> InvoiceView:
    """An invoice with its lines, totals, tax, payments applied, amount due and credit note."""
    validate.an_id("invoice", invoice_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return _view(tx, practice, _invoice(tx, invoice_id))


def list_invoices(practice: Practice, actor: Actor, status: str | None = None, client_id: int | None = None,
                  first_day: date | None = None, last_day: date | None = None, after: int | None = None,
                  limit: int = 100) -> list[InvoiceRow]:
    """Invoices newest first (deleted drafts never), in keyset pages: pass the last row's id as
    ``after`` for the next page. ``status`` filters by the status as shown (draft, issued, partly
    paid, paid, cancelled); the dates by the invoice's date (its issue date; a draft's last service
    day). One SELECT: allocations summed by a GROUP BY subquery, nothing read row by row."""
    if status is not None:
        validate.choice("status", status, STATUSES)
    validate.optional_id("client", client_id)
    first, last = validate.optional_date("from", first_day), validate.optional_date("to", last_day)
    validate.optional_id("after", after)
    validate.whole("page size", limit, 1, MAX_PAGE)
    require_front_desk(actor)
    sums = (select(Allocation.invoice_id, func.sum(Allocation.amount_cents).label("allocated"))
            .group_by(Allocation.invoice_id).subquery())
    allocated = func.coalesce(sums.c.allocated, 0)
    q = (select(Invoice.id, Invoice.number, Invoice.status, Invoice.client_id, Client.first_name, Client.last_name,
                Invoice.issue_date, Invoice.due_date, Invoice.period_first, Invoice.period_last, Invoice.total_cents,
                allocated, CreditNote.number)
         .join(Client, Client.id == Invoice.client_id)
         .outerjoin(sums, sums.c.invoice_id == Invoice.id)
         .outerjoin(CreditNote, CreditNote.invoice_id == Invoice.id)
         .where(Invoice.deleted_at.is_(None))
         .order_by(Invoice.id.desc()).limit(limit))
    issued = Invoice.status == "issued"
    if status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
        q = q.where(Invoice.status == status)
    elif status == InvoiceStatus.ISSUED:
        q = q.where(issued, allocated <= 0, allocated < Invoice.total_cents)
    elif status == InvoiceStatus.PARTLY_PAID:
        q = q.where(issued, allocated > 0, allocated < Invoice.total_cents)
    elif status == InvoiceStatus.PAID:
        q = q.where(issued, allocated >= Invoice.total_cents)
    if client_id is not None:
        q = q.where(Invoice.client_id == client_id)
    dated = func.coalesce(Invoice.issue_date, Invoice.period_last)
    if first is not None:
        q = q.where(dated >= first)
    if last is not None:
        q = q.where(dated <= last)
    if after is not None:
        q = q.where(Invoice.id < after)
    today = _today(practice)
    with practice.read() as tx:
        rows = tx.execute(q).all()
    out = []
    for iid, number, stored, cid, first_name, last_name, issued_on, due, p_first, p_last, total, paid, cn in rows:
        shown = _derived(stored, total, int(paid))
        out.append(InvoiceRow(iid, number, shown, cid, f"{first_name} {last_name}", issued_on, due, p_first, p_last,
                              total, int(paid), 0 if shown == InvoiceStatus.CANCELLED else total - int(paid),
                              shown in (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID) and due is not None
                              and due < today, cn))
    return out


def issued_invoice_numbers(tx: Session, session_ids) -> dict[int, list[str]]:
    """{session id: numbers of the issued invoices it is a live line of}, for the scheduling services
    (they take a tx): an issued invoice is never edited, so a change to its session must be said."""
    out: dict[int, list[str]] = {}
    for sid, number in tx.execute(select(InvoiceLine.session_id, Invoice.number)
                                  .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                                  .where(InvoiceLine.session_id.in_(list(session_ids)), InvoiceLine.live,
                                         Invoice.status == "issued").order_by(Invoice.number)):
        out.setdefault(sid, []).append(number)
    return out

"""The receipt of a payment and the statement of a client's account (SPEC 9.2, 9.3), as documents
(``app/documents/model.py``) and as PDF files.

**Receipt**: how much was received, when and how, the invoices it was put against (allocations net
of take-backs) and what is left of it as the client's credit; refunds of it are named in its note.
Only a payment has one (a write-off is nobody's money).

**Statement** of a period (practice-local days, both included): the balance at the start, every
movement of the client's account in the period with the running balance, and the closing balance.
The balance is the ledger's (SPEC 6: payments - charges), printed from the client's side (positive:
the client owes), so the closing balance is always what the client record shows at the end of the
period, and opening + the rows = closing, to the cent. The rows are the ledger entries of the
period, grouped as people read them:

- each **session** charge (dated when the session took place), and a correction of one (re-saved,
  deleted, set back to open: dated when made);
- each **invoice** issued in the period. A session is charged from when it is saved, so the invoice
  adds only what is its own (free line items, tax): that is its amount; its total is in its text;
- each **credit note**: it takes back what its invoice added (the sessions stay charged);
- each **payment**, **refund** (money given back: it adds to what the client owes) and
  **write-off**.

Opening and closing balances are SUMs, the rows one UNION of the period's entries with a window SUM
for the running balance: nothing before the period is loaded row by row.
"""
from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, literal, null, select, union_all

from ...documents import receipt_pdf, statement_pdf
from ...documents.model import (
    Allocation as DocAllocation,
)
from ...documents.model import (
    Party,
    PracticeHeader,
    ReceiptDoc,
    RowKind,
    StatementDoc,
    StatementRow,
)
from ...models import (
    Allocation,
    Client,
    CreditNote,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    PracticeSession,
    Service,
)
from .. import validate
from ..errors import NotFound, ValidationError
from ..people.permissions import require_front_desk
from ..practice import Practice
from .amounts import format_money
from .invoice_documents import practice_header
from .payments import money_left

METHOD_NAMES = {"cash": "Cash", "cheque": "Cheque", "card": "Card", "transfer": "Bank transfer",
                "stripe": "Card (Stripe)"}
MAX_DAYS = 366 * 20  # a statement covers at most twenty years


# -- whom and when ---------------------------------------------------------------------------------
def _party(c: Client) -> Party:
    return Party(f"{c.first_name} {c.last_name}", c.address or "")


def _local_day(practice: Practice, at: datetime) -> date:
    return at.astimezone(practice.tz).date()


def _day_start(practice: Practice, d: date) -> datetime:
    return datetime.combine(d, time(0), practice.tz)


# -- receipt -------------------------------------------------------------------------------------
def receipt_document(practice: Practice, actor, payment_id: int) -> ReceiptDoc:
    """The receipt of a payment: amount, day received, method and reference, the invoices it paid
    (net of allocations taken back) and what is left of it as credit. Refunds of it are named in
    the note. A write-off has none (``ValidationError("payment", …)``)."""
    validate.an_id("payment", payment_id)
    require_front_desk(actor)
    header = practice_header(practice)
    with practice.read() as tx:
        p = tx.get(LedgerEntry, payment_id)
        if p is None or p.client_id is None or p.kind not in ("payment", "writeoff"):
            raise NotFound.gone("payment")
        if p.kind != "payment":
            raise ValidationError("payment", "is a write-off; a receipt is for money received")
        client = tx.get(Client, p.client_id)
        applied = func.sum(Allocation.amount_cents)
        allocations = tx.execute(
            select(Invoice.number, Invoice.issue_date, applied)
            .join(Invoice, Invoice.id == Allocation.invoice_id)
            .where(Allocation.payment_id == p.id)
            .group_by(Invoice.id, Invoice.number, Invoice.issue_date)
            .having(applied > 0)
            .order_by(func.min(Allocation.id))).all()
        refunds = tx.execute(select(LedgerEntry.effective_at, LedgerEntry.amount_cents)
                             .where(LedgerEntry.refund_of_id == p.id).order_by(LedgerEntry.id)).all()
        left = money_left(tx, [p.id])[p.id]
    note = ""
    if refunds:
        from babel.dates import format_date

        parts = [f"{format_money(-amount, header.currency, header.locale)} on "
                 f"{format_date(_local_day(practice, at), 'medium', locale=header.locale)}"
                 for at, amount in refunds]
        note = "Refunded from this payment: " + ", ".join(parts) + "."
    return _receipt(practice, header, p, client, allocations, left, note)


def _receipt(practice: Practice, header, p: LedgerEntry, client: Client, allocations, left: int,
             note: str = "") -> ReceiptDoc:
    """The receipt of payment ``p``: ``allocations`` are (invoice number, issue date, amount) of the
    invoices it paid, ``left`` what is left of it as credit."""
    return ReceiptDoc(
        practice=header, client=_party(client), payment_date=_local_day(practice, p.effective_at),
        method=METHOD_NAMES.get(p.method or "", p.method or ""), amount=p.amount_cents,
        reference=p.reference or "", number=f"P-{p.id:06d}",
        allocations=tuple(DocAllocation(number or "", int(amount), issued) for number, issued, amount in allocations),
        credit_left=left, public_note=note)


def _new_payment_receipt(tx, practice: Practice, header, payment_id: int, paid: Sequence[tuple[int, int]]) -> ReceiptDoc:
    """The receipt of a payment recorded in the caller's unit of work just now, which allocated
    ``paid`` ([(invoice id, amount)], each invoice once) and has no refunds yet: what
    ``receipt_document`` reads back, laid out from what is at hand (a card charge's receipt)."""
    p = tx.get(LedgerEntry, payment_id)
    invoices = [(tx.get(Invoice, iid), cents) for iid, cents in paid if cents > 0]
    return _receipt(practice, header, p, tx.get(Client, p.client_id),
                    [(inv.number, inv.issue_date, cents) for inv, cents in invoices],
                    p.amount_cents - sum(cents for _inv, cents in paid))


# -- statement -----------------------------------------------------------------------------------
def _period(first_day, last_day) -> tuple[date, date]:
    first, last = validate.a_date("from", first_day), validate.a_date("to", last_day)
    if last < first:
        raise ValidationError("to", "must be on or after the first day")
    if (last - first).days > MAX_DAYS:
        raise ValidationError("to", "choose a period of at most twenty years")
    return first, last


def statement_document(practice: Practice, actor, client_id: int, first_day: date, last_day: date) -> StatementDoc:
    """The client's statement of ``first_day`` to ``last_day`` (practice-local, both included): see
    the module's docstring. Amounts and balances are from the client's side: positive owes."""
    validate.an_id("client", client_id)
    first, last = _period(first_day, last_day)
    require_front_desk(actor)
    start, end = _day_start(practice, first), _day_start(practice, last + timedelta(days=1))
    header = practice_header(practice)
    E = LedgerEntry
    mine = (E.client_id == client_id, E.effective_at >= start, E.effective_at < end)

    # one row per entry that is not an invoice's own charge: payments, refunds, write-offs, sessions
    single = select(literal(0).label("src"), E.id.label("key"), E.kind.label("kind"), E.effective_at.label("at"),
                    (-E.amount_cents).label("amount"), E.reverses_id.label("reverses_id"),
                    E.session_id.label("session_id")).where(*mine, E.invoice_line_id.is_(None))

    def per_invoice(src: int, reversals: bool, issued):
        """An invoice's own charges (``reversals``: their reversal by its credit note) in the period,
        as one row per invoice, with a row of 0 for ``issued`` rows of the period that have none."""
        charges = (select(InvoiceLine.invoice_id.label("invoice_id"), (-E.amount_cents).label("amount"),
                          E.effective_at.label("at"))
                   .join(InvoiceLine, InvoiceLine.id == E.invoice_line_id)
                   .where(*mine, E.reverses_id.isnot(None) if reversals else E.reverses_id.is_(None)))
        u = union_all(charges, issued).subquery()
        return (select(literal(src), u.c.invoice_id, literal("invoice"), func.min(u.c.at), func.sum(u.c.amount),
                       null(), null()).group_by(u.c.invoice_id))

    issued = select(Invoice.id, literal(0), Invoice.issued_at).where(
        Invoice.client_id == client_id, Invoice.issued_at >= start, Invoice.issued_at < end)
    credited = (select(CreditNote.invoice_id, literal(0), CreditNote.created_at)
                .join(Invoice, Invoice.id == CreditNote.invoice_id)
                .where(Invoice.client_id == client_id, CreditNote.created_at >= start, CreditNote.created_at < end))
    rows = union_all(single, per_invoice(1, False, issued), per_invoice(2, True, credited)).subquery()
    order = (rows.c.at, rows.c.src, rows.c.key)
    w = select(rows, func.sum(rows.c.amount).over(order_by=order).label("run")).subquery()
    q = (select(w.c.src, w.c.key, w.c.kind, w.c.at, w.c.amount, w.c.run, w.c.reverses_id,
                E.method, E.reference, E.memo, Service.name, PracticeSession.start_at,
                Invoice.number, Invoice.total_cents, CreditNote.number)
         .outerjoin(E, (w.c.src == 0) & (E.id == w.c.key))
         .outerjoin(PracticeSession, PracticeSession.id == w.c.session_id)
         .outerjoin(Service, Service.id == PracticeSession.service_id)
         .outerjoin(Invoice, (w.c.src > 0) & (Invoice.id == w.c.key))
         .outerjoin(CreditNote, (w.c.src == 2) & (CreditNote.invoice_id == w.c.key))
         .order_by(w.c.at, w.c.src, w.c.key))

    def ledger_sum(before: datetime):
        return select(func.coalesce(func.sum(E.amount_cents), 0)).where(E.client_id == client_id,
                                                                         E.effective_at < before)

    with practice.read() as tx:
        client = tx.get(Client, client_id)
        if client is None:
            raise NotFound.gone("client")
        opening = -int(tx.scalar(ledger_sum(start)))
        closing = -int(tx.scalar(ledger_sum(end)))
        found = tx.execute(q).all()
    money = _formatter(header)

    def day_text(d: date) -> str:
        from babel.dates import format_date

        return format_date(d, "medium", locale=header.locale)

    out = []
    for src, _key, kind, at, amount, run, reverses_id, method, reference, memo, service, session_start, \
            number, total, cn_number in found:
        row_kind, ref, text = _describe(practice, money, day_text, src, kind, reverses_id, method, reference, memo, service,
                                        session_start, at, number, total, int(amount), cn_number)
        out.append(StatementRow(_local_day(practice, _aware(at)), row_kind, ref, int(amount), opening + int(run), text))
    return StatementDoc(practice=header, client=_party(client), period_start=first, period_end=last,
                        opening_balance=opening, rows=tuple(out), closing_balance=closing,
                        issue_date=_local_day(practice, practice.clock.now()))


def _formatter(header: PracticeHeader):
    return lambda cents: format_money(cents, header.currency, header.locale)


def _aware(at) -> datetime:
    """A moment from the union (read back as an aware UTC datetime, or as text by a driver that
    loses the column's type in a UNION)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        from datetime import UTC

        at = at.replace(tzinfo=UTC)
    return at


def _describe(practice, money, day_text, src, kind, reverses_id, method, reference, memo, service, session_start, at,
              number, total, amount, cn_number) -> tuple[RowKind, str, str]:
    """(kind, reference, description) of a statement row, as printed."""
    if src == 1:
        own = "" if amount == total else " (sessions are charged when held)"
        return RowKind.INVOICE, number or "", f"total {money(total)}{own}"
    if src == 2:
        kept = "" if amount == -total else "; its sessions stay charged"
        return RowKind.CREDIT_NOTE, cn_number or "", f"cancels invoice {number}{kept}"
    how = METHOD_NAMES.get(method or "", method or "")
    if kind == "payment":
        return RowKind.PAYMENT, " ".join(x for x in (how, reference) if x), memo or ""
    if kind == "refund":
        return RowKind.REFUND, how, memo or ""
    if kind == "writeoff":
        return RowKind.WRITE_OFF, "", memo or ""
    if service is not None:
        what = memo or ""
        if reverses_id is not None or (session_start is not None
                                       and _local_day(practice, _aware(session_start))
                                       != _local_day(practice, _aware(at))):
            held = _local_day(practice, _aware(session_start)) if session_start is not None else None
            of = f" of the session of {day_text(held)}" if held else ""
            what = f"correction{of}: {memo}" if memo else f"correction{of}"
        return RowKind.SESSION, service, what
    return RowKind.CHARGE, "", memo or ""


# -- files ---------------------------------------------------------------------------------------
def _pdf_path(path) -> Path:
    """A full path of a ``.pdf`` file in a folder that exists (what a save dialog gives)."""
    target = Path(validate.a_path("file", path))
    if not target.is_absolute():
        raise ValidationError("file", "must be a full path (choose it in the save dialog)")
    if target.suffix.lower() != ".pdf" or not target.stem.strip():
        raise ValidationError("file", "must be a file name ending in .pdf")
    if not target.parent.is_dir():
        raise ValidationError("file", f"is in a folder that does not exist ({target.parent})")
    return target


def _write(target: Path, render, doc) -> Path:
    """Render to memory, then put the file in place in one step: a failed save never leaves half a PDF."""
    buffer = io.BytesIO()
    render(doc, buffer)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".saving-", suffix=".pdf", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(buffer.getvalue())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ValidationError("file", f"could not be saved ({exc.strerror or exc})") from exc
    return target


def save_receipt_pdf(practice: Practice, actor, payment_id: int, path) -> Path:
    """``receipt_document`` written as a PDF to ``path`` (a full path ending in .pdf)."""
    target = _pdf_path(path)
    return _write(target, receipt_pdf.render, receipt_document(practice, actor, payment_id))


def receipt_pdf_bytes(practice: Practice, actor, payment_id: int) -> bytes:
    """``receipt_document`` as PDF bytes (a receipt e-mailed after a card payment)."""
    buffer = io.BytesIO()
    receipt_pdf.render(receipt_document(practice, actor, payment_id), buffer)
    return buffer.getvalue()


def save_statement_pdf(practice: Practice, actor, client_id: int, first_day: date, last_day: date, path) -> Path:
    """``statement_document`` written as a PDF to ``path`` (a full path ending in .pdf)."""
    target = _pdf_path(path)
    return _write(target, statement_pdf.render,
                  statement_document(practice, actor, client_id, first_day, last_day))

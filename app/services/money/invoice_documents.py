"""An issued invoice and its credit note as printed documents (SPEC 9.2).

``invoice_document`` and ``credit_note_document`` read an invoice through ``invoices.get_invoice``
and the practice settings (name, address, tax id or exemption note, payment instructions, currency
and locale) and fill the plain values of ``app.documents.model``; the renderers lay those out and
decide nothing. Every figure comes from the invoice as the books have it: its lines, subtotal,
tax, total, the payments applied and the amount due.

A draft is not printed: it has no number and may still change (SPEC 9.1), so handing it to a
client would put a paper in the world that the books do not know. A credit note exists once the
invoice is cancelled.

``invoice_pdf_bytes`` / ``save_invoice_pdf`` (and the credit note's) render them: to bytes (what
the print dialog draws) or to a file the user chose. Who: the front desk, as for every invoice.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from ...documents import credit_note_pdf, invoice_pdf
from ...documents.model import AppliedPayment, CreditNoteDoc, DocLine, InvoiceDoc, Party, PracticeHeader
from ...models.enums import InvoiceStatus
from .. import validate
from ..errors import RuleViolation, ValidationError
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from ..practice_logo import logo_path
from . import invoices
from .invoices import InvoiceLineView, InvoiceView

# how a payment is described under the totals (its reference follows)
METHOD_TEXT = {"cash": "Cash", "cheque": "Cheque", "card": "Card payment", "transfer": "Bank transfer",
               "stripe": "Card payment (online)"}
WRITTEN_OFF = "Written off"


def practice_header(practice: Practice) -> PracticeHeader:
    """Who issues the document and how it writes money and dates, from the practice settings."""
    conf = practice.settings()
    return PracticeHeader(name=conf["practice_name"], address=conf.get("practice_address", ""),
                          tax_note=conf.get("tax_note", ""), payment_instructions=conf.get("payment_instructions", ""),
                          currency=conf["currency"], locale=conf["locale"], logo_path=logo_path(practice))


def _doc_line(line: InvoiceLineView) -> DocLine:
    if line.session_id is None and not line.service_name:  # a free line item
        return DocLine(line.description, line.amount_cents, tax=line.tax_cents, tax_rate_bp=line.tax_rate_bp)
    # a session's line: its description is the service's name, printed once as the service
    extra = "" if line.description == line.service_name else line.description
    return DocLine(extra, line.amount_cents, line.service_date, line.service_name, line.practitioner_name,
                   line.label, line.tax_cents, line.tax_rate_bp)


def _payment_text(kind: str, method: str | None, reference: str) -> str:
    text = WRITTEN_OFF if kind == "writeoff" else METHOD_TEXT.get(method or "", "Payment")
    return f"{text}, ref. {reference}" if reference else text


def _status_note(view: InvoiceView) -> str:
    if view.status == InvoiceStatus.CANCELLED and view.credit_note is not None:
        return f"Cancelled by credit note {view.credit_note.number}: {view.credit_note.reason}"
    if view.status == InvoiceStatus.PAID:
        return "Paid. Thank you."
    return ""


def _issued(practice: Practice, actor: Actor, invoice_id: int) -> InvoiceView:
    view = invoices.get_invoice(practice, actor, invoice_id)  # checks the id and the front desk
    if view.number is None or view.issue_date is None or view.due_date is None:
        raise RuleViolation("This invoice is a draft: it has no number yet and may still change. Issue it, "
                            "then print it or save it as a PDF.")
    return view


def invoice_document(practice: Practice, actor: Actor, invoice_id: int) -> InvoiceDoc:
    """The issued (or paid, or cancelled) invoice as the printed invoice says it (SPEC 9.2)."""
    return document_of(practice, _issued(practice, actor, invoice_id))


def document_of(practice: Practice, view: InvoiceView) -> InvoiceDoc:
    """``invoice_document`` of a view already read (an invoice issued in the caller's transaction)."""
    return _document_of(practice, view, practice_header(practice))


def _document_of(practice: Practice, view: InvoiceView, header: PracticeHeader) -> InvoiceDoc:
    """``document_of`` with the practice's ``header`` read once for many (a billing run's chunk of
    invoices: ``practice_header`` reads the logo in a transaction of its own each time)."""
    return InvoiceDoc(
        practice=header, client=Party(view.client_name, view.client_address),
        number=view.number, issue_date=view.issue_date, due_date=view.due_date,
        lines=tuple(_doc_line(line) for line in view.lines), subtotal=view.subtotal_cents,
        tax_total=view.tax_cents, total=view.total_cents, payments_applied=view.allocated_cents,
        amount_due=view.amount_due_cents, period_start=view.period_first, period_end=view.period_last,
        payments=tuple(AppliedPayment(p.paid_at.date(), _payment_text(p.kind, p.method, p.reference), p.amount_cents)
                       for p in view.payments),
        public_note=view.note, status_note=_status_note(view))


def credit_note_document(practice: Practice, actor: Actor, invoice_id: int) -> CreditNoteDoc:
    """The credit note that cancelled the invoice ``invoice_id``: its number, date and reason, the
    invoice it cancels and what it credits (the invoice's lines and total)."""
    view = _issued(practice, actor, invoice_id)
    cn = view.credit_note
    if cn is None:
        raise RuleViolation(f"Invoice {view.number} is not cancelled, so it has no credit note.")
    return CreditNoteDoc(practice=practice_header(practice), client=Party(view.client_name, view.client_address),
                         number=cn.number, date=cn.issue_date, invoice_number=view.number, reason=cn.reason,
                         total=cn.amount_cents, lines=tuple(_doc_line(line) for line in view.lines),
                         tax_total=view.tax_cents, invoice_date=view.issue_date)


def invoice_pdf_bytes(practice: Practice, actor: Actor, invoice_id: int) -> bytes:
    """The invoice's PDF (for printing)."""
    out = io.BytesIO()
    invoice_pdf.render(invoice_document(practice, actor, invoice_id), out)
    return out.getvalue()


def pdf_of(practice: Practice, view: InvoiceView) -> bytes:
    """The PDF of an issued invoice's view already read (automatic invoicing attaches it to an e-mail
    queued in the transaction that issued the invoice)."""
    if view.number is None:
        raise RuleViolation("This invoice is a draft: it has no number yet and may still change.")
    out = io.BytesIO()
    invoice_pdf.render(document_of(practice, view), out)
    return out.getvalue()


def credit_note_pdf_bytes(practice: Practice, actor: Actor, invoice_id: int) -> bytes:
    """The PDF of the credit note that cancelled invoice ``invoice_id``."""
    out = io.BytesIO()
    credit_note_pdf.render(credit_note_document(practice, actor, invoice_id), out)
    return out.getvalue()


def _target(path) -> Path:
    """Where to write: an absolute ``.pdf`` file name in a folder that exists. Checked before
    anything is rendered, so a bad name costs nothing and writes nothing."""
    name = Path(validate.a_path("file", path))
    if not name.is_absolute():
        raise ValidationError("file", "must be a full path (choose where to save it)")
    if name.suffix.lower() != ".pdf":
        raise ValidationError("file", "must end in .pdf")
    try:
        if not name.parent.is_dir():
            raise ValidationError("file", f"cannot be saved: there is no folder {name.parent}")
        if name.is_dir():
            raise ValidationError("file", "is a folder, not a file name")
    except OSError as exc:
        raise ValidationError("file", f"cannot be saved there ({exc.strerror or exc})") from exc
    return name


def _checked(actor: Actor, invoice_id: int, path) -> Path:
    validate.an_id("invoice", invoice_id)
    require_front_desk(actor)
    return _target(path)


def _write(name: Path, data: bytes) -> Path:
    """The whole PDF or nothing: written beside the target, then moved over it."""
    part = name.with_name(f".{name.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, name)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise ValidationError("file", f"could not be written ({exc.strerror or exc})") from exc
    return name


def save_invoice_pdf(practice: Practice, actor: Actor, invoice_id: int, path) -> Path:
    """Write the invoice's PDF to ``path`` (replacing a file of that name); returns the path."""
    name = _checked(actor, invoice_id, path)
    return _write(name, invoice_pdf_bytes(practice, actor, invoice_id))


def save_credit_note_pdf(practice: Practice, actor: Actor, invoice_id: int, path) -> Path:
    """Write the PDF of the credit note that cancelled invoice ``invoice_id`` to ``path``."""
    name = _checked(actor, invoice_id, path)
    return _write(name, credit_note_pdf_bytes(practice, actor, invoice_id))

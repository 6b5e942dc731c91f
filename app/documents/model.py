"""What a printed document says, as plain frozen values (SPEC 9.2): no SQLAlchemy, no services, no Qt.

A service reads the database and fills these; a renderer (``invoice_pdf``, ``credit_note_pdf``,
``receipt_pdf``, ``statement_pdf``) only lays them out. Every figure is already decided by the
services: subtotals, tax, running balances and amounts due arrive computed, and the renderers never
add anything up (a printed total that disagrees with the books would be worse than no total).

Money is integer minor units of ``PracticeHeader.currency`` (SPEC 0.1: never float), written in
``PracticeHeader.locale`` by the renderer (babel), like dates. A float or a bool where an amount
belongs is refused when the value is made, so it cannot print as "80.0".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path


def _check_amounts(obj, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{type(obj).__name__}.{name} must be integer minor units, not {value!r}")


def _tupled(obj, *names: str) -> None:
    """Lists given for the repeated parts become tuples, so a document stays frozen and hashable."""
    for name in names:
        object.__setattr__(obj, name, tuple(getattr(obj, name)))


@dataclass(frozen=True)
class PracticeHeader:
    """Who issues the document, and how it writes money and dates."""

    name: str
    address: str = ""                 # lines separated by newlines
    tax_note: str = ""                # "Tax ID DE123456789" or an exemption note
    payment_instructions: str = ""    # "Bank transfer to IBAN ..., quoting the invoice number"
    logo_path: Path | str | None = None
    currency: str = "USD"             # ISO 4217 code of every amount in the document
    locale: str = "en_US"             # how amounts and dates are written; its region picks the paper


@dataclass(frozen=True)
class Party:
    """The client the document is for."""

    name: str
    address: str = ""                 # lines separated by newlines


@dataclass(frozen=True)
class DocLine:
    """One line of an invoice or credit note: a session (date, service, practitioner, completion
    label as printed) or a free item (description only)."""

    description: str = ""
    amount: int = 0                   # before tax
    date: date | None = None
    service: str = ""
    practitioner: str = ""
    label: str = ""                   # the completion label: "Completed", "Late cancel"
    tax: int = 0                      # tax on this line, already rounded (SPEC 9.3)
    tax_rate_bp: int = 0              # basis points: 2000 = 20 %

    def __post_init__(self):
        _check_amounts(self, "amount", "tax", "tax_rate_bp")


@dataclass(frozen=True)
class AppliedPayment:
    """A payment (or write-off) allocated to the invoice, as listed under its totals."""

    date: date
    description: str                  # "Card payment", "Bank transfer ref 8812", "Written off"
    amount: int

    def __post_init__(self):
        _check_amounts(self, "amount")


@dataclass(frozen=True)
class InvoiceDoc:
    practice: PracticeHeader
    client: Party
    number: str
    issue_date: date
    due_date: date
    lines: tuple[DocLine, ...]
    subtotal: int
    tax_total: int
    total: int
    payments_applied: int = 0
    amount_due: int = 0
    period_start: date | None = None  # the service dates it covers
    period_end: date | None = None
    payments: tuple[AppliedPayment, ...] = ()
    public_note: str = ""
    status_note: str = ""             # "Cancelled by credit note CN-2026-0001", "Paid"

    def __post_init__(self):
        _tupled(self, "lines", "payments")
        _check_amounts(self, "subtotal", "tax_total", "total", "payments_applied", "amount_due")


@dataclass(frozen=True)
class CreditNoteDoc:
    practice: PracticeHeader
    client: Party
    number: str
    date: date
    invoice_number: str               # the invoice it cancels
    reason: str
    total: int                        # the amount credited (positive)
    lines: tuple[DocLine, ...] = ()   # what is credited, usually the invoice's lines
    tax_total: int = 0
    invoice_date: date | None = None
    public_note: str = ""

    def __post_init__(self):
        _tupled(self, "lines")
        _check_amounts(self, "total", "tax_total")


@dataclass(frozen=True)
class Allocation:
    """Part of a payment put against one invoice."""

    invoice_number: str
    amount: int
    invoice_date: date | None = None

    def __post_init__(self):
        _check_amounts(self, "amount")


@dataclass(frozen=True)
class ReceiptDoc:
    practice: PracticeHeader
    client: Party
    payment_date: date
    method: str                       # "Cash", "Card", "Bank transfer"
    amount: int
    reference: str = ""               # cheque number, transfer reference, card charge id
    number: str = ""                  # the receipt's (or payment's) reference, if it has one
    allocations: tuple[Allocation, ...] = ()
    credit_left: int = 0              # what of this payment is not allocated: the client's credit
    public_note: str = ""

    def __post_init__(self):
        _tupled(self, "allocations")
        _check_amounts(self, "amount", "credit_left")


class RowKind(StrEnum):
    """What a statement row is. Its value is the word printed."""

    SESSION = "Session"               # a session's charge, or a correction of it
    INVOICE = "Invoice"
    PAYMENT = "Payment"
    CREDIT_NOTE = "Credit note"
    REFUND = "Refund"
    WRITE_OFF = "Write-off"
    CHARGE = "Charge"                 # any other charge to the client's account


@dataclass(frozen=True)
class StatementRow:
    """One movement of the client's account. ``amount`` is signed from the client's side: positive
    adds to what they owe (a session, an invoice, a refund paid out), negative reduces it (a payment, a credit
    note, a write-off). ``balance`` is the running balance after the row, as the ledger gives it
    (positive: the client owes; negative: the client is in credit)."""

    date: date
    kind: RowKind
    reference: str                    # invoice or credit note number, payment reference
    amount: int
    balance: int
    description: str = ""

    def __post_init__(self):
        object.__setattr__(self, "kind", RowKind(self.kind))
        _check_amounts(self, "amount", "balance")


@dataclass(frozen=True)
class StatementDoc:
    """A client statement for a period (SPEC 9.2): unnumbered."""

    practice: PracticeHeader
    client: Party
    period_start: date
    period_end: date
    opening_balance: int
    rows: tuple[StatementRow, ...]
    closing_balance: int
    issue_date: date | None = None    # the day it was printed
    public_note: str = ""

    def __post_init__(self):
        _tupled(self, "rows")
        _check_amounts(self, "opening_balance", "closing_balance")


__all__ = [
    "Allocation", "AppliedPayment", "CreditNoteDoc", "DocLine", "InvoiceDoc", "Party",
    "PracticeHeader", "ReceiptDoc", "RowKind", "StatementDoc", "StatementRow",
]

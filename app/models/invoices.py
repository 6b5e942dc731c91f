"""Invoices, credit notes, number series and payment allocations (SPEC 9.1, 9.3).

An invoice is a document over what a client owes: a draft has no number and may be deleted; issuing
gives it the next number of a gap-free series (``NumberSeries``, one row per series and year,
incremented inside the issuing transaction) and freezes it. An issued invoice is cancelled only by
a credit note of its own series. Partly paid and paid are read from its allocations.

Allocations tie a payment (or a write-off) to an invoice. Like ledger entries they are never updated
or deleted: an allocation taken back is a row of opposite amount that ``reverses_id`` the original.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Cents, UTCDateTime

INVOICE_STATUSES = ("draft", "issued", "cancelled")


class Invoice(Base):
    __tablename__ = "invoice"
    __table_args__ = (CheckConstraint("status IN ('draft','issued','cancelled')", name="status"),
                      CheckConstraint("(status = 'draft') = (number IS NULL)", name="numbered"),
                      UniqueConstraint("year", "seq"),
                      Index("ix_invoice_client", "client_id", "status"),
                      Index("ix_invoice_due", "status", "due_date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    year: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    issue_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    period_first: Mapped[date | None] = mapped_column(Date)  # the service dates it covers
    period_last: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")  # printed on the invoice
    total_cents: Mapped[int] = mapped_column(Cents, default=0)  # lines and tax; frozen at issue
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # drafts only
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvoiceLine(Base):
    """A session of the client (service date, service, practitioner, status label as printed) or a
    free line item. ``live`` is cleared when its draft is deleted or its invoice cancelled, which
    frees the session for another invoice: a session is on at most one live invoice per client."""

    __tablename__ = "invoice_line"
    __table_args__ = (CheckConstraint("tax_rate_bp BETWEEN 0 AND 10000", name="tax"),
                      Index("ix_invoice_line_invoice", "invoice_id", "position"),
                      Index("uq_invoice_line_live_session", "session_id", "client_id", unique=True,
                            sqlite_where=text("live AND session_id IS NOT NULL"),
                            postgresql_where=text("live AND session_id IS NOT NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"))
    position: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))  # the invoice's client
    session_id: Mapped[int | None] = mapped_column(ForeignKey("practice_session.id"))
    service_date: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    service_name: Mapped[str] = mapped_column(String(120), default="")
    practitioner_name: Mapped[str] = mapped_column(String(120), default="")
    label: Mapped[str] = mapped_column(String(40), default="")  # the completion label printed
    amount_cents: Mapped[int] = mapped_column(Cents)
    tax_rate_bp: Mapped[int] = mapped_column(Integer, default=0)  # basis points: 2000 = 20 %
    tax_cents: Mapped[int] = mapped_column(Cents, default=0)
    live: Mapped[bool] = mapped_column(Boolean, default=True)


class CreditNote(Base):
    """Cancels one issued invoice, in its own gap-free series, with the reason."""

    __tablename__ = "credit_note"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), unique=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    issue_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    amount_cents: Mapped[int] = mapped_column(Cents)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class NumberSeries(Base):
    """The last number given in a series ("invoice" or "credit") and year. The issuing transaction
    increments it, so two workstations never share or skip a number."""

    __tablename__ = "number_series"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Allocation(Base):
    __tablename__ = "allocation"
    __table_args__ = (Index("ix_allocation_invoice", "invoice_id", "amount_cents"),
                      Index("ix_allocation_payment", "payment_id", "amount_cents"),
                      # ageing: what was allocated after a day (credit as of it = now less that)
                      Index("ix_allocation_created", "created_at", "payment_id", "amount_cents"))

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"))  # a payment or a write-off
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"))
    amount_cents: Mapped[int] = mapped_column(Cents)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("allocation.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

"""Automatic invoicing runs and each client's result (SPEC 10.2, 10.3).

A ``BillingRun`` is one cycle of the schedule, recorded (its ``cycle_key`` unique) before any work
starts, so a second run of the same cycle, at another desk or from the command line, finds it and
makes nothing. While a run works it keeps ``heartbeat_at`` fresh; a run left unfinished by a desk
that closed mid-run (``finished_at`` empty, heartbeat old or released) is resumed by the next one.

A ``BillingResult`` is one client's outcome in a run (unique per run and client): the invoice made
and its amount, whether it was queued for e-mail (the message's fate is in the outbox), or why it
failed. Card charges (a later step) add their own columns here.
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
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Cents, UTCDateTime


class BillingRun(Base):
    __tablename__ = "billing_run"
    __table_args__ = (
        CheckConstraint("interval IN ('weekly','biweekly','monthly')", name="interval"),
        UniqueConstraint("cycle_key"),
        Index("ix_billing_run_scheduled", "scheduled_for"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_key: Mapped[str] = mapped_column(String(20))  # the run's local date, e.g. 2027-02-28
    interval: Mapped[str] = mapped_column(String(10))  # BillingInterval
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)  # the cycle's instant
    completed_first: Mapped[date | None] = mapped_column(Date)  # the period just ended, when invoiced
    completed_last: Mapped[date | None] = mapped_column(Date)
    scheduled_first: Mapped[date | None] = mapped_column(Date)  # the coming period, when invoiced
    scheduled_last: Mapped[date | None] = mapped_column(Date)
    since: Mapped[date] = mapped_column(Date)  # no session before it is invoiced (the start date)
    email: Mapped[bool] = mapped_column(Boolean)  # invoices e-mailed with the PDF
    source: Mapped[str] = mapped_column(String(20))  # "app" or "command line"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the system
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: released, anyone may resume
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clients: Mapped[int] = mapped_column(Integer, default=0)  # results, set when finished
    invoiced: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    total_cents: Mapped[int] = mapped_column(Cents, default=0)


class BillingResult(Base):
    __tablename__ = "billing_result"
    __table_args__ = (
        CheckConstraint("status IN ('invoiced','failed')", name="status"),
        UniqueConstraint("run_id", "client_id"),
        Index("ix_billing_result_client", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("billing_run.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    status: Mapped[str] = mapped_column(String(10))  # BillingResultStatus
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    amount_cents: Mapped[int] = mapped_column(Cents, default=0)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)  # queued in the outbox with the PDF
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    note: Mapped[str] = mapped_column(Text, default="")  # e.g. why it was not e-mailed
    error: Mapped[str] = mapped_column(Text, default="")  # why it failed, in plain words
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

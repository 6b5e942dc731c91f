"""Card payments through Stripe (SPEC 10.4, 9.3): links that let a client save a card, the card on
file, each charge attempt with its idempotency key, and refunds sent to Stripe. Only Stripe's ids,
the card's brand, last four digits and expiry are kept: never a card number."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Cents, UTCDateTime


class CardLink(Base):
    """A Stripe-hosted page (Checkout) sent to a client: to save a card (``purpose`` card, setup mode)
    or to pay one invoice (``purpose`` payment, e.g. after a decline); polled until complete or
    expired. Its idempotency key is fixed by the row before Stripe is called."""

    __tablename__ = "card_link"
    __table_args__ = (
        CheckConstraint("status IN ('creating','open','complete','expired','failed')", name="status"),
        CheckConstraint("purpose IN ('card','payment')", name="purpose"),
        Index("ix_card_link_client", "client_id", "id"),
        Index("ix_card_link_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    purpose: Mapped[str] = mapped_column(String(10), default="card")
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))  # a payment link's invoice
    amount_cents: Mapped[int | None] = mapped_column(Cents)  # a payment link's amount
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))  # the payment it brought
    customer_id: Mapped[str | None] = mapped_column(String(80))  # Stripe's cus_…
    checkout_session_id: Mapped[str | None] = mapped_column(String(120), unique=True)  # cs_…
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CardOnFile(Base):
    """A client's saved card. One live row per client (``removed_at`` null); a newer card replaces it."""

    __tablename__ = "card_on_file"
    __table_args__ = (Index("ix_card_on_file_client", "client_id", "removed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    customer_id: Mapped[str] = mapped_column(String(80))
    payment_method_id: Mapped[str] = mapped_column(String(80))  # pm_…
    brand: Mapped[str] = mapped_column(String(20))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int] = mapped_column(Integer)
    exp_year: Mapped[int] = mapped_column(Integer)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("card_link.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CardCharge(Base):
    """One attempt to charge an invoice's amount due to the card on file. The row (and its
    idempotency key) is written before Stripe is called: an attempt left *pending* (a timeout, a
    crash) is retried with the same key, so it can never charge twice."""

    __tablename__ = "card_charge"
    __table_args__ = (
        CheckConstraint("status IN ('pending','succeeded','declined','needs_authentication','failed')",
                        name="status"),
        CheckConstraint("amount_cents > 0", name="amount"),
        Index("ix_card_charge_invoice", "invoice_id", "attempt", unique=True),
        Index("ix_card_charge_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    card_id: Mapped[int] = mapped_column(ForeignKey("card_on_file.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    amount_cents: Mapped[int] = mapped_column(Cents)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(24))
    payment_intent_id: Mapped[str | None] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(60), default="")  # Stripe's decline_code or error code
    error: Mapped[str] = mapped_column(Text, default="")  # plain words
    tries: Mapped[int] = mapped_column(Integer, default=0)  # calls made with this key
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))  # the payment recorded
    run_id: Mapped[int | None] = mapped_column(ForeignKey("billing_run.id"))  # an automatic run's charge
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CardRefund(Base):
    """A refund of a card payment told to Stripe, keyed by the refund's ledger entry (its idempotency
    key is fixed by that entry, so a retry never refunds twice)."""

    __tablename__ = "card_refund"
    __table_args__ = (CheckConstraint("status IN ('pending','sent','failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    payment_intent_id: Mapped[str] = mapped_column(String(80))
    amount_cents: Mapped[int] = mapped_column(Cents)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(10))
    stripe_refund_id: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str] = mapped_column(Text, default="")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

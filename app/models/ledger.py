"""Append-only money: client charges, practitioner wages, payments, and their reversals."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Cents, UTCDateTime

KINDS = ("charge", "wage", "payment", "refund", "writeoff")
PAYMENT_METHODS = ("cash", "cheque", "card", "transfer", "stripe")
# Money a client paid in (or had forgiven, or got back): the condition of the partial index
# ix_ledger_money_in. SQLite uses a partial index only for a query whose WHERE repeats the condition
# word for word, literals in this order: queries write ``text(f"ledger_entry.{MONEY_IN_SQL}")``.
MONEY_IN_SQL = "kind IN ('payment', 'writeoff', 'refund')"


class LedgerEntry(Base):
    """One movement of money. Never updated or deleted: a mistake is undone by a reversal row
    (same kind, opposite amount, ``reverses_id`` pointing at the original).

    Client entries: payments positive, charges negative, so a balance is ``SUM(amount_cents)``.
    Practitioner entries: wages positive.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("kind IN ('charge','wage','payment','refund','writeoff')", name="kind"),
        CheckConstraint("(client_id IS NULL) <> (practitioner_id IS NULL)", name="one_party"),
        Index("ix_ledger_client", "client_id", "amount_cents"),
        Index("ix_ledger_practitioner", "practitioner_id", "effective_at", "amount_cents"),
        Index("ix_ledger_session", "session_id"),
        # unallocated credit per client, also as of a day (reports: balances, ageing; SPEC 9.4)
        Index("ix_ledger_money_in", "client_id", "effective_at", "amount_cents", "kind",
              sqlite_where=text(MONEY_IN_SQL), postgresql_where=text(MONEY_IN_SQL)),
        # the same by date: ageing's credit as of a day is the client's total less what came after
        Index("ix_ledger_money_in_at", "effective_at", "client_id", "amount_cents", "kind",
              sqlite_where=text(MONEY_IN_SQL), postgresql_where=text(MONEY_IN_SQL)),
        # a payment's refunds (what it has left, its receipt): only refunds have refund_of_id
        Index("ix_ledger_refund_of", "refund_of_id", "amount_cents",
              sqlite_where=text("refund_of_id IS NOT NULL"), postgresql_where=text("refund_of_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioner.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("practice_session.id"))
    amount_cents: Mapped[int] = mapped_column(Cents)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    method: Mapped[str | None] = mapped_column(String(10))  # payments: cash, cheque, card, transfer, stripe
    reference: Mapped[str] = mapped_column(Text, default="", server_default="")  # a payment's cheque or transfer ref.
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))  # a refund: of which payment
    invoice_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_line.id"))  # an invoice's own line, tax
    memo: Mapped[str] = mapped_column(Text, default="")
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

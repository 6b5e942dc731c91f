"""Per-client running totals kept by the database itself (SPEC 6, 9.4: the balances report).

One row per client, written ONLY by triggers (migration 0014_client_totals, SQLite and PostgreSQL):
the services never write it, so no write path can forget it. What each figure is, exactly:

- ``balance_cents``: the sum of the client's ledger lines (the ledger is append-only, so every change
  is an INSERT: the trigger adds the amount);
- ``unallocated_cents``: payments, write-offs and refunds (``MONEY_IN_SQL``) less what was allocated
  from them (allocation rows: added, changed or removed, by the payment's client);
- ``open_charges_cents``: what every booked place on an OPEN, not deleted session costs now (its own
  price, else the service's cost; hourly by the minute, half up). It is recomputed for a client
  from their participant rows whenever one of its inputs changes: a participant row of theirs, a
  session they are on (status, deleted, times, service) or the cost of a service of one of their
  open sessions.

``reports.recomputed_totals`` computes the same three figures from the ledger and the sessions; the
property tests hold the two equal after every random step.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Cents


class ClientTotal(Base):
    __tablename__ = "client_total"
    __table_args__ = ({"info": {"kept_by_triggers": True}},)  # copy_to_server lets the server's triggers fill it

    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    balance_cents: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    open_charges_cents: Mapped[int] = mapped_column(Cents, default=0, server_default="0")
    unallocated_cents: Mapped[int] = mapped_column(Cents, default=0, server_default="0")

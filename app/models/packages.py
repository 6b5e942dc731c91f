"""Packages (SPEC 6.3): N sessions for a price X, sold to clients. A sale is paid by a ledger
payment; each consuming session of the sale takes one numbered slot, whose cost is the slot's share
of X (the shares add up to X exactly)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Cents, UTCDateTime


class Package(Base):
    __tablename__ = "package"
    __table_args__ = (CheckConstraint("sessions_count BETWEEN 1 AND 1000", name="sessions"),
                      CheckConstraint("price_cents >= 0", name="money"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    sessions_count: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Cents)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PackageService(Base):
    """A service that a package covers."""

    __tablename__ = "package_service"

    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), primary_key=True)


class PackageSale(Base):
    """A package sold to a client: its size and price as they were that day, and the payment."""

    __tablename__ = "package_sale"
    __table_args__ = (CheckConstraint("sessions_count BETWEEN 1 AND 1000", name="sessions"),
                      CheckConstraint("price_cents >= 0", name="money"),
                      Index("ix_package_sale_client", "client_id", "sold_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id"))
    sessions_count: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Cents)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sold_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

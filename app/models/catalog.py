"""What the practice sells and where: services, custom wages, locations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Cents, UTCDateTime

SERVICE_KINDS = ("fixed", "hourly")
VISIBILITIES = ("all", "staff", "hidden")


class Service(Base):
    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint("kind IN ('fixed','hourly')", name="kind"),
        CheckConstraint("cost_cents >= 0 AND wage_cents >= 0", name="money"),
        CheckConstraint("default_minutes BETWEEN 5 AND 720", name="length"),
        CheckConstraint("tax_rate_bp BETWEEN 0 AND 10000", name="tax"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8))
    cost_cents: Mapped[int] = mapped_column(Cents)
    wage_cents: Mapped[int] = mapped_column(Cents)
    visibility: Mapped[str] = mapped_column(String(8), default="all")
    client_booking: Mapped[bool] = mapped_column(Boolean, default=False)
    default_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")  # a new session's length
    tax_rate_bp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # SPEC 9.3: 2000 = 20 %
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CustomWage(Base):
    """A practitioner's own wage for one service; replaces the service's default wage."""

    __tablename__ = "custom_wage"
    __table_args__ = (UniqueConstraint("practitioner_id", "service_id"),
                      CheckConstraint("wage_cents >= 0", name="money"))

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    wage_cents: Mapped[int] = mapped_column(Cents)


class Location(Base):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    client_booking: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Closures (SPEC 7.3): days the practice is shut (holiday, bad weather), drawn on the calendar."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class Closure(Base):
    __tablename__ = "closure"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="range"),
                      Index("ix_closure_days", "deleted_at", "first_day", "last_day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    first_day: Mapped[date] = mapped_column(Date)  # practice-local dates, inclusive
    last_day: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

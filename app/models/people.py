"""Users (who log in), practitioners and clients (records)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime
from .enums import Role

ROLES = tuple(Role)
NOTIFY_CHOICES = ("email", "sms", "both", "none")


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin','staff','practitioner')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioner.id"))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Practitioner(Base):
    __tablename__ = "practitioner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    color: Mapped[str] = mapped_column(String(7), default="#4a7fc1")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Client(Base):
    __tablename__ = "client"
    __table_args__ = (CheckConstraint("notify_by IN ('email','sms','both','none')", name="notify_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    notify_by: Mapped[str] = mapped_column(String(8), default="none")
    may_cancel: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

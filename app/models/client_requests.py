"""Client requests (SPEC 1.1, 1.4): a session a client asked for, recorded by the front desk on the
client's behalf, then accepted (a session is made, ``session_id``) or declined (with a reason)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class ClientRequest(Base):
    """One request. Times are stored in UTC like sessions'. Never deleted: a decided request stays
    with who decided it and when."""

    __tablename__ = "client_request"
    __table_args__ = (
        CheckConstraint("status IN ('pending','accepted','declined')", name="status"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        CheckConstraint("(status = 'accepted') = (session_id IS NOT NULL)", name="accepted_has_session"),
        Index("ix_client_request_status", "status", "start_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("practitioner.id"))  # asked for, optional
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("practice_session.id"))

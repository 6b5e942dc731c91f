"""The outbox (SPEC 7.1, 7.2, 7.4): every e-mail and SMS the practice sends, with its result."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("channel IN ('email','sms')", name="channel"),
        CheckConstraint("status IN ('queued','sending','sent','failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_status", "status", "id"),
        Index("ix_outbox_session", "session_id", "client_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # MessageChannel
    recipient: Mapped[str] = mapped_column(String(254))  # an e-mail address or a phone number
    subject: Mapped[str] = mapped_column(String(200), default="")  # e-mail only
    body: Mapped[str] = mapped_column(Text)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)  # e.g. an invoice PDF
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("practice_session.id"))
    purpose: Mapped[str] = mapped_column(String(20))  # MessagePurpose
    status: Mapped[str] = mapped_column(String(10))  # MessageStatus
    error: Mapped[str] = mapped_column(Text, default="")  # the last failed attempt's reason, in plain words
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

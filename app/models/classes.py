"""Classes (SPEC 11): a series or one session that clients enroll in as a whole, with its sessions'
display flags, its enrollments (kept after a drop, as history) and its waitlist."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class PracticeClass(Base):
    """A class or course. Made from a recurring series (``series_id``) or one session (``session_id``);
    its sessions are listed in ``class_session``. Priced by one fixed service (SPEC 11.3)."""

    __tablename__ = "practice_class"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 1000", name="capacity"),
        CheckConstraint("(series_id IS NULL) <> (session_id IS NULL)", name="series_xor_session"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    capacity: Mapped[int] = mapped_column(Integer)
    enroll_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    drop_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("practice_session.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClassSession(Base):
    """One session of a class, with its display flag: only displayed sessions are listed in the
    published group-sessions list (SPEC 11.2)."""

    __tablename__ = "class_session"
    __table_args__ = (UniqueConstraint("class_id", "session_id"),
                      Index("ix_class_session_session", "session_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("practice_class.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("practice_session.id"))
    displayed: Mapped[bool] = mapped_column(Boolean, default=True)


class Enrollment(Base):
    """A client's place in a class. A drop marks the row (``dropped_at``); it is never deleted, and a
    client enrolled again gets a new row. ``overridden``: staff enrolled them past a deadline or a
    full class; ``drop_overridden``: dropped after the drop deadline."""

    __tablename__ = "enrollment"
    __table_args__ = (Index("ix_enrollment_class", "class_id", "dropped_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("practice_class.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    enrolled_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dropped_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    drop_overridden: Mapped[bool] = mapped_column(Boolean, default=False)


class WaitlistEntry(Base):
    """A client waiting for a seat in a full class, in the order added. When a seat frees the first in
    line is offered it (``offered_at``); accepting enrolls them; ``removed_at`` ends the entry with
    ``removed_reason`` (enrolled, declined, removed)."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (Index("ix_waitlist_entry_class", "class_id", "removed_at", "added_at"),
                      CheckConstraint("removed_reason IS NULL OR removed_reason IN ('enrolled','declined','removed')",
                                      name="reason"))

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("practice_class.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    removed_reason: Mapped[str | None] = mapped_column(String(10))

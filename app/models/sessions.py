"""Sessions, their clients (participants), recurrence series and completion types."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, relationship, unmapped_column

from .base import Base, Cents, UTCDateTime
from .enums import ParticipantStatus, SessionStatus

STATUSES = tuple(SessionStatus)
BASE_STATUSES = (SessionStatus.COMPLETED, SessionStatus.CANCELED, SessionStatus.MISSED)
MODIFIER_TYPES = ("percentage", "fixed")


class Series(Base):
    """A recurrence schedule (SPEC 3.1). Its occurrences are ordinary sessions."""

    __tablename__ = "series"
    __table_args__ = (
        CheckConstraint("freq IN ('weekly','monthly')", name="freq"),
        CheckConstraint("interval BETWEEN 1 AND 12", name="interval"),
        CheckConstraint("(count IS NULL) <> (until IS NULL)", name="count_xor_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    weekdays: Mapped[str] = mapped_column(String(20))  # "0,2" = Monday, Wednesday
    freq: Mapped[str] = mapped_column(String(8))
    interval: Mapped[int] = mapped_column(Integer, default=1)
    count: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[date | None] = mapped_column(Date)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CompletionType(Base):
    """The three defaults (key set) and the practice's custom types (SPEC 4.4-4.5)."""

    __tablename__ = "completion_type"
    __table_args__ = (
        CheckConstraint("base_status IN ('completed','canceled','missed')", name="base_status"),
        CheckConstraint("modifier_type IS NULL OR modifier_type IN ('percentage','fixed')", name="modifier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(16), unique=True)
    base_status: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(15))
    description: Mapped[str] = mapped_column(Text, default="")
    modifier_type: Mapped[str | None] = mapped_column(String(10))
    client_modifier: Mapped[int] = mapped_column(Integer, default=0)
    practitioner_modifier: Mapped[int] = mapped_column(Integer, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# what a calendar block, month line and day agenda show of a session, in the order of the index
# that covers the calendar's range read on SQLite (migration 0016)
CALENDAR_COLUMNS = ("deleted_at", "start_at", "id", "end_at", "practitioner_id", "service_id", "location_id",
                    "status", "completion_label", "series_id", "public_note",
                    "booked_client_id", "booked_charge_cents", "booked_group")
# a session's booked clients on its own row, kept by the database's triggers on participant (migration
# 0018): the calendar reads them with the session instead of a seek into participant per session
BOOKED_COLUMNS = ("booked_client_id", "booked_charge_cents", "booked_group")


class PracticeSession(Base):
    """One session on the calendar (SPEC 2.1). Charges are snapshots taken when it is saved."""

    __tablename__ = "practice_session"
    __table_args__ = (
        CheckConstraint("status IN ('open','completed','canceled','missed')", name="status"),
        CheckConstraint("end_at > start_at", name="ends_after_start"),
        Index("ix_practice_session_range", "deleted_at", "start_at"),
        # the calendar's range read (scheduling.calendar_rows) from the index alone, no table row per
        # session; SQLite only: a public note can be longer than a PostgreSQL index entry may be
        Index("ix_practice_session_calendar", *CALENDAR_COLUMNS).ddl_if(dialect="sqlite"),
        # open sessions and a list by status: counted from the index, read in (start_at, id) order
        Index("ix_practice_session_status", "status", "deleted_at", "start_at", "id", "end_at"),
        Index("ix_practice_session_practitioner", "practitioner_id", "start_at"),
        Index("ix_practice_session_series", "series_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id"))
    public_note: Mapped[str] = mapped_column(Text, default="")
    private_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    completion_type_id: Mapped[int | None] = mapped_column(ForeignKey("completion_type.id"))
    completion_label: Mapped[str | None] = mapped_column(String(15))
    cost_override: Mapped[bool] = mapped_column(Boolean, default=False)
    wage_cents: Mapped[int | None] = mapped_column(Cents)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # kept by triggers (BOOKED_COLUMNS), never written by the application: columns of the table
    # (PracticeSession.__table__.c), not attributes of the object, so no flush can overwrite them
    booked_client_id: Unmapped[int | None] = unmapped_column()  # the booked client when exactly one is
    booked_charge_cents: Unmapped[int | None] = unmapped_column()  # and their charge
    booked_group: Unmapped[str | None] = unmapped_column(Text)  # 2+ booked: "client id:charge,..." (charge may be empty)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Participant.client_id")

    @property
    def booked(self) -> list[Participant]:
        """The session's clients now; removed, canceled and dropped rows are its history."""
        return [p for p in self.participants if p.status == ParticipantStatus.BOOKED]


class Participant(Base):
    """A client of a session, with its own status and who/when last changed it (rows are never
    deleted). price_cents is this client's own price (None: the session's cost at today's prices);
    charge_cents is what they were charged when the session was saved."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("session_id", "client_id"),
                      UniqueConstraint("package_sale_id", "package_slot"),
                      Index("ix_participant_client", "client_id", "session_id"),
                      # a session's booked clients with their charge, from the index alone (the calendar)
                      Index("ix_participant_session_booked", "session_id", "status", "client_id", "charge_cents"),
                      CheckConstraint("status IN ('booked','removed','canceled_by_client','dropped')",
                                      name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("practice_session.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    charge_cents: Mapped[int | None] = mapped_column(Cents)
    status: Mapped[str] = mapped_column(String(20), default=ParticipantStatus.BOOKED,
                                        server_default=ParticipantStatus.BOOKED.value)
    price_cents: Mapped[int | None] = mapped_column(Cents)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    package_sale_id: Mapped[int | None] = mapped_column(ForeignKey("package_sale.id"))  # package mode (SPEC 6.3)
    package_slot: Mapped[int | None] = mapped_column(Integer)  # which share of the sale's price

    session: Mapped[PracticeSession] = relationship(back_populates="participants")

    @classmethod
    def is_booked(cls):
        """SQL condition: the row is one of its session's clients now (not history)."""
        return cls.status == ParticipantStatus.BOOKED.value

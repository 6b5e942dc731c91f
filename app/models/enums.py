"""The domain's fixed values as StrEnums (ARCHITECTURE "Services"): compared by name in code, stored
as their plain text in the database (a StrEnum member equals its string)."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    PRACTITIONER = "practitioner"


class SessionStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELED = "canceled"
    MISSED = "missed"


class ParticipantStatus(StrEnum):
    """A client's place on a session. Only BOOKED rows are the session's clients (listed, charged,
    counted for conflicts and prepayment); the others stay as its history (SPEC 3.4, 0.4)."""

    BOOKED = "booked"
    REMOVED = "removed"  # taken off the session by staff or the practitioner
    CANCELED_BY_CLIENT = "canceled_by_client"
    DROPPED = "dropped"  # dropped from a class (SPEC 11.1)


class PrepaymentMode(StrEnum):
    OPEN = "open"  # SPEC 6.1
    THRESHOLD = "threshold"  # SPEC 6.2
    CREDIT = "credit"  # SPEC 6.4
    PACKAGE = "package"  # SPEC 6.3


class InvoiceStatus(StrEnum):
    """An invoice's status as shown (SPEC 9.1). Stored: draft, issued, cancelled; partly paid and paid
    are an issued invoice's allocations covering part or all of its total."""

    DRAFT = "draft"
    ISSUED = "issued"
    PARTLY_PAID = "partly paid"
    PAID = "paid"
    CANCELLED = "cancelled"


class Scope(StrEnum):
    """Which sessions of a series an edit, move or delete reaches (SPEC 3.4)."""

    THIS = "this"
    FOLLOWING = "following"
    ALL = "all"


class WarningCode(StrEnum):
    CONFLICT_PRACTITIONER = "conflict.practitioner"
    CONFLICT_CLIENT = "conflict.client"
    CONFLICT_LOCATION = "conflict.location"
    CLOSURE = "closure"
    PREPAYMENT_THRESHOLD = "prepayment.threshold"
    PREPAYMENT_CREDIT = "prepayment.credit"
    PREPAYMENT_PACKAGE = "prepayment.package"  # SPEC 6.3: nothing left of the client's packages
    ON_INVOICE = "completion.on_invoice"  # SPEC 9.1: the session is a line of an issued invoice
    NOT_ENDED = "completion.not_ended"  # SPEC 4.7: completed or missed before the session has ended
    CLASS_ENROLL_CLOSED = "class.enroll_closed"  # SPEC 11.1: enrolling after the enrollment deadline
    CLASS_DROP_CLOSED = "class.drop_closed"  # SPEC 11.1: dropping after the drop deadline
    CLASS_FULL = "class.full"  # every seat of the class taken (or held for a client offered it)


class MessageChannel(StrEnum):
    """How an outbox message goes out (SPEC 7.2)."""

    EMAIL = "email"
    SMS = "sms"


class MessageStatus(StrEnum):
    """An outbox message's state: queued -> sending -> sent or failed; a failed one can be sent again."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class MessagePurpose(StrEnum):
    """Why a message was queued (what the outbox shows and what a reminder run looks up)."""

    CANCELLATION = "cancellation"  # SPEC 7.1
    REMINDER = "reminder"  # SPEC 7.4
    INVOICE = "invoice"
    CARD_LINK = "card_link"  # SPEC 10.4: a page where the client saves a card
    RECEIPT = "receipt"  # a receipt for a card payment
    TEST = "test"  # Settings > Messages > Send a test message
    OTHER = "other"


class RequestStatus(StrEnum):
    """A client request's state (SPEC 1.4): pending until the front desk accepts it (a session is
    made) or declines it (with a reason)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class BillingInterval(StrEnum):
    """How often automatic invoicing runs (SPEC 10.1)."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class BillingResultStatus(StrEnum):
    """One client's result in an automatic invoicing run (SPEC 10.3)."""

    INVOICED = "invoiced"
    FAILED = "failed"  # nothing was made for the client; the reason is kept and Retry tries again

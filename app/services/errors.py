"""Typed errors every service raises; views turn them into messages."""
from __future__ import annotations

from dataclasses import dataclass


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""


class ValidationError(ServiceError):
    """Bad input. ``field`` names the form field, ``message`` says what is wrong with it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PermissionDenied(ServiceError):
    pass


class RuleViolation(ServiceError):
    """A business rule refuses the action and the actor may not override it."""


class NotFound(ServiceError):
    @classmethod
    def gone(cls, what: str) -> NotFound:
        """A record the user picked is not there (deleted meanwhile, perhaps at another desk)."""
        return cls(f"That {what} no longer exists; it may have been deleted at another workstation.")


class LoginFailed(ServiceError):
    pass


class Busy(ServiceError):
    """Another workstation held the practice's write lock for longer than the busy timeout.
    Nothing was changed; the same action can simply be tried again (SPEC 0.4)."""

    MESSAGE = ("Another workstation is saving to this practice right now, so nothing was changed. "
               "Please try again in a moment.")

    def __init__(self, message: str = MESSAGE):
        super().__init__(message)


@dataclass(frozen=True)
class Warning_:
    """A rule that staff may override (SPEC 2.5): ``code`` for tests, ``message`` for people.

    ``message`` is for the front desk. Where it says more than a practitioner may know (another
    practitioner's clients, a client's balance: SPEC 1.5), ``redacted`` says the same without it."""

    code: str
    message: str
    redacted: str | None = None
    hard: bool = False  # nobody may override it (SPEC 6.2: such a client "cannot be added")

    def for_viewer(self, front_desk: bool) -> Warning_:
        """The warning as the acting user may read it."""
        if front_desk or self.redacted is None:
            return self
        return Warning_(self.code, self.redacted, hard=self.hard)


def for_viewer(warnings, actor) -> list[Warning_]:
    """Warnings worded for ``actor``: practitioners get the redacted wording (SPEC 1.5)."""
    return [w.for_viewer(actor.is_front_desk) for w in warnings]


class NeedsConfirmation(ServiceError):
    """The action would break an overridable rule. Repeat the call with ``confirm=True``
    to go ahead; the acknowledgement is written to the audit log."""

    def __init__(self, warnings: list[Warning_]):
        super().__init__("; ".join(w.message for w in warnings))
        self.warnings = warnings

"""Input checks shared by the services. Each raises ValidationError naming the field (SPEC 0.5)."""
from __future__ import annotations

import re
from datetime import date

from .errors import ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def text(field: str, value, max_len: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    value = value.strip()
    if required and not value:
        raise ValidationError(field, "is required")
    if len(value) > max_len:
        raise ValidationError(field, f"is too long (at most {max_len} characters)")
    return value


def cents(field: str, value, allow_negative: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number of cents")
    if value < 0 and not allow_negative:
        raise ValidationError(field, "cannot be negative")
    if abs(value) > 10**11:
        raise ValidationError(field, "is implausibly large")
    return value


def whole(field: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    if not lo <= value <= hi:
        raise ValidationError(field, f"must be between {lo} and {hi}")
    return value


def choice(field: str, value, options) -> str:
    if value not in options:
        raise ValidationError(field, f"must be one of: {', '.join(options)}")
    return value


def email(field: str, value, required: bool = False) -> str:
    value = text(field, value, 254, required=required)
    if value and not _EMAIL.match(value):
        raise ValidationError(field, f"{value!r} is not an e-mail address")
    return value


def phone(field: str, value) -> str:
    value = text(field, value, 40, required=False)
    if value and not re.fullmatch(r"[0-9+()\-. ]{5,40}", value):
        raise ValidationError(field, "may hold only digits, spaces and + ( ) - .")
    return value


def color(field: str, value) -> str:
    if not isinstance(value, str) or not _COLOR.match(value):
        raise ValidationError(field, "must be a colour like #4a7fc1")
    return value.lower()


def a_date(field: str, value) -> date:
    if not isinstance(value, date):
        raise ValidationError(field, "must be a date")
    return value


def flag(field: str, value) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be yes or no")
    return value

"""Input checks shared by the services (SPEC 0.5). Each raises ValidationError naming the field in
plain words; a service calls them before it writes anything, so bad input changes nothing.

Types are checked, not coerced: an id is an ``int`` (not a bool, a str or a list), a list of ids a
list or tuple of such ints, a date a ``date`` (not a ``datetime``), a time a ``datetime``, a yes/no a
``bool``; years lie within 1900-2200, amounts are whole minor units of the practice currency up to
SPEC 0.1's maximum (``money.amounts.max_amount``).
"""
from __future__ import annotations

import re
from datetime import date, datetime

from .errors import ValidationError

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_YEAR, MAX_YEAR = 1900, 2200
# ids are INTEGER columns: 64-bit on SQLite, 32-bit on PostgreSQL, where a larger number in a query
# is a database error ("integer out of range") rather than "not found"; no practice reaches it
MAX_ID = 2**31 - 1
MAX_IDS = 5000  # ids in one call (list checkboxes, filters)
MIN_PASSWORD, MAX_PASSWORD = 8, 1024


def _storable(field: str, value: str) -> str:
    """Text SQLite and the hashes can take: no NUL character, no unpaired surrogate."""
    if "\x00" in value:
        raise ValidationError(field, "contains a character that cannot be stored")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(field, "contains a character that cannot be stored") from exc
    return value


def text(field: str, value, max_len: int, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    value = _storable(field, value.strip())
    if required and not value:
        raise ValidationError(field, "is required")
    if len(value) > max_len:
        raise ValidationError(field, f"is too long (at most {max_len} characters)")
    return value


def amount(field: str, value, currency: str = "USD", allow_negative: bool = False) -> int:
    """A whole number of the currency's minor units (cents; yen; fils), at most the SPEC 0.1 maximum."""
    from .money.amounts import format_money, max_amount

    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole amount of money (no fractions of a cent)")
    if value < 0 and not allow_negative:
        raise ValidationError(field, "cannot be negative")
    top = max_amount(currency)
    if abs(value) > top:
        raise ValidationError(field, f"is too large (at most {format_money(top, currency)})")
    return value


def cents(field: str, value, allow_negative: bool = False, currency: str | None = None) -> int:
    """The older name of ``amount``. Without a currency only the type, the sign and a bound no
    currency exceeds are checked; services check the practice maximum with ``practice_amount``."""
    if currency is not None:
        return amount(field, value, currency, allow_negative)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole amount of money (no fractions of a cent)")
    if value < 0 and not allow_negative:
        raise ValidationError(field, "cannot be negative")
    if abs(value) > 10**11:
        raise ValidationError(field, "is too large")
    return value


def practice_amount(field: str, value, practice, allow_negative: bool = False) -> int:
    """``amount`` in the practice's currency."""
    return amount(field, value, practice.settings().get("currency", "USD"), allow_negative)


def whole(field: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    if not lo <= value <= hi:
        raise ValidationError(field, f"must be between {lo} and {hi}")
    return value


def an_id(field: str, value) -> int:
    """A record chosen from a list: a positive int (a bool, a str or a list is not one)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValidationError(field, "is not one of the choices (choose it from the list)")
    return value


def optional_id(field: str, value) -> int | None:
    return None if value is None else an_id(field, value)


def ids(field: str, value, required: bool = False) -> tuple[int, ...]:
    """A list or tuple of ids, in order, each once. ``None`` is an empty list."""
    if value is None:
        value = ()
    if not isinstance(value, (list, tuple)):
        raise ValidationError(field, "must be a list of choices")
    if len(value) > MAX_IDS:
        raise ValidationError(field, f"too many chosen (at most {MAX_IDS})")
    out = tuple(dict.fromkeys(an_id(field, v) for v in value))
    if required and not out:
        raise ValidationError(field, "choose at least one")
    return out


def choice(field: str, value, options) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValidationError(field, f"must be one of: {', '.join(options)}")
    return value


def choices(field: str, value, options) -> tuple[str, ...]:
    """A list or tuple of values from ``options`` (e.g. statuses in a filter)."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or len(value) > len(options):
        raise ValidationError(field, f"must be a list of: {', '.join(options)}")
    return tuple(dict.fromkeys(choice(field, v, options) for v in value))


def email(field: str, value, required: bool = False) -> str:
    value = text(field, value, 254, required=required)
    if value and not _EMAIL.match(value):
        raise ValidationError(field, f"{value[:60]!r} is not an e-mail address")
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


def _year(field: str, value: date) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(field, f"must be a year between {MIN_YEAR} and {MAX_YEAR}")


def a_date(field: str, value) -> date:
    """A calendar date: a ``date`` and not a ``datetime`` (a time of day would be ignored silently)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(field, "must be a date (without a time of day)")
    _year(field, value)
    return value


def optional_date(field: str, value) -> date | None:
    return None if value is None else a_date(field, value)


def a_datetime(field: str, value) -> datetime:
    """A date and time, naive (practice wall-clock time) or aware, in the years 1900-2200."""
    if not isinstance(value, datetime):
        raise ValidationError(field, "must be a date and time")
    _year(field, value)
    if value.tzinfo is not None:
        try:
            offset = value.utcoffset()
        except (TypeError, ValueError, OverflowError) as exc:  # a broken tzinfo
            raise ValidationError(field, "has a time zone that cannot be read") from exc
        if offset is None:
            raise ValidationError(field, "has a time zone that cannot be read")
    return value


def flag(field: str, value) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be yes or no")
    return value


def weekdays(field: str, value) -> tuple[int, ...]:
    """Days of the week as whole numbers 0 (Monday) to 6 (Sunday); sorted, each once."""
    if not isinstance(value, (list, tuple)):
        raise ValidationError(field, "must be a list of days")
    for d in value:
        if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6:
            raise ValidationError(field, "days are 0 (Monday) to 6 (Sunday)")
    days = tuple(sorted(set(value)))
    if not days:
        raise ValidationError(field, "choose at least one day")
    return days


def password(field: str, value) -> str:
    """A new password: text of 8+ characters that are not all spaces (SPEC 1.2)."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    if not value.strip():
        raise ValidationError(field, "cannot be blank or only spaces")
    if len(value) < MIN_PASSWORD:
        raise ValidationError(field, f"must have at least {MIN_PASSWORD} characters")
    if len(value) > MAX_PASSWORD:
        raise ValidationError(field, f"is too long (at most {MAX_PASSWORD} characters)")
    return _storable(field, value)


def given_password(field: str, value) -> str:
    """A password typed to prove who one is (not checked for strength, only for type)."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    if len(value) > MAX_PASSWORD:
        raise ValidationError(field, f"is too long (at most {MAX_PASSWORD} characters)")
    return _storable(field, value)


def currency(field: str, value) -> str:
    """An ISO 4217 code babel knows (it must also know the code's number of decimals)."""
    from babel.numbers import list_currencies

    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value) or value not in list_currencies():
        shown = repr(value[:20]) if isinstance(value, str) else "this"
        raise ValidationError(field, f"{shown} is not a currency code like USD, EUR or JPY")
    return value


def locale(field: str, value) -> str:
    """A locale babel has data for, spelled as babel spells it (``en_US``, ``de_DE``, ``pl``)."""
    from babel import Locale, UnknownLocaleError
    from babel.core import localedata

    shown = repr(value[:20]) if isinstance(value, str) else "this"
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8}){0,3}", value):
        raise ValidationError(field, f"{shown} is not a language and region like en_US or de_DE")
    try:
        known = localedata.exists(value) and str(Locale.parse(value)) == value
    except (UnknownLocaleError, ValueError, TypeError):
        known = False
    if not known:
        raise ValidationError(field, f"{shown} is not a known language and region")
    return value


def timezone(field: str, value) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        if not isinstance(value, str) or not value or len(value) > 64 or "\x00" in value:
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:
        shown = repr(value[:40]) if isinstance(value, str) else "this"
        raise ValidationError(field, f"{shown} is not an IANA time zone") from exc
    return value


def form(field: str, value, cls):
    """The input dataclass a service takes (``ClientInput``, ``ServiceInput`` ...), not a dict or None."""
    if not isinstance(value, cls):
        raise ValidationError(field, "is missing or not filled in as expected")
    return value


def limit_offset(limit, offset) -> None:
    """Paging arguments of list reads: ``limit`` None or 1-100,000, ``offset`` 0 or more."""
    if limit is not None:
        whole("page size", limit, 1, 100_000)
    whole("page start", offset, 0, 2**62)


def moment(field: str, value, tz) -> datetime:
    """``a_datetime`` made aware: a naive value is the practice's wall-clock time in ``tz``."""
    value = a_datetime(field, value)
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def a_path(field: str, value):
    """A file name: text or a path object, not empty, no NUL character."""
    import os

    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip() or len(value) > 4096:
        raise ValidationError(field, "must be the name of a file")
    return _storable(field, value)

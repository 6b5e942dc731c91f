"""Money as integer minor units of the practice currency (SPEC 0.1): half-up percentages, exact splits, display via babel."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Formatting lives in the neutral app.money_format so that app/documents (which imports no
# services) prints amounts exactly as the app shows them; re-exported here for services and views.
from ...money_format import currency_digits, format_money


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers only."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


def percent_of(cents: int, percent: int) -> int:
    """``percent`` % of ``cents``, half-up to the cent: percent_of(8000, 50) == 4000."""
    return div_half_up(cents * percent, 100)


def prorate_hourly(cents_per_hour: int, minutes: int) -> int:
    """An hourly rate for ``minutes`` minutes, half-up to the cent (SPEC 2.6)."""
    return div_half_up(cents_per_hour * minutes, 60)


def split_exact(total: int, parts: int) -> list[int]:
    """``total`` cents in ``parts`` amounts that differ by at most a cent and add up to it."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


MAX_MAJOR_UNITS = 10_000_000  # SPEC 0.1: one amount is at most 10,000,000.00 in major units


def max_amount(currency: str = "USD") -> int:
    """SPEC 0.1's largest amount in the currency's minor units: 10,000,000 major units."""
    return MAX_MAJOR_UNITS * 10 ** currency_digits(currency)


def parse_amount(text: str, locale: str = "en_US", currency: str = "USD") -> int:
    """Typed text -> minor units of ``currency``, read in the practice ``locale``: en_US '80',
    '80.5', '1,234.56'; de_DE '80,50', '1.234,56'; JPY '1,200' (no decimals); KWD '1.250'.

    Only plain digits, the locale's grouping and decimal marks, one leading minus and a currency
    symbol are read: '1e3', 'NaN', 'inf', '--5', '1_000' and full-width digits are refused, never
    interpreted. Grouping is checked strictly, so a decimal comma typed in an en_US practice
    ('80,50') is refused instead of read as 8050. More decimals than the currency has, or more
    than SPEC 0.1's maximum, is refused. Raises ValueError with a plain message on bad text."""
    from babel.numbers import (
        NumberFormatError,
        get_currency_symbol,
        get_decimal_symbol,
        get_group_symbol,
        parse_decimal,
    )

    if not isinstance(text, str):
        raise ValueError("type an amount")
    digits = currency_digits(currency)
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    example = "80" if digits == 0 else f"80{decimal}{'50'.ljust(digits, '0')[:digits]}"
    shown = text.strip()[:30]
    cleaned = text.strip()
    for symbol in sorted({get_currency_symbol(currency, locale), currency, "$", "€", "£", "¥", "￥"},
                         key=len, reverse=True):
        cleaned = cleaned.replace(symbol, "", 1) if cleaned.startswith(symbol) or cleaned.endswith(symbol) \
            else cleaned
    cleaned = cleaned.strip().replace("\u200f", "").replace("\u200e", "")
    if group.isspace():  # fr_FR groups with a narrow no-break space; people type a plain one
        cleaned = re.sub(r"\s", group, cleaned)
    else:
        cleaned = re.sub(r"\s", "", cleaned)
    marks = re.escape(decimal + group)
    if not re.fullmatch(rf"-?[0-9][0-9{marks}]*", cleaned):
        raise ValueError(f"{shown!r} is not an amount (type it like {example})")
    try:
        value = parse_decimal(cleaned, locale, strict=True)
    except (NumberFormatError, ValueError, ArithmeticError) as exc:
        raise ValueError(f"{shown!r} is not an amount (type it like {example})") from exc
    if not value.is_finite():  # NaN, Infinity: Decimal accepts them, money does not
        raise ValueError(f"{shown!r} is not an amount (type it like {example})")
    try:
        exact = value == value.quantize(Decimal(1).scaleb(-digits))
    except InvalidOperation as exc:  # beyond Decimal's precision
        raise ValueError(f"{shown!r} is not an amount (type it like {example})") from exc
    if not exact:
        raise ValueError("this currency has no decimals" if digits == 0
                         else f"amounts have at most {digits} decimals")
    if abs(value) > MAX_MAJOR_UNITS:
        raise ValueError(f"{shown} is more than the largest amount allowed, "
                         f"{format_money(max_amount(currency), currency, locale)}")
    return int(value.scaleb(digits).to_integral_value(rounding=ROUND_HALF_UP))

"""Money as integer cents (SPEC 0.1): half-up percentages, exact splits, display via babel."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


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


def parse_amount(text: str, locale: str = "en_US") -> int:
    """Typed text -> cents, read in the practice ``locale``: en_US '80', '80.5', '1,234.56';
    de_DE '80,50', '1.234,56'. Grouping is checked strictly, so a decimal comma typed in an
    en_US practice ('80,50') is refused instead of read as 8050. Raises ValueError on bad text."""
    from babel.numbers import NumberFormatError, get_decimal_symbol, get_group_symbol, parse_decimal

    group = get_group_symbol(locale)
    cleaned = text.strip().strip("$€£").strip()
    if group.isspace():  # fr_FR groups with a narrow no-break space; people type a plain one
        cleaned = re.sub(r"\s", group, cleaned)
    else:
        cleaned = re.sub(r"\s", "", cleaned)
    try:
        value = parse_decimal(cleaned, locale, strict=True)
    except (NumberFormatError, ValueError, ArithmeticError) as exc:
        example = f"80{get_decimal_symbol(locale)}50"
        raise ValueError(f"{text.strip()!r} is not an amount (type it like {example})") from exc
    if not value.is_finite():  # NaN, Infinity: Decimal accepts them, money does not
        raise ValueError(f"not an amount: {text!r}")
    try:
        exact = value == value.quantize(Decimal("0.01"))
    except InvalidOperation as exc:  # beyond Decimal's precision, e.g. '1e400'
        raise ValueError(f"not an amount: {text!r}") from exc
    if not exact:
        raise ValueError("amounts have at most two decimals")
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_money(cents: int, currency: str = "USD", locale: str = "en_US") -> str:
    from babel.numbers import format_currency

    return format_currency(Decimal(cents) / 100, currency, locale=locale)

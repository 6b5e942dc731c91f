"""Money as integer cents (SPEC 0.1): half-up percentages, exact splits, display via babel."""
from __future__ import annotations

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


def parse_amount(text: str) -> int:
    """'80', '80.5', '1,234.56' -> cents. Raises ValueError on anything else."""
    cleaned = text.strip().replace(",", "").replace(" ", "").lstrip("$€£")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
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

"""Showing money: integer minor units of a currency written in a locale (SPEC 0.1), with babel.

This is the one pure formatting helper that both the money services and the printed documents
need. It lives here, beside the layers rather than inside ``app/services/money``, because
``app/documents`` must import no services (ARCHITECTURE.md): a PDF formats the amounts it is
given, and it has to format them exactly as the rest of the app does. ``app.services.money.amounts``
re-exports both functions, so callers in services and views keep importing them from there.
Nothing here reads a practice, a database or Qt.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache


@lru_cache(maxsize=64)
def currency_digits(currency: str = "USD") -> int:
    """How many minor-unit digits the currency has (babel): USD 2, JPY 0, KWD 3."""
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


@lru_cache(maxsize=64)
def babel_locale(locale: str):
    """The parsed babel ``Locale`` for an identifier such as 'de_DE', parsed once: babel formats
    about three times faster from the object than from the string (a PDF formats dozens)."""
    from babel import Locale

    return Locale.parse(locale)


def format_money(cents: int, currency: str = "USD", locale: str = "en_US") -> str:
    """Minor units of ``currency`` shown in ``locale`` (babel): 12000 USD -> '$120.00'; 1200 JPY -> '¥1,200'.

    babel separates some symbols with a no-break space (de_DE: '1.234,50\\xa0€'; STACK.md trap 10)."""
    from babel.numbers import format_currency

    return format_currency(Decimal(cents).scaleb(-currency_digits(currency)), currency,
                           locale=babel_locale(locale))


def format_money_short(cents: int, currency: str = "USD", locale: str = "en_US") -> str:
    """An amount rounded for a chart's axis, in ``locale``'s short form (babel): 1250000 USD cents
    -> '$12.5K'; 250000 EUR cents in de_DE -> '2500\\xa0€'; 0 -> '$0'."""
    from babel.numbers import format_compact_currency

    return format_compact_currency(Decimal(cents).scaleb(-currency_digits(currency)), currency,
                                   locale=babel_locale(locale), fraction_digits=1)

"""Money helpers (SPEC 0.1): integer cents, half-up percentages, exact splits, parsing, display."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.money.amounts import (
    div_half_up,
    format_money,
    parse_amount,
    percent_of,
    prorate_hourly,
    split_exact,
)

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("num", "den", "expected"), [
    (10, 4, 3),     # 2.5 -> 3 (half goes up, not to even)
    (14, 4, 4),     # 3.5 -> 4
    (9, 4, 2),      # 2.25 -> 2
    (11, 4, 3),     # 2.75 -> 3
    (0, 7, 0),
    (-10, 4, -3),   # half away from zero
    (-9, 4, -2),
])
def test_div_half_up(num, den, expected):
    # SPEC 0.1
    assert div_half_up(num, den) == expected
    assert isinstance(div_half_up(num, den), int)


@pytest.mark.parametrize("den", [0, -3])
def test_div_half_up_rejects_non_positive_denominator(den):
    # SPEC 0.1
    with pytest.raises(ValueError):
        div_half_up(10, den)


@pytest.mark.parametrize(("cents", "percent", "expected"), [
    (8000, 50, 4000),   # SPEC 4.4 example
    (4000, 50, 2000),
    (1, 50, 1),         # 0.5 cent -> 1
    (3, 50, 2),         # 1.5 cents -> 2
    (5, 50, 3),         # 2.5 cents -> 3 (banker's rounding would give 2)
    (1999, 15, 300),    # 299.85 -> 300
    (1001, 10, 100),    # 100.1 -> 100
    (8000, 0, 0),
    (8000, 150, 12000),
])
def test_percent_of_rounds_half_up(cents, percent, expected):
    # SPEC 0.1
    assert percent_of(cents, percent) == expected


@pytest.mark.parametrize(("rate", "minutes", "expected"), [
    (8000, 60, 8000),
    (8000, 30, 4000),
    (8000, 50, 6667),   # 6666.67
    (8000, 45, 6000),
    (100, 1, 2),        # 1.666.. -> 2
    (6, 5, 1),          # 0.5 -> 1
    (8000, 90, 12000),
])
def test_prorate_hourly(rate, minutes, expected):
    # SPEC 2.6 / 0.1
    assert prorate_hourly(rate, minutes) == expected


def test_split_exact_examples():
    # SPEC 0.1 / 6.3: cents distributed so the parts add up exactly
    assert split_exact(10000, 3) == [3334, 3333, 3333]
    assert split_exact(100, 4) == [25, 25, 25, 25]
    assert split_exact(2, 5) == [1, 1, 0, 0, 0]
    assert split_exact(0, 2) == [0, 0]


@pytest.mark.parametrize("parts", [0, -1])
def test_split_exact_rejects_bad_parts(parts):
    # SPEC 0.1
    with pytest.raises(ValueError):
        split_exact(100, parts)


@settings(deadline=None)  # no timing checks in tests
@given(total=st.integers(min_value=-10**9, max_value=10**9), parts=st.integers(min_value=1, max_value=500))
def test_split_exact_adds_up_and_differs_by_at_most_a_cent(total, parts):
    # SPEC 0.1 / 6.3 (property)
    out = split_exact(total, parts)
    assert len(out) == parts
    assert sum(out) == total
    assert max(out) - min(out) <= 1
    assert all(isinstance(x, int) for x in out)


@settings(deadline=None)
@given(cents=st.integers(min_value=0, max_value=10**9), percent=st.integers(min_value=0, max_value=1000))
def test_percent_of_is_the_nearest_cent_half_up(cents, percent):
    # SPEC 0.1 (property): within half a cent of the exact value, ties go up
    got = percent_of(cents, percent)
    exact_x2 = 2 * cents * percent  # 200 x the exact value, in integers
    assert 100 * (2 * got - 1) <= exact_x2 < 100 * (2 * got + 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("80", 8000),
    ("80.5", 8050),
    ("80.50", 8050),
    ("0.01", 1),
    ("1,234.56", 123456),
    ("$1,234.56", 123456),
    ("  7 ", 700),
    ("€12", 1200),
    ("-5", -500),
    ("0", 0),
])
def test_parse_amount_good(text, expected):
    # SPEC 0.1 / 0.5
    got = parse_amount(text)
    assert got == expected
    assert isinstance(got, int)


@pytest.mark.parametrize("text", ["", "   ", "abc", "12.345", "1.2.3", "12abc", "NaN", "Infinity", "-inf",
                                  "1e400", "sNaN", "$"])
def test_parse_amount_bad_input_raises_value_error(text):
    # SPEC 0.5: bad input is a ValueError the money field can show, never another exception type
    with pytest.raises(ValueError):
        parse_amount(text)


def test_format_money_default_usd():
    # SPEC 0.1: display uses the practice currency and locale
    assert format_money(123456) == "$1,234.56"
    assert format_money(5) == "$0.05"
    assert format_money(0) == "$0.00"
    assert format_money(-5) == "-$0.05"


def test_format_money_other_locales_use_non_breaking_spaces():
    # SPEC 0.1: babel puts (narrow) no-break spaces between the number and the symbol
    assert format_money(123456, "EUR", "de_DE") == f"1.234,56{NBSP}€"
    assert format_money(123456, "EUR", "fr_FR") == f"1{NNBSP}234,56{NBSP}€"
    assert format_money(8000, "GBP", "en_GB") == "£80.00"


@pytest.mark.parametrize(("cents", "currency", "locale", "text"), [
    (0, "USD", "en_US", "$0"), (25000, "USD", "en_US", "$250"), (1250000, "USD", "en_US", "$12.5K"),
    (-500000, "GBP", "en_GB", "-£5K"), (250000, "EUR", "fr_FR", "2,5\xa0k\xa0€"), (120000, "JPY", "ja_JP", "￥12万"),
])
def test_spec_9_4_short_amounts_for_chart_axes(cents, currency, locale, text):
    from app.money_format import format_money_short

    assert format_money_short(cents, currency, locale) == text

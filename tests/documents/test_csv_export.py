"""Reports as CSV (SPEC 9.4): a header row, amounts as plain decimals with the currency's digits,
ISO dates, text as it is (commas, quotes, line breaks and accents survive a round trip)."""
from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.documents.csv_export import Amount, plain_amount, read_csv, write_csv


@pytest.mark.parametrize(("cents", "currency", "text"), [
    (123450, "USD", "1234.50"), (-8000, "USD", "-80.00"), (5, "EUR", "0.05"), (0, "USD", "0.00"),
    (1200, "JPY", "1200"), (1234567, "KWD", "1234.567"), (-1, "EUR", "-0.01"),
])
def test_spec_9_4_amounts_are_plain_decimals_with_the_currency_digits(cents, currency, text):
    assert plain_amount(cents, currency) == text


def test_spec_9_4_a_file_reads_back_as_written(tmp_path):
    path = tmp_path / "report.csv"
    at = datetime(2026, 3, 4, 10, 30, tzinfo=ZoneInfo("America/New_York"))
    n = write_csv(path, ["Client", "Day", "At", "Sessions", "Balance"], [
        ["Łucja Źdźbło-Muñoz", date(2026, 3, 1), at, 3, Amount(-123450)],
        ['Smith, "Bo"\nJr.', None, None, 0, Amount(7)],
    ], currency="EUR")
    assert n == 2
    assert read_csv(path) == [["Client", "Day", "At", "Sessions", "Balance"],
                              ["Łucja Źdźbło-Muñoz", "2026-03-01", "2026-03-04T10:30-05:00", "3", "-1234.50"],
                              ['Smith, "Bo"\nJr.', "", "", "0", "0.07"]]


def test_a_failed_export_leaves_no_half_file(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("the earlier export\n")

    def rows():
        yield ["a"]
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_csv(path, ["x"], rows())
    assert path.read_text() == "the earlier export\n"
    assert os.listdir(tmp_path) == ["report.csv"]

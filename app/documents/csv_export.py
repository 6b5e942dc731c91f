"""Reports as CSV files (SPEC 9.4: each report exportable to CSV), with the standard library's csv.

A file is a header row, then one row per table row, as a spreadsheet reads it back without help:
amounts as plain decimal numbers with the currency's digits and a point ('1234.50', '-80.00', JPY
'1200'; never '$1,234.50' or '1.234,50 €'), dates and times in ISO 8601, counts as integers, text
as it is. The caller says which cells are amounts by wrapping them in ``Amount``; this module reads
no practice and no service (ARCHITECTURE.md: documents import none).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ..money_format import currency_digits


@dataclass(frozen=True)
class Amount:
    """An amount in minor units of the file's currency."""

    cents: int


def plain_amount(cents: int, currency: str = "USD") -> str:
    """12345 USD -> '123.45'; -8000 -> '-80.00'; 1200 JPY -> '1200'; 1234567 KWD -> '1234.567'."""
    digits = currency_digits(currency)
    return f"{Decimal(int(cents)).scaleb(-digits):.{digits}f}"


def cell_text(value: object, currency: str = "USD") -> str:
    if value is None:
        return ""
    if isinstance(value, Amount):
        return plain_amount(value.cents, currency)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]],
              currency: str = "USD") -> int:
    """Writes ``header`` and ``rows`` to ``path`` (UTF-8, spreadsheet line ends); returns how many
    rows (the header not counted). The file appears whole or not at all: it is written beside the
    target and renamed over it, so a failed export never leaves half a report behind."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    n = 0
    try:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(header)
            for row in rows:
                out.writerow([cell_text(v, currency) for v in row])
                n += 1
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return n


def read_csv(path: str | Path) -> list[list[str]]:
    """The rows of a file written by ``write_csv``, header first (for tests and checks)."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))

"""The table model every report shows (SPEC 9.4): rows from a service call with declared columns,
amounts right-aligned in the practice's currency and locale, and a bold totals row at the end.

The same column declarations give what a cell shows and what its CSV export holds
(``export_rows``), so a file always has exactly the table's rows, totals row included. The model
never touches the database; its owner hands it rows.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ...documents.csv_export import Amount

NEGATIVE = QColor("#c53030")
TOTAL_BACKGROUND = QColor("#edf2f7")
_ROOT = QModelIndex()
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class ReportColumn:
    title: str
    value: Callable[[object], object]  # the raw cell: text, a count, a date or datetime, or cents if ``money``
    money: bool = False  # minor units of the practice currency: formatted, right-aligned, red below zero
    total: bool = False  # summed on the totals row
    number: bool = False  # a count: right-aligned
    stretch: bool = False  # takes the table's spare width (records_table)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class ReportModel(QAbstractTableModel):
    """``rows`` are the service's rows; the totals row (if any column totals and there are rows)
    comes after them and is not in ``rows``: ``row_at`` gives None for it."""

    def __init__(self, columns: Sequence[ReportColumn], money: Callable[[int], str], parent=None,
                 total_label: str = "Total"):
        super().__init__(parent)
        self.columns = list(columns)
        self.money = money
        self.total_label = total_label
        self.rows: list = []
        self.totals: list[object] | None = None

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.totals = None
        if self.rows and any(c.total for c in self.columns):
            self.totals = [sum(int(c.value(r)) for r in self.rows) if c.total else None for c in self.columns]
            self.totals[0] = self.total_label
        self.endResetModel()

    def row_at(self, row: int):
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def is_total(self, row: int) -> bool:
        return self.totals is not None and row == len(self.rows)

    def raw(self, row: int, column: int) -> object:
        if self.is_total(row):
            return self.totals[column]
        return self.columns[column].value(self.rows[row])

    def text(self, row: int, column: int) -> str:
        value = self.raw(row, column)
        if self.columns[column].money and value is not None and not isinstance(value, str):
            return self.money(int(value))
        return _shown(value)

    # Qt ------------------------------------------------------------------------------------------
    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.rows) + (self.totals is not None)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        col = self.columns[c]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, c)
        if role == Qt.ItemDataRole.TextAlignmentRole and (col.money or col.number):
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col.money:
            value = self.raw(r, c)
            return NEGATIVE if isinstance(value, int) and value < 0 else None
        if role == Qt.ItemDataRole.FontRole and self.is_total(r):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and self.is_total(r):
            return TOTAL_BACKGROUND
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt name)
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                col = self.columns[section]
                return _RIGHT if col.money or col.number else None
        return None

    # export --------------------------------------------------------------------------------------
    def header(self) -> list[str]:
        return [c.title for c in self.columns]

    def export_rows(self) -> list[list[object]]:
        """Every table row, totals row last, as ``csv_export.write_csv`` takes them."""
        out = []
        for r in range(self.rowCount()):
            row = []
            for c, col in enumerate(self.columns):
                value = self.raw(r, c)
                row.append(Amount(int(value)) if col.money and isinstance(value, int) else value)
            out.append(row)
        return out

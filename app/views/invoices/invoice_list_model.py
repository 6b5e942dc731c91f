"""The invoices list's table model, read in keyset pages (ARCHITECTURE "Views"): the first page when
the list is (re)loaded, the next one when the view scrolls near the end (``canFetchMore`` /
``fetchMore``). It calls no service: the owner hands it ``fetch(after) -> list[InvoiceRow]``, newest
first, ``after`` the last row's id (``invoices.list_invoices``).

Columns: number, client, issue date, due date, total, paid, due, status. An overdue invoice's due
date and status are red and its status says "overdue"; a cancelled one is grey and names its
credit note (tooltip); a draft shows "Draft" for its number and the days it covers as a tooltip.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from ...models.enums import InvoiceStatus
from ...services.errors import ServiceError
from ...services.money.invoices import InvoiceRow

_ROOT = QModelIndex()
PAGE = 200
NUMBER, CLIENT, ISSUED, DUE_DATE, TOTAL, PAID, DUE, STATUS = range(8)
HEADERS = ("Number", "Client", "Issue date", "Due date", "Total", "Paid", "Due", "Status")
MONEY_COLUMNS = frozenset((TOTAL, PAID, DUE))
ID_ROLE = Qt.ItemDataRole.UserRole  # the invoice's id
_DISPLAY, _TOOLTIP, _ALIGN, _FOREGROUND, _ID = (
    int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole,
                     Qt.ItemDataRole.ForegroundRole, ID_ROLE))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
RED, GREY, GREEN, AMBER = QColor("#c53030"), QColor("#718096"), QColor("#2f855a"), QColor("#b7791f")
STATUS_COLOR = {InvoiceStatus.DRAFT: GREY, InvoiceStatus.PAID: GREEN, InvoiceStatus.PARTLY_PAID: AMBER,
                InvoiceStatus.CANCELLED: GREY}


def day_text(d: date | None) -> str:
    return f"{d:%d %b %Y}" if d else ""


def status_text(status: str, overdue: bool = False) -> str:
    """'Partly paid', 'Issued, overdue'."""
    text = str(status).capitalize()
    return f"{text}, overdue" if overdue else text


def status_color(status: str, overdue: bool = False) -> QColor | None:
    return RED if overdue else STATUS_COLOR.get(status)


class InvoiceListModel(QAbstractTableModel):
    failed = Signal(object)  # a ServiceError raised while reading a page

    def __init__(self, money: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.money = money
        self.rows: list[InvoiceRow] = []
        self._cells: list[tuple[str, ...] | None] = []
        self._fetch: Callable | None = None
        self._more = False

    # --- loading ------------------------------------------------------------------------------
    def load(self, fetch: Callable[[int | None], list[InvoiceRow]]) -> None:
        """Start again from the first page of ``fetch``."""
        self.beginResetModel()
        self._fetch, self.rows, self._cells, self._more = fetch, [], [], False
        self.endResetModel()
        self._fetch_page(None)

    def canFetchMore(self, parent=_ROOT) -> bool:  # noqa: N802 (Qt name)
        return not parent.isValid() and self._more

    def fetchMore(self, parent=_ROOT) -> None:  # noqa: N802 (Qt name)
        if not parent.isValid() and self._more and self.rows:
            self._fetch_page(self.rows[-1].id)

    def _fetch_page(self, after: int | None) -> None:
        if self._fetch is None:
            return
        try:
            page = self._fetch(after)
        except ServiceError as exc:
            self._more = False
            self.failed.emit(exc)
            return
        self._more = len(page) >= PAGE
        if not page:
            return
        start = len(self.rows)
        self.beginInsertRows(_ROOT, start, start + len(page) - 1)
        self.rows.extend(page)
        self._cells.extend([None] * len(page))
        self.endInsertRows()

    @property
    def complete(self) -> bool:
        return not self._more

    def row_of(self, invoice_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == invoice_id), None)

    # --- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=_DISPLAY):
        row, col = index.row(), index.column()
        if not 0 <= row < len(self.rows) or not 0 <= col < len(HEADERS):
            return None
        r = self.rows[row]
        if role == _DISPLAY:
            return (self._cells[row] or self._texts(row))[col]
        if role == _ALIGN:
            return _RIGHT if col in MONEY_COLUMNS else None
        if role == _FOREGROUND:
            if col == STATUS:
                return status_color(r.status, r.overdue)
            if col == DUE_DATE and r.overdue:
                return RED
            if r.status == InvoiceStatus.CANCELLED:
                return GREY
            return None
        if role == _TOOLTIP:
            if col == STATUS and r.credit_note_number:
                return f"Cancelled by credit note {r.credit_note_number}"
            if col in (NUMBER, ISSUED) and r.number is None:
                return (f"A draft for {day_text(r.period_first)} \u2013 {day_text(r.period_last)}: no number or "
                        "issue date until it is issued")
            if col == DUE_DATE and r.overdue:
                return "Overdue: the due date has passed and it is not fully paid"
            return None
        if role == _ID:
            return r.id
        return None

    def _texts(self, row: int) -> tuple[str, ...]:
        r = self.rows[row]
        if r.number is None:
            number, issued = "Draft", ""
        else:
            number, issued = r.number, day_text(r.issue_date)
        paid = self.money(r.allocated_cents) if r.allocated_cents else ""
        owed = r.number is not None and r.status != InvoiceStatus.CANCELLED
        due = self.money(r.amount_due_cents) if owed else ""
        cells = (number, r.client_name, issued, day_text(r.due_date), self.money(r.total_cents), paid, due,
                 status_text(r.status, r.overdue))
        self._cells[row] = cells
        return cells

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt name)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in MONEY_COLUMNS:
            return _RIGHT
        return None

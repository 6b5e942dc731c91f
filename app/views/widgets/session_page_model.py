"""A table model over a sessions list read in keyset pages (ARCHITECTURE "Views"): the first page
is loaded when the list is (re)loaded, the next one when the view scrolls near the end
(``canFetchMore``/``fetchMore``). Column 0 is a check box per row; the checked sessions are kept
by id, so a group session listed under each of its clients is checked everywhere at once.

``data()`` is called for every role of every visible cell at each paint, so it does little: a
row's texts and colour are worked out once, the first time the row is painted, and kept.

It calls no service itself: the owner hands it a ``fetch(after) -> SessionPage`` function.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from ...services.errors import ServiceError
from .rows_model import Column

_ROOT = QModelIndex()
CHECK = 0  # the check-box column
CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked
_DISPLAY, _TOOLTIP, _ALIGN, _FOREGROUND, _CHECK_STATE = (
    int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole,
                     Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.CheckStateRole))
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _ALIGN, _FOREGROUND, _CHECK_STATE))  # the others: None at once
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
TOOLTIP_OVER = 24  # a cell's text longer than this also shows whole as its tooltip


class SessionPageModel(QAbstractTableModel):
    checked_changed = Signal()
    sort_requested = Signal(int, bool)  # column, descending: the owner reloads in that order
    failed = Signal(object)  # a ServiceError raised while fetching a page

    def __init__(self, columns: Sequence[Column], sortable: Iterable[int] = (), parent=None):
        """``sortable``: the data columns (0 = the first after the check box) a header click sorts by."""
        super().__init__(parent)
        self.columns = list(columns)
        self.sortable = {c + 1 for c in sortable}
        self.rows: list = []
        self._cells: list = []  # per row: None until first painted, then (texts, colour)
        self._align = [None] + [_RIGHT if c.align_right else None for c in self.columns]
        self.checked: set[int] = set()
        self._fetch: Callable | None = None
        self._next = None
        self._rows_of: dict[int, list[int]] = {}

    # --- loading ------------------------------------------------------------------------------
    def load(self, fetch: Callable) -> None:
        """Start again from the first page of ``fetch``; the checks are cleared."""
        self.beginResetModel()
        self._fetch, self.rows, self._cells, self._next, self._rows_of = fetch, [], [], None, {}
        self.checked.clear()
        self.endResetModel()
        self._fetch_page(first=True)
        self.checked_changed.emit()

    def canFetchMore(self, parent=_ROOT) -> bool:  # noqa: N802 (Qt name)
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent=_ROOT) -> None:  # noqa: N802 (Qt name)
        if not parent.isValid() and self._next is not None:
            self._fetch_page(first=False)

    def fetch_until(self, row: int) -> None:
        """Load pages until ``row`` exists or the list ends (a jump far down)."""
        while row >= len(self.rows) and self._next is not None:
            self._fetch_page(first=False)

    def _fetch_page(self, first: bool) -> None:
        if self._fetch is None:
            return
        try:
            page = self._fetch(None if first else self._next)
        except ServiceError as exc:
            self._next = None
            self.failed.emit(exc)
            return
        self._next = page.next
        if not page.rows:
            return
        start = len(self.rows)
        self.beginInsertRows(_ROOT, start, start + len(page.rows) - 1)
        self.rows.extend(page.rows)
        self._cells.extend([None] * len(page.rows))
        for i, s in enumerate(page.rows, start):
            self._rows_of.setdefault(s.id, []).append(i)
        self.endInsertRows()

    @property
    def complete(self) -> bool:
        """True once the last page is loaded."""
        return self._next is None

    # --- checks -------------------------------------------------------------------------------
    def checked_ids(self) -> list[int]:
        """The checked sessions in list order."""
        return [i for i in dict.fromkeys(s.id for s in self.rows) if i in self.checked]

    def set_all_checked(self, on: bool) -> None:
        """Check (or uncheck) every row loaded so far."""
        self.checked = {s.id for s in self.rows} if on else set()
        if self.rows:
            self.dataChanged.emit(self.index(0, CHECK), self.index(len(self.rows) - 1, CHECK),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()

    def set_checked(self, session_id: int, on: bool) -> None:
        (self.checked.add if on else self.checked.discard)(session_id)
        for r in self._rows_of.get(session_id, ()):
            idx = self.index(r, CHECK)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()

    # --- after an action ----------------------------------------------------------------------
    def update_rows(self, rows: Iterable) -> None:
        """Show sessions as they are now (a new status); each keeps its place in the list."""
        for v in rows:
            for r in self._rows_of.get(v.id, ()):
                old = self.rows[r]
                if len(old.clients) > 1:  # keep it listed with the same client first
                    v = v._replace(clients=tuple(sorted(v.clients, key=lambda c, f=old.clients[0].id: c.id != f)))
                self.rows[r] = v
                self._cells[r] = None
                self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Take sessions off the list (deleted); their checks go too."""
        gone = set(ids)
        rows = sorted((r for i in gone for r in self._rows_of.get(i, ())), reverse=True)
        for r in rows:
            self.beginRemoveRows(_ROOT, r, r)
            del self.rows[r]
            del self._cells[r]
            self.endRemoveRows()
        self.checked -= gone
        self._rows_of = {}
        for i, s in enumerate(self.rows):
            self._rows_of.setdefault(s.id, []).append(i)
        self.checked_changed.emit()

    # --- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.columns) + 1

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == CHECK else base

    def data(self, index, role=_DISPLAY):
        if role not in _ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self.rows):  # an invalid index has row -1
            return None
        col = index.column()
        if col == CHECK:
            if role == _CHECK_STATE:
                return CHECKED if self.rows[row].id in self.checked else UNCHECKED
            return None
        if role == _ALIGN:
            return self._align[col]
        cells = self._cells[row] or self._cells_of(row)
        if role == _DISPLAY:
            return cells[0][col - 1]
        if role == _FOREGROUND:
            return cells[1][col - 1]
        if role == _TOOLTIP:
            text = cells[0][col - 1]
            return text if len(text) > TOOLTIP_OVER else None  # the whole text where a narrow column cuts it
        return None

    def _cells_of(self, row: int) -> tuple:
        s = self.rows[row]
        cells = (tuple(str(c.value(s)) for c in self.columns),
                 tuple(None if c.color is None else c.color(s) for c in self.columns))
        self._cells[row] = cells
        return cells

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 (Qt name)
        if not index.isValid() or index.column() != CHECK or role != Qt.ItemDataRole.CheckStateRole:
            return False
        on = value in (CHECKED, CHECKED.value) or value is True
        self.set_checked(self.rows[index.row()].id, on)
        return True

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt name)
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if section == CHECK else self.columns[section - 1].title
        if role == Qt.ItemDataRole.ToolTipRole and section in self.sortable:
            return "Click to sort by this column; click again to reverse"
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column in self.sortable:
            self.sort_requested.emit(column, order == Qt.SortOrder.DescendingOrder)


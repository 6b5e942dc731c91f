"""A table model over a sessions list read in keyset pages (ARCHITECTURE "Views"): the first page
is loaded when the list is (re)loaded, the next one when the view scrolls near the end
(``canFetchMore``/``fetchMore``). Column 0 is a check box per row; the checked sessions are kept
by id, so a group session listed under each of its clients is checked everywhere at once.

It calls no service itself: the owner hands it a ``fetch(after) -> SessionPage`` function.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from ...services.errors import ServiceError
from .rows_model import Column

_ROOT = QModelIndex()
CHECK = 0  # the check-box column
CHECKED, UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked


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
        self.checked: set[int] = set()
        self._fetch: Callable | None = None
        self._next = None
        self._rows_of: dict[int, list[int]] = {}

    # --- loading ------------------------------------------------------------------------------
    def load(self, fetch: Callable) -> None:
        """Start again from the first page of ``fetch``; the checks are cleared."""
        self.beginResetModel()
        self._fetch, self.rows, self._next, self._rows_of = fetch, [], None, {}
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
    def update_rows(self, views: Iterable) -> None:
        """Show sessions as they are now (a new status); each keeps its place in the list."""
        for v in views:
            for r in self._rows_of.get(v.id, ()):
                old = self.rows[r]
                if len(old.clients) > 1:  # keep it listed with the same client first
                    v = replace(v, clients=tuple(sorted(v.clients, key=lambda c, f=old.clients[0].id: c.id != f)))
                self.rows[r] = v
                self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Take sessions off the list (deleted); their checks go too."""
        gone = set(ids)
        rows = sorted((r for i in gone for r in self._rows_of.get(i, ())), reverse=True)
        for r in rows:
            self.beginRemoveRows(_ROOT, r, r)
            del self.rows[r]
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

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        s = self.rows[index.row()]
        if index.column() == CHECK:
            if role == Qt.ItemDataRole.CheckStateRole:
                return CHECKED if s.id in self.checked else UNCHECKED
            return None
        col = self.columns[index.column() - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(col.value(s))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = str(col.value(s))
            return text if len(text) > 24 else None  # the whole text where a narrow column cuts it
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col.color is not None:
            return col.color(s)
        return None

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


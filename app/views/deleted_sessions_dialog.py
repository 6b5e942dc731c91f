"""Sessions > Deleted sessions (SPEC 5.2): select rows, Recover brings them back with everything
they had; a saved session's charges and wage come back with it (the service re-posts them)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from ..services.scheduling import deletion
from ..services.scheduling.session_views import SessionView
from .widgets.messages import error_label, error_text
from .widgets.rows_model import Column, RowsTableModel

LIMIT = 500  # the service's page: the most recently deleted first
CLIENTS_COLUMN = 2

_MUTED = "color: #718096;"


def when_text(s: SessionView) -> str:
    return f"{s.start:%a %d %b %Y}, {s.start:%H:%M}\u2013{s.end:%H:%M}"


def charged_text(s: SessionView, money) -> str:
    """What the clients were charged when the session was saved; open sessions charged nothing."""
    if s.status == "open":
        return "\u2014"
    charges = [c.charge_cents or 0 for c in s.clients]
    if len(set(charges)) == 1:
        return money(charges[0]) + (" each" if len(charges) > 1 else "")
    return ", ".join(money(c) for c in charges)


class _DeletedModel(RowsTableModel):
    """The rows model plus a tooltip on the clients cell: a group's names are often cut off, and
    each client's own charge is worth seeing before recovering."""

    def __init__(self, columns, money, parent=None):
        super().__init__(columns, parent)
        self.money = money

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == CLIENTS_COLUMN:
            s = self.rows[index.row()]
            if s.status == "open":
                return "\n".join(c.name for c in s.clients)
            return "\n".join(f"{c.name}: charged {self.money(c.charge_cents or 0)}" for c in s.clients)
        return super().data(index, role)


class DeletedSessionsDialog(QDialog):
    """``recovered`` collects the ids brought back while the dialog was open; the caller emits
    ``sessions_changed`` when it is not empty."""

    def __init__(self, practice, actor, money, parent=None):
        super().__init__(parent)
        self.setObjectName("deletedSessionsDialog")
        self.setWindowTitle("Deleted sessions")
        self.practice, self.actor, self.money = practice, actor, money
        self.recovered: list[int] = []

        self.model = _DeletedModel([
            Column("Deleted on", lambda s: f"{s.deleted_at:%d %b %Y %H:%M}" if s.deleted_at else ""),
            Column("Session date/time", when_text),
            Column("Client(s)", lambda s: s.client_names),
            Column("Service", lambda s: s.service_name),
            Column("Practitioner", lambda s: s.practitioner_name),
            Column("Status", lambda s: s.label),
            Column("Charged", lambda s: charged_text(s, money), align_right=True),
        ], money, self)
        self.table = QTableView(objectName="deletedTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((130, 200, 220, 150, 130, 100, 100)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(CLIENTS_COLUMN, QHeaderView.ResizeMode.Stretch)  # client names vary most
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.empty = QLabel("No deleted sessions.\n\nSessions you delete are listed here, so that they can be "
                            "recovered.", objectName="deletedEmpty", wordWrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(_MUTED + " border: 1px solid #d5d9e0; background: #fafbfc; font-size: 14px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.hint = hint = QLabel("Select one or more sessions (Ctrl- or Shift-click for several) and click Recover. "
                      "A recovered session returns to the calendar with its clients, notes and status; "
                      "a saved session's charges and wage are posted again.", wordWrap=True)
        hint.setStyleSheet(_MUTED)
        self.count = QLabel(objectName="deletedCount")
        self.error = error_label("deletedError")
        self.error.hide()
        self.recovered_note = QLabel(objectName="deletedDone", wordWrap=True)
        self.recovered_note.setStyleSheet("color: #2f855a;")
        self.recovered_note.hide()

        self.recover_button = QPushButton("Recover", objectName="recoverButton")
        self.recover_button.setAutoDefault(False)
        self.recover_button.clicked.connect(self.recover)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("deletedClose")
        buttons.rejected.connect(self.reject)

        bottom = QHBoxLayout()
        bottom.addWidget(self.recover_button)
        bottom.addWidget(self.count, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.recovered_note)
        layout.addLayout(bottom)
        self.resize(1080, 520)
        self.reload()

    # --- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            rows = deletion.list_deleted(self.practice, self.actor, limit=LIMIT)
        except ServiceError as exc:
            rows = []
            self._show_error(exc)
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self.hint.setVisible(bool(rows))
        if not rows:
            self.count.setText("")
        elif len(rows) >= LIMIT:
            self.count.setText(f"The {LIMIT} most recently deleted sessions")
        else:
            self.count.setText("1 deleted session" if len(rows) == 1 else f"{len(rows)} deleted sessions")
        self._selection_changed()

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.rows[r].id for r in rows]

    # --- actions ------------------------------------------------------------------------------
    def recover(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        self.error.hide()
        try:
            views = deletion.recover_sessions(self.practice, self.actor, ids)
        except ServiceError as exc:
            self._show_error(exc)
            return
        self.recovered.extend(v.id for v in views)
        n = len(views)
        self.recovered_note.setText(("1 session recovered" if n == 1 else f"{n} sessions recovered")
                          + ": back on the calendar.")
        self.recovered_note.show()
        self.reload()

    def _show_error(self, exc: ServiceError) -> None:
        self.recovered_note.hide()
        self.error.setText(error_text(exc))
        self.error.show()

    def _selection_changed(self, *_args) -> None:
        n = len(self.table.selectionModel().selectedRows())
        self.recover_button.setEnabled(n > 0)
        self.recover_button.setText("Recover" if n < 2 else f"Recover {n} sessions")

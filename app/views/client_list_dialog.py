"""Clients > Client list: every client with contact details and balance, searchable; New client…
and Edit… open the client form."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from ..services.money import ledger
from ..services.people import clients
from ..services.people.clients import ClientView
from .client_edit_dialog import ClientEditDialog, notify_label
from .widgets.balance_text import MUTED, balance_color, balance_text
from .widgets.messages import error_label
from .widgets.rows_model import Column, RowsTableModel


class ClientListDialog(QDialog):
    """``changed`` turns True once a client was created, edited, archived or restored here, so
    the caller can announce ``clients_changed``; ``sold`` once a package was sold from a client's
    record (a payment: the caller announces ``ledger_changed`` too)."""

    def __init__(self, practice, actor, money, parent=None):
        super().__init__(parent)
        self.setObjectName("clientListDialog")
        self.setWindowTitle("Clients")
        self.practice, self.actor, self.money = practice, actor, money
        self.changed = False
        self.booked = False  # a session was booked from a client's record: the calendar refreshes
        self.sold = False
        self._balances: dict[int, int] = {}

        def name(c: ClientView) -> str:
            return f"{c.last_name}, {c.first_name}" + ("  (archived)" if c.archived else "")

        self.model = RowsTableModel([
            Column("Name", name, color=lambda c: MUTED if c.archived else None),
            Column("E-mail", lambda c: c.email),
            Column("Phone", lambda c: c.phone),
            Column("Notify by", lambda c: notify_label(c.notify_by)),
            Column("May cancel", lambda c: "Yes" if c.may_cancel else "\u2014"),
            Column("Balance", lambda c: balance_text(self._balances.get(c.id, 0), money), align_right=True,
                   color=lambda c: balance_color(self._balances.get(c.id, 0))),
        ], self)

        self.search = QLineEdit(objectName="clientSearch", placeholderText="Search by name or e-mail")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._load_rows)
        self.show_archived = QCheckBox("Show archived", objectName="showArchived")
        self.show_archived.toggled.connect(self._load_rows)
        self.count = QLabel(objectName="clientCount")
        self.count.setStyleSheet("color: #4a5568;")

        self.table = QTableView(objectName="clientTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((190, 240, 130, 110, 90, 150)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # e-mail takes what is left
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.empty = QLabel(objectName="clientEmpty", wordWrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #718096; border: 1px solid #d5d9e0; background: #fafbfc; font-size: 14px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.error = error_label("clientListError")
        self.error.hide()

        self.new_button = QPushButton("New client\u2026", objectName="newClient")
        self.new_button.clicked.connect(self.new_client)
        self.edit_button = QPushButton("Edit\u2026", objectName="editClient")
        self.edit_button.clicked.connect(self.edit_selected)
        self.record_button = QPushButton("Open record\u2026", objectName="openClientRecord")
        self.record_button.clicked.connect(self.open_record)
        for b in (self.new_button, self.edit_button, self.record_button):
            b.setAutoDefault(False)  # Enter in the search box must not open a form
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("clientListClose")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_archived)
        top.addWidget(self.count)
        bottom = QHBoxLayout()
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.edit_button)
        bottom.addWidget(self.record_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(980, 560)
        self.refresh()
        self.search.setFocus()

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload balances and rows (after a client was saved, or on request)."""
        try:
            self._balances = {b.client_id: b.balance_cents
                              for b in clients.client_balances(self.practice, self.actor)}
        except ServiceError as exc:
            self._balances = {}
            self.error.setText(str(exc))
            self.error.show()
        self._load_rows()

    def _load_rows(self, *_args) -> None:
        keep = self.selected_client()
        rows = clients.list_clients(self.practice, self.actor, search=self.search.text(),
                                    include_archived=self.show_archived.isChecked())
        for c in rows:  # client_balances covers active clients only; archived ones are few
            if c.archived and c.id not in self._balances:
                try:
                    self._balances[c.id] = ledger.client_balance(self.practice, self.actor, c.id)
                except ServiceError:
                    pass
        self.model.set_rows(rows)
        if keep is not None:
            self.select_client(keep.id)
        self._show_count(rows)
        self._selection_changed()

    def _show_count(self, rows: list[ClientView]) -> None:
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        words = self.search.text().strip()
        if rows:
            self.count.setText("1 client" if len(rows) == 1 else f"{len(rows)} clients")
        elif words:
            self.count.setText("No clients match")
            self.empty.setText(f"No client matches \u201c{words}\u201d.\nCheck the spelling, or add them "
                               "with New client\u2026")
        else:
            self.count.setText("No clients")
            self.empty.setText("No clients yet.\nClick New client\u2026 to add the first one.")

    def selected_client(self) -> ClientView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def select_client(self, client_id: int) -> None:
        for r, c in enumerate(self.model.rows):
            if c.id == client_id:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return

    # --- actions ------------------------------------------------------------------------------
    def new_client(self) -> None:
        self._open(ClientEditDialog(self.practice, self.actor, None, self))

    def open_record(self) -> None:
        """The selected client's record: sessions, balance, available credit, Book session."""
        from .client_record_dialog import ClientRecordDialog

        client = self.selected_client()
        if client is None:
            return
        dialog = ClientRecordDialog(self.practice, self.actor, client.id, self.money, self)
        self.record_dialog = dialog
        dialog.exec()
        self.booked = self.booked or dialog.booked
        if dialog.sold:
            self.sold = self.changed = True  # the balance is the client's: other views show it too
        if dialog.booked or dialog.sold:
            self.refresh()  # the balance column counts what was booked or paid
        dialog.deleteLater()

    def edit_selected(self) -> None:
        client = self.selected_client()
        if client is not None:
            self._open(ClientEditDialog(self.practice, self.actor, client, self))

    def _open(self, dialog: ClientEditDialog) -> None:
        dialog.exec()
        saved = dialog.saved
        dialog.deleteLater()
        if saved is None:
            return
        self.changed = True
        self.refresh()
        if not saved.archived and all(c.id != saved.id for c in self.model.rows) and self.search.text():
            self.search.clear()  # the search hid the client just saved: show it
        self.select_client(saved.id)

    def _selection_changed(self, *_args) -> None:
        chosen = self.selected_client() is not None
        self.edit_button.setEnabled(chosen)
        self.record_button.setEnabled(chosen)

    def eventFilter(self, watched, event) -> bool:
        # Enter on a row edits it, like a double-click
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_client() is not None):
            self.edit_selected()
            return True
        return super().eventFilter(watched, event)

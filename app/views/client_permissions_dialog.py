"""Client permissions… (SPEC 8.1): the bulk tool that grants or removes "may cancel" for the chosen
clients or for all of them, then shows the resulting table of every client and their permission.
The change and the table come from ``client_cancellations.set_client_permissions``."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from ..services.scheduling import client_cancellations
from .widgets.messages import error_label, error_text
from .widgets.record_table import done_label, muted
from .widgets.rows_model import Column, RowsTableModel

_ID = Qt.ItemDataRole.UserRole


class ClientPermissionsDialog(QDialog):
    """``ClientPermissionsDialog(practice, actor, parent=None)``.

    ``clients`` (a checkable list, filtered by ``search``), ``all_clients`` (the "All clients" box),
    ``grant`` / ``remove`` (what to do), ``apply_button``, ``table`` with ``model`` (the result: every
    active client and their permission), ``done_line`` and ``error``."""

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("clientPermissionsDialog")
        self.setWindowTitle("Client permissions")
        self.practice, self.actor = practice, actor
        rows = client_cancellations.list_client_permissions(practice, actor)

        self.search = QLineEdit(objectName="permissionsSearch", placeholderText="Find a client\u2026")
        self.search.textChanged.connect(self._filter)
        self.clients = QListWidget(objectName="permissionsClients")
        for r in rows:
            item = QListWidgetItem(r.name)
            item.setData(_ID, r.client_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.clients.addItem(item)
        self.all_clients = QCheckBox("All clients", objectName="permissionsAll")
        self.all_clients.toggled.connect(self._sync)
        self.grant = QRadioButton("Allow to cancel sessions", objectName="permissionsGrant")
        self.remove = QRadioButton("Do not allow", objectName="permissionsRemove")
        self.grant.setChecked(True)
        self.apply_button = QPushButton("Apply", objectName="permissionsApply")
        self.apply_button.clicked.connect(self.apply)
        self.clients.itemChanged.connect(self._sync)

        self.model = RowsTableModel([Column("Client", lambda r: r.name),
                                     Column("May cancel", lambda r: "Yes" if r.may_cancel else "No")], self)
        self.model.set_rows(rows)
        self.table = QTableView(objectName="permissionsTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.done_line = done_label("permissionsDone")
        self.error = error_label("permissionsError")
        self.error.hide()
        self.summary = QLabel(objectName="permissionsSummary")

        left = QVBoxLayout()
        left.addWidget(QLabel("<b>1.</b> Choose clients"))
        left.addWidget(self.search)
        left.addWidget(self.clients, 1)
        left.addWidget(self.all_clients)
        left.addSpacing(6)
        left.addWidget(QLabel("<b>2.</b> Choose the permission"))
        left.addWidget(self.grant)
        left.addWidget(self.remove)
        left.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignLeft)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Every client's permission</b>"))
        right.addWidget(self.table, 1)
        right.addWidget(self.summary)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addSpacing(12)
        body.addLayout(right, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("permissionsClose")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(muted("Clients with permission can cancel their sessions when client cancellations are "
                               "switched on in Session control; the cancellation policy decides any charge.",
                               "permissionsIntro"))
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.done_line)
        layout.addWidget(buttons)
        self.resize(760, 480)
        self._sync()
        self._summarise()

    def chosen_ids(self) -> list[int]:
        return [self.clients.item(i).data(_ID) for i in range(self.clients.count())
                if self.clients.item(i).checkState() == Qt.CheckState.Checked]

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.clients.count()):
            item = self.clients.item(i)
            item.setHidden(not all(w in item.text().lower() for w in words))

    def _sync(self, *_args) -> None:
        every = self.all_clients.isChecked()
        self.clients.setEnabled(not every)
        self.search.setEnabled(not every)
        self.apply_button.setEnabled(every or bool(self.chosen_ids()))

    def _summarise(self) -> None:
        allowed = sum(r.may_cancel for r in self.model.rows)
        self.summary.setText(f"{allowed} of {len(self.model.rows)} clients may cancel.")

    def apply(self) -> None:
        self.error.hide()
        self.done_line.hide()
        chosen = None if self.all_clients.isChecked() else self.chosen_ids()
        allow = self.grant.isChecked()
        try:
            rows = client_cancellations.set_client_permissions(self.practice, self.actor, chosen, allow)
        except ServiceError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            return
        self.model.set_rows(rows)
        self._summarise()
        who = "every client" if chosen is None else (f"{len(chosen)} clients" if len(chosen) != 1 else "1 client")
        self.done_line.setText(f"{'Permission given to' if allow else 'Permission removed from'} {who}. "
                          "The table shows the result.")
        self.done_line.show()
        for i in range(self.clients.count()):
            self.clients.item(i).setCheckState(Qt.CheckState.Unchecked)

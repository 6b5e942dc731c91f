"""Clients > Client list: every client with contact details and balance, searchable."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout

from ..services import clients
from .widgets.rows_model import Column, RowsTableModel


class ClientListDialog(QDialog):
    def __init__(self, practice, actor, money, parent=None):
        super().__init__(parent)
        self.setObjectName("clientListDialog")
        self.setWindowTitle("Clients")
        self.practice, self.actor = practice, actor
        self._balances: dict[int, int] = {}
        self.model = RowsTableModel([
            Column("Name", lambda c: f"{c.last_name}, {c.first_name}"),
            Column("E-mail", lambda c: c.email),
            Column("Phone", lambda c: c.phone),
            Column("Notify by", lambda c: c.notify_by),
            Column("May cancel", lambda c: "yes" if c.may_cancel else "no"),
            Column("Balance", lambda c: money(self._balances.get(c.id, 0)), align_right=True),
        ], self)
        self.search = QLineEdit(objectName="clientSearch", placeholderText="Search by name or e-mail")
        self.search.textChanged.connect(self.refresh)
        self.table = QTableView(objectName="clientTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count = QLabel(objectName="clientCount")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.resize(860, 560)
        self.refresh()

    def refresh(self) -> None:
        self._balances = {b.client_id: b.balance_cents for b in clients.client_balances(self.practice, self.actor)}
        rows = clients.list_clients(self.practice, self.actor, search=self.search.text())
        self.model.set_rows(rows)
        self.count.setText(f"{len(rows)} clients" if rows else "No clients match")

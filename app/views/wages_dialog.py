"""Accounting > Practitioner wages for a month (live wage entries, by GROUP BY in the service)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QFormLayout, QHeaderView, QLabel, QTableView, QVBoxLayout

from ..services.money import ledger
from .calendar.month_view import day_bounds
from .widgets.rows_model import Column, RowsTableModel


class WagesDialog(QDialog):
    def __init__(self, practice, actor, money, month: date, parent=None):
        super().__init__(parent)
        self.setObjectName("wagesDialog")
        self.setWindowTitle("Practitioner wages")
        self.practice, self.actor, self.money = practice, actor, money
        self.month = QDateEdit(QDate(month.year, month.month, 1), objectName="wagesMonth")
        self.month.setDisplayFormat("MMMM yyyy")
        self.month.dateChanged.connect(self.refresh)
        self.model = RowsTableModel([
            Column("Practitioner", lambda w: w.name),
            Column("Sessions paid", lambda w: w.sessions, align_right=True),
            Column("Wages", lambda w: money(w.wages_cents), align_right=True),
        ], self)
        self.table = QTableView(objectName="wagesTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.total = QLabel(objectName="wagesTotal")
        form = QFormLayout()
        form.addRow("Month", self.month)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table)
        layout.addWidget(self.total)
        self.resize(520, 320)
        self.refresh()

    def refresh(self) -> None:
        q = self.month.date()
        first = date(q.year(), q.month(), 1)
        nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        start, _ = day_bounds(first, first, self.practice.tz)
        end, _ = day_bounds(nxt, nxt, self.practice.tz)
        rows = ledger.practitioner_wages(self.practice, self.actor, start, end)
        self.model.set_rows(rows)
        self.total.setText(f"Total for {first:%B %Y}: {self.money(sum(r.wages_cents for r in rows))}")

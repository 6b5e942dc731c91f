"""Accounting ▸ Invoices… (SPEC 9.1): every invoice, newest first, read page by page as the list
scrolls (``invoices.list_invoices``), filtered by status, client and dates; an overdue one is
marked. New invoice… makes a draft from a client's sessions; a double-click (or Enter) opens an
invoice. The list follows ``events.ledger_changed``, so what is issued, paid or cancelled anywhere
shows here at once.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
)

from ...models.enums import InvoiceStatus
from ...services.errors import ServiceError
from ...services.money import invoices
from ...services.money.amounts import format_money
from ...services.people import clients
from ..widgets.client_combo import ClientCombo
from ..widgets.messages import error_label, error_text
from .invoice_list_model import CLIENT, PAGE, InvoiceListModel, status_text
from .invoice_view_dialog import InvoiceViewDialog
from .new_invoice_dialog import NewInvoiceDialog

NO_DATE = QDate(1900, 1, 1)  # the date fields' "Any date"
EMPTY = "No invoices yet.\nClick New invoice\u2026 to make one from a client's sessions."
NONE_MATCH = "No invoice matches these filters."


def _date_edit(name: str) -> QDateEdit:
    d = QDateEdit(objectName=name, calendarPopup=True)
    d.setDisplayFormat("dd MMM yyyy")
    d.setMinimumDate(NO_DATE)
    d.setSpecialValueText("Any date")
    d.setDate(NO_DATE)
    d.setMinimumWidth(125)
    return d


def _date_of(edit: QDateEdit) -> date | None:
    d = edit.date()
    return None if d == NO_DATE else date(d.year(), d.month(), d.day())


class InvoicesDialog(QDialog):
    def __init__(self, practice, actor, events, today: date, parent=None):
        super().__init__(parent)
        self.setObjectName("invoicesDialog")
        self.setWindowTitle("Invoices")
        self.practice, self.actor, self.events, self.today = practice, actor, events, today
        conf = practice.settings()
        self.money = lambda cents: format_money(cents, conf["currency"], conf["locale"])
        self.new_dialog: NewInvoiceDialog | None = None
        self.view_dialog: InvoiceViewDialog | None = None

        self.new_button = QPushButton("New invoice\u2026", objectName="newInvoice", autoDefault=False)
        self.new_button.clicked.connect(self.new_invoice)
        self.status = QComboBox(objectName="invoicesStatus")
        self.status.addItem("Any status", None)
        for s in InvoiceStatus:
            self.status.addItem(status_text(s), s.value)
        self.client = ClientCombo(self._client_names, "Any client", objectName="invoicesClient")
        self.first_day, self.last_day = _date_edit("invoicesFrom"), _date_edit("invoicesTo")
        self.first_day.setToolTip("Issue date (a draft: the last day it covers)")
        self.last_day.setToolTip(self.first_day.toolTip())
        self.clear_button = QPushButton("Clear filters", objectName="invoicesClear", autoDefault=False)
        self.clear_button.clicked.connect(self.clear_filters)

        self.model = InvoiceListModel(self.money, self)
        self.model.failed.connect(self._failed)
        self.table = QTableView(objectName="invoicesTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setStyleSheet("QTableView::item { padding: 0 6px; }")
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CLIENT, QHeaderView.ResizeMode.Stretch)
        widths = (100, 0, 100, 100, 105, 105, 105, 170)  # "Partly paid, overdue" whole
        for col, width in enumerate(widths):
            if width:
                self.table.setColumnWidth(col, width)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty = QLabel(EMPTY, objectName="invoicesEmpty", alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.empty.setStyleSheet("color: #718096; border: 1px solid #d5d9e0; background: #fafbfc;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.count = QLabel(objectName="invoicesCount")
        self.count.setStyleSheet("color: #4a5568;")
        self.error = error_label("invoicesError")
        self.error.hide()
        self.open_button = QPushButton("Open\u2026", objectName="openInvoice", autoDefault=False)
        self.open_button.clicked.connect(self.open_selected)
        self.close_button = QPushButton("Close", objectName="invoicesClose", autoDefault=False)
        self.close_button.clicked.connect(self.accept)

        filters = QGridLayout()
        for col, (text, widget) in enumerate((("Status", self.status), ("Client", self.client),
                                              ("Issued from", self.first_day), ("to", self.last_day))):
            filters.addWidget(QLabel(text, buddy=widget), 0, col)
            filters.addWidget(widget, 1, col)
        filters.addWidget(self.clear_button, 1, 4)
        filters.setColumnStretch(1, 2)
        filters.setColumnStretch(5, 1)
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(1060, 620)

        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.client.client_changed.connect(lambda _c: self.reload())
        for edit in (self.first_day, self.last_day):
            edit.dateChanged.connect(lambda _d: self.reload())
        self.model.rowsInserted.connect(lambda *_: self._show_count())
        events.ledger_changed.connect(self.reload)
        self.finished.connect(lambda _r: events.ledger_changed.disconnect(self.reload))
        self.reload()

    # --- the list -----------------------------------------------------------------------------
    def _client_names(self):
        try:
            return [(f"{c.last_name}, {c.first_name}", c.id)
                    for c in clients.list_clients(self.practice, self.actor, include_archived=True)]
        except ServiceError as exc:
            self._failed(exc)
            return []

    def filters(self) -> dict:
        return dict(status=self.status.currentData(), client_id=self.client.client_id(),
                    first_day=_date_of(self.first_day), last_day=_date_of(self.last_day))

    def reload(self) -> None:
        """Read the list again from its first page, keeping the selected invoice selected."""
        keep = self.selected_id()
        self.error.hide()
        f = self.filters()
        self.model.load(lambda after: invoices.list_invoices(self.practice, self.actor, f["status"], f["client_id"],
                                                             f["first_day"], f["last_day"], after, PAGE))
        filtered = any(v is not None for v in f.values())
        self.empty.setText(NONE_MATCH if filtered else EMPTY)
        self.stack.setCurrentWidget(self.table if self.model.rows else self.empty)
        if keep is not None:
            row = self.model.row_of(keep)
            if row is not None:
                self.table.selectRow(row)
        self._show_count()
        self._update_buttons()

    def clear_filters(self) -> None:
        widgets = (self.status, self.client, self.first_day, self.last_day)
        for w in widgets:
            w.blockSignals(True)
        self.status.setCurrentIndex(0)
        self.client.set_client(None)
        self.client.setEditText("")
        self.first_day.setDate(NO_DATE)
        self.last_day.setDate(NO_DATE)
        for w in widgets:
            w.blockSignals(False)
        self.reload()

    def _show_count(self) -> None:
        n = len(self.model.rows)
        more = "" if self.model.complete else " so far (scroll for more)"
        self.count.setText(f"{n} invoice{'s' if n != 1 else ''}{more}")

    def _failed(self, exc: ServiceError) -> None:
        self.error.setText(error_text(exc))
        self.error.show()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.rows[rows[0].row()].id if rows else None

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    # --- opening ------------------------------------------------------------------------------
    def _activated(self, index) -> None:
        if index.isValid():
            self.open_invoice(self.model.rows[index.row()].id)

    def open_selected(self) -> None:
        invoice_id = self.selected_id()
        if invoice_id is not None:
            self.open_invoice(invoice_id)

    def open_invoice(self, invoice_id: int) -> InvoiceViewDialog:
        """The invoice's view, window-modal over the list (once: a double-click that also counts as
        activation opens it one time)."""
        current = self.view_dialog
        if current is not None and current.isVisible() and current.invoice_id == invoice_id:
            return current
        dialog = InvoiceViewDialog(self.practice, self.actor, self.events, invoice_id, self.today, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: self._forget_view(dialog))
        self.view_dialog = dialog
        dialog.open()
        return dialog

    def _forget_view(self, dialog) -> None:
        if self.view_dialog is dialog:
            self.view_dialog = None

    def new_invoice(self) -> NewInvoiceDialog:
        """New invoice… (for the client the list is filtered by, if any); once saved, the draft opens."""
        dialog = NewInvoiceDialog(self.practice, self.actor, self.events, self.today, self.client.client_id(),
                                  parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: dialog.saved is not None and self.open_invoice(dialog.saved.id))
        self.new_dialog = dialog
        dialog.open()
        return dialog

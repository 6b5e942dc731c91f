"""New invoice… (SPEC 9.1): a client, the days it covers (last month to start with), the client's
sessions in those days that are on no invoice yet, each with a check box (all checked), free line
items (description, amount, tax rate) and a note; Save draft makes a draft with no number
(``invoices.create_draft``). The same dialog edits a draft (``update_draft``): its client stays,
its sessions come checked beside any others of the days, its items and note are filled in.

What may go on an invoice is the service's to say: the list is ``invoices.uninvoiced_sessions``
and every refusal comes back under the field it names.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import NamedTuple

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...services.errors import ServiceError, ValidationError
from ...services.money import invoices
from ...services.money.amounts import format_money
from ...services.money.invoices import InvoiceView, LineItem
from ...services.people import clients
from ..widgets.client_combo import ClientCombo
from ..widgets.money_field import MoneyField
from ..widgets.record_table import FieldErrors, heading, muted

_ROOT = QModelIndex()
ITEM_FIELDS = ("line items", *(f"line item {n}" for n in range(1, invoices.MAX_ITEMS + 1)))


def last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def this_month(today: date) -> tuple[date, date]:
    return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class Choice(NamedTuple):
    """A session that may go on the invoice, as the list shows it."""

    session_id: int
    day: date
    service: str
    practitioner: str
    label: str
    amount_cents: int
    tax_cents: int


class SessionChoiceModel(QAbstractTableModel):
    """The sessions offered, a check box each (column 0)."""

    HEADERS = ("", "Date", "Service", "Practitioner", "Status", "Amount", "Tax")

    def __init__(self, money, parent=None):
        super().__init__(parent)
        self.money = money
        self.rows: list[Choice] = []
        self.checked: set[int] = set()

    def set_rows(self, rows: list[Choice], checked) -> None:
        self.beginResetModel()
        self.rows, self.checked = list(rows), set(checked)
        self.endResetModel()

    def checked_ids(self) -> list[int]:
        return [c.session_id for c in self.rows if c.session_id in self.checked]

    def set_all(self, on: bool) -> None:
        self.checked = {c.session_id for c in self.rows} if on else set()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        c, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if c.session_id in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole and col:
            return (f"{c.day:%a %d %b %Y}", c.service, c.practitioner, c.label, self.money(c.amount_cents),
                    self.money(c.tax_cents) if c.tax_cents else "")[col - 1]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 (Qt name)
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        sid = self.rows[index.row()].session_id
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value) or value is True
        (self.checked.add if on else self.checked.discard)(sid)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt name)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class ItemRow:
    """One free line item's fields: description, amount, tax rate, and a button that removes it."""

    def __init__(self, n: int, locale: str, currency: str):
        self.description = QLineEdit(objectName=f"itemDescription{n}", placeholderText="Description", maxLength=200)
        self.amount = MoneyField(locale, "Amount", currency=currency, objectName=f"itemAmount{n}")
        self.amount.setMaximumWidth(130)
        self.rate = QDoubleSpinBox(objectName=f"itemTax{n}", suffix=" %", decimals=2, maximum=100.0)
        self.rate.setToolTip("Tax rate on this item (0 for none)")
        self.remove = QPushButton("\u2715", objectName=f"itemRemove{n}")
        self.remove.setToolTip("Remove this item")
        self.remove.setAutoDefault(False)
        self.remove.setFixedWidth(30)

    def widgets(self) -> tuple:
        return self.description, self.amount, self.rate, self.remove

    def is_blank(self) -> bool:
        return not self.description.text().strip() and not self.amount.text().strip()

    def item(self, n: int) -> LineItem:
        """The item as typed; a ValidationError names it when its amount is not an amount."""
        try:
            cents = self.amount.cents()
        except ValueError as exc:
            raise ValidationError(f"line item {n}", f"amount: {str(exc).split(': ', 1)[-1]}") from exc
        return LineItem(self.description.text(), cents, round(self.rate.value() * 100))


class NewInvoiceDialog(QDialog):
    """``saved`` holds the draft once Save draft succeeded (the dialog is then accepted)."""

    def __init__(self, practice, actor, events, today: date, client_id: int | None = None,
                 draft: InvoiceView | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("newInvoiceDialog")
        self.practice, self.actor, self.events, self.draft = practice, actor, events, draft
        conf = practice.settings()
        self.locale, self.currency = conf["locale"], conf["currency"]
        self.money = lambda cents: format_money(cents, self.currency, self.locale)
        self.saved: InvoiceView | None = None
        self.errors = FieldErrors("newInvoice")
        title = "Edit draft invoice" if draft else "New invoice"
        self.setWindowTitle(title)

        self.client = ClientCombo(self._client_names, "Choose a client", objectName="newInvoiceClient")
        first, last = last_month(today)
        if draft is not None:
            self.client.set_client(draft.client_id, draft.client_name)
            self.client.setEnabled(False)  # a draft's client stays
            first, last = draft.period_first or first, draft.period_last or last
        elif client_id is not None:
            self.client.set_client(client_id, self._name_of(client_id))
        self.first_day, self.last_day = self._date_edit("newInvoiceFrom", first), self._date_edit("newInvoiceTo", last)
        self.last_month_button = QPushButton("Last month", objectName="newInvoiceLastMonth", autoDefault=False)
        self.this_month_button = QPushButton("This month", objectName="newInvoiceThisMonth", autoDefault=False)
        self.last_month_button.clicked.connect(lambda: self._set_days(*last_month(today)))
        self.this_month_button.clicked.connect(lambda: self._set_days(*this_month(today)))

        self.model = SessionChoiceModel(self.money, self)
        self.table = QTableView(objectName="newInvoiceSessions")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.clicked.connect(self._toggle)
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(170)
        self.chosen = muted("", "newInvoiceChosen")
        self.all_button = QPushButton("Check all", objectName="newInvoiceAll", autoDefault=False)
        self.none_button = QPushButton("Check none", objectName="newInvoiceNone", autoDefault=False)
        self.all_button.clicked.connect(lambda: self._check_all(True))
        self.none_button.clicked.connect(lambda: self._check_all(False))
        self.model.dataChanged.connect(lambda *_: self._show_chosen())
        self.model.modelReset.connect(self._show_chosen)

        self.item_rows: list[ItemRow] = []
        self._items_made = 0
        self.items_grid = QGridLayout()
        self.items_grid.setContentsMargins(0, 0, 0, 0)
        self.items_grid.setColumnStretch(0, 1)
        for col, text in enumerate(("Description", "Amount", "Tax rate")):
            self.items_grid.addWidget(muted(text, f"newInvoiceItemHead{col}"), 0, col)
        self.items_box = QWidget(objectName="newInvoiceItems")
        box_layout = QVBoxLayout(self.items_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addLayout(self.items_grid)
        box_layout.addStretch(1)  # the rows stay at the top
        self.items_area = QScrollArea(objectName="newInvoiceItemsArea", widgetResizable=True)
        self.items_area.setWidget(self.items_box)
        self.items_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.items_area.hide()
        self.add_item_button = QPushButton("Add line item", objectName="newInvoiceAddItem", autoDefault=False)
        self.add_item_button.clicked.connect(lambda: self.add_item())
        self.note = QPlainTextEdit(objectName="newInvoiceNote")
        self.note.setPlaceholderText("Printed on the invoice (optional), e.g. Thank you!")
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save draft")
        self.save_button.setObjectName("newInvoiceSave")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("newInvoiceCancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(heading(title, "newInvoiceHeading"))
        layout.addWidget(muted("A draft has no number and can still be changed or deleted; the number is given when "
                               "it is issued.", "newInvoiceIntro"))
        top = QGridLayout()
        top.addWidget(QLabel("Client", buddy=self.client), 0, 0)
        top.addWidget(self.client, 0, 1, 1, 5)
        top.addWidget(self.errors.line("Client", "client"), 1, 1, 1, 5)
        top.addWidget(QLabel("Sessions from", buddy=self.first_day), 2, 0)
        top.addWidget(self.first_day, 2, 1)
        top.addWidget(QLabel("to", buddy=self.last_day), 2, 2)
        top.addWidget(self.last_day, 2, 3)
        top.addWidget(self.last_month_button, 2, 4)
        top.addWidget(self.this_month_button, 2, 5)
        top.addWidget(self.errors.line("Days", "from", "to"), 3, 1, 1, 5)
        top.setColumnStretch(6, 1)
        layout.addLayout(top)
        row = QHBoxLayout()
        row.addWidget(QLabel("<b>Sessions</b>"))
        row.addWidget(self.chosen, 1)
        row.addWidget(self.all_button)
        row.addWidget(self.none_button)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors.line("Sessions", "sessions"))
        row = QHBoxLayout()
        row.addWidget(QLabel("<b>Line items</b>"))
        row.addStretch(1)
        row.addWidget(self.add_item_button)
        layout.addLayout(row)
        layout.addWidget(self.items_area)
        layout.addWidget(self.errors.line("Items", *ITEM_FIELDS))
        layout.addWidget(QLabel("<b>Note</b>", buddy=self.note))
        layout.addWidget(self.note)
        layout.addWidget(self.errors.line("Note", "note"))
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.resize(780, 640)

        if draft is not None:
            for line in draft.lines:
                if line.session_id is None:
                    self.add_item(LineItem(line.description, line.amount_cents, line.tax_rate_bp))
            self.note.setPlainText(draft.note)
        self.client.client_changed.connect(lambda _c: self.reload())
        self.first_day.dateChanged.connect(lambda _d: self.reload())
        self.last_day.dateChanged.connect(lambda _d: self.reload())
        self.reload()

    # --- fields -------------------------------------------------------------------------------
    def _client_names(self):
        try:
            return [(f"{c.last_name}, {c.first_name}", c.id) for c in clients.list_clients(self.practice, self.actor)]
        except ServiceError as exc:
            self.errors.show(exc)
            return []

    def _name_of(self, client_id: int) -> str:
        try:
            c = clients.get_client(self.practice, self.actor, client_id)
        except ServiceError:
            return ""
        return f"{c.last_name}, {c.first_name}"

    @staticmethod
    def _date_edit(name: str, day: date) -> QDateEdit:
        edit = QDateEdit(qdate(day), objectName=name, calendarPopup=True)
        edit.setDisplayFormat("dd MMM yyyy")
        edit.setMinimumWidth(125)
        return edit

    def _set_days(self, first: date, last: date) -> None:
        for edit in (self.first_day, self.last_day):
            edit.blockSignals(True)
        self.first_day.setDate(qdate(first))
        self.last_day.setDate(qdate(last))
        for edit in (self.first_day, self.last_day):
            edit.blockSignals(False)
        self.reload()

    def days(self) -> tuple[date, date]:
        return pydate(self.first_day.date()), pydate(self.last_day.date())

    def add_item(self, item: LineItem | None = None) -> ItemRow:
        self._items_made += 1  # never reused: a removed row leaves its grid rows empty, not shared
        n = self._items_made
        row = ItemRow(n, self.locale, self.currency)
        for col, w in enumerate(row.widgets()):
            self.items_grid.addWidget(w, n * 2 - 1, col)
        self.items_grid.addWidget(row.amount.message, n * 2, 1, 1, 2)
        row.remove.clicked.connect(lambda: self.remove_item(row))
        if item is not None:
            row.description.setText(item.description)
            row.amount.set_cents(item.amount_cents)
            row.rate.setValue(item.tax_rate_bp / 100)
        self.item_rows.append(row)
        self._fit_items()
        row.description.setFocus()
        return row

    def remove_item(self, row: ItemRow) -> None:
        self.item_rows.remove(row)
        for w in (*row.widgets(), row.amount.message):
            self.items_grid.removeWidget(w)
            w.deleteLater()
        self._fit_items()

    def _fit_items(self) -> None:
        """As tall as the items (a scroll bar past four of them); hidden when there are none."""
        self.items_area.setVisible(bool(self.item_rows))
        self.items_box.adjustSize()
        self.items_area.setFixedHeight(min(self.items_box.sizeHint().height() + 2, 170))

    # --- sessions -----------------------------------------------------------------------------
    def reload(self) -> None:
        """The client's sessions in the days chosen that are on no invoice (and, editing, the draft's)."""
        self.errors.clear()
        client_id = self.client.client_id()
        first, last = self.days()
        rows, checked = [], set()
        if self.draft is not None:
            mine = [Choice(ln.session_id, ln.service_date, ln.service_name, ln.practitioner_name, ln.label,
                           ln.amount_cents, ln.tax_cents) for ln in self.draft.lines
                    if ln.session_id is not None and ln.service_date and first <= ln.service_date <= last]
            rows += mine
            checked = {c.session_id for c in mine}
        if client_id is not None:
            try:
                offered = invoices.uninvoiced_sessions(self.practice, self.actor, client_id, first, last)
            except ServiceError as exc:
                self.errors.show(exc)
                offered = []
            new = [Choice(s.session_id, s.service_date, s.service_name, s.practitioner_name, s.label, s.amount_cents,
                          s.tax_cents) for s in offered]
            rows += new
            if self.draft is None:
                checked |= {c.session_id for c in new}  # a new invoice: all of them, to start with
        rows.sort(key=lambda c: (c.day, c.session_id))
        self.model.set_rows(rows, checked)

    def _toggle(self, index) -> None:
        """A click anywhere on a row (not only on its box) ticks or unticks it."""
        if index.column() == 0:
            return  # the box itself toggles
        box = self.model.index(index.row(), 0)
        on = self.model.data(box, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        self.model.setData(box, Qt.CheckState.Unchecked if on else Qt.CheckState.Checked,
                           Qt.ItemDataRole.CheckStateRole)

    def _check_all(self, on: bool) -> None:
        self.model.set_all(on)
        self._show_chosen()

    def _show_chosen(self) -> None:
        total, chosen = len(self.model.rows), len(self.model.checked_ids())
        if self.client.client_id() is None and self.draft is None:
            self.chosen.setText("Choose a client to see their sessions.")
        elif not total:
            self.chosen.setText("None in these days that is not on an invoice already.")
        else:
            self.chosen.setText(f"{chosen} of {total} checked")
        for b in (self.all_button, self.none_button):
            b.setEnabled(bool(total))

    # --- saving -------------------------------------------------------------------------------
    def line_items(self) -> list[LineItem]:
        """The items typed (blank rows left out); a ValidationError names the first bad one."""
        return [row.item(n) for n, row in enumerate(self.item_rows, 1) if not row.is_blank()]

    def save(self) -> None:
        self.errors.clear()
        client_id = self.client.client_id()
        if client_id is None:
            self.errors.show(ValidationError("client", "choose the client to invoice"))
            return
        try:
            items = self.line_items()
        except ValidationError as exc:  # typed amounts are read here; everything else by the service
            self.errors.show(exc)
            return
        first, last = self.days()
        ids = self.model.checked_ids()
        note = self.note.toPlainText()
        try:
            if self.draft is None:
                self.saved = invoices.create_draft(self.practice, self.actor, client_id, ids, first, last, items, note)
            else:
                self.saved = invoices.update_draft(self.practice, self.actor, self.draft.id, ids, first, last, items,
                                                   note)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.events.ledger_changed.emit()
        self.accept()


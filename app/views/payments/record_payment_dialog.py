"""Record payment… (SPEC 9.3): who paid, how much, how and when, a reference and a memo, and where
the money goes: to the client's issued invoices, the one due first first ("Oldest due first"), all
of it kept as the client's credit, or amounts typed against the invoices chosen. The service
decides and refuses (an amount above what an invoice owes, or adding up to more than the payment,
is said under the invoices); once recorded, the dialog says where the money went and offers the
receipt as a PDF. ``recorded`` carries the ``PaymentResult``."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import InvoiceStatus
from ...services.errors import ServiceError
from ...services.money import invoices, payment_documents, payments
from ...services.money.payments import Allocate, PaymentResult
from ...services.people import clients
from ..widgets.client_combo import ClientCombo
from ..widgets.money_field import MoneyField
from ..widgets.pdf_file import ask_pdf_path
from ..widgets.record_table import FieldErrors, Stack, done_label, heading, muted
from ..widgets.rows_model import Column, RowsTableModel

# how a client pays at the desk (a Stripe payment comes from the card gateway, not this form)
METHODS = ("cash", "card", "cheque", "transfer")
OWED = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID)
APPLY_COLUMN = 4
INVOICE_ROWS = 5  # the invoices table shows this many before it scrolls


def _day(d: date | None) -> str:
    return f"{d:%d %b %Y}" if d else ""


class RecordPaymentDialog(QDialog):
    recorded = Signal(object)  # PaymentResult

    def __init__(self, practice, actor, money, client_id: int | None = None, client_name: str = "",
                 today: date | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("recordPaymentDialog")
        self.setWindowTitle("Record a payment")
        self.practice, self.actor, self.money = practice, actor, money
        conf = practice.settings()
        self.locale, self.currency = conf["locale"], conf["currency"]
        self.today = today or practice.clock.now().astimezone(practice.tz).date()
        self.client_id = client_id
        self.client_name = client_name
        self.result: PaymentResult | None = None
        self.open_invoices: list = []
        self.apply_fields: dict[int, MoneyField] = {}
        self.errors = FieldErrors("pay")

        # who
        self.names: dict[int, str] = {}
        if client_id is None:  # Accounting > Record Payment…: any client, by typing part of the name
            self.client = ClientCombo(self._client_names, "Type part of a name", objectName="payClient")
            self.client.client_changed.connect(self._client_chosen)
            who: QWidget = self.client
        else:
            self.client = None
            who = QLabel(client_name, objectName="payClientName")
            who.setTextFormat(Qt.TextFormat.PlainText)
            who.setStyleSheet("font-weight: bold;")

        # how much, how, when
        self.amount = MoneyField(self.locale, "Amount", currency=self.currency, objectName="payAmount")
        self.amount.setMaximumWidth(180)
        self.method = QComboBox(objectName="payMethod")
        self.method.setMinimumWidth(180)
        self.method.setMaximumWidth(240)
        for value in METHODS:
            self.method.addItem(payment_documents.METHOD_NAMES[value], value)
        self.received = QDateEdit(QDate(self.today.year, self.today.month, self.today.day),
                                  objectName="payReceivedOn", calendarPopup=True)
        self.received.setDisplayFormat("dd MMM yyyy")
        self.received.setMaximumDate(QDate(self.today.year, self.today.month, self.today.day))
        self.received.setFixedWidth(150)
        self.reference = QLineEdit(objectName="payReference", maxLength=200,
                                   placeholderText="Cheque number, transfer reference, card slip (optional)")
        self.memo = QLineEdit(objectName="payMemo", maxLength=500, placeholderText="A note for the desk (optional)")

        # where it goes
        self.oldest = QRadioButton("Oldest due first", objectName="payOldest", checked=True)
        self.keep = QRadioButton("Keep as credit", objectName="payKeepCredit")
        self.choose = QRadioButton("Choose invoices", objectName="payChoose")
        self.how = QButtonGroup(self)
        for b in (self.oldest, self.keep, self.choose):
            self.how.addButton(b)
            b.toggled.connect(self._how_changed)
        self.how_hint = muted("", "payHowHint")
        self.invoices_model = RowsTableModel([
            Column("Invoice", lambda r: r.number or ""),
            Column("Issued", lambda r: _day(r.issue_date)),
            Column("Due", lambda r: _day(r.due_date)),
            Column("Amount due", lambda r: money(r.amount_due_cents), align_right=True),
            Column("Apply", lambda r: ""),
        ], self)
        self.invoices_table = QTableView(objectName="payInvoices")
        self.invoices_table.setModel(self.invoices_model)
        self.invoices_table.verticalHeader().hide()
        self.invoices_table.verticalHeader().setDefaultSectionSize(self.amount.sizeHint().height() + 6)
        self.invoices_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.invoices_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.invoices_table.horizontalHeader()
        header.setHighlightSections(False)
        for col in range(APPLY_COLUMN):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(APPLY_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.allocation_error = self.errors.line("Allocation", "allocation", "invoice")
        self.no_invoices = muted("No invoices of this client are waiting for payment: all of it is kept as "
                                 "the client's credit.", "payNoInvoices")

        form = QFormLayout()
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.client_error, self.amount_error = self.errors.line("Client", "client"), self.errors.line("Amount", "amount")
        form.addRow("Client", Stack(who, self.client_error))
        form.addRow("Amount", Stack(self.amount, self.amount.message, self.amount_error))
        form.addRow("Paid by", Stack(self.method, self.errors.line("Method", "method")))
        form.addRow("Received on", Stack(self.received, self.errors.line("Received", "received on")))
        form.addRow("Reference", Stack(self.reference, self.errors.line("Reference", "reference")))
        form.addRow("Memo", Stack(self.memo, self.errors.line("Memo", "memo")))
        choices = QWidget()
        row = QVBoxLayout(choices)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for b in (self.oldest, self.keep, self.choose):
            row.addWidget(b)
        form.addRow("Apply to", Stack(choices, self.how_hint, self.no_invoices, self.invoices_table,
                                      self.allocation_error))

        self.done_text = done_label("payDone")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Record payment", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("payConfirm")
        self.save_button.setDefault(True)  # Enter in a field records the payment
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("payCancel")
        self.receipt_button = QPushButton("Save receipt PDF\u2026", objectName="payReceipt")
        self.receipt_button.setAutoDefault(False)
        buttons.addButton(self.receipt_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("payClose")
        self.receipt_button.hide()
        self.close_button.hide()
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.receipt_button.clicked.connect(self.save_receipt)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        title = "Record a payment" + (f" from {client_name}" if client_id is not None else "")
        self.heading = heading(title, "payHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)
        self.form_box = QWidget()
        self.form_box.setLayout(form)
        layout.addWidget(self.form_box)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done_text)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)
        self._load_invoices()
        self._how_changed()
        (self.client if self.client is not None else self.amount).setFocus()

    # -- the client's invoices --------------------------------------------------------------------------
    def _client_names(self):
        try:
            found = clients.list_clients(self.practice, self.actor)
        except ServiceError as exc:
            self.errors.show(exc)
            return []
        self.names = {c.id: c.name for c in found}
        return [(f"{c.last_name}, {c.first_name}", c.id) for c in found]

    def _client_chosen(self, *_args) -> None:
        self.client_id = self.client.client_id()
        self.client_name = self.names.get(self.client_id, "")
        self._load_invoices()
        self._how_changed()

    def _load_invoices(self) -> None:
        rows = []
        if self.client_id is not None:
            try:
                rows = [r for r in invoices.list_invoices(self.practice, self.actor, client_id=self.client_id,
                                                          limit=1000)
                        if r.status in OWED and r.amount_due_cents > 0]
            except ServiceError as exc:
                self.errors.show(exc)
        rows.sort(key=lambda r: (r.due_date or date.max, r.number or "", r.id))  # as "oldest due first" takes them
        self.open_invoices = rows
        self.invoices_model.set_rows(rows)
        self.apply_fields = {}
        for i, r in enumerate(rows):
            field = MoneyField(self.locale, f"Invoice {r.number}", currency=self.currency,
                               objectName=f"payApply{r.id}")
            field.setPlaceholderText("")
            field.setFrame(False)
            field.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.invoices_table.setIndexWidget(self.invoices_model.index(i, APPLY_COLUMN), field)
            self.apply_fields[r.id] = field
        shown = min(max(len(rows), 1), INVOICE_ROWS)
        self.invoices_table.setFixedHeight(self.invoices_table.horizontalHeader().sizeHint().height()
                                           + shown * self.invoices_table.verticalHeader().defaultSectionSize()
                                           + 2 * self.invoices_table.frameWidth() + 2)

    def _how_changed(self, *_args) -> None:
        choosing = self.choose.isChecked()
        self.invoices_table.setVisible(choosing and bool(self.open_invoices))
        none_owed = self.client_id is not None and not self.open_invoices and not self.keep.isChecked()
        self.no_invoices.setVisible(none_owed)  # then it says where the money goes instead of the hint
        self.how_hint.setVisible(not none_owed)
        if self.keep.isChecked():
            hint = "All of it stays as the client's credit, to apply to invoices later."
        elif choosing:
            hint = "Type what goes to each invoice; what is not applied stays as the client's credit."
        else:
            hint = "It pays the client's issued invoices, the one due first first; the rest is credit."
        self.how_hint.setText(hint)

    # -- saving -----------------------------------------------------------------------------------------
    def allocation(self):
        """What record_payment is asked: a mode, or (invoice id, amount) for each amount typed.
        Raises ValueError (the field's own words) for text that is not an amount."""
        if self.keep.isChecked():
            return Allocate.NONE
        if self.oldest.isChecked():
            return Allocate.OLDEST
        plan = [(iid, field.cents()) for iid, field in self.apply_fields.items() if field.text().strip()]
        if not plan:  # "Choose invoices" with none chosen is a slip, not a wish to keep it all as credit
            raise ValueError("Type what goes to at least one invoice, or choose Keep as credit")
        return plan

    def save(self) -> None:
        self.errors.clear()
        if self.client_id is None:
            self._say(self.client_error, "Choose who paid.")
            return
        try:
            cents = self.amount.cents()
            plan = self.allocation()
        except ValueError as exc:  # text that is not an amount: said beside its field, the service is not asked
            if self.amount.is_valid():
                self._say(self.allocation_error, f"{exc}.")
            elif not self.amount.shows_invalid:  # empty (bad text is already said under the field)
                self._say(self.amount_error, f"{exc}.")
            return
        d = self.received.date()
        try:
            self.result = payments.record_payment(
                self.practice, self.actor, self.client_id, cents, self.method.currentData(),
                received_on=date(d.year(), d.month(), d.day()), reference=self.reference.text(),
                memo=self.memo.text(), allocate=plan)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self._show_done(self.result)
        self.recorded.emit(self.result)

    @staticmethod
    def _say(line: QLabel, text: str) -> None:
        line.setText(text)
        line.show()

    def _show_done(self, r: PaymentResult) -> None:
        parts = [f"{self.money(a.amount_cents)} to invoice {a.invoice_number}" for a in r.allocations]
        if r.left_cents:
            parts.append(f"{self.money(r.left_cents)} kept as credit")
        self.done_text.setText(f"Recorded {self.money(r.payment.amount_cents)} from {self.client_name}: "
                               + ", ".join(parts) + ".")
        self.done_text.show()
        self.form_box.setEnabled(False)
        for b in (self.save_button, self.cancel_button):
            b.hide()
        for b in (self.receipt_button, self.close_button):
            b.show()
        self.close_button.setDefault(True)

    def save_receipt(self) -> None:
        if self.result is None:
            return
        p = self.result.payment
        path = ask_pdf_path(self, "Save the receipt", f"Receipt P-{p.id:06d} {self.client_name}")
        if path is None:
            return
        try:
            saved = payment_documents.save_receipt_pdf(self.practice, self.actor, p.id, path)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        self.done_text.setText(f"{self.done_text.text()}\nReceipt saved to {saved}.")

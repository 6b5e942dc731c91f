"""Cancel with credit note… (SPEC 9.1): an issued invoice is never edited or deleted; it is cancelled
by a credit note in its own numbered series that states the reason. The dialog asks the reason and
calls ``invoices.cancel_invoice``; ``cancelled`` holds the invoice as it is afterwards (with its
credit note) once the dialog is accepted. A refusal (payments still applied, an empty reason)
shows under the reason."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout

from ...services.errors import ServiceError
from ...services.money import invoices
from ...services.money.invoices import InvoiceView
from ..widgets.record_table import FieldErrors, heading, muted


class CancelInvoiceDialog(QDialog):
    def __init__(self, practice, actor, invoice: InvoiceView, money, parent=None):
        super().__init__(parent)
        self.setObjectName("cancelInvoiceDialog")
        self.setWindowTitle(f"Cancel invoice {invoice.number}")
        self.practice, self.actor, self.invoice = practice, actor, invoice
        self.cancelled: InvoiceView | None = None
        self.errors = FieldErrors("cancelInvoice")
        self.reason = QPlainTextEdit(objectName="cancelReason")
        self.reason.setPlaceholderText("Why it is cancelled, e.g. Invoiced to the wrong client")
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.reason.setTabChangesFocus(True)
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton("Cancel invoice", QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setObjectName("cancelConfirm")
        self.keep = buttons.addButton("Keep it", QDialogButtonBox.ButtonRole.RejectRole)
        self.keep.setObjectName("cancelKeep")
        self.keep.setDefault(True)
        buttons.accepted.connect(self.cancel_invoice)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"Cancel invoice {invoice.number}", "cancelHeading"))
        layout.addWidget(muted(
            f"A credit note of {money(invoice.total_cents)} is issued now, with the next credit note number; it "
            f"names invoice {invoice.number} and the reason below. The invoice stays on file as cancelled, and its "
            "sessions can go on a new invoice.", "cancelIntro"))
        layout.addWidget(self.reason)
        layout.addWidget(self.errors.line("Reason", "reason"))
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def cancel_invoice(self) -> None:
        self.errors.clear()
        try:
            self.cancelled = invoices.cancel_invoice(self.practice, self.actor, self.invoice.id,
                                                     self.reason.toPlainText())
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.accept()

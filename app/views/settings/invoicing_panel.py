"""Settings > Invoices (admin, SPEC 9.1, 9.2): how invoice and credit note numbers look (with the next
number shown as it is typed), the payment terms, what every invoice prints (payment instructions, the
tax id or exemption note) and the logo. The logo is kept in the practice file (practice_logo.py) and
takes effect as soon as it is chosen; the rest is saved with Save."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...services import practice_logo, practice_settings
from ...services.errors import ServiceError, ValidationError
from ...services.money import numbering
from ..widgets.record_table import FieldErrors, done_label, heading, muted
from .record_panel import Stack, button
from .settings_form import SettingsForm

WORDS = {"invoice_number_format": "invoice numbers", "credit_note_number_format": "credit note numbers",
         "payment_terms_days": "payment terms", "payment_instructions": "payment instructions",
         "tax_note": "tax note"}
LOGO_SIZE = 120


class InvoicingPanel(SettingsForm):
    WORDS = WORDS
    logo_changed = Signal()

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("invoicingPanel")
        self.practice, self.actor = practice, actor
        self.errors = FieldErrors("invoicing")
        self.invoice_format = QLineEdit(objectName="invoiceNumberFormat", maxLength=60)
        self.credit_format = QLineEdit(objectName="creditNoteNumberFormat", maxLength=60)
        self.invoice_sample, self.credit_sample = muted("", "invoiceNumberSample"), muted("", "creditNoteNumberSample")
        self.terms = QSpinBox(objectName="paymentTerms", minimum=0, maximum=365, suffix=" days")
        self.terms.setSpecialValueText("Due on the issue date")
        self.instructions = QPlainTextEdit(objectName="paymentInstructions")
        self.instructions.setPlaceholderText("e.g. Pay by bank transfer to IBAN DE89 3704 0044 0532 0130 00")
        self.instructions.setTabChangesFocus(True)
        self.instructions.setFixedHeight(72)
        self.tax_note = QLineEdit(objectName="taxNote", maxLength=300)
        self.tax_note.setPlaceholderText("e.g. VAT no. GB123456789")
        self.invoice_format.textChanged.connect(self._show_samples)
        self.credit_format.textChanged.connect(self._show_samples)

        numbers = QGroupBox("Numbers and terms", objectName="invoicingNumbersBox")
        form = QFormLayout(numbers)
        form.addRow("Invoice numbers", Stack(self.invoice_format, self.invoice_sample,
                                             self.errors.line("InvoiceFormat", "invoice number format")))
        form.addRow("Credit note numbers", Stack(self.credit_format, self.credit_sample,
                                                 self.errors.line("CreditFormat", "credit note number format")))
        form.addRow("", muted("{year} is the year of the issue date; {seq} counts from 1 each year, "
                              "{seq:04d} writes it with four digits.", "invoicingFormatHelp"))
        form.addRow("Payment terms", Stack(self.terms, self.errors.line("Terms", "payment terms")))
        printed = QGroupBox("Printed on every invoice", objectName="invoicingPrintedBox")
        pform = QFormLayout(printed)
        pform.addRow("Payment instructions", Stack(self.instructions,
                                                   self.errors.line("Instructions", "payment instructions")))
        pform.addRow("Tax id or exemption", Stack(self.tax_note, self.errors.line("TaxNote", "tax id or exemption note")))
        self.logo = QLabel(objectName="logoPreview", alignment=Qt.AlignmentFlag.AlignCenter)
        self.logo.setFixedSize(LOGO_SIZE + 8, LOGO_SIZE // 2 + 8)
        self.logo.setStyleSheet("border: 1px solid #cbd5e0; color: #718096;")
        self.choose_logo = button("Choose picture…", "logoChoose", self.pick_logo)
        self.remove_logo = button("Remove", "logoRemove", lambda: self.set_logo(None))
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.choose_logo)
        logo_buttons.addWidget(self.remove_logo)
        logo_buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        self.logo_error = self.errors.line("Logo", "logo")
        pform.addRow("Logo", Stack(_row_widget(logo_row), self.logo_error,
                                   muted("A PNG or JPEG of at most 512 KB, printed at the top right.", "logoNote")))

        self.save_button = button("Save", "invoicingSave", self.save)
        self.save_button.setDefault(True)
        self.done = done_label("invoicingDone")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        body = QHBoxLayout()
        body.addWidget(numbers, 1)
        body.addWidget(printed, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Invoices", "invoicingHeading"))
        layout.addWidget(muted("Numbers are given when an invoice is issued, one after another without gaps; "
                               "a changed format applies to invoices issued from now on.", "invoicingIntro"))
        layout.addLayout(body)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.load()
        self._show_logo()

    def load(self, conf: dict | None = None) -> None:
        self.conf = conf or practice_settings.get_settings(self.practice, self.actor)
        self.invoice_format.setText(self.conf["invoice_number_format"])
        self.credit_format.setText(self.conf["credit_note_number_format"])
        self.terms.setValue(self.conf["payment_terms_days"])
        self.instructions.setPlainText(self.conf["payment_instructions"])
        self.tax_note.setText(self.conf["tax_note"])
        self._show_samples()

    def values(self) -> dict:
        return dict(invoice_number_format=self.invoice_format.text(), credit_note_number_format=self.credit_format.text(),
                    payment_terms_days=self.terms.value(), payment_instructions=self.instructions.toPlainText(),
                    tax_note=self.tax_note.text())

    def _show_samples(self, *_args) -> None:
        year = self.practice.clock.now().astimezone(self.practice.tz).year
        for field, label, name in ((self.invoice_format, self.invoice_sample, "invoice number format"),
                                   (self.credit_format, self.credit_sample, "credit note number format")):
            try:
                fmt = numbering.check_format(name, field.text())
            except ValidationError as exc:
                label.setText(f"<span style='color:#c53030'>{exc.message}</span>")
                continue
            label.setText(f"The first of {year}: <b>{numbering.format_number(fmt, year, 1)}</b>")

    # --- the logo --------------------------------------------------------------------------------
    def _show_logo(self) -> None:
        data = practice_logo.get_logo(self.practice)
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo.setPixmap(pixmap.scaled(LOGO_SIZE, LOGO_SIZE // 2, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo.setPixmap(QPixmap())
            self.logo.setText("No logo")
        self.remove_logo.setEnabled(bool(data))

    def pick_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Choose the practice's logo", "",
                                                    "Pictures (*.png *.jpg *.jpeg)")
        if not path:
            return
        try:
            with open(path, "rb") as f:
                data = f.read(practice_logo.MAX_BYTES + 1)
        except OSError as exc:
            self.errors.clear()
            self.logo_error.setText(f"Logo: the file could not be read ({exc.strerror or exc}).")
            self.logo_error.show()
            return
        self.set_logo(data)

    def set_logo(self, data: bytes | None) -> None:
        self.errors.clear()
        self.done.hide()
        try:
            practice_logo.set_logo(self.practice, self.actor, data)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self._show_logo()
        self.done.setText("Logo removed." if data is None else "Logo saved: it prints on documents from now on.")
        self.done.show()
        self.logo_changed.emit()


def _row_widget(layout) -> QWidget:
    w = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    w.setLayout(layout)
    return w

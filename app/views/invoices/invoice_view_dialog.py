"""One invoice (SPEC 9.1, 9.2): its client, number and dates, lines, totals, the payments applied,
the amount due and its status; a cancelled one names its credit note and the reason.

A draft can be issued (the number is given then and the invoice is frozen: the user confirms),
edited or deleted; an issued one can be cancelled with a credit note, saved as a PDF or printed, and
one with an amount due is charged to the client's card on file (Charge card…, card_charger.py) or
e-mailed with a Stripe page to pay it by card (E-mail payment link…, payment_link_sender.py), SPEC 10.4;
the last card charge that did not go through is named when the invoice opens.
Every action is a service call (``invoices``, ``invoice_documents``); after one that changes
something the dialog shows the invoice as it is now and announces ``events.ledger_changed``.
"""
from __future__ import annotations

import re
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import InvoiceStatus
from ...services.billing import card_settings, cards
from ...services.billing.cards import CardView
from ...services.errors import NotFound, ServiceError
from ...services.money import invoice_documents, invoices
from ...services.money.amounts import format_money
from ...services.money.invoices import InvoiceView
from ..widgets.messages import show_error
from ..widgets.pdf_print import print_pdf
from ..widgets.record_table import done_label, muted
from ..widgets.rows_model import Column, RowsTableModel
from .cancel_invoice_dialog import CancelInvoiceDialog
from .card_charger import CardCharger, charge_text
from .invoice_list_model import day_text, status_color, status_text
from .new_invoice_dialog import NewInvoiceDialog
from .payment_link_sender import PaymentLinkSender

BADGE = "QLabel {{ color: white; background: {color}; border-radius: 9px; padding: 2px 10px; font-weight: 600; }}"
ISSUED_BLUE = "#2b6cb0"
BANNER = "QLabel {{ color: {}; background: {}; border: 1px solid {}; border-radius: 4px; padding: 6px 8px; }}"
CANCELLED_COLORS, DRAFT_COLORS = ("#742a2a", "#fff5f5", "#feb2b2"), ("#2a4365", "#ebf8ff", "#90cdf4")
CHARGED_COLORS = ("#22543d", "#f0fff4", "#9ae6b4")
ISSUE_TEXT = "Issue this invoice?"
ISSUE_INFO = ("The number is given now and the invoice can no longer be edited: after this it can only be "
              "cancelled with a credit note.")


def _pdf_name(path: str) -> str:
    return path if path.lower().endswith(".pdf") else f"{path}.pdf"


def _file_name(text: str) -> str:
    """A suggested file name from a title: an invoice number such as INV/2026/7 holds no folder."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", text).strip(" .-") or "invoice"


class InvoiceViewDialog(QDialog):
    """``today`` is the practice's date (what the Edit draft dialog counts "last month" from)."""

    def __init__(self, practice, actor, events, invoice_id: int, today: date, parent=None):
        super().__init__(parent)
        self.setObjectName("invoiceViewDialog")
        self.practice, self.actor, self.events, self.today = practice, actor, events, today
        self.invoice_id = invoice_id
        conf = practice.settings()
        self.money = lambda cents: format_money(cents, conf["currency"], conf["locale"])
        self.view: InvoiceView | None = None
        self.edit_dialog: NewInvoiceDialog | None = None
        self.card: CardView | None = None  # the client's card on file, when this invoice can be charged
        self.charger = CardCharger(self, practice, actor, self.money)
        self.charger.finished.connect(self._charge_done)
        self.link_sender = PaymentLinkSender(self, practice, actor, self.money)
        self.link_sender.finished.connect(self._charge_done)
        self.last_charge = None  # the invoice's last card charge (ChargeView), if any

        self.title = QLabel(objectName="invoiceTitle")
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.badge = QLabel(objectName="invoiceStatus")
        self.client = QLabel(objectName="invoiceClient", wordWrap=True)
        self.client.setTextFormat(Qt.TextFormat.RichText)
        self.client.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.facts = {key: QLabel(objectName=f"invoice{key}") for key in ("Number", "Issued", "Due", "Period")}
        self.banner = QLabel(objectName="invoiceBanner", wordWrap=True)
        self.lines = RowsTableModel([
            Column("Date", lambda ln: day_text(ln.service_date)),
            Column("Item", lambda ln: ln.description if ln.session_id is None else ln.service_name),
            Column("Practitioner", lambda ln: ln.practitioner_name),
            Column("Status", lambda ln: ln.label),
            Column("Tax", lambda ln: self._tax_text(ln), align_right=True),
            Column("Amount", lambda ln: self.money(ln.amount_cents), align_right=True),
        ], self)
        self.table = QTableView(objectName="invoiceLines")
        self.table.setModel(self.lines)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        for col in range(len(self.lines.columns)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(140)
        self.totals = QGridLayout()
        self.totals.setHorizontalSpacing(18)
        self.totals.setVerticalSpacing(3)
        totals_box = QWidget(objectName="invoiceTotals")
        totals_box.setLayout(self.totals)
        self.note = muted("", "invoiceNote")
        self.message = done_label("invoiceDone")
        self.charge_result = QLabel(objectName="invoiceChargeResult", wordWrap=True)
        self.charge_result.hide()

        self.issue_button = self._button("Issue\u2026", "issueInvoice", self.issue)
        self.edit_button = self._button("Edit draft\u2026", "editDraft", self.edit_draft)
        self.delete_button = self._button("Delete draft\u2026", "deleteDraft", self.delete_draft)
        self.cancel_button = self._button("Cancel with credit note\u2026", "cancelInvoice", self.cancel_invoice)
        self.charge_button = self._button("Charge card\u2026", "chargeCard", self.charge_card)
        self.pay_link_button = self._button("E-mail payment link\u2026", "sendPaymentLink", self.send_payment_link)
        self.pdf_button = self._button("Save PDF\u2026", "savePdf", self.save_pdf)
        self.print_button = self._button("Print\u2026", "printInvoice", self.print_invoice)
        self.credit_pdf_button = self._button("Credit note PDF\u2026", "saveCreditNotePdf", self.save_credit_note_pdf)
        self.close_button = self._button("Close", "invoiceClose", self.accept)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        head.addStretch(1)
        facts = QFormLayout()
        facts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for text, key in (("Number", "Number"), ("Issue date", "Issued"), ("Due date", "Due"),
                          ("Service period", "Period")):
            facts.addRow(text, self.facts[key])
        top = QHBoxLayout()
        client_box = QVBoxLayout()
        client_box.addWidget(muted("Bill to", "invoiceBillTo"))
        client_box.addWidget(self.client)
        client_box.addStretch(1)
        top.addLayout(client_box, 1)
        top.addLayout(facts)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(totals_box, 0, Qt.AlignmentFlag.AlignTop)
        actions = QHBoxLayout()
        for b in (self.issue_button, self.edit_button, self.delete_button, self.charge_button, self.pay_link_button,
                  self.cancel_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.pdf_button, self.print_button, self.credit_pdf_button, self.close_button):
            actions.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        layout.addWidget(self.charge_result)
        layout.addLayout(actions)
        self.resize(860, 640)
        events.ledger_changed.connect(self.refresh)  # a payment recorded elsewhere shows at once
        self.finished.connect(lambda _r: events.ledger_changed.disconnect(self.refresh))
        self.refresh()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        b = QPushButton(text, objectName=name)
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        return b

    def _tax_text(self, line) -> str:
        if not line.tax_rate_bp and not line.tax_cents:
            return ""
        return f"{self.money(line.tax_cents)} ({line.tax_rate_bp / 100:g} %)"

    # --- showing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the invoice again and show it as it is now."""
        try:
            self.view = invoices.get_invoice(self.practice, self.actor, self.invoice_id)
        except NotFound as exc:
            self.view = None
            self.title.setText("Invoice gone")
            self.banner.setText(str(exc))
            self.banner.show()
            for b in (self.issue_button, self.edit_button, self.delete_button, self.cancel_button, self.pdf_button,
                      self.print_button, self.credit_pdf_button, self.charge_button, self.pay_link_button):
                b.hide()
            return
        except ServiceError as exc:
            show_error(self, exc)
            return
        v = self.view
        draft = v.status == InvoiceStatus.DRAFT
        cancelled = v.status == InvoiceStatus.CANCELLED
        self.setWindowTitle("Draft invoice" if draft else f"Invoice {v.number}")
        self.title.setText(f"Draft invoice for {v.client_name}" if draft else f"Invoice {v.number}")
        color = status_color(v.status)
        self.badge.setText(status_text(v.status))
        self.badge.setStyleSheet(BADGE.format(color=color.name() if color is not None else ISSUED_BLUE))
        address = "<br>".join(escape(line) for line in v.client_address.splitlines())
        self.client.setText(f"<b>{escape(v.client_name)}</b>" + (f"<br>{address}" if address else ""))
        self.facts["Number"].setText(v.number or "none until it is issued")
        self.facts["Issued"].setText(day_text(v.issue_date) or "\u2014")
        self.facts["Due"].setText(day_text(v.due_date) or "\u2014")
        self.facts["Period"].setText(f"{day_text(v.period_first)} \u2013 {day_text(v.period_last)}"
                                     if v.period_first else "")
        if cancelled and v.credit_note is not None:
            cn = v.credit_note
            self.banner.setText(f"Cancelled on {day_text(cn.issue_date)} by credit note <b>{escape(cn.number)}</b> "
                                f"({escape(self.money(cn.amount_cents))}). Reason: {escape(cn.reason)}")
        elif draft:
            self.banner.setText("A draft: it has no number yet and can still be changed or deleted. Issue it to give "
                                "it its number and hand it to the client.")
        self.banner.setStyleSheet(BANNER.format(*(CANCELLED_COLORS if cancelled else DRAFT_COLORS)))
        self.banner.setVisible(cancelled or draft)
        self.lines.set_rows(v.lines)
        self.table.setColumnHidden(4, not any(ln.tax_cents or ln.tax_rate_bp for ln in v.lines))
        self._show_totals(v)
        self.note.setText(f"Note: {v.note}" if v.note else "")
        self.issue_button.setVisible(draft)
        self.edit_button.setVisible(draft)
        self.delete_button.setVisible(draft)
        self.cancel_button.setVisible(not draft and not cancelled)
        self.pdf_button.setVisible(not draft)
        self.print_button.setVisible(not draft)
        self.credit_pdf_button.setVisible(cancelled)
        self._show_charge_button(v)

    def _show_charge_button(self, v: InvoiceView) -> None:
        """Charge card… for an issued invoice with an amount due whose client has a card on file;
        E-mail payment link… for one with an amount due where card payments are set up; the last
        charge that did not go through, said when the invoice opens."""
        self.card, ready, self.last_charge = None, False, None
        if v.status in (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID) and v.amount_due_cents > 0:
            try:
                self.card = cards.card_on_file(self.practice, self.actor, v.client_id)
                ready = card_settings.get_card_settings(self.practice, self.actor).ready
                self.last_charge = (cards.list_charges(self.practice, self.actor, v.id) or [None])[-1]
            except ServiceError:  # not the front desk: no card shown, nothing charged from here
                self.card, ready = None, False
        self.charge_button.setVisible(self.card is not None)
        if self.card is not None:
            self.charge_button.setToolTip(f"Charge {self.money(v.amount_due_cents)} to {self.card.label}")
        self.pay_link_button.setVisible(ready)
        last = self.last_charge
        if self.charge_result.isHidden() and last is not None and not last.succeeded:
            self.charge_result.setText(f"Last card charge (attempt {last.attempt}): "
                                       + charge_text(last, "the card on file", self.money))
            self.charge_result.setStyleSheet(BANNER.format(*CANCELLED_COLORS))
            self.charge_result.show()

    def _show_totals(self, v: InvoiceView) -> None:
        while self.totals.count():
            w = self.totals.takeAt(0).widget()
            if w is not None:
                w.setParent(None)  # out of findChild at once
                w.deleteLater()
        rows: list[tuple[str, str, str]] = [("Subtotal", self.money(v.subtotal_cents), "Subtotal")]
        if v.tax_cents:
            rows.append(("Tax", self.money(v.tax_cents), "Tax"))
        rows.append(("<b>Total</b>", f"<b>{self.money(v.total_cents)}</b>", "Total"))
        for n, p in enumerate(v.payments, 1):
            what = invoice_documents.WRITTEN_OFF if p.kind == "writeoff" else \
                invoice_documents.METHOD_TEXT.get(p.method or "", "Payment")
            ref = f", ref. {p.reference}" if p.reference else ""
            rows.append((escape(f"{what} {p.paid_at:%d %b %Y}{ref}"), self.money(-p.amount_cents), f"Payment{n}"))
        if v.status == InvoiceStatus.CANCELLED:
            rows.append(("Amount due", "cancelled", "AmountDue"))
        else:
            big = "font-size: 12pt; font-weight: bold;"
            rows.append((f"<span style='{big}'>Amount due</span>",
                         f"<span style='{big}'>{self.money(v.amount_due_cents)}</span>", "AmountDue"))
        for r, (label, value, name) in enumerate(rows):
            left = QLabel(label, objectName=f"invoice{name}Label")
            right = QLabel(value, objectName=f"invoice{name}")
            right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.totals.addWidget(left, r, 0)
            self.totals.addWidget(right, r, 1)

    def _changed(self, message: str) -> None:
        self.events.ledger_changed.emit()  # this dialog refreshes with every open view
        self.message.setText(message)
        self.message.show()

    # --- drafts -------------------------------------------------------------------------------
    def issue(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Issue invoice", ISSUE_TEXT,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmIssue")
        box.setInformativeText(ISSUE_INFO)
        box.button(QMessageBox.StandardButton.Yes).setText("Issue")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmIssueYes")
        box.button(QMessageBox.StandardButton.Cancel).setObjectName("confirmIssueCancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if not yes:
            return
        try:
            issued = invoices.issue_invoice(self.practice, self.actor, self.invoice_id)
        except ServiceError as exc:
            show_error(self, exc, "Not issued")
            return
        self._changed(f"Issued as invoice {issued.number}, due {day_text(issued.due_date)}.")

    def edit_draft(self) -> None:
        if self.view is None:
            return
        self.edit_dialog = NewInvoiceDialog(self.practice, self.actor, self.events, self.today, draft=self.view,
                                            parent=self)
        self.edit_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.edit_dialog.accepted.connect(lambda: self._changed("Draft saved."))
        self.edit_dialog.open()

    def delete_draft(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Delete draft", "Delete this draft invoice?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDeleteDraft")
        box.setInformativeText("Its sessions are free to go on another invoice.")
        box.button(QMessageBox.StandardButton.Yes).setText("Delete draft")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmDeleteYes")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if not yes:
            return
        try:
            invoices.delete_draft(self.practice, self.actor, self.invoice_id)
        except ServiceError as exc:
            show_error(self, exc, "Not deleted")
            return
        self.accept()  # first: this dialog stops following the events
        self.events.ledger_changed.emit()

    # --- issued -------------------------------------------------------------------------------
    def cancel_invoice(self) -> None:
        if self.view is None:
            return
        dialog = CancelInvoiceDialog(self.practice, self.actor, self.view, self.money, self)
        dialog.exec()
        done = dialog.cancelled
        dialog.deleteLater()
        if done is not None and done.credit_note is not None:
            self._changed(f"Cancelled by credit note {done.credit_note.number}.")

    def charge_card(self) -> None:
        if self.view is None or self.card is None:
            return
        self.charge_result.hide()
        self.charge_button.setEnabled(False)
        self.charger.charge(self.invoice_id, self.view.number or "", self.view.amount_due_cents, self.card)

    def send_payment_link(self) -> None:
        if self.view is None:
            return
        last = self.last_charge
        reason = {"declined": "We could not charge your card on file.",
                  "needs_authentication": "Your bank asks you to confirm this payment yourself."}.get(
            last.status if last is not None else "", "")
        self.charge_result.hide()
        self.pay_link_button.setEnabled(False)
        self.link_sender.send(self.invoice_id, self.view.number or "", self.view.amount_due_cents, reason)

    def _charge_done(self, text: str, ok: bool) -> None:
        self.charge_button.setEnabled(True)
        self.pay_link_button.setEnabled(True)
        if not text:  # the user did not charge
            return
        self.events.ledger_changed.emit()  # the invoice is read again here and in every open view
        self.charge_result.setText(text)
        self.charge_result.setStyleSheet(BANNER.format(*(CHARGED_COLORS if ok else CANCELLED_COLORS)))
        self.charge_result.show()

    def _ask_path(self, caption: str, name: str) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        chosen, _filter = QFileDialog.getSaveFileName(self, caption, str(Path(folder) / f"{_file_name(name)}.pdf"),
                                                      "PDF files (*.pdf)")
        return Path(_pdf_name(chosen)) if chosen else None

    def _save(self, caption: str, name: str, save) -> None:
        path = self._ask_path(caption, name)
        if path is None:
            return
        try:
            written = save(self.practice, self.actor, self.invoice_id, path)
        except ServiceError as exc:
            show_error(self, exc, "Not saved")
            return
        self.message.setText(f"Saved {written}.")
        self.message.show()

    def save_pdf(self) -> None:
        if self.view is not None:
            self._save("Save invoice as PDF", f"Invoice {self.view.number}", invoice_documents.save_invoice_pdf)

    def save_credit_note_pdf(self) -> None:
        if self.view is not None and self.view.credit_note is not None:
            self._save("Save credit note as PDF", f"Credit note {self.view.credit_note.number}",
                       invoice_documents.save_credit_note_pdf)

    def print_invoice(self) -> None:
        if self.view is None:
            return
        try:
            data = invoice_documents.invoice_pdf_bytes(self.practice, self.actor, self.invoice_id)
        except ServiceError as exc:
            show_error(self, exc, "Not printed")
            return
        if print_pdf(self, data, f"Invoice {self.view.number}"):
            self.message.setText(f"Invoice {self.view.number} sent to the printer.")
            self.message.show()

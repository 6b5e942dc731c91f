"""A client's payments in their record (SPEC 9.3): every payment, what it was applied to and what
was taken back, refunds and write-offs, with the balance after each (``payments.payment_history``),
and the client's credit. Record payment… and Statement PDF… for the client; on the selected row:
Take back allocation…, Refund…, Write off… (admins: ``capabilities(actor).write_off``) and Receipt
PDF…. Each change is a service call; afterwards the widget reloads, says ``changed`` (the record's
balance follows) and announces ``ledger_changed`` to every open view. A refund of a Stripe payment is
then sent to Stripe off the GUI thread (``cards.send_refund``, SPEC 9.3); the widget says whether
Stripe refunded it, and offers "Send to Stripe again" when it did not."""
from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...services.billing import cards
from ...services.errors import ServiceError
from ...services.money import invoices, payment_documents, payments
from ...services.money.payments import HistoryKind, HistoryRow
from ...services.people.capabilities import capabilities
from ..events import events_near
from ..widgets.amount_reason_dialog import AmountReasonDialog
from ..widgets.background_call import BackgroundCall
from ..widgets.balance_text import MUTED, balance_color, balance_text
from ..widgets.messages import error_label, error_text
from ..widgets.pdf_file import ask_pdf_path
from ..widgets.record_table import RecordsModel, RichColumn, done_label, records_table, selected_row
from .record_payment_dialog import OWED, RecordPaymentDialog
from .statement_dialog import StatementDialog

ENTRY = {HistoryKind.PAYMENT: "Payment", HistoryKind.REFUND: "Refund", HistoryKind.WRITEOFF: "Write-off",
         HistoryKind.CHARGE: "Charge", HistoryKind.ALLOCATION: "\u21b3 Applied to invoice",
         HistoryKind.TAKE_BACK: "\u21b3 Taken back"}
MOVES = (HistoryKind.ALLOCATION, HistoryKind.TAKE_BACK)  # money moved between a payment and an invoice
MIN_ROWS = 5  # the table is at least this tall


class PaymentHistoryWidget(QWidget):
    changed = Signal()

    def __init__(self, practice, actor, client_id: int, money, client_name: str = "", today: date | None = None,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("paymentHistory")
        self.practice, self.actor, self.client_id, self.money = practice, actor, client_id, money
        self.client_name = client_name
        self.caps = capabilities(actor)
        conf = practice.settings()
        self.locale, self.currency = conf["locale"], conf["currency"]
        self._today = today
        self.rows: list[HistoryRow] = []
        self.taken_back: set[int] = set()  # allocations with a take-back
        self.payment_ids: set[int] = set()  # entries that are payments (they have receipts, refunds)
        self.paid_on: dict[int, str] = {}  # payments and write-offs: the day, as the rows show it

        self.credit = QLabel(objectName="paymentsCredit")  # the client's credit: what is not applied yet
        self.record_button = self._button("Record payment\u2026", "paymentsRecord", self.record_payment)
        self.statement_button = self._button("Statement PDF\u2026", "paymentsStatement", self.save_statement)
        self.show_charges = QCheckBox("Show charges", objectName="paymentsShowCharges")
        self.show_charges.setToolTip("List the sessions and other charges too, so each balance follows from the row "
                                     "above it")
        self.show_charges.toggled.connect(self.reload)

        def faint(r: HistoryRow):
            return MUTED if r.kind in MOVES or r.id in self.taken_back else None

        self.model = RecordsModel([
            RichColumn("Date", lambda r: f"{r.at.astimezone(practice.tz):%d %b %Y}", color=faint),
            RichColumn("Entry", self._entry, color=faint),
            RichColumn("Invoice", lambda r: r.invoice_number or "", color=faint),
            RichColumn("Details", self._details, tooltip=self._details, stretch=True, color=faint),
            RichColumn("Amount", lambda r: money(r.amount_cents), align_right=True, color=faint),
            RichColumn("Balance", lambda r: "" if r.kind in MOVES else balance_text(r.balance_cents, money),
                       align_right=True, color=lambda r: None if r.kind in MOVES else balance_color(r.balance_cents)),
        ], self)
        self.table = records_table(self.model, "paymentsTable")
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height()
                                    + MIN_ROWS * self.table.verticalHeader().defaultSectionSize() + 4)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel("No payments yet.", objectName="paymentsEmpty")
        self.empty.setStyleSheet("color: #4a5568;")

        self.take_back_button = self._button("Take back allocation\u2026", "paymentsTakeBack", self.take_back)
        self.refund_button = self._button("Refund\u2026", "paymentsRefund", self.refund)
        self.write_off_button = self._button("Write off\u2026", "paymentsWriteOff", self.write_off)
        self.write_off_button.setVisible(self.caps.write_off)
        self.receipt_button = self._button("Receipt PDF\u2026", "paymentsReceipt", self.save_receipt)
        self.unsent: list[cards.UnsentRefund] = []  # refunds in the books Stripe has not confirmed
        self.reasons: dict[int, str] = {}  # refund id -> why the last send could not even ask Stripe
        self.sending: list[payments.GatewayRefund] = []
        self.refund_said = ""  # what the books side of the refund just made said
        self.call: BackgroundCall | None = None
        self.resend_button = self._button("Send to Stripe again", "paymentsSendRefund", self.resend_refund)
        self.resend_button.hide()
        self.stripe_failed = error_label("paymentsStripeRefund")  # stays until Stripe has refunded it
        self.stripe_failed.hide()
        self.done = done_label("paymentsDone")
        self.error = error_label("paymentsError")
        self.error.hide()

        top = QHBoxLayout()
        top.addWidget(self.credit)
        top.addStretch(1)
        top.addWidget(self.record_button)
        top.addWidget(self.statement_button)
        actions = QHBoxLayout()
        for b in (self.take_back_button, self.refund_button, self.write_off_button, self.receipt_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.show_charges)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        resend = QHBoxLayout()
        resend.addWidget(self.stripe_failed, 1)
        resend.addWidget(self.resend_button)
        layout.addWidget(self.done)
        layout.addWidget(self.error)
        layout.addLayout(resend)
        if not self.caps.front_desk:  # practitioners see no money (SPEC 1.1); the record hides the tab too
            self.hide()
        self._selection_changed()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        b = QPushButton(text, objectName=name)
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        return b

    def today(self) -> date:
        return self._today or self.practice.clock.now().astimezone(self.practice.tz).date()

    # -- what the rows say ---------------------------------------------------------------------------
    def _entry(self, r: HistoryRow) -> str:
        text = ENTRY[r.kind]
        return "\u21b3 Applied (taken back)" if r.id in self.taken_back and r.kind == HistoryKind.ALLOCATION else text

    def _details(self, r: HistoryRow) -> str:
        how = payment_documents.METHOD_NAMES.get(r.method or "", r.method or "")
        if r.kind in MOVES:
            paid = self.paid_on.get(r.payment_id)
            what = f"{how} payment" if how else "Write-off"
            return f"{what} of {paid}" if paid else what
        parts = [how if r.kind == HistoryKind.PAYMENT else "", r.reference, r.memo]
        return " \u00b7 ".join(p for p in parts if p)

    # -- loading ---------------------------------------------------------------------------------------
    def reload(self, *_args) -> None:
        if not self.caps.front_desk:
            return
        self.error.hide()
        chosen = selected_row(self.table)
        try:
            rows = payments.payment_history(self.practice, self.actor, self.client_id,
                                            include_charges=self.show_charges.isChecked())
            credit = payments.client_credit(self.practice, self.actor, self.client_id)
        except ServiceError as exc:
            self._fail(exc)
            return
        self.rows = rows
        self.taken_back = {r.reverses_id for r in rows if r.kind == HistoryKind.TAKE_BACK}
        self.payment_ids = {r.id for r in rows if r.kind == HistoryKind.PAYMENT}
        self.paid_on = {r.id: self._when(r) for r in rows if r.kind in (HistoryKind.PAYMENT, HistoryKind.WRITEOFF)}
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.credit.setText(f"<b>{escape(self.money(credit))}</b> of payments not applied to invoices yet (credit)"
                            if credit else "No credit: nothing paid is waiting to be applied to invoices." if rows else "")
        if chosen is not None:
            for i, r in enumerate(rows):
                if (r.kind, r.id) == (chosen.kind, chosen.id):
                    self.table.selectRow(i)
                    break
        if rows and chosen is None:
            QTimer.singleShot(0, self.table, self.table.scrollToBottom)  # the latest, once the table has its size
        self._selection_changed()
        if self.call is None or not self.call.running:
            self._show_unsent()

    def _show_unsent(self) -> None:
        """Refunds of card payments Stripe has not confirmed (SPEC 9.3): said in plain words, with
        Send to Stripe again, until Stripe has refunded them, even after the record was closed."""
        try:
            self.unsent = cards.unsent_refunds(self.practice, self.actor, self.client_id)
        except ServiceError:
            self.unsent = []
        self.stripe_failed.setVisible(bool(self.unsent))
        self.resend_button.setVisible(bool(self.unsent))
        if not self.unsent:
            return
        if self.refund_said and len(self.unsent) == 1:  # the refund just made
            u = self.unsent[0]
            self.stripe_failed.setText(
                f"{self.refund_said} But Stripe did not refund {self.money(u.gateway.amount_cents)}, so the client has "
                f"not got the money back: {self._why(u)} The refund is in the books; press Send to Stripe again (it "
                "never refunds twice).")
            return
        lines = [f"Stripe has not refunded the {self.money(u.gateway.amount_cents)} refund of "
                 f"{u.refunded_at.astimezone(self.practice.tz):%d %b %Y} yet, so the client has not got the money back: "
                 f"{self._why(u)}" for u in self.unsent]
        self.stripe_failed.setText("\n".join(lines) + ("\nThe refunds are" if len(lines) > 1 else " The refund is")
                                   + " in the books; press Send to Stripe again (it never refunds twice).")

    def _selection_changed(self, *_args) -> None:
        r = selected_row(self.table)
        self.take_back_button.setEnabled(r is not None and r.kind == HistoryKind.ALLOCATION
                                         and r.id not in self.taken_back)
        self.refund_button.setEnabled(r is not None and r.kind == HistoryKind.PAYMENT)
        self.receipt_button.setEnabled(self._receipt_of(r) is not None)

    def _receipt_of(self, r: HistoryRow | None) -> int | None:
        if r is None:
            return None
        target = r.id if r.kind == HistoryKind.PAYMENT else r.payment_id
        return target if target in self.payment_ids else None

    def _changed(self, text: str) -> None:
        self.reload()
        self.done.setText(text)
        self.done.show()
        self.changed.emit()
        events = events_near(self)
        if events is not None:
            events.ledger_changed.emit()

    def _fail(self, exc: ServiceError) -> None:
        self.error.setText(error_text(exc))
        self.error.show()

    def _ask(self, dialog: AmountReasonDialog) -> bool:
        self.dialog = dialog  # tests and screenshots reach it
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return accepted

    def _when(self, r: HistoryRow) -> str:
        return f"{r.at.astimezone(self.practice.tz):%d %b %Y}"

    # -- actions -------------------------------------------------------------------------------------
    def record_payment(self) -> None:
        dialog = RecordPaymentDialog(self.practice, self.actor, self.money, self.client_id, self.client_name,
                                     self.today(), parent=self)
        self.dialog = dialog
        dialog.recorded.connect(lambda r: self._changed(f"Payment of {self.money(r.payment.amount_cents)} recorded."))
        dialog.exec()
        dialog.deleteLater()

    def save_statement(self) -> None:
        dialog = StatementDialog(self.practice, self.actor, self.client_id, self.client_name, self.today(), self)
        self.dialog = dialog
        dialog.exec()
        dialog.deleteLater()

    def take_back(self) -> None:
        r = selected_row(self.table)
        if r is None or r.kind != HistoryKind.ALLOCATION:
            return
        intro = (f"Take {self.money(r.amount_cents)} of the payment back from invoice {r.invoice_number}. The "
                 "invoice owes it again, and the money becomes the client's credit, to apply elsewhere or refund.")
        dialog = AmountReasonDialog(
            "takeBackDialog", "Take back an allocation", intro,
            lambda _cents, reason, _choice: payments.take_back_allocation(self.practice, self.actor, r.id, reason),
            "Take back", parent=self)
        if self._ask(dialog):
            self._changed(f"{self.money(r.amount_cents)} taken back from invoice {r.invoice_number}.")

    def refund(self) -> None:
        r = selected_row(self.table)
        if r is None or r.kind != HistoryKind.PAYMENT:
            return
        try:
            detail = payments.payment_detail(self.practice, self.actor, r.id)
        except ServiceError as exc:
            self._fail(exc)
            return
        how = payment_documents.METHOD_NAMES.get(r.method or "", "")
        intro = (f"Give back part or all of the {self.money(r.amount_cents)} {how.lower()} payment of {self._when(r)}. "
                 f"Up to {self.money(detail.left_cents)} can be refunded now")
        intro += ("; the rest is applied to invoices: take those allocations back first to refund more."
                  if detail.allocated_cents else ".")
        dialog = AmountReasonDialog(
            "refundDialog", "Refund a payment", intro,
            lambda cents, reason, _choice: payments.refund_payment(self.practice, self.actor, r.id, cents, reason),
            "Refund", locale=self.locale, currency=self.currency, amount=max(detail.left_cents, 0), parent=self)
        if not self._ask(dialog):
            return
        done = dialog.result
        text = f"Refunded {self.money(-done.refund.amount_cents)}."
        self._changed(text)
        if done.gateway is not None:  # SPEC 9.3: a Stripe payment is refunded through Stripe
            self.refund_said = text
            self.send_refund(done.gateway)

    def send_refund(self, gateway: payments.GatewayRefund) -> None:
        """Tell Stripe about a refund in the books, off the GUI thread (a failed one can be sent again:
        its key is fixed by the refund, so Stripe never refunds twice)."""
        self._send([gateway])

    def _why(self, u: cards.UnsentRefund) -> str:
        if u.error:
            return u.error
        return self.reasons.get(u.gateway.refund_id) or {"not sent": "it was never sent to Stripe.",
                                                          "pending": "Stripe did not answer."}.get(u.status, "")

    def _send(self, gateways: list[payments.GatewayRefund]) -> None:
        self.sending = list(gateways)
        self.resend_button.hide()
        self.stripe_failed.hide()
        self.refund_button.setEnabled(False)
        amount = self.money(sum(g.amount_cents for g in gateways))
        self.call = BackgroundCall(self, f"Asking Stripe to refund {amount} to the client's card\u2026", _send_refunds,
                                   self.practice, self.actor, gateways, title="Refund through Stripe")
        self.call.finished.connect(self._refund_sent)
        self.call.start()

    def resend_refund(self) -> None:
        """Send to Stripe again: every refund Stripe has not confirmed, each with its own key."""
        if self.unsent:
            self.refund_said = ""
            self._send([u.gateway for u in self.unsent])

    def _refund_sent(self, result) -> None:
        self._selection_changed()
        results = result if isinstance(result, list) else [result] * len(self.sending)
        for g, r in zip(self.sending, results, strict=False):
            if isinstance(r, ServiceError):  # Stripe was not even asked (e.g. not set up here): say why
                self.reasons[g.refund_id] = error_text(r)
            elif isinstance(r, Exception):
                self.reasons[g.refund_id] = f"Something went wrong: {r}"
        sent = sum(r.amount_cents for r in results if isinstance(r, cards.RefundView) and r.status == "sent")
        self._show_unsent()  # what Stripe has still not refunded, with its reason
        if sent and not self.unsent:
            self.done.setText(f"{self.refund_said} Stripe refunded {self.money(sent)} to the client's card; it "
                              "reaches their account in a few days.".lstrip())
            self.done.show()
        elif self.unsent:
            self.done.hide()
        self.refund_said = ""

    def write_off(self) -> None:
        try:
            owed = [r for r in invoices.list_invoices(self.practice, self.actor, client_id=self.client_id, limit=1000)
                    if r.status in OWED and r.amount_due_cents > 0]
        except ServiceError as exc:
            self._fail(exc)
            return
        due = {r.id: r.amount_due_cents for r in owed}
        choices = [("No invoice: what the client owes", None)]
        choices += [(f"Invoice {r.number} \u2014 owes {self.money(r.amount_due_cents)}", r.id) for r in owed]
        chosen = selected_row(self.table)
        intro = ("Forgive what the client owes: a write-off with your reason, recorded like a payment nobody made. "
                 "With an invoice, it is applied to that invoice.")
        dialog = AmountReasonDialog(
            "writeOffDialog", "Write off", intro,
            lambda cents, reason, invoice_id: payments.write_off(self.practice, self.actor, self.client_id, cents,
                                                                 reason, invoice_id=invoice_id),
            "Write off", locale=self.locale, currency=self.currency, amount=0, choices=choices,
            choice_label="Against", choice_changed=due.get, current=chosen.invoice_id if chosen else None,
            parent=self)
        if self._ask(dialog):
            self._changed(f"Wrote off {self.money(dialog.result.payment.amount_cents)}.")

    def save_receipt(self) -> None:
        payment_id = self._receipt_of(selected_row(self.table))
        if payment_id is None:
            return
        path = ask_pdf_path(self, "Save the receipt", f"Receipt P-{payment_id:06d} {self.client_name}")
        if path is None:
            return
        try:
            saved = payment_documents.save_receipt_pdf(self.practice, self.actor, payment_id, path)
        except ServiceError as exc:
            self._fail(exc)
            return
        self.error.hide()
        self.done.setText(f"Receipt saved to {saved}.")
        self.done.show()


def _send_refunds(practice, actor, gateways) -> list:
    """Each refund told to Stripe in turn (off the GUI thread): its RefundView, or the error that
    stopped that one."""
    out = []
    for g in gateways:
        try:
            out.append(cards.send_refund(practice, actor, g))
        except ServiceError as exc:
            out.append(exc)
    return out

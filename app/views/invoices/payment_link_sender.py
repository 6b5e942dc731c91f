"""E-mail payment link… on an invoice (SPEC 10.4): after a decline, when the bank wants the client to
confirm, or for a client without a card on file, the invoice (PDF) is e-mailed with a Stripe page
where the client pays its amount due by card. Asks first; Stripe makes the page off the GUI thread and
the e-mail goes out through the outbox; says what happened in plain words. The payment is picked up
by Check for saved card / the automatic checks (``cards.poll_card_links``). The rules are in
``billing.cards.send_payment_link``."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ...models.enums import MessageStatus
from ...services.billing import cards
from ...services.billing.cards import LinkView
from ...services.errors import ServiceError
from ..widgets.background_call import BackgroundCall
from ..widgets.messages import error_text
from ..widgets.outbox_sender import OutboxSender


class PaymentLinkSender(QObject):
    """``PaymentLinkSender(parent, practice, actor, money).send(invoice_id, number, amount_due, reason)``;
    ``finished(text, ok)`` once it has said what happened (``text`` empty: the user did not send)."""

    finished = Signal(str, bool)

    def __init__(self, parent: QWidget, practice, actor, money):
        super().__init__(parent)
        self.parent_widget = parent
        self.practice, self.actor, self.money = practice, actor, money
        self.call: BackgroundCall | None = None
        self.sender_run: OutboxSender | None = None
        self.link: LinkView | None = None

    def ask(self, number: str, amount_cents: int) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "E-mail payment link",
                          f"E-mail invoice {number} with a link to pay {self.money(amount_cents)} by card?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.parent_widget)
        box.setObjectName("confirmPaymentLink")
        box.setInformativeText("The client gets the invoice (PDF) and a secure page from Stripe where they pay the "
                               "amount due by card within 24 hours. The payment is recorded here once Stripe has it.")
        box.button(QMessageBox.StandardButton.Yes).setText("E-mail link")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmPaymentLinkYes")
        box.button(QMessageBox.StandardButton.Cancel).setObjectName("confirmPaymentLinkCancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        return yes

    def send(self, invoice_id: int, number: str, amount_cents: int, reason: str = "") -> None:
        if not self.ask(number, amount_cents):
            self.finished.emit("", False)
            return
        self.call = BackgroundCall(self.parent_widget, "Asking Stripe for a page where the client pays\u2026",
                                   cards.send_payment_link, self.practice, self.actor, invoice_id, reason,
                                   title="E-mail payment link")
        self.call.finished.connect(self._made)
        self.call.start()

    def _made(self, result) -> None:
        if not isinstance(result, LinkView):
            why = error_text(result) if isinstance(result, ServiceError) else f"Something went wrong: {result}"
            self.finished.emit(f"No payment link was sent. {why}", False)
            return
        self.link = result
        self.sender_run = OutboxSender(self.parent_widget, self.practice, self.actor, [result.message_id],
                                       "the invoice with its payment link")
        self.sender_run.finished.connect(self._sent)
        self.sender_run.start()

    def _sent(self, results: list) -> None:
        r = results[0] if results else None
        if r is not None and not isinstance(r, ServiceError) and r.status == MessageStatus.SENT:
            self.finished.emit(f"The invoice and a link to pay it by card were e-mailed to {r.recipient}. The payment "
                               "shows here once the client has paid (the link works for 24 hours).", True)
            return
        why = ("it was stopped before sending" if r is None else error_text(r) if isinstance(r, ServiceError)
               else r.error)
        self.finished.emit(f"Stripe made the page, but the e-mail was not sent ({why.rstrip('.')}). It waits in the "
                           "outbox: send it again from Clients \u25b8 Outbox.", False)

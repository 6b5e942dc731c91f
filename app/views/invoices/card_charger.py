"""Charge card… on an invoice (SPEC 10.4, 0.4): asks with the amount and the card, charges it off
the GUI thread while a small window says it waits for Stripe, e-mails the receipt through the
outbox after a success, and says what happened in plain words. The rules (the amount due, one
charge per idempotency key, what is recorded) are in ``billing.cards.charge_invoice``."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ...models.enums import MessageStatus
from ...services.billing import cards
from ...services.billing.cards import CardView, ChargeView
from ...services.errors import ServiceError
from ..widgets.background_call import BackgroundCall
from ..widgets.messages import error_text
from ..widgets.outbox_sender import OutboxSender


def charge_text(view: ChargeView, card: str, money) -> str:
    """What a charge's result means for the person at the desk."""
    amount = money(view.amount_cents)
    if view.succeeded:
        return (f"Charged {amount} to {card}. The payment is recorded and applied to this invoice.")
    if view.status == "pending":
        return (f"Stripe did not answer, so it is not known yet whether {amount} was charged. Try again: it will "
                "not charge twice (Stripe is asked about this same charge).")
    if view.status == "declined":
        return (f"{view.error.rstrip('.')}. Nothing was charged. E-mail the client a payment link to pay with another "
                "card, or ask them to pay another way.")
    if view.status == "needs_authentication":
        return ("Nothing was charged: the client's bank asks them to confirm this payment themselves. E-mail them a "
                "payment link: they confirm it on Stripe's page.")
    return f"Nothing was charged: {view.error}"


class CardCharger(QObject):
    """``CardCharger(parent, practice, actor, money).charge(invoice_id, number, amount_due, card)``;
    ``finished(text, ok)`` once it has said what happened (``text`` empty: the user did not charge).
    ``result`` is the ChargeView (or the error) of the last charge."""

    finished = Signal(str, bool)

    def __init__(self, parent: QWidget, practice, actor, money):
        super().__init__(parent)
        self.parent_widget = parent
        self.practice, self.actor, self.money = practice, actor, money
        self.call: BackgroundCall | None = None
        self.sender_run: OutboxSender | None = None
        self.result = None
        self.card_label = ""

    def ask(self, number: str, amount_cents: int, card: CardView) -> bool:
        amount = self.money(amount_cents)
        box = QMessageBox(QMessageBox.Icon.Question, "Charge card", f"Charge {amount} to {card.label}?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.parent_widget)
        box.setObjectName("confirmCharge")
        box.setInformativeText(f"The amount due on invoice {number} is charged now to the client's card on file. "
                               "The payment is recorded and applied to the invoice, and the client is e-mailed a "
                               "receipt.")
        box.button(QMessageBox.StandardButton.Yes).setText(f"Charge {amount}")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmChargeYes")
        box.button(QMessageBox.StandardButton.Cancel).setObjectName("confirmChargeCancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        return yes

    def charge(self, invoice_id: int, number: str, amount_cents: int, card: CardView) -> None:
        if not self.ask(number, amount_cents, card):
            self.finished.emit("", False)
            return
        self.card_label = card.label
        self.call = BackgroundCall(self.parent_widget, f"Charging {self.money(amount_cents)} to {card.label}\u2026 "
                                   "waiting for Stripe's answer.", cards.charge_invoice, self.practice, self.actor,
                                   invoice_id, title="Charge card")
        self.call.finished.connect(self._charged)
        self.call.start()

    def _charged(self, result) -> None:
        self.result = result
        if not isinstance(result, ChargeView):
            why = error_text(result) if isinstance(result, ServiceError) else f"Something went wrong: {result}"
            self.finished.emit(f"Nothing was charged. {why}", False)
            return
        text = charge_text(result, self.card_label, self.money)
        if result.succeeded and result.receipt_message_id is not None:
            self.sender_run = OutboxSender(self.parent_widget, self.practice, self.actor,
                                           [result.receipt_message_id], "the receipt")
            self.sender_run.finished.connect(lambda results: self._receipt_sent(text, results))
            self.sender_run.start()
            return
        self.finished.emit(text, result.succeeded)

    def _receipt_sent(self, text: str, results: list) -> None:
        r = results[0] if results else None
        if r is not None and not isinstance(r, ServiceError) and r.status == MessageStatus.SENT:
            text += f" The receipt was e-mailed to {r.recipient}."
        else:
            text += " The receipt waits in the outbox (Clients \u25b8 Outbox): it was not sent yet."
        self.finished.emit(text, True)

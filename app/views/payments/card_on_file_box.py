"""The client's card on file in their record (SPEC 10.4; front desk): "Visa ending 4242, expires
12/2030" or "No card on file", with Send card link… (Stripe makes a page where the client saves a
card; the e-mail with its address goes out through the outbox), Check for saved card (asks Stripe
about the open links; a saved card shows here) and Remove card…. The Stripe calls and the e-mail run
off the GUI thread. Hidden where card payments are not set up on this computer and the client has
no card. The rules are in ``billing.cards``."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from ...models.enums import MessageStatus
from ...services.billing import card_settings, cards
from ...services.billing.cards import CardView, LinkView
from ...services.errors import ServiceError
from ..widgets.background_call import BackgroundCall
from ..widgets.messages import error_text
from ..widgets.outbox_sender import OutboxSender

_MUTED = "color: #4a5568;"


def _failure(result) -> str:
    return error_text(result) if isinstance(result, ServiceError) else f"Something went wrong: {result}"


class CardOnFileBox(QWidget):
    changed = Signal()  # a card was saved or removed

    def __init__(self, practice, actor, client_id: int, parent=None):
        super().__init__(parent)
        self.setObjectName("cardOnFile")
        self.practice, self.actor, self.client_id = practice, actor, client_id
        self.card: CardView | None = None
        self.call: BackgroundCall | None = None
        self.sender_run: OutboxSender | None = None
        self.link: LinkView | None = None

        self.title = title = QLabel("Card on file", objectName="cardOnFileTitle")
        title.setStyleSheet(_MUTED)
        self.label = QLabel(objectName="cardOnFileText")
        self.send_button = self._button("Send card link\u2026", "cardSendLink", self.send_link)
        self.check_button = self._button("Check for saved card", "cardCheck", self.check)
        self.remove_button = self._button("Remove card\u2026", "cardRemove", self.remove)
        self.result = QLabel(objectName="cardResult", wordWrap=True)
        self.result.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(title)
        row.addWidget(self.label)
        row.addSpacing(12)
        for b in (self.send_button, self.check_button, self.remove_button):
            row.addWidget(b)
            row.addSpacing(6)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self.reload()

    def align_title(self, width: int) -> None:
        """Line the card up with the figures above it (their titles take ``width``, gap included)."""
        self.title.setFixedWidth(width)

    def _button(self, text: str, name: str, slot) -> QPushButton:
        b = QPushButton(text, objectName=name)
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        return b

    # -- showing -------------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.card = cards.card_on_file(self.practice, self.actor, self.client_id)
            ready = card_settings.get_card_settings(self.practice, self.actor).ready
        except ServiceError:  # not the front desk's record, or the client is gone: nothing to show
            self.card, ready = None, False
            self.hide()
            return
        self.setVisible(ready or self.card is not None)
        self.label.setText(self.card.label if self.card else "No card on file")
        self.label.setStyleSheet("font-weight: 600;" if self.card else _MUTED)
        self.remove_button.setVisible(self.card is not None)
        self.send_button.setText("Send card link\u2026" if self.card is None else "Send link for a new card\u2026")
        for b in (self.send_button, self.check_button):
            b.setEnabled(ready)
            b.setToolTip("" if ready else "Card payments are not set up on this computer (Settings \u25b8 Card "
                                          "payments).")

    def say(self, text: str, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet("color: #276749;" if ok else "color: #c53030;")
        self.result.show()

    def _busy(self, busy: bool) -> None:
        for b in (self.send_button, self.check_button, self.remove_button):
            b.setEnabled(not busy)
        if not busy:
            self.reload()

    # -- send card link ------------------------------------------------------------------------------
    def send_link(self) -> None:
        self.result.hide()
        self._busy(True)
        self.call = BackgroundCall(self, "Asking Stripe for a page where the client saves a card\u2026",
                                   cards.send_card_link, self.practice, self.actor, self.client_id,
                                   title="Send card link")
        self.call.finished.connect(self._link_made)
        self.call.start()

    def _link_made(self, result) -> None:
        if not isinstance(result, LinkView):
            self._busy(False)
            self.say(f"No card link was sent. {_failure(result)}", ok=False)
            return
        self.link = result
        self.sender_run = OutboxSender(self, self.practice, self.actor, [result.message_id], "the card link")
        self.sender_run.finished.connect(self._link_sent)
        self.sender_run.start()

    def _link_sent(self, results: list) -> None:
        self._busy(False)
        r = results[0] if results else None
        if r is not None and not isinstance(r, ServiceError) and r.status == MessageStatus.SENT:
            self.say(f"Card link e-mailed to {r.recipient}. The page works for 24 hours; once the client has saved "
                     "a card there, press Check for saved card.", ok=True)
        else:
            why = ("it was stopped before sending" if r is None else error_text(r) if isinstance(r, ServiceError)
                   else r.error)
            self.say(f"Stripe made the page, but the e-mail was not sent ({why.rstrip('.')}). It waits in the "
                     "outbox: send it again from Clients \u25b8 Outbox.", ok=False)

    # -- check for saved card ------------------------------------------------------------------------
    def check(self) -> None:
        self.result.hide()
        self._busy(True)
        self.call = BackgroundCall(self, "Asking Stripe whether clients have saved their cards\u2026",
                                   cards.poll_card_links, self.practice, self.actor, title="Check for saved card")
        self.call.finished.connect(self._checked)
        self.call.start()

    def _checked(self, result) -> None:
        before = self.card
        self._busy(False)  # reloads: a card saved meanwhile shows
        if not isinstance(result, cards.PollSummary):
            self.say(f"Stripe could not be asked. {_failure(result)}", ok=False)
            return
        if self.card is not None and self.card != before:
            self.say(f"Card saved: {self.card.label}.", ok=True)
            self.changed.emit()
            return
        try:
            links = cards.list_links(self.practice, self.actor, self.client_id)
        except ServiceError as exc:
            self.say(error_text(exc), ok=False)
            return
        links = [k for k in links if getattr(k, "purpose", "card") == "card"]  # not links to pay one invoice
        waiting = any(k.status == "open" for k in links)
        if result.failed:
            self.say("Stripe did not answer about every link; try again in a moment.", ok=False)
        elif waiting:
            self.say("No card saved yet: the client has not finished the page from the link.", ok=False)
        elif links and links[0].status == "expired":
            self.say("The last card link expired before a card was saved: send a new one.", ok=False)
        else:
            self.say("No card saved: there is no open card link for this client.", ok=False)

    # -- remove card ---------------------------------------------------------------------------------
    def remove(self) -> None:
        if self.card is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Remove card", f"Remove {self.card.label}?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmRemoveCard")
        box.setInformativeText("Nothing more is charged to it from here. Stripe keeps the card; to charge this "
                               "client by card again, send a new card link.")
        box.button(QMessageBox.StandardButton.Yes).setText("Remove card")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmRemoveCardYes")
        box.button(QMessageBox.StandardButton.Cancel).setObjectName("confirmRemoveCardCancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if not yes:
            return
        label = self.card.label
        try:
            cards.remove_card(self.practice, self.actor, self.client_id)
        except ServiceError as exc:
            self.say(error_text(exc), ok=False)
            return
        self.reload()
        self.say(f"Removed {label}.", ok=True)
        self.changed.emit()

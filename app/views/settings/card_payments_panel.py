"""Settings > Card payments (admin, SPEC 10.4, 0.6): the Stripe secret key, kept in this computer's
keyring only and never shown back (its hint says which key is saved), a badge saying whether it is a
test key or a live one, the page a client sees after saving a card, how many automatic cycles a
declined card is charged again, and "Test connection", which asks Stripe off the GUI thread. Where
the computer has no keyring the page says so and the key field is off: nothing is stored anywhere
else. The rules are in ``billing.card_settings``."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...services.billing import card_settings
from ...services.billing.card_settings import CardSettings
from ...services.errors import ServiceError
from ..widgets.background_call import BackgroundCall
from ..widgets.messages import error_text
from ..widgets.record_table import FieldErrors, Stack, done_label, heading, muted
from ..widgets.secret_field import no_keyring_banner, secret_field, show_secret_state
from .record_panel import button

BADGE = "QLabel {{ color: {}; background: {}; border: 1px solid {}; border-radius: 9px; padding: 3px 12px; " \
        "font-weight: 600; }}"
TEST_BADGE = ("Test mode: no real card is charged", ("#744210", "#fefcbf", "#d69e2e"))
LIVE_BADGE = ("Live: real cards are charged", ("#ffffff", "#c53030", "#9b2c2c"))
NO_KEY_BADGE = ("No key saved: cards cannot be charged", ("#4a5568", "#edf2f7", "#cbd5e0"))


def mode_badge(conf: CardSettings) -> tuple[str, tuple[str, str, str]]:
    """The badge's words and colours (text, fill, border) for the saved key."""
    if not conf.ready:
        return NO_KEY_BADGE
    return TEST_BADGE if conf.test_mode else LIVE_BADGE


class CardPaymentsPanel(QWidget):
    changed = Signal()

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("cardPaymentsPanel")
        self.practice, self.actor = practice, actor
        self.call: BackgroundCall | None = None
        self.errors = FieldErrors("cards")
        self.no_keyring = no_keyring_banner("cardsNoKeyring")
        self.badge = QLabel(objectName="cardsModeBadge")
        self.badge.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        self.key = secret_field("cardsSecretKey")
        self.key_hint = muted("", "cardsKeyHint")
        self.forget_button = button("Forget the key\u2026", "cardsForgetKey", self.forget_key)
        key_row = QHBoxLayout()
        key_row.setContentsMargins(0, 0, 0, 0)
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.forget_button)
        key_box = QWidget()
        key_box.setLayout(key_row)
        self.return_url = QLineEdit(objectName="cardsReturnUrl", maxLength=500,
                                    placeholderText="e.g. https://www.example.com/card-saved")
        self.retry = QSpinBox(objectName="cardsRetryCycles", minimum=0, maximum=12)
        self.retry.setSuffix(" more cycles")
        self.retry.setFixedWidth(150)

        stripe = QGroupBox("Stripe", objectName="cardsStripeBox")
        form = QFormLayout(stripe)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        form.addRow("Mode", self.badge)
        form.addRow("Secret key", Stack(key_box, self.key_hint, self.errors.line("Key", "secret key"), muted(
            "Find it in Stripe's Dashboard under Developers \u25b8 API keys. A key starting with sk_test_ charges no "
            "real card; one starting with sk_live_ does.", "cardsKeyHelp")))
        form.addRow("Page after saving", Stack(self.return_url, self.errors.line("ReturnUrl", "page after saving a card"),
                                               muted("Where Stripe sends a client who has saved a card or paid an "
                                                     "invoice through a link you e-mailed them, e.g. a thank-you "
                                                     "page of your website.", "cardsReturnHelp")))
        form.addRow("Charge attempts", Stack(self.retry, self.errors.line("Retry", "charge attempts"), muted(
            "When a card is declined, automatic invoicing charges it again at this many later runs; after that the "
            "client is e-mailed the invoice to pay another way.", "cardsRetryHelp")))

        self.save_button = button("Save", "cardsSave", self.save)
        self.save_button.setDefault(True)
        self.done = done_label("cardsDone")
        self.test_button = button("Test connection", "cardsTestConnection", self.test_connection)
        self.test_result = QLabel(objectName="cardsTestResult", wordWrap=True)
        self.test_result.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Card payments", "cardsHeading"))
        layout.addWidget(muted("Clients save a card on a secure page from Stripe, the card processor, and "
                               "invoices are charged to it. Card numbers never reach this computer: only "
                               "Stripe's references, the brand and the last four digits are kept. The secret key "
                               "is kept in this computer's password store (keyring), never in the practice file.",
                               "cardsIntro"))
        layout.addWidget(self.no_keyring)
        layout.addWidget(stripe)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done)
        layout.addWidget(self.test_result)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.load()

    # --- showing ---------------------------------------------------------------------------------
    def load(self, conf: CardSettings | None = None) -> None:
        self.conf = c = conf or card_settings.get_card_settings(self.practice, self.actor)
        self.return_url.setText(c.return_url)
        self.retry.setValue(c.retry_cycles)
        self.no_keyring.setText(c.keyring_message)
        self.no_keyring.setVisible(not c.keyring_available)
        show_secret_state(self.key, c.keyring_available, c.key_saved, "secret key", c.key_hint)
        self.key_hint.setText(f"Saved key: {c.key_hint}" if c.key_saved else "")
        self.key_hint.setVisible(c.key_saved)
        text, colors = mode_badge(c)
        self.badge.setText(text)
        self.badge.setStyleSheet(BADGE.format(*colors))
        self.forget_button.setVisible(c.key_saved)
        self.test_button.setEnabled(c.ready)
        self.test_button.setToolTip("" if c.ready else "Save a secret key first.")

    # --- saving ----------------------------------------------------------------------------------
    def save(self) -> None:
        self.errors.clear()
        self.done.hide()
        self.test_result.hide()
        changes = {}
        if self.return_url.text().strip() != self.conf.return_url:
            changes["return_url"] = self.return_url.text().strip()
        if self.retry.value() != self.conf.retry_cycles:
            changes["retry_cycles"] = self.retry.value()
        words = {"return_url": "page after saving", "retry_cycles": "charge attempts"}
        said = [words[k] for k in changes]
        try:
            if changes:
                card_settings.update_card_settings(self.practice, self.actor, **changes)
            if self.key.text():
                card_settings.set_card_key(self.practice, self.actor, self.key.text())
                said.append("secret key (in this computer's keyring)")
        except ServiceError as exc:
            self.key.clear()
            self.errors.show(exc)
            return
        self.load()
        self.done.setText(f"Saved: {', '.join(said)}." if said else "Nothing to save: no setting was changed.")
        self.done.show()
        if said:
            self.changed.emit()

    def forget_key(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Forget the key", "Forget the Stripe secret key on this "
                          "computer?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmForgetKey")
        box.setInformativeText("Cards on file stay at Stripe, but no card can be charged from this computer until "
                               "a key is saved again.")
        box.button(QMessageBox.StandardButton.Yes).setText("Forget the key")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmForgetYes")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if not yes:
            return
        self.errors.clear()
        try:
            card_settings.set_card_key(self.practice, self.actor, "")
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.load()
        self.done.setText("The secret key is forgotten on this computer.")
        self.done.show()
        self.changed.emit()

    # --- test connection -------------------------------------------------------------------------
    def test_connection(self) -> None:
        self.test_result.hide()
        self.test_button.setEnabled(False)
        self.call = BackgroundCall(self, "Asking Stripe whether the key works\u2026",
                                   card_settings.test_card_connection, self.practice, self.actor,
                                   title="Test connection")
        self.call.finished.connect(self._tested)
        self.call.start()

    def _tested(self, result) -> None:
        self.test_button.setEnabled(self.conf.ready)
        ok = isinstance(result, str)
        if ok:
            text = result
        elif isinstance(result, ServiceError):
            text = error_text(result)
        else:
            text = f"The test could not be made: {result}"
        self.test_result.setText(text)
        self.test_result.setStyleSheet("color: #276749;" if ok else "color: #c53030;")
        self.test_result.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.test_result.show()

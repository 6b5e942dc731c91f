"""Settings > Messages (admin, SPEC 7.2, 0.6): the mail server (SMTP) and the SMS provider, their
password and token kept in this computer's keyring only, and "Send a test message", which goes
through the outbox off the GUI thread. Where the computer has no keyring the page says so, and the
password and token fields are off: nothing is stored anywhere else."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import MessageChannel, MessageStatus
from ...services.errors import ServiceError
from ...services.messaging import outbox
from ...services.messaging import settings as message_settings
from ..widgets.messages import error_text
from ..widgets.outbox_sender import OutboxSender
from ..widgets.record_table import FieldErrors, Stack, done_label, heading, muted
from .record_panel import button

SECURITY = (("starttls", "STARTTLS (usually port 587)"), ("tls", "TLS from the start (usually port 465)"),
            ("none", "None (a server on this network only)"))
WORDS = {"mail_host": "mail server", "mail_port": "port", "mail_security": "security", "mail_user": "user name",
         "mail_from": "sender address", "sms_url": "SMS provider", "sms_sender": "SMS sender"}


class MessagesPanel(QWidget):
    changed = Signal()

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("messagesPanel")
        self.practice, self.actor = practice, actor
        self.sender_run: OutboxSender | None = None
        self.errors = FieldErrors("messages")
        self.no_keyring = QLabel(objectName="messagesNoKeyring", wordWrap=True)
        self.no_keyring.setStyleSheet("background: #fffaf0; border: 1px solid #dd6b20; color: #7b341e; "
                                      "padding: 6px;")
        self.no_keyring.hide()

        self.host = QLineEdit(objectName="mailHost", maxLength=253, placeholderText="e.g. smtp.example.com")
        self.port = QSpinBox(objectName="mailPort", minimum=1, maximum=65535)
        self.security = QComboBox(objectName="mailSecurity")
        for key, text in SECURITY:
            self.security.addItem(text, key)
        self.user = QLineEdit(objectName="mailUser", maxLength=254, placeholderText="empty: no login")
        self.sender = QLineEdit(objectName="mailFrom", maxLength=254, placeholderText="e.g. office@example.com")
        self.password = QLineEdit(objectName="mailPassword", echoMode=QLineEdit.EchoMode.Password)
        mail = QGroupBox("E-mail (SMTP)", objectName="messagesMailBox")
        form = QFormLayout(mail)
        form.addRow("Mail server", Stack(self.host, self.errors.line("Host", "mail server")))
        form.addRow("Port", Stack(self.port, self.errors.line("Port", "mail server port")))
        form.addRow("Security", self.security)
        form.addRow("User name", Stack(self.user, self.errors.line("User", "mail user name")))
        form.addRow("Sender address", Stack(self.sender, self.errors.line("From", "sender address")))
        form.addRow("Password", Stack(self.password, self.errors.line("Password", "mail password")))

        self.sms_url = QLineEdit(objectName="smsUrl", maxLength=500,
                                 placeholderText="e.g. https://sms.example.com/v1/messages")
        self.sms_sender = QLineEdit(objectName="smsSender", maxLength=40, placeholderText="optional")
        self.sms_token = QLineEdit(objectName="smsToken", echoMode=QLineEdit.EchoMode.Password)
        sms = QGroupBox("SMS", objectName="messagesSmsBox")
        sform = QFormLayout(sms)
        sform.addRow("Provider address", Stack(self.sms_url, self.errors.line("SmsUrl", "SMS provider address")))
        sform.addRow("Sender", Stack(self.sms_sender, self.errors.line("SmsSender", "SMS sender")))
        sform.addRow("Token", Stack(self.sms_token, self.errors.line("SmsToken", "SMS token")))
        sform.addRow("", muted("Each message is sent as a JSON POST of \"to\" and \"body\" with the token as "
                               "a bearer token.", "smsHelp"))

        self.save_button = button("Save", "messagesSave", self.save)
        self.save_button.setDefault(True)
        self.done = done_label("messagesDone")

        self.test_channel = QComboBox(objectName="testChannel")
        self.test_channel.addItem("E-mail", MessageChannel.EMAIL)
        self.test_channel.addItem("SMS", MessageChannel.SMS)
        self.test_to = QLineEdit(objectName="testRecipient", maxLength=254,
                                 placeholderText="an e-mail address or phone number of your own")
        self.test_button = button("Send a test message", "sendTestMessage", self.send_test)
        self.test_result = QLabel(objectName="testResult", wordWrap=True)
        self.test_result.hide()
        test = QGroupBox("Send a test message", objectName="messagesTestBox")
        trow = QHBoxLayout()
        trow.addWidget(self.test_channel)
        trow.addWidget(self.test_to, 1)
        trow.addWidget(self.test_button)
        tbox = QVBoxLayout(test)
        tbox.addLayout(trow)
        tbox.addWidget(self.test_result)

        body = QHBoxLayout()
        body.addWidget(mail, 1)
        body.addWidget(sms, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Messages", "messagesHeading"))
        layout.addWidget(muted("E-mails and SMS to clients (cancellations, reminders) go through the outbox. "
                               "The password and token are kept in this computer's password store (keyring), "
                               "never in the practice file.", "messagesIntro"))
        layout.addWidget(self.no_keyring)
        layout.addLayout(body)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done)
        layout.addLayout(buttons)
        layout.addWidget(test)
        layout.addStretch(1)
        self.load()

    # --- settings ------------------------------------------------------------------------------
    def load(self, conf: message_settings.MessageSettings | None = None) -> None:
        self.conf = conf or message_settings.get_message_settings(self.practice, self.actor)
        c = self.conf
        self.host.setText(c.mail_host)
        self.port.setValue(c.mail_port)
        self.security.setCurrentIndex(max(0, self.security.findData(c.mail_security)))
        self.user.setText(c.mail_user)
        self.sender.setText(c.mail_from)
        self.sms_url.setText(c.sms_url)
        self.sms_sender.setText(c.sms_sender)
        self.password.clear()
        self.sms_token.clear()
        self.no_keyring.setText(c.keyring_message)
        self.no_keyring.setVisible(not c.keyring_available)
        for field, saved, what in ((self.password, c.mail_password_saved, "password"),
                                   (self.sms_token, c.sms_token_saved, "token")):
            field.setEnabled(c.keyring_available)
            field.setPlaceholderText(
                "cannot be saved on this computer (no keyring)" if not c.keyring_available
                else "saved on this computer; type to replace" if saved
                else f"not saved; type the {what} to save it")

    def values(self) -> dict:
        return dict(mail_host=self.host.text().strip(), mail_port=self.port.value(),
                    mail_security=self.security.currentData(), mail_user=self.user.text().strip(),
                    mail_from=self.sender.text().strip(), sms_url=self.sms_url.text().strip(),
                    sms_sender=self.sms_sender.text().strip())

    def save(self) -> None:
        self.errors.clear()
        self.done.hide()
        changes = {k: v for k, v in self.values().items() if v != getattr(self.conf, k)}
        said = [WORDS[k] for k in changes]
        try:
            if changes:
                self.conf = message_settings.update_message_settings(self.practice, self.actor, **changes)
            if self.password.text():
                message_settings.set_mail_password(self.practice, self.actor, self.password.text())
                said.append("password (in this computer's keyring)")
            if self.sms_token.text():
                message_settings.set_sms_token(self.practice, self.actor, self.sms_token.text())
                said.append("token (in this computer's keyring)")
        except ServiceError as exc:
            self.errors.show(exc)
            return
        finally:
            self.password.clear()
            self.sms_token.clear()
        self.load()
        self.done.setText(f"Saved: {', '.join(said)}." if said else "Nothing to save: no setting was changed.")
        self.done.show()
        if said:
            self.changed.emit()

    # --- the test message ------------------------------------------------------------------------
    def send_test(self) -> None:
        self.test_result.hide()
        try:
            view = outbox.queue_test_message(self.practice, self.actor, self.test_channel.currentData(),
                                             self.test_to.text())
        except ServiceError as exc:
            self._say_result(error_text(exc), ok=False)
            return
        self.test_button.setEnabled(False)
        self.sender_run = OutboxSender(self, self.practice, self.actor, [view.id], "the test message")
        self.sender_run.finished.connect(self._test_done)
        self.sender_run.start()

    def _test_done(self, results: list) -> None:
        self.test_button.setEnabled(True)
        if not results:
            self._say_result("Stopped before the test message was sent; it waits in the outbox.", ok=False)
            return
        r = results[0]
        if isinstance(r, ServiceError):
            self._say_result(error_text(r), ok=False)
        elif r.status == MessageStatus.SENT:
            self._say_result(f"Sent to {r.recipient}. Check that it arrived.", ok=True)
        else:
            self._say_result(f"Not sent: {r.error}", ok=False)

    def _say_result(self, text: str, ok: bool) -> None:
        self.test_result.setText(text)
        self.test_result.setStyleSheet("color: #276749;" if ok else "color: #c53030;")
        self.test_result.show()

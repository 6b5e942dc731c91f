"""Settings > Unlock or Reset a User > Reset Password…: an admin gives a user a new password
(typed twice); the service also unlocks the account."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ..services.errors import ServiceError
from ..services.people import users
from .widgets.messages import error_label, error_text


class ResetPasswordDialog(QDialog):
    def __init__(self, practice, actor, user: users.UserView, parent=None):
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle("Reset password")
        self.practice, self.actor, self.user = practice, actor, user
        self.done_user: users.UserView | None = None  # the service's answer once the password is reset
        heading = QLabel(f"<b>New password for {user.display_name}</b> (user name {user.username})",
                         objectName="resetHeading", wordWrap=True)
        self.new = QLineEdit(objectName="resetNewPassword", echoMode=QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(objectName="resetRepeatPassword", echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("New password", self.new)
        form.addRow("New password again", self.repeat)
        hint = QLabel(f"At least {users.MIN_PASSWORD} characters. Tell the user their new password in person; "
                      "they can change it under Settings \u25b8 Change My Password. If the account was locked, "
                      "it is unlocked too.", objectName="resetHint", wordWrap=True)
        hint.setStyleSheet("color: #4a5568;")
        self.error = error_label("resetError")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Reset password")
        ok.setObjectName("resetSubmit")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("resetCancel")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        layout.activate()
        self.resize(440, layout.totalHeightForWidth(440))  # wrapped text: no empty band above the form

    def _submit(self) -> None:
        if self.new.text() != self.repeat.text():
            self._show("New password: the two entries differ.")
            return
        try:
            self.done_user = users.reset_password(self.practice, self.actor, self.user.id, self.new.text())
        except ServiceError as exc:
            text = error_text(exc)
            self._show(text.replace("Password:", "New password:", 1) if text.startswith("Password:") else text)
            return
        self.accept()

    def _show(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.layout().activate()
        needed = self.layout().totalHeightForWidth(self.width())
        if self.height() < needed:
            self.resize(self.width(), needed)

"""Settings > Change my password."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ..services.errors import ServiceError, ValidationError
from ..services.people import users
from .widgets.messages import error_label, error_text


class ChangePasswordDialog(QDialog):
    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle("Change my password")
        self.practice, self.actor = practice, actor
        self.old = QLineEdit(objectName="oldPassword", echoMode=QLineEdit.EchoMode.Password)
        self.new = QLineEdit(objectName="newPassword", echoMode=QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(objectName="repeatPassword", echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Current password", self.old)
        form.addRow("New password", self.new)
        form.addRow("New password again", self.repeat)
        hint = QLabel(f"At least {users.MIN_PASSWORD} characters.")
        hint.setStyleSheet("color: #4a5568;")
        form.addRow("", hint)
        self.error = error_label("passwordError")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change password")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(400)

    def _submit(self) -> None:
        if self.new.text() != self.repeat.text():
            self.error.setText("New password: the two entries differ.")
            return
        try:
            users.change_password(self.practice, self.actor, self.old.text(), self.new.text())
        except ServiceError as exc:
            if not isinstance(exc, ValidationError) or exc.field == "current password":
                self.old.clear()  # a wrong current password or a locked account: type it again
            text = error_text(exc)
            self.error.setText(text.replace("Password:", "New password:", 1) if text.startswith("Password:") else text)
            return
        self.accept()

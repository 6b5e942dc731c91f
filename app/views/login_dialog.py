"""Sign-in dialog: user name and password, checked by users.login (with its lockout).

It imports no service at start (the services import SQLAlchemy and the models): it is shown while
the practice opens behind it (app/startup.py), and Sign in waits for that opening to have ended."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from .widgets.messages import error_label


class LoginDialog(QDialog):
    def __init__(self, practice, practice_name: str, hint: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Sign in — Practice Desk")
        self.practice = practice  # or a startup.PracticeOpening, waited for at Sign in
        self.user = None  # users.UserView once signed in
        title = QLabel(f"<h2>{escape(practice_name)}</h2><p>Sign in to continue.</p>", objectName="loginTitle",
                       wordWrap=True)
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)  # never squeezed
        self.username = QLineEdit(objectName="loginUsername")
        self.password = QLineEdit(objectName="loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("loginSubmit")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        if hint:
            h = QLabel(hint, objectName="loginHint")
            h.setStyleSheet("color: #4a5568;")
            layout.addWidget(h)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def _submit(self) -> None:
        if hasattr(self.practice, "wait"):  # still opening: the file is checked before anything is read
            practice = self.practice.wait()
            if practice is None:  # refused: the dialog closes and the start says why
                self.reject()
                return
            self.practice = practice
        from ..services.people import users

        try:
            self.user = users.login(self.practice, self.username.text(), self.password.text())
        except ServiceError as exc:  # a wrong password, a locked account, or another desk busy saving
            self.error.setText(str(exc))
            self.error.show()
            self._fit_height()
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()

    def _fit_height(self) -> None:
        """Grow to show every line of a wrapped message (a window does not do it on its own for
        wrapped text, and the rows would be squeezed into each other)."""
        self.layout().activate()
        needed = self.layout().totalHeightForWidth(self.width())
        if self.height() < needed:
            self.resize(self.width(), needed)

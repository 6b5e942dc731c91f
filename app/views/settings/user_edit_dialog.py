"""Settings > Users and roles > Edit…: an admin changes a user's display name, role and linked
practitioner (SPEC 1.1). ``users.update_user`` decides what is allowed; a refusal is shown next to the
field it names (or under the form), and what was typed stays for another try (SPEC 0.5)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from ...services.errors import ServiceError
from ...services.people import practitioners, users
from ..widgets.record_table import FieldErrors, muted
from ..widgets.user_fields import UserFields

WIDTH = 460


class UserEditDialog(QDialog):
    def __init__(self, practice, actor, user: users.UserView, parent=None):
        super().__init__(parent)
        self.setObjectName("userEditDialog")
        self.setWindowTitle("Edit user")
        self.practice, self.actor, self.user = practice, actor, user
        self.saved: users.UserView | None = None  # the service's answer once saved
        heading = QLabel(user.display_name, objectName="userEditHeading", wordWrap=True,
                         textFormat=Qt.TextFormat.PlainText)
        heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        signs_in = muted(f"Signs in as {user.username}. The user name stays; Reset Password\u2026 in the list "
                         "gives a new password.", "userEditSignsIn")
        self.errors = FieldErrors("editUser")
        self.fields = UserFields("editUser", self.errors)
        try:
            linkable = practitioners.list_practitioners(practice, actor, include_archived=True)
        except ServiceError as exc:
            linkable = []
            self.errors.show(exc)
        self.fields.set_practitioners(linkable, keep_id=user.practitioner_id)
        self.fields.show_user(user.display_name, user.role, user.practitioner_id)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields.add_rows(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("userEditSave")
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("userEditCancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(signs_in)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addStretch(1)
        layout.addSpacing(8)
        layout.addWidget(buttons)
        self.setMinimumWidth(WIDTH)
        self._fit()
        self.fields.role.currentIndexChanged.connect(self._fit)  # the practitioner hint shows or hides

    def save(self) -> None:
        self.errors.clear()
        try:
            self.saved = users.update_user(self.practice, self.actor, self.user.id, **self.fields.values())
        except ServiceError as exc:
            self.errors.show(exc)
            self._fit()
            return
        self.accept()

    def _fit(self, *_args) -> None:
        """Tall enough for the wrapped lines on show (an error line appears under its field)."""
        self.layout().activate()
        width = max(self.width(), WIDTH) if self.isVisible() else WIDTH
        needed = self.layout().totalHeightForWidth(width)
        if self.height() < needed or not self.isVisible():
            self.resize(width, needed)

"""Settings > Users and roles (SPEC 1.1, 1.2): who can sign in, with which role (administrator,
front desk, practitioner linked to their practitioner record). Add a user; edit one's name, role and
linked practitioner (Edit… or a double-click: ``UserEditDialog``); switch an account off (never
deleted: their name stays on what they did) or on; unlock a user after too many wrong passwords;
reset a forgotten password. The services check that the actor is an admin."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...services.errors import ServiceError
from ...services.people import practitioners, users
from ..reset_password_dialog import ResetPasswordDialog
from ..unlock_user_dialog import ROLE_WORDS
from ..widgets.record_table import (
    FieldErrors,
    RecordsModel,
    RichColumn,
    Stack,
    done_label,
    heading,
    muted,
    records_table,
    select_where,
    selected_row,
)
from ..widgets.user_fields import UserFields
from .record_panel import button
from .user_edit_dialog import UserEditDialog

INTRO = ("Administrators manage everything including these settings; front desk staff handle sessions, "
         "clients and payments; a practitioner sees and saves their own sessions. "
         f"After {users.MAX_FAILED_LOGINS} wrong passwords in a row a user is locked out for "
         f"{int(users.LOCKOUT.total_seconds() // 60)} minutes: Unlock lets them try again now.")


class UsersPanel(QWidget):
    changed = Signal()

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("usersPanel")
        self.practice, self.actor = practice, actor
        self.practitioner_names: dict[int, str] = {}
        self.model = RecordsModel([
            RichColumn("User name", lambda u: u.username),
            RichColumn("Name", lambda u: u.display_name, stretch=True),
            RichColumn("Role", lambda u: ROLE_WORDS.get(u.role, u.role)),
            RichColumn("Practitioner", lambda u: self.practitioner_names.get(u.practitioner_id, "\u2014")
                       if u.practitioner_id else "\u2014"),
            RichColumn("Can sign in?", self._status),
        ], self)
        self.table = records_table(self.model, "usersTable")
        self.table.selectionModel().selectionChanged.connect(self._picked)
        self.table.doubleClicked.connect(lambda _index: self.edit_user())
        self.edit_button = button("Edit\u2026", "userEdit", self.edit_user)
        self.unlock_button = button("Unlock", "userUnlock", self.unlock)
        self.reset_button = button("Reset Password\u2026", "userResetPassword", self.reset_password)
        self.active_button = button("Switch Off", "userActive", self.toggle_active)
        self.errors = FieldErrors("users")
        self.done = done_label("usersDone")
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addWidget(self.unlock_button)
        actions.addWidget(self.reset_button)
        actions.addWidget(self.active_button)
        actions.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addLayout(actions)
        left.addWidget(self.errors.general)
        left.addWidget(self.done)

        self.add_errors = FieldErrors("newUser")
        self.username = QLineEdit(objectName="newUserName", maxLength=64)
        username_error = self.add_errors.line("Username", "username")  # first, as the first field
        self.fields = UserFields("newUser", self.add_errors)
        self.display_name, self.role, self.practitioner = (self.fields.display_name, self.fields.role,
                                                           self.fields.practitioner)
        self.password = QLineEdit(objectName="newUserPassword", echoMode=QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"at least {users.MIN_PASSWORD} characters")
        self.add_button = button("Add User", "newUserAdd", self.add_user)
        form = QFormLayout()
        form.addRow("User name", Stack(self.username, username_error))
        self.fields.add_rows(form)
        form.addRow("Password", Stack(self.password, self.add_errors.line("Password", "password")))
        box = QGroupBox("Add a user", objectName="newUserBox")
        inner = QVBoxLayout(box)
        inner.addLayout(form)
        inner.addWidget(self.add_errors.general)
        under = QHBoxLayout()
        under.addStretch(1)
        under.addWidget(self.add_button)
        inner.addLayout(under)
        right = QVBoxLayout()
        right.addWidget(box)
        right.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Users and roles", "usersHeading"))
        layout.addWidget(muted(INTRO, "usersIntro"))
        layout.addLayout(body, 1)
        self.reload()

    # --- data ---------------------------------------------------------------------------------
    def _status(self, u: users.UserView) -> str:
        if not u.active:
            return "No (switched off)"
        if u.locked_until is not None:
            return f"Locked until {u.locked_until.astimezone(self.practice.tz):%H:%M}"
        return "Yes"

    def reload(self, select_id: int | None = None) -> None:
        try:
            pract = practitioners.list_practitioners(self.practice, self.actor, include_archived=True)
            rows = users.list_users(self.practice, self.actor)
        except ServiceError as exc:
            pract, rows = [], []
            self.errors.show(exc)
        self.practitioner_names = {p.id: p.name for p in pract}
        self.fields.set_practitioners(pract)
        self.model.set_rows(rows)
        if select_id is not None:
            select_where(self.table, lambda u: u.id == select_id)
        self._picked()

    def selected(self) -> users.UserView | None:
        return selected_row(self.table)

    def _picked(self, *_args) -> None:
        u = self.selected()
        self.edit_button.setEnabled(u is not None)
        self.unlock_button.setEnabled(u is not None and u.locked_until is not None)
        self.reset_button.setEnabled(u is not None)
        self.active_button.setEnabled(u is not None and u.id != self.actor.user_id)
        self.active_button.setText("Switch On" if u is not None and not u.active else "Switch Off")

    # --- actions ------------------------------------------------------------------------------
    def add_user(self) -> None:
        self.add_errors.clear()
        try:
            made = users.create_user(self.practice, self.actor, self.username.text(), self.display_name.text(),
                                     self.role.currentData(), self.password.text(),
                                     self.practitioner.currentData())
        except ServiceError as exc:
            self.add_errors.show(exc)
            return
        for field in (self.username, self.display_name, self.password):
            field.clear()
        self.reload(made.id)
        self._say(f"{made.display_name} can now sign in as {made.username}.")
        self.changed.emit()

    def edit_user(self) -> None:
        u = self.selected()
        if u is None:
            return
        self.errors.clear()
        self.done.hide()
        dialog = UserEditDialog(self.practice, self.actor, u, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        saved = dialog.saved
        dialog.deleteLater()
        if not accepted or saved is None:
            return
        self.reload(saved.id)
        said = f"{saved.display_name} is saved."
        if saved.id == self.actor.user_id and saved.role != self.actor.role:
            said += " Your new role applies from your next sign-in."
        self._say(said)
        self.changed.emit()

    def unlock(self) -> None:
        u = self.selected()
        if u is None:
            return
        self._run(lambda: users.unlock_user(self.practice, self.actor, u.id),
                  f"{u.display_name} is unlocked and can sign in again now.")

    def toggle_active(self) -> None:
        u = self.selected()
        if u is None:
            return
        self._run(lambda: users.set_user_active(self.practice, self.actor, u.id, not u.active),
                  f"{u.display_name} can sign in again." if not u.active else
                  f"{u.display_name} can no longer sign in. Their name stays on everything they did.")

    def reset_password(self) -> None:
        u = self.selected()
        if u is None:
            return
        dialog = ResetPasswordDialog(self.practice, self.actor, u, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if accepted:
            self.reload(u.id)
            self._say(f"{u.display_name} has a new password and can sign in with it.")

    def _run(self, call, said: str) -> None:
        self.errors.clear()
        self.done.hide()
        try:
            made = call()
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.reload(made.id)
        self._say(said)
        self.changed.emit()

    def _say(self, text: str) -> None:
        self.errors.clear()
        self.done.setText(text)
        self.done.show()

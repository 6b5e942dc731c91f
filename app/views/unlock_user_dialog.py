"""Settings > Unlock or Reset a User… (admins, SPEC 1.2): the practice's users with whether each
can sign in; Unlock lifts a lockout after too many wrong passwords, Reset Password… gives a new
password (and unlocks). The services check that the actor is an admin and audit both."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from ..services.people import users
from .reset_password_dialog import ResetPasswordDialog
from .widgets.messages import error_label, error_text
from .widgets.rows_model import Column, RowsTableModel

ROLE_WORDS = {"admin": "Administrator", "staff": "Front desk", "practitioner": "Practitioner"}
INTRO = (f"After {users.MAX_FAILED_LOGINS} wrong passwords in a row a user is locked out for "
         f"{int(users.LOCKOUT.total_seconds() // 60)} minutes. Unlock lets them try again now. Reset Password "
         "gives them a new password and unlocks them too.")


class UnlockUserDialog(QDialog):
    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("unlockUsersDialog")
        self.setWindowTitle("Unlock or reset a user")
        self.practice, self.actor = practice, actor
        self.model = RowsTableModel([
            Column("User name", lambda u: u.username),
            Column("Name", lambda u: u.display_name),
            Column("Role", lambda u: ROLE_WORDS.get(u.role, u.role)),
            Column("Can sign in?", self._status),
        ], self)
        self.table = QTableView(objectName="usersTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setStyleSheet("QTableView::item { padding: 0 8px; }")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.intro = QLabel(INTRO, objectName="unlockIntro", wordWrap=True)
        self.done_label = QLabel(objectName="unlockDone", wordWrap=True)
        self.done_label.setStyleSheet("color: #276749;")
        self.done_label.hide()
        self.error = error_label("unlockError")
        self.error.hide()
        self.unlock_button = _button("Unlock", "unlockButton", self.unlock_selected)
        self.reset_button = _button("Reset Password\u2026", "resetPasswordButton", self.reset_selected)
        self.close_button = _button("Close", "unlockClose", self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.unlock_button)
        bottom.addWidget(self.reset_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.done_label)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(620, 400)
        self.reload()

    # --- data ---------------------------------------------------------------------------------
    def _status(self, u: users.UserView) -> str:
        if not u.active:
            return "No (account switched off)"
        if u.locked_until is not None:
            return f"Locked until {u.locked_until.astimezone(self.practice.tz):%H:%M}"
        return "Yes"

    def reload(self, select_id: int | None = None) -> None:
        refused = None
        try:
            rows = users.list_users(self.practice, self.actor)
        except ServiceError as exc:
            rows, refused = [], exc
        self.model.set_rows(rows)
        for row, u in enumerate(rows):
            if u.id == select_id:
                self.table.selectRow(row)
        self._selection_changed()
        if refused is not None:
            self._show_error(refused)

    def selected(self) -> users.UserView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    # --- actions ------------------------------------------------------------------------------
    def unlock_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        try:
            users.unlock_user(self.practice, self.actor, chosen.id)
        except ServiceError as exc:
            self._show_error(exc)
            return
        self.reload(chosen.id)
        self._say(f"{chosen.display_name} is unlocked and can sign in again now.")

    def reset_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        dialog = ResetPasswordDialog(self.practice, self.actor, chosen, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if accepted:
            self.reload(chosen.id)
            self._say(f"{chosen.display_name} has a new password and can sign in with it.")

    def _say(self, text: str) -> None:
        self.error.hide()
        self.done_label.setText(text)
        self.done_label.show()

    def _show_error(self, exc: ServiceError) -> None:
        self.done_label.hide()
        self.error.setText(error_text(exc))
        self.error.show()

    def _selection_changed(self, *_args) -> None:
        chosen = self.selected()
        self.unlock_button.setEnabled(chosen is not None and chosen.locked_until is not None)
        self.reset_button.setEnabled(chosen is not None)
        self.error.hide()
        self.done_label.hide()


def _button(text: str, name: str, slot) -> QPushButton:
    b = QPushButton(text, objectName=name)
    b.setAutoDefault(False)
    b.clicked.connect(slot)
    return b

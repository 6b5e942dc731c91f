"""Clients > New client / Edit client: contact details, how to notify, may-cancel permission,
notes; archive or restore an existing client. The rules (required names, e-mail format, a
notification channel needs its address) are the service's; this form shows its message next to
the field and changes nothing on bad input (SPEC 0.5)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..services.errors import ServiceError, ValidationError
from ..services.people import clients
from ..services.people.clients import ClientInput, ClientView
from .widgets.messages import error_label, error_text

# stored value -> label shown, in the order the combo offers them
NOTIFY_LABELS = {"email": "E-mail", "sms": "SMS", "both": "E-mail & SMS", "none": "Don't notify"}


def notify_label(value: str) -> str:
    return NOTIFY_LABELS.get(value, value)


class ClientEditDialog(QDialog):
    """``saved`` is the client as stored after Save, Archive or Restore (None until then).
    ``name`` pre-fills a new client's (first, last) name, e.g. what was typed in a search box."""

    def __init__(self, practice, actor, client: ClientView | None = None, parent=None, *,
                 name: tuple[str, str] = ("", "")):
        super().__init__(parent)
        self.setObjectName("clientEditDialog")
        self.practice, self.actor, self.client = practice, actor, client
        self.saved: ClientView | None = None
        self.setWindowTitle("New client" if client is None else f"Edit client \u2014 {client.name}")

        self.first_name = QLineEdit(objectName="clientFirstName", maxLength=80)
        self.last_name = QLineEdit(objectName="clientLastName", maxLength=80)
        self.email = QLineEdit(objectName="clientEmail", maxLength=254, placeholderText="name@example.com")
        self.phone = QLineEdit(objectName="clientPhone", maxLength=40, placeholderText="+1 555 010 0000")
        self.address = QPlainTextEdit(objectName="clientAddress")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(64)
        self.notify_by = QComboBox(objectName="clientNotifyBy")
        for value, label in NOTIFY_LABELS.items():
            self.notify_by.addItem(label, value)
        self.may_cancel = QCheckBox("May cancel sessions", objectName="clientMayCancel")
        self.may_cancel.setToolTip("Lets this client cancel their own sessions when client cancellations "
                                   "are switched on (SPEC 8.1)")
        self.notes = QPlainTextEdit(objectName="clientNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)

        self._fields: dict[str, QWidget] = {
            "first name": self.first_name, "last name": self.last_name, "e-mail": self.email,
            "phone": self.phone, "address": self.address, "notify by": self.notify_by,
            "may cancel": self.may_cancel, "notes": self.notes,
        }
        form = QFormLayout()
        form.addRow("First name", self.first_name)
        form.addRow("Last name", self.last_name)
        form.addRow("E-mail", self.email)
        form.addRow("Phone", self.phone)
        form.addRow("Address", self.address)
        form.addRow("Notify by", self.notify_by)
        form.addRow("", self.may_cancel)
        form.addRow("Notes", self.notes)

        self.archived_note = QLabel("This client is archived: hidden from the client list and from the "
                                    "session form. Their sessions and balance are kept.",
                                    objectName="clientArchivedNote", wordWrap=True)
        self.archived_note.setStyleSheet("color: #975a16; background: #fefcbf; padding: 6px;")
        self.archived_note.setVisible(bool(client and client.archived))
        self.error = error_label("clientError")
        self.error.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("clientSave")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("clientCancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.archive_button: QPushButton | None = None
        if client is not None:
            self.archive_button = QPushButton("Restore" if client.archived else "Archive\u2026",
                                              objectName="clientArchive")
            self.archive_button.setAutoDefault(False)
            self.archive_button.setToolTip("Brings the client back into the list and the session form"
                                           if client.archived else
                                           "Hides the client from the list and the session form; nothing is deleted")
            buttons.addButton(self.archive_button, QDialogButtonBox.ButtonRole.ResetRole)
            self.archive_button.clicked.connect(self.toggle_archived)

        layout = QVBoxLayout(self)
        layout.addWidget(self.archived_note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

        if client is not None:
            self.first_name.setText(client.first_name)
            self.last_name.setText(client.last_name)
            self.email.setText(client.email)
            self.phone.setText(client.phone)
            self.address.setPlainText(client.address)
            self.notify_by.setCurrentIndex(max(0, self.notify_by.findData(client.notify_by)))
            self.may_cancel.setChecked(client.may_cancel)
            self.notes.setPlainText(client.notes)
        else:
            self.notify_by.setCurrentIndex(self.notify_by.findData("none"))
            self.first_name.setText(name[0])
            self.last_name.setText(name[1])
        self._loaded = self.form_input()
        if client is None:  # the first field still to fill: with a whole name offered, the e-mail
            next((f for f in (self.first_name, self.last_name) if not f.text()), self.email).setFocus()
        else:
            self.first_name.setFocus()

    def form_input(self) -> ClientInput:
        return ClientInput(
            first_name=self.first_name.text(), last_name=self.last_name.text(), email=self.email.text().strip(),
            phone=self.phone.text().strip(), address=self.address.toPlainText(),
            notify_by=self.notify_by.currentData(), may_cancel=self.may_cancel.isChecked(),
            notes=self.notes.toPlainText())

    # --- actions ------------------------------------------------------------------------------
    def save(self) -> None:
        data = self.form_input()
        try:
            if self.client is None:
                self.saved = clients.create_client(self.practice, self.actor, data)
            else:
                self.saved = clients.update_client(self.practice, self.actor, self.client.id, data)
        except ServiceError as exc:
            self._show_error(exc)
            return
        self.accept()

    def toggle_archived(self) -> None:
        """Archive (after a confirmation) or restore, then close. Archiving always asks; restoring
        asks only when changes typed in the form would be left unsaved."""
        assert self.client is not None
        archive = not self.client.archived
        dirty = self.form_input() != self._loaded
        if (archive or dirty) and not self._confirm(archive, dirty):
            return
        try:
            self.saved = clients.set_archived(self.practice, self.actor, self.client.id, archive)
        except ServiceError as exc:
            self._show_error(exc)
            return
        self.accept()

    def _confirm(self, archive: bool, dirty: bool) -> bool:
        verb = "Archive" if archive else "Restore"
        box = QMessageBox(QMessageBox.Icon.Question, f"{verb} client", f"{verb} {self.client.name}?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmArchive")
        more = [("They disappear from the client list and the session form. Their sessions and balance are "
                 "kept; tick \u201cShow archived\u201d in the client list to find and restore them.")
                if archive else "They come back into the client list and the session form."]
        if dirty:
            more.append("The changes typed in this form are not saved.")
        box.setInformativeText("\n\n".join(more))
        box.button(QMessageBox.StandardButton.Yes).setText(verb)
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmArchiveYes")
        box.button(QMessageBox.StandardButton.No).setText("Cancel")
        box.button(QMessageBox.StandardButton.No).setObjectName("confirmArchiveNo")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        return yes

    def _show_error(self, exc: ServiceError) -> None:
        self.error.setText(error_text(exc))
        self.error.show()
        if isinstance(exc, ValidationError) and exc.field in self._fields:
            field = self._fields[exc.field]
            field.setFocus()
            if isinstance(field, QLineEdit):
                field.selectAll()

"""Enroll… from a class view: choose a client, then Enroll (every session of the class not yet held,
SPEC 11.1) or, for a full class, Add to waitlist. Rules staff may override (deadline passed, class
full, not enough credit for the whole class, SPEC 11.4) are asked about first."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ...services.errors import NeedsConfirmation, ServiceError
from ...services.people import clients
from ...services.scheduling import classes
from ...services.scheduling.classes import ClassView
from ..widgets.client_combo import ClientCombo
from ..widgets.messages import confirm_warnings, error_label, error_text


class EnrollDialog(QDialog):
    """``result_view`` is the ClassView after the client was enrolled or put on the waitlist."""

    def __init__(self, practice, actor, view: ClassView, parent=None):
        super().__init__(parent)
        self.setObjectName("enrollDialog")
        self.setWindowTitle(f"Enroll in {view.name}")
        self.practice, self.actor, self.view = practice, actor, view
        self.result_view: ClassView | None = None
        self.client = ClientCombo(self._client_names, "Choose a client", objectName="enrollClient")
        self.client.setEditText("")  # empty, the placeholder showing: ready to type a name
        upcoming = sum(1 for s in view.sessions if not s.held)
        seats = (f"{view.seats_left} seat{'s' if view.seats_left != 1 else ''} left." if view.seats_left > 0 else
                 "The class is full: add the client to the waitlist, or enroll them anyway.")
        info = QLabel(f"The client joins the {upcoming} session{'s' if upcoming != 1 else ''} of the class not yet "
                      f"held. {seats}", objectName="enrollInfo", wordWrap=True)
        self.error = error_label("enrollError")
        self.enroll_button = QPushButton("Enroll", objectName="enrollOk")
        self.waitlist_button = QPushButton("Add to waitlist", objectName="enrollWaitlist")
        cancel = QPushButton("Cancel", objectName="enrollCancel")
        self.enroll_button.setDefault(True)
        self.enroll_button.clicked.connect(self._enroll)
        self.waitlist_button.clicked.connect(self._waitlist)
        cancel.clicked.connect(self.reject)
        self.waitlist_button.setVisible(view.seats_left <= 0)  # a waitlist is for a full class
        form = QFormLayout()
        form.addRow("Client", self.client)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.waitlist_button)
        buttons.addWidget(self.enroll_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)

    def _client_names(self):
        try:
            return [(f"{c.last_name}, {c.first_name}", c.id) for c in clients.list_clients(self.practice, self.actor)]
        except ServiceError:
            return []

    def _chosen(self) -> int | None:
        self.client.ensure_loaded()
        cid = self.client.client_id()
        typed = self.client.currentText().strip()
        if cid is None and typed:  # a name typed in full and Enroll clicked straight away
            i = self.client.findText(typed, Qt.MatchFlag.MatchFixedString)
            if i > 0:
                self.client.setCurrentIndex(i)
                cid = self.client.client_id()
        if cid is None:
            self.error.setText("Choose a client.")
        return cid

    def _enroll(self) -> None:
        cid = self._chosen()
        if cid is None:
            return
        try:
            try:
                self.result_view = classes.enroll(self.practice, self.actor, self.view.id, cid)
            except NeedsConfirmation as exc:
                if not confirm_warnings(self, exc.warnings):
                    return
                self.result_view = classes.enroll(self.practice, self.actor, self.view.id, cid, confirm=True)
        except ServiceError as exc:
            self.error.setText(error_text(exc))
            return
        self.accept()

    def _waitlist(self) -> None:
        cid = self._chosen()
        if cid is None:
            return
        try:
            self.result_view = classes.add_to_waitlist(self.practice, self.actor, self.view.id, cid)
        except ServiceError as exc:
            self.error.setText(error_text(exc))
            return
        self.accept()

"""Sessions > Add closure: a date or range with a label (SPEC 7.3)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from ..services.scheduling import closures
from .cancellations_dialog import offer_for_closure
from .widgets.date_typing import typing_skips_weekday
from .widgets.messages import error_label, error_text


class ClosureDialog(QDialog):
    def __init__(self, practice, actor, day: date, parent=None):
        super().__init__(parent)
        self.setObjectName("closureDialog")
        self.setWindowTitle("Add closure")
        self.practice, self.actor = practice, actor
        self.closure = None
        q = QDate(day.year, day.month, day.day)
        self.first = QDateEdit(q, objectName="closureFirst", calendarPopup=True)
        self.last = QDateEdit(q, objectName="closureLast", calendarPopup=True)
        for edit in (self.first, self.last):
            edit.setDisplayFormat("ddd d MMM yyyy")
            typing_skips_weekday(edit)
        self.label = QLineEdit(objectName="closureLabel", placeholderText="e.g. Christmas, snow day")
        form = QFormLayout()
        form.addRow("First day", self.first)
        form.addRow("Last day", self.last)
        form.addRow("Label", self.label)
        self.error = error_label("closureError")
        note = QLabel("Closures are shown on everyone's calendar. Sessions already booked on those days "
                      "stay as they are and are marked so you can move or cancel them.", wordWrap=True)
        note.setStyleSheet("color: #4a5568;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add closure")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("closureSave")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        for edit in (self.first, self.last):  # the error line is about what was there before
            edit.dateChanged.connect(self._clear_error)
        self.label.textEdited.connect(self._clear_error)

    def _clear_error(self, *_args) -> None:
        self.error.clear()
        self.error.hide()

    def _submit(self) -> None:
        try:
            self.closure = closures.add_closure(self.practice, self.actor, self.first.date().toPython(),
                                                self.last.date().toPython(), self.label.text())
        except ServiceError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            return
        self.accept()
        # SPEC 7.1: offer to cancel what is booked on it, once this dialog has gone (asked from the window)
        parent, practice, actor, closure = self.parentWidget(), self.practice, self.actor, self.closure
        if parent is not None:
            QTimer.singleShot(0, parent, lambda: offer_for_closure(parent, practice, actor, closure))

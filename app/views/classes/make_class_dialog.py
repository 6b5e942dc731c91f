"""Make class… from a session's view (a group session or a recurring series, SPEC 11.1): the class's
name, its fixed service (SPEC 11.3), capacity, enrollment and drop deadlines, and whether it takes
the whole series or this one session."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ...services.errors import ServiceError
from ...services.scheduling import catalog, classes
from ...services.scheduling.classes import ClassInput, ClassView
from ...services.scheduling.session_views import SessionView
from ..widgets.date_typing import typing_skips_weekday
from ..widgets.record_table import FieldErrors, muted


def _edit(moment) -> QDateTimeEdit:
    box = QDateTimeEdit(QDateTime(moment.date(), moment.time()))
    box.setCalendarPopup(True)
    box.setDisplayFormat("ddd dd MMM yyyy HH:mm")
    typing_skips_weekday(box)
    return box


class MakeClassDialog(QDialog):
    """``result_view`` is the class made (None until then)."""

    def __init__(self, practice, actor, session: SessionView, money: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.setObjectName("makeClassDialog")
        self.setWindowTitle("Make class")
        self.practice, self.actor, self.session = practice, actor, session
        self.result_view: ClassView | None = None
        self.name = QLineEdit(session.service_name, objectName="makeClassName")
        self.service = QComboBox(objectName="makeClassService")
        for sv in catalog.list_services(practice, actor):
            if sv.kind == "fixed":
                self.service.addItem(f"{sv.name} \u2014 {money(sv.cost_cents)} a session", sv.id)
        self.service.setCurrentIndex(max(0, self.service.findData(session.service_id)))
        self.capacity = QSpinBox(objectName="makeClassCapacity", minimum=1, maximum=classes.MAX_CAPACITY)
        self.capacity.setValue(max(10, len(session.clients)))
        start = session.start.replace(tzinfo=None)
        self.enroll_deadline = _edit(start)
        self.enroll_deadline.setObjectName("makeClassEnrollDeadline")
        self.drop_deadline = _edit(start)
        self.drop_deadline.setObjectName("makeClassDropDeadline")
        self.whole_series = QCheckBox("Every session of the recurring series", objectName="makeClassWholeSeries")
        self.whole_series.setChecked(session.series_id is not None)
        self.whole_series.setVisible(session.series_id is not None)
        self.errors = FieldErrors("makeClass")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("", self.errors.line("Name", "name"))
        form.addRow("Service", self.service)
        form.addRow("", self.errors.line("Service", "service"))
        form.addRow("Capacity", self.capacity)
        form.addRow("", self.errors.line("Capacity", "capacity"))
        form.addRow("Enroll by", self.enroll_deadline)
        form.addRow("", self.errors.line("EnrollDeadline", "enrollment deadline"))
        form.addRow("Drop by", self.drop_deadline)
        form.addRow("", self.errors.line("DropDeadline", "drop deadline"))
        form.addRow("", self.whole_series)
        self.general_error = self.errors.general
        ok = QPushButton("Make class", objectName="makeClassOk")
        cancel = QPushButton("Cancel", objectName="makeClassCancel")
        ok.setDefault(True)
        ok.clicked.connect(self._make)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(muted("Clients enroll in the whole class: they join every session of it. The class is "
                               "priced by a fixed service, per session.", "makeClassHint"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)

    def _make(self) -> None:
        self.errors.clear()
        service_id = self.service.currentData()
        if service_id is None:
            self.errors.show("There is no fixed-price service. Add one in Settings first.")
            return
        data = ClassInput(self.name.text(), self.capacity.value(),
                          self.enroll_deadline.dateTime().toPython(), self.drop_deadline.dateTime().toPython())
        try:
            self.result_view = classes.make_class(self.practice, self.actor, self.session.id, service_id, data,
                                                  whole_series=self.whole_series.isChecked())
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.accept()

"""New request… in Clients ▸ Requests…: the front desk records a session a client asked for, on the
client's behalf (SPEC 1.1). Only services and locations open to client booking are offered (SPEC 1.4,
``client_requests.booking_choices``); the service's usual length sets the end time."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..services.errors import ServiceError, ValidationError
from ..services.people import clients, practitioners
from ..services.scheduling import client_requests
from ..services.scheduling.client_requests import RequestInput, RequestView
from .session_dialog import QuarterTimeEdit
from .widgets.client_combo import ClientCombo
from .widgets.date_typing import typing_skips_weekday
from .widgets.record_table import FieldErrors, Stack, heading, muted

NO_CHOICES = ("No service is open to client requests yet. An administrator can tick \u201cClients may request "
              "this service\u201d in Settings \u25b8 Services.")


class ClientRequestDialog(QDialog):
    """``recorded`` is the request recorded (None until then)."""

    def __init__(self, practice, actor, day: date, parent=None):
        super().__init__(parent)
        self.setObjectName("clientRequestForm")
        self.setWindowTitle("New client request")
        self.practice, self.actor = practice, actor
        self.recorded: RequestView | None = None
        self.errors = FieldErrors("request")
        choices = client_requests.booking_choices(practice, actor)
        self._minutes = {c.id: c.minutes or 60 for c in choices.services}

        self.client = ClientCombo(self._client_names, "Choose a client", objectName="requestClient")
        self.client.setEditText("")
        self.service = QComboBox(objectName="requestService")
        for c in choices.services:
            self.service.addItem(c.name, c.id)
        self.location = QComboBox(objectName="requestLocation")
        self.location.addItem("\u2014 no preference \u2014", None)
        for c in choices.locations:
            self.location.addItem(c.name, c.id)
        self.practitioner = QComboBox(objectName="requestPractitioner")
        self.practitioner.addItem("Anyone", None)
        for p in practitioners.list_practitioners(practice, actor):
            self.practitioner.addItem(p.name, p.id)
        self.date = QDateEdit(QDate(day), objectName="requestDate", calendarPopup=True)
        self.date.setDisplayFormat("ddd d MMM yyyy")
        typing_skips_weekday(self.date)
        self.start = QuarterTimeEdit(QTime(10, 0), "requestStart")
        self.end = QuarterTimeEdit(QTime(11, 0), "requestEnd")
        self.note = QPlainTextEdit(objectName="requestNote")
        self.note.setPlaceholderText("What the client said (kept with the session as its private note)")
        self.note.setFixedHeight(self.fontMetrics().height() * 4)
        self.service.currentIndexChanged.connect(lambda _i: self._fit_end())
        self.start.timeChanged.connect(lambda _t: self._fit_end())
        self._fit_end()

        times = QWidget()
        row = QHBoxLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.date)
        row.addWidget(self.start)
        row.addWidget(QLabel("to"))
        row.addWidget(self.end)
        row.addStretch(1)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Client", Stack(self.client, self.errors.line("Client", "client")))
        form.addRow("Service", Stack(self.service, self.errors.line("Service", "service")))
        form.addRow("Location", Stack(self.location, self.errors.line("Location", "location")))
        form.addRow("Practitioner", Stack(self.practitioner, self.errors.line("Practitioner", "practitioner")))
        form.addRow("When", Stack(times, self.errors.line("When", "start", "end")))
        form.addRow("Note", Stack(self.note, self.errors.line("Note", "note")))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Record request")
        self.ok.setObjectName("requestOk")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("requestCancel")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading("New client request", "requestHeading"))
        layout.addWidget(muted("Recorded on the client's behalf. Nothing is booked until the request is accepted; "
                               "only services and locations open to client booking are offered.", "requestIntro"))
        self.none_text = muted(NO_CHOICES, "requestNoChoices")
        self.none_text.setVisible(not choices.services)
        layout.addWidget(self.none_text)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.ok.setEnabled(bool(choices.services))
        self.setMinimumWidth(520)

    def _client_names(self):
        try:
            return [(f"{c.last_name}, {c.first_name}", c.id) for c in clients.list_clients(self.practice, self.actor)]
        except ServiceError:
            return []

    def _fit_end(self) -> None:
        """The end follows the start by the service's usual length (within the day)."""
        minutes = self._minutes.get(self.service.currentData(), 60)
        start = self.start.time()
        end = datetime.combine(date.today(), time(start.hour(), start.minute())) + timedelta(minutes=minutes)
        self.end.setTime(QTime(23, 45) if end.date() != date.today() else QTime(end.hour, end.minute))

    def _chosen_client(self) -> int | None:
        self.client.ensure_loaded()
        typed = self.client.currentText().strip()
        if self.client.client_id() is None and typed:  # a name typed in full and the button clicked at once
            i = self.client.findText(typed, Qt.MatchFlag.MatchFixedString)
            if i > 0:
                self.client.setCurrentIndex(i)
        return self.client.client_id()

    def request_input(self) -> RequestInput:
        day = self.date.date().toPython()
        start, end = self.start.time(), self.end.time()
        return RequestInput(client_id=self._chosen_client(), service_id=self.service.currentData(),
                            start=datetime.combine(day, time(start.hour(), start.minute())),
                            end=datetime.combine(day, time(end.hour(), end.minute())),
                            location_id=self.location.currentData(), practitioner_id=self.practitioner.currentData(),
                            note=self.note.toPlainText())

    def save(self) -> None:
        self.errors.clear()
        data = self.request_input()
        if data.client_id is None:
            self.errors.show(ValidationError("client", "choose the client who asked"))
            return
        try:
            self.recorded = client_requests.record_request(self.practice, self.actor, data)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.accept()

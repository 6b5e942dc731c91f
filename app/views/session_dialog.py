"""Add or edit a session (SPEC 2.1-2.5, 3.1-3.4): one form for single and group sessions.

While the user types, ``sessions.check_session`` is asked (debounced) for the warnings saving
would raise, so double bookings and closures show before the Save button is pressed. Saving
repeats the call with ``confirm=True`` only after the user said "Save anyway".
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ..services.errors import NeedsConfirmation, ServiceError, ValidationError, Warning_
from ..services.people import clients, practitioners
from ..services.people.capabilities import capabilities
from ..services.scheduling import catalog, sessions
from ..services.scheduling.session_views import SessionView
from .widgets.client_picker import ClientPicker
from .widgets.messages import confirm_warnings, error_text
from .widgets.recurrence_panel import RecurrencePanel

DEFAULT_LENGTH = timedelta(minutes=50)
CHECK_DELAY_MS = 300
STEP_MINUTES = 15
MAX_LISTED = 6  # warnings listed in the form; the rest are counted

WARNINGS_STYLE = ("QLabel { background: #fefcbf; border: 1px solid #ecc94b; border-radius: 4px;"
                  " color: #744210; padding: 6px 8px; }")
ERROR_STYLE = ("QLabel { background: #fff5f5; border: 1px solid #feb2b2; border-radius: 4px;"
               " color: #c53030; padding: 6px 8px; }")
MUTED_STYLE = "color: #4a5568;"


class QuarterTimeEdit(QTimeEdit):
    """A time field whose arrows, wheel and Up/Down keys move the minutes in 15-minute steps
    (to the next quarter hour first); the hours still step by one, and any time can be typed."""

    def __init__(self, value: QTime, object_name: str, parent: QWidget | None = None):
        super().__init__(value, parent)
        self.setObjectName(object_name)
        self.setDisplayFormat("HH:mm")
        self.setCurrentSection(QDateTimeEdit.Section.MinuteSection)

    def stepBy(self, steps: int) -> None:
        if self.currentSection() != QDateTimeEdit.Section.MinuteSection:
            super().stepBy(steps)
            return
        t = self.time()
        minutes = t.hour() * 60 + t.minute()
        if steps > 0:
            target = (minutes // STEP_MINUTES + steps) * STEP_MINUTES
        else:
            target = (-(-minutes // STEP_MINUTES) + steps) * STEP_MINUTES
        target = max(0, min(target, 24 * 60 - STEP_MINUTES))
        self.setTime(QTime(target // 60, target % 60))


def next_quarter_hour(now: datetime) -> datetime:
    """The first quarter hour at or after ``now`` (a naive wall-clock time)."""
    base = now.replace(second=0, microsecond=0)
    if base < now:
        base += timedelta(minutes=1)
    return base + timedelta(minutes=(-base.minute) % STEP_MINUTES)


def length_text(start: QTime, end: QTime) -> str:
    minutes = start.secsTo(end) // 60
    if minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


class SessionDialog(QDialog):
    """``saved`` holds the sessions the service returned once the dialog is accepted."""

    def __init__(self, practice, actor, *, start: datetime | None = None, end: datetime | None = None,
                 practitioner_id: int | None = None, session: SessionView | None = None, scope: str = "this",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sessionDialog")
        self.practice, self.actor = practice, actor
        self.session, self.scope = session, scope
        self.saved: list[SessionView] = []
        tz = practice.tz
        if session is not None:
            start, end = session.start.astimezone(tz), session.end.astimezone(tz)
            practitioner_id = session.practitioner_id
        if start is None:
            start = next_quarter_hour(sessions.to_local_naive(practice.clock.now(), tz))
        start = sessions.to_local_naive(start, tz)
        end = sessions.to_local_naive(end, tz) if end is not None else start + DEFAULT_LENGTH
        self.setWindowTitle("Edit session" if session else "Add session")

        # --- fields ---------------------------------------------------------------------------
        self.date = QDateEdit(QDate(start.date()), objectName="sessionDate", calendarPopup=True)
        self.date.setDisplayFormat("ddd d MMM yyyy")
        self.start = QuarterTimeEdit(QTime(start.hour, start.minute), "sessionStart")
        self.end = QuarterTimeEdit(QTime(end.hour, end.minute), "sessionEnd")
        self._last_start = self.start.time()
        self.length = QLabel(objectName="sessionLength")
        self.length.setStyleSheet(MUTED_STYLE)

        self.service = QComboBox(objectName="sessionService")
        for s in catalog.list_services(practice, actor):
            self.service.addItem(s.name, s.id)
        self.location = QComboBox(objectName="sessionLocation")
        self.location.addItem("— none —", None)
        for loc in catalog.list_locations(practice, actor):
            self.location.addItem(loc.name, loc.id)
        self.practitioner = QComboBox(objectName="sessionPractitioner")
        for p in practitioners.list_practitioners(practice, actor):
            if capabilities(actor).works_on(p.id):  # a practitioner books for themself
                self.practitioner.addItem(p.name, p.id)

        client_list = clients.list_clients(practice, actor)
        if session is not None:  # an archived client of this session still shows (saving will say so)
            known = {c.id for c in client_list}
            client_list += [clients.get_client(practice, actor, c.id) for c in session.clients if c.id not in known]
        self.clients = ClientPicker(client_list)

        self.public_note = self._note("sessionPublicNote", "Seen by everyone involved; printed on client documents")
        self.private_note = self._note("sessionPrivateNote", "Admin, staff and the practitioner only")

        self.repeat = RecurrencePanel(start.date())
        self.repeat.setVisible(session is None)  # a series is made when adding; edits use the scope

        self.warnings = QLabel(objectName="sessionWarnings")
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNINGS_STYLE)
        self.warnings.hide()
        self.current_warnings: list[Warning_] = []
        self.error = QLabel(objectName="sessionError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("sessionSave")
        self.save_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("sessionCancel")
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)

        # --- layout ---------------------------------------------------------------------------
        times = QHBoxLayout()
        times.addWidget(self.start)
        times.addWidget(QLabel("to"))
        times.addWidget(self.end)
        times.addWidget(self.length)
        times.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Date", self.date)
        form.addRow("Time", times)
        form.addRow("Service", self.service)
        form.addRow("Practitioner", self.practitioner)
        form.addRow("Location", self.location)
        form.addRow("Public note", self.public_note)
        form.addRow("Private note", self.private_note)
        people = QVBoxLayout()
        people.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Clients")
        heading.setStyleSheet("font-weight: 600;")
        people.addWidget(heading)
        people.addWidget(self.clients, 1)
        top = QHBoxLayout()
        top.setSpacing(18)
        top.addLayout(form, 3)
        top.addLayout(people, 2)

        layout = QVBoxLayout(self)
        if session is not None and session.series_id is not None:
            scope_note = QLabel({"this": "Changes apply to this session only.",
                                 "following": "Changes apply to this and the following sessions of the series.",
                                 "all": "Changes apply to every session of the series."}.get(scope, ""),
                                objectName="sessionScopeNote")
            scope_note.setStyleSheet(MUTED_STYLE)
            layout.addWidget(scope_note)
        layout.addLayout(top, 1)
        layout.addWidget(self.repeat)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(820)
        chain = [self.date, self.start, self.end, self.service, self.practitioner, self.location,
                 self.public_note, self.private_note, self.clients.search, self.clients.list, self.repeat]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

        if session is not None:
            self._fill(session)
        elif practitioner_id is not None:
            self._select(self.practitioner, practitioner_id, "")
        self._update_length()

        # --- live checks ----------------------------------------------------------------------
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)
        self.date.dateChanged.connect(self._date_changed)
        self.start.timeChanged.connect(self._start_changed)
        self.end.timeChanged.connect(self._end_changed)
        for combo in (self.service, self.location, self.practitioner):
            combo.currentIndexChanged.connect(self._schedule_check)
        self.clients.selection_changed.connect(self._schedule_check)
        self.repeat.changed.connect(self._schedule_check)
        self.repeat.toggled.connect(lambda _on: QTimer.singleShot(0, self.adjustSize))
        self._schedule_check()
        self.clients.search.setFocus()

    # --- building -----------------------------------------------------------------------------
    @staticmethod
    def _note(name: str, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(objectName=name, placeholderText=placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 14)
        return edit

    @staticmethod
    def _select(combo: QComboBox, value, missing_label: str) -> None:
        i = combo.findData(value)
        if i < 0 and missing_label:
            combo.addItem(missing_label, value)  # archived since: shown so nothing changes silently
            i = combo.count() - 1
        if i >= 0:
            combo.setCurrentIndex(i)

    def _fill(self, s: SessionView) -> None:
        self._select(self.service, s.service_id, f"{s.service_name} (archived)")
        self._select(self.practitioner, s.practitioner_id, f"{s.practitioner_name} (archived)")
        self._select(self.location, s.location_id, f"{s.location_name} (archived)")
        self.clients.set_selected(c.id for c in s.clients)
        self.public_note.setPlainText(s.public_note)
        if s.private_note is None:  # not this actor's to see (SPEC 2.4)
            self.private_note.setEnabled(False)
            self.private_note.setPlaceholderText("Hidden")
        else:
            self.private_note.setPlainText(s.private_note)

    # --- reading the form -----------------------------------------------------------------------
    def session_input(self) -> sessions.SessionInput:
        day = self.date.date().toPython()
        return sessions.SessionInput(
            start=datetime.combine(day, self._time(self.start)),
            end=datetime.combine(day, self._time(self.end)),
            service_id=self.service.currentData(),
            practitioner_id=self.practitioner.currentData(),
            client_ids=self.clients.selected_ids(),
            location_id=self.location.currentData(),
            public_note=self.public_note.toPlainText(),
            private_note=self.private_note.toPlainText())

    @staticmethod
    def _time(edit: QTimeEdit) -> time:
        t = edit.time()
        return time(t.hour(), t.minute())

    def recurrence(self):
        return None if self.session is not None else self.repeat.recurrence()

    # --- reacting -------------------------------------------------------------------------------
    def _date_changed(self) -> None:
        self.repeat.set_first_date(self.date.date().toPython())
        self._schedule_check()

    def _start_changed(self, new: QTime) -> None:
        """Moving the start moves the end too: the length stays."""
        shift = self._last_start.secsTo(new)
        self._last_start = new
        if shift:
            self.end.setTime(self.end.time().addSecs(shift))  # -> _end_changed
        else:
            self._end_changed()

    def _end_changed(self, *_args) -> None:
        self._update_length()
        self._schedule_check()

    def _update_length(self) -> None:
        self.length.setText(length_text(self.start.time(), self.end.time()))

    def _schedule_check(self, *_args) -> None:
        self._check_timer.start()

    def check_now(self) -> None:
        """Ask the service what saving would warn about and show it; bad input shows nothing here
        (the Save button reports it, naming the field)."""
        self._check_timer.stop()
        try:
            found = sessions.check_session(self.practice, self.actor, self.session_input(), self.recurrence(),
                                           session_id=self.session.id if self.session else None, scope=self.scope)
        except ServiceError:
            found = []
        self._show_warnings(found)

    def _show_warnings(self, found: Sequence[Warning_]) -> None:
        self.current_warnings = list(found)
        if not found:
            self.warnings.clear()
            self.warnings.hide()
            return
        lines = [f"• {w.message}" for w in found[:MAX_LISTED]]
        if len(found) > MAX_LISTED:
            lines.append(f"… and {len(found) - MAX_LISTED} more")
        overridable = capabilities(self.actor).confirm_warnings and not any(w.hard for w in found)
        head = "⚠ Check before saving (you can still save):" if overridable else "⚠ This cannot be saved as it is:"
        self.warnings.setText("\n".join([head, *lines]))
        self.warnings.show()

    # --- saving ---------------------------------------------------------------------------------
    def _call(self, data: sessions.SessionInput, confirm: bool) -> list[SessionView]:
        if self.session is None:
            return sessions.add_session(self.practice, self.actor, data, self.recurrence(), confirm=confirm)
        return sessions.update_session(self.practice, self.actor, self.session.id, data, scope=self.scope,
                                       confirm=confirm)

    def _save(self) -> None:
        self.error.hide()
        data = self.session_input()
        try:
            try:
                result = self._call(data, confirm=False)
            except NeedsConfirmation as need:
                self._show_warnings(need.warnings)
                if not self._confirm(need.warnings):
                    return
                result = self._call(data, confirm=True)
        except ServiceError as exc:
            self._show_error(exc)
            return
        self.saved = result
        self.accept()

    def _confirm(self, warnings: Sequence[Warning_]) -> bool:
        return confirm_warnings(self, warnings)

    def _show_error(self, exc: ServiceError) -> None:
        self.error.setText(error_text(exc))
        self.error.show()
        if isinstance(exc, ValidationError):
            target = self.field_widget(exc.field)
            if target is not None and target.isEnabled():
                target.setFocus(Qt.FocusReason.OtherFocusReason)

    def field_widget(self, field: str) -> QWidget | None:
        """The input a ValidationError's ``field`` names."""
        widgets = {"start": self.start, "end": self.end, "date": self.date, "service": self.service,
                   "practitioner": self.practitioner, "location": self.location, "clients": self.clients.search,
                   "public note": self.public_note, "private note": self.private_note}
        return widgets.get(field) or (self.repeat.widget_for_field(field) if self.recurrence() else None)

"""Add or edit a session (SPEC 2.1-2.5, 3.1-3.4): one form for single and group sessions.

While the user types, ``sessions.check_session`` is asked (debounced) for the warnings saving
would raise, so double bookings and closures show before the Save button is pressed. Saving
repeats the call with ``confirm=True`` only after the user said "Save anyway". In package mode
(SPEC 6.3) the front desk sees under the price what each chosen client has left on their packages
for the service, asked of ``packages.remaining_for`` once per change of clients or service.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from html import escape

from PySide6.QtCore import QDate, QEvent, Qt, QTime, QTimer, Signal
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
    QSizePolicy,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import PrepaymentMode
from ..services.errors import NeedsConfirmation, ServiceError, ValidationError, Warning_
from ..services.money import packages
from ..services.money.amounts import format_money
from ..services.people import clients, practitioners
from ..services.people.capabilities import capabilities
from ..services.scheduling import catalog, sessions
from ..services.scheduling.price_quote import quote
from ..services.scheduling.session_views import SessionView
from .client_edit_dialog import ClientEditDialog
from .widgets.client_picker import ClientPicker, name_from_search
from .widgets.date_typing import typing_skips_weekday
from .widgets.messages import confirm_warnings, error_text
from .widgets.package_text import left_text
from .widgets.record_table import Stack
from .widgets.recurrence_panel import RecurrencePanel

DEFAULT_LENGTH = timedelta(minutes=50)  # when there is no service to take a length from
CHECK_DELAY_MS = 300
STEP_MINUTES = 15
MAX_LISTED = 6  # warnings listed in the form; the rest are counted

WARNINGS_STYLE = ("QLabel { background: #fefcbf; border: 1px solid #ecc94b; border-radius: 4px;"
                  " color: #744210; padding: 6px 8px; }")
ERROR_STYLE = ("QLabel { background: #fff5f5; border: 1px solid #feb2b2; border-radius: 4px;"
               " color: #c53030; padding: 6px 8px; }")
MUTED_STYLE = "color: #4a5568;"
NOTHING_LEFT_COLOR = "#c05621"  # a client with no package sessions left for the service


def typed_time(digits: str) -> QTime | None:
    """The time a run of typed digits means: "9" 09:00, "10" 10:00, "930" 09:30, "1030" 10:30,
    "103" 10:30 (the minutes' first digit); None when the digits make no time."""
    if not digits.isdigit() or not 1 <= len(digits) <= 4:
        return None
    if len(digits) <= 2:
        candidates = [(digits, "0")] + ([(digits[0], digits[1] + "0")] if len(digits) == 2 else [])
    elif len(digits) == 3:
        candidates = [(digits[:2], digits[2] + "0"), (digits[0], digits[1:])]
    else:
        candidates = [(digits[:2], digits[2:])]
    for h, m in candidates:
        if int(h) < 24 and int(m) < 60:
            return QTime(int(h), int(m))
    return None


class QuarterTimeEdit(QTimeEdit):
    """A time field whose arrows, wheel and Up/Down keys move the minutes in 15-minute steps
    (to the next quarter hour first); the hours still step by one. Digits typed after a click or
    Tab into the field replace the whole time ("1030" or "930"), wherever the cursor stood."""

    def __init__(self, value: QTime, object_name: str, parent: QWidget | None = None):
        super().__init__(value, parent)
        self.setObjectName(object_name)
        self.setDisplayFormat("HH:mm")
        self.setCurrentSection(QDateTimeEdit.Section.MinuteSection)
        self._typed = ""
        self.lineEdit().installEventFilter(self)  # keys sent to the text itself come here too

    def focusInEvent(self, event) -> None:
        self._typed = ""
        super().focusInEvent(event)

    def mousePressEvent(self, event) -> None:
        self._typed = ""
        super().mousePressEvent(event)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.lineEdit() and event.type() == QEvent.Type.KeyPress and self._typing_key(event):
            return True
        if watched is self.lineEdit() and event.type() == QEvent.Type.MouseButtonPress:
            self._typed = ""
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:
        if not self._typing_key(event):
            super().keyPressEvent(event)

    def _typing_key(self, event) -> bool:
        """Digits, ':' and Backspace while typing a time; True when handled here."""
        text = event.text()
        if event.key() == Qt.Key.Key_Backspace and self._typed:
            self._typed = self._typed[:-1]
            t = typed_time(self._typed) if self._typed else None
            if t is not None:
                self.setTime(t)
            return True
        if text == ":" and self._typed:
            return True
        if len(text) != 1 or not text.isdigit():
            self._typed = ""
            return False
        typed = self._typed + text if len(self._typed) < 4 else text
        t = typed_time(typed)
        if t is None:
            t, typed = typed_time(text), text  # start again with this digit
        if t is not None:
            self._typed = typed
            self.setTime(t)
            self.setSelectedSection(QDateTimeEdit.Section.MinuteSection if len(typed) > 2
                                    else QDateTimeEdit.Section.HourSection)
        return True

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


def proposed_start(now: datetime, length: timedelta, day_start_hour: int) -> datetime:
    """Where Add Session starts: the next quarter hour, or the next day's first working hour when
    a session of ``length`` would not end before midnight (a session cannot pass midnight)."""
    start = next_quarter_hour(now)
    if (start + length).date() != start.date() and start + length != datetime.combine(
            start.date() + timedelta(days=1), time()):
        return datetime.combine(start.date() + timedelta(days=1), time(day_start_hour))
    return start


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
    """``saved`` holds the sessions the service returned once the dialog is accepted.

    ``client_created`` (a ClientView) is emitted as soon as New client… in the picker has created
    a client, whether or not the session is then saved; the opener announces ``clients_changed``."""

    client_created = Signal(object)

    def __init__(self, practice, actor, *, start: datetime | None = None, end: datetime | None = None,
                 practitioner_id: int | None = None, session: SessionView | None = None, scope: str = "this",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sessionDialog")
        self.practice, self.actor = practice, actor
        self.session, self.scope = session, scope
        self.saved: list[SessionView] = []
        tz = practice.tz
        conf = practice.settings()
        self._money = lambda cents: format_money(cents, conf["currency"], conf["locale"])
        self._services = {s.id: s for s in catalog.list_services(practice, actor)}
        first_service = next(iter(self._services.values()), None)
        length = timedelta(minutes=first_service.default_minutes) if first_service else DEFAULT_LENGTH
        if session is not None:
            start, end = session.start.astimezone(tz), session.end.astimezone(tz)
            practitioner_id = session.practitioner_id
        if start is None:
            start = proposed_start(sessions.to_local_naive(practice.clock.now(), tz), length,
                                   int(conf.get("day_start_hour", 8)))
        start = sessions.to_local_naive(start, tz)
        end = sessions.to_local_naive(end, tz) if end is not None else min(
            start + length, datetime.combine(start.date(), time(23, 59)))
        self.setWindowTitle("Edit session" if session else "Add session")

        # --- fields ---------------------------------------------------------------------------
        self.date = QDateEdit(QDate(start.date()), objectName="sessionDate", calendarPopup=True)
        self.date.setDisplayFormat("ddd d MMM yyyy")
        typing_skips_weekday(self.date)
        self.start = QuarterTimeEdit(QTime(start.hour, start.minute), "sessionStart")
        self.end = QuarterTimeEdit(QTime(end.hour, end.minute), "sessionEnd")
        self._last_start = self.start.time()
        self.length = QLabel(objectName="sessionLength")
        self.length.setStyleSheet(MUTED_STYLE)

        self.service = QComboBox(objectName="sessionService")
        for s in self._services.values():
            self.service.addItem(s.name, s.id)
        self.price = QLabel(objectName="sessionPrice")
        self.price.setStyleSheet(MUTED_STYLE)
        self.package_left = QLabel(objectName="sessionPackages")  # one line per client
        self.package_left.setTextFormat(Qt.TextFormat.RichText)
        self.package_left.setStyleSheet(MUTED_STYLE)
        self.package_left.setContentsMargins(0, 3, 0, 0)
        self.package_left.hide()
        # package mode: the front desk sees what each client has left (practitioners are not told balances)
        self._package_mode = (conf.get("prepayment_mode") == PrepaymentMode.PACKAGE
                              and capabilities(actor).front_desk)
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
        self.clients = ClientPicker(client_list, can_add=capabilities(actor).create_clients)
        self.clients.new_client_requested.connect(self._new_client)
        self.client_editor: ClientEditDialog | None = None  # while New client… is open

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
        price_box = Stack(self.price, self.package_left)  # what remains sits right under the price
        price_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        form.addRow("", price_box)
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
        self._update_price()
        self._update_packages()

        # --- live checks ----------------------------------------------------------------------
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)
        self.date.dateChanged.connect(self._date_changed)
        self.start.timeChanged.connect(self._start_changed)
        self.end.timeChanged.connect(self._end_changed)
        for combo in (self.service, self.location, self.practitioner):
            combo.currentIndexChanged.connect(self._schedule_check)
        self.service.currentIndexChanged.connect(self._service_changed)
        self.practitioner.currentIndexChanged.connect(self._update_price)
        self.clients.selection_changed.connect(self._schedule_check)
        self.clients.selection_changed.connect(self._update_packages)
        self.clients.selection_changed.connect(lambda: self._clear_error("clients"))
        self.date.dateChanged.connect(lambda: self._clear_error("date"))
        self.practitioner.currentIndexChanged.connect(lambda: self._clear_error("practitioner"))
        self.location.currentIndexChanged.connect(lambda: self._clear_error("location"))
        self.public_note.textChanged.connect(lambda: self._clear_error("public note"))
        self.private_note.textChanged.connect(lambda: self._clear_error("private note"))
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
        self._update_price()
        self._clear_error("start", "end")
        self._schedule_check()

    def _update_length(self) -> None:
        self.length.setText(length_text(self.start.time(), self.end.time()))

    def _service_changed(self, *_args) -> None:
        """A service brings its own length: the end moves (kept before midnight)."""
        service = self._services.get(self.service.currentData())
        if service is not None:
            start = self.start.time()
            minutes = min(service.default_minutes, start.secsTo(QTime(23, 59)) // 60)
            if minutes > 0:
                self.end.setTime(start.addSecs(minutes * 60))  # -> _end_changed -> price
        self._clear_error("service")
        self._update_price()
        self._update_packages()

    def _update_price(self, *_args) -> None:
        """Cost per client and the practitioner's wage for this service and length, before saving."""
        service_id = self.service.currentData()
        minutes = self.start.time().secsTo(self.end.time()) // 60
        if service_id is None or minutes <= 0:
            self.price.setText("")
            return
        try:
            q = quote(self.practice, self.actor, service_id, self.practitioner.currentData(), minutes)
        except ServiceError:
            self.price.setText("")
            return
        self.price.setText(f"Cost {self._money(q.cost_cents)} per client \u00b7 practitioner's wage "
                           f"{self._money(q.wage_cents)}" + (" (hourly, for this length)" if q.hourly else ""))

    def _update_packages(self, *_args) -> None:
        """Package mode: "Ann Lee: 2 sessions left on packages" for each chosen client and this service."""
        service_id, ids = self.service.currentData(), self.clients.selected_ids()
        if not self._package_mode or service_id is None or not ids:
            self.package_left.clear()
            self.package_left.hide()
            return
        try:
            left = packages.remaining_for(self.practice, self.actor, ids, service_id)
        except ServiceError:
            left = {}
        lines = []
        for cid in ids[:MAX_LISTED]:
            n = left.get(cid, 0)
            text = escape(left_text(self.clients.name_of(cid), n))
            lines.append(text if n > 0 else f"<span style='color: {NOTHING_LEFT_COLOR};'>{text}</span>")
        if len(ids) > MAX_LISTED:
            rest = ids[MAX_LISTED:]
            short = sum(1 for cid in rest if left.get(cid, 0) <= 0)
            lines.append(f"\u2026 and {len(rest)} more" + (f" ({short} with nothing left)" if short else ""))
        self.package_left.setText("<br>".join(lines))
        self.package_left.show()

    def _new_client(self) -> None:
        """The client editor over this form, the search box's text offered as the name; the client
        it creates comes back ticked in the picker. Cancel changes nothing."""
        editor = ClientEditDialog(self.practice, self.actor, parent=self,
                                  name=name_from_search(self.clients.search.text()) or ("", ""))
        self.client_editor = editor
        try:
            if editor.exec() == QDialog.DialogCode.Accepted and editor.saved is not None:
                self.clients.add_client(editor.saved)  # -> selection_changed: summary, checks
                self.client_created.emit(editor.saved)
        finally:
            self.client_editor = None
            editor.deleteLater()

    def _clear_error(self, *fields: str) -> None:
        """An error line goes once the field it named is changed."""
        if self.error.isVisible() and getattr(self, "_error_field", None) in fields:
            self.error.hide()
            self.error.clear()
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
        self._error_field = exc.field if isinstance(exc, ValidationError) else None
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

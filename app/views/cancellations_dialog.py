"""Sessions > Cancellations… (SPEC 7.1, 7.2): for a snow day or a holiday. Choose one date or a range,
optionally one practitioner or location; the open sessions there are listed as the choice changes,
with how each client would be told. Then notify and cancel, cancel only, or notify only, with a
message template the practice edits. The run is one service call; the messages it queued are then
sent off the GUI thread, and the Results tab shows each client's outcome (sent, failed and why, or
why they could not be told). A failed message never undoes a cancellation: retry it from the outbox.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import MessageStatus
from ..services.errors import NeedsConfirmation, ServiceError
from ..services.messaging import outbox, templates
from ..services.people import practitioners
from ..services.scheduling import cancellation_tool as tool
from ..services.scheduling import catalog, completion
from .events import events_near
from .widgets.date_typing import typing_skips_weekday
from .widgets.messages import confirm_warnings, error_label, error_text
from .widgets.outbox_sender import OutboxSender
from .widgets.record_table import RecordsModel, RichColumn, records_table

HINT_STYLE = "color: #4a5568;"
ACTION_WORDS = {tool.NOTIFY_AND_CANCEL: "Notify and cancel", tool.CANCEL_ONLY: "Cancel",
                tool.NOTIFY_ONLY: "Notify"}
RED, GREEN, GREY = QColor("#c53030"), QColor("#276749"), QColor("#4a5568")


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _day(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


class ResultRow:
    """One client's line on the Results tab: the run's result and, once sent, each message's."""

    def __init__(self, result: tool.ClientResult):
        self.result = result
        self.messages: dict[int, object] = {}  # message id -> OutboxView or ServiceError

    def outcome(self) -> str:
        r = self.result
        if not r.message_ids:
            return r.note or "Not told (cancel only)"
        parts = []
        for mid in r.message_ids:
            m = self.messages.get(mid)
            if m is None:
                parts.append("waiting to be sent")
            elif isinstance(m, ServiceError):
                parts.append(f"not sent: {error_text(m)}")
            else:
                how = "e-mail" if m.channel == "email" else "SMS"
                parts.append(f"{how} sent" if m.status == MessageStatus.SENT else
                             f"{how} failed: {m.error}" if m.status == MessageStatus.FAILED else f"{how} {m.status}")
        return "; ".join(parts)

    def failed(self) -> bool:
        return any(isinstance(m, ServiceError) or m.status == MessageStatus.FAILED for m in self.messages.values())


class CancellationsDialog(QDialog):
    """``CancellationsDialog(practice, actor, parent, first_day=None, last_day=None)``: a closure opens
    it on its own days."""

    def __init__(self, practice, actor, parent=None, first_day: date | None = None, last_day: date | None = None):
        super().__init__(parent)
        self.setObjectName("cancellationsDialog")
        self.setWindowTitle("Cancellations")
        self.practice, self.actor = practice, actor
        self.affected: list[tool.Affected] = []
        self.outbox_sender = None
        self.result_rows: list[ResultRow] = []
        self._run_note = ""
        today = practice.clock.now().astimezone(practice.tz).date()
        first = first_day or today
        self._build(first, last_day or first)
        self._timer = QTimer(self, singleShot=True, interval=150)  # typing a date refreshes once
        self._timer.timeout.connect(self.refresh)
        self.first.dateChanged.connect(self._first_changed)
        self.last.dateChanged.connect(self._timer.start)
        for combo in (self.practitioner, self.location):
            combo.currentIndexChanged.connect(self._timer.start)
        self.subject.textChanged.connect(self._update_preview)
        self.body.textChanged.connect(self._update_preview)
        self.actions.idToggled.connect(self._action_changed)
        self.resize(1240, 700)
        self.refresh()
        self._action_changed()

    # -- building ------------------------------------------------------------------------------------
    def _build(self, first: date, last: date) -> None:
        self.first = QDateEdit(_qdate(first), objectName="cancelFirst", calendarPopup=True)
        self.last = QDateEdit(_qdate(last), objectName="cancelLast", calendarPopup=True)
        for edit in (self.first, self.last):
            edit.setDisplayFormat("ddd d MMM yyyy")
            typing_skips_weekday(edit)
        self.practitioner = QComboBox(objectName="cancelPractitioner")
        self.location = QComboBox(objectName="cancelLocation")
        self.cancel_as = QComboBox(objectName="cancelAs")
        self._fill_choices()
        self.actions = QButtonGroup(self)
        self.radio = {}
        for i, (key, text) in enumerate(((tool.NOTIFY_AND_CANCEL, "Notify clients and cancel the sessions"),
                                         (tool.CANCEL_ONLY, "Cancel without notifying"),
                                         (tool.NOTIFY_ONLY, "Notify only (the sessions stay open)"))):
            self.radio[key] = QRadioButton(text, objectName=f"cancelAction_{key}")
            self.actions.addButton(self.radio[key], i)
        self.radio[tool.NOTIFY_AND_CANCEL].setChecked(True)
        self.subject = QLineEdit(tool.DEFAULT_SUBJECT, objectName="cancelSubject")
        self.body = QPlainTextEdit(tool.DEFAULT_BODY, objectName="cancelBody")
        self.body.setMinimumHeight(120)
        hint = QLabel("Filled in for each client: " + templates.placeholder_help() + ". Text messages get the "
                      "message without the subject.", wordWrap=True, objectName="cancelHint")
        hint.setStyleSheet(HINT_STYLE)
        self.preview = QLabel(objectName="cancelPreview", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.preview.setStyleSheet("background: #f7fafc; border: 1px solid #e2e8f0; padding: 6px;")
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("First day", self.first)
        form.addRow("Last day", self.last)
        form.addRow("Practitioner", self.practitioner)
        form.addRow("Location", self.location)
        actions = QVBoxLayout()
        for r in self.radio.values():
            actions.addWidget(r)
        form.addRow("Action", actions)
        form.addRow("Cancel as", self.cancel_as)
        form.addRow("Subject", self.subject)
        form.addRow("Message", self.body)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 6, 0)
        lv.addLayout(form)
        lv.addWidget(hint)
        lv.addWidget(QLabel("<b>The message as the first client will read it</b>"))
        lv.addWidget(self.preview)
        lv.addStretch(1)

        self.sessions_model = RecordsModel([
            RichColumn("When", lambda a: f"{a.session.start:%a %d %b}  {a.session.start:%H:%M}\u2013{a.session.end:%H:%M}",
                       tooltip=lambda a: f"{a.session.start:%A %d %B %Y}"),
            RichColumn("Practitioner", lambda a: a.session.practitioner_name),
            RichColumn("Location", lambda a: a.session.location_name or ""),
            RichColumn("Service", lambda a: a.session.service_name),
            RichColumn("Clients", lambda a: a.session.client_names or "No clients", stretch=True),
            RichColumn("Told by", lambda a: "; ".join(r.how for r in a.recipients),
                       tooltip=lambda a: "\n".join(f"{r.name}: {r.how}" for r in a.recipients)),
        ], self)
        self.sessions_table = records_table(self.sessions_model, "cancelSessions")
        self.summary = QLabel(objectName="cancelSummary", wordWrap=True)
        self.empty = QLabel("No open sessions on these days.", objectName="cancelEmpty",
                            alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #718096; font-size: 14px; padding: 30px;")
        affected = QWidget()
        av = QVBoxLayout(affected)
        av.addWidget(self.summary)
        av.addWidget(self.sessions_table, 1)
        av.addWidget(self.empty, 1)

        self.results_model = RecordsModel([
            RichColumn("Session", lambda r: f"{r.result.start:%a %d %b  %H:%M}"),
            RichColumn("Client", lambda r: r.result.client_name),
            RichColumn("Canceled", lambda r: "Yes" if r.result.canceled else "No"),
            RichColumn("Message", lambda r: r.outcome(), stretch=True, tooltip=lambda r: r.outcome(),
                       color=lambda r: RED if r.failed() else GREY if not r.result.message_ids else GREEN),
        ], self)
        self.results_table = records_table(self.results_model, "cancelResults")
        self.results_note = QLabel("Nothing has been run yet.", objectName="cancelResultsNote", wordWrap=True)
        results = QWidget()
        rv = QVBoxLayout(results)
        rv.addWidget(self.results_note)
        rv.addWidget(self.results_table, 1)

        self.tabs = QTabWidget(objectName="cancelTabs")
        self.tabs.addTab(affected, "Affected sessions")
        self.tabs.addTab(results, "Results")
        split = QSplitter(objectName="cancelSplit")
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([390, 850])

        self.error = error_label("cancelError")
        self.run_button = QPushButton(objectName="cancelRun")
        self.run_button.clicked.connect(self.run)
        close = QPushButton("Close", objectName="cancelClose")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    def _fill_choices(self) -> None:
        self.practitioner.addItem("All practitioners", None)
        self.location.addItem("All locations", None)
        try:
            for p in practitioners.list_practitioners(self.practice, self.actor):
                self.practitioner.addItem(p.name, p.id)
            for loc in catalog.list_locations(self.practice, self.actor):
                self.location.addItem(loc.name, loc.id)
            for t in completion.list_completion_types(self.practice, self.actor):
                if t.base_status == "canceled":
                    self.cancel_as.addItem(t.label, t.id)
        except ServiceError as exc:
            self.error.setText(error_text(exc))

    # -- reading the form ------------------------------------------------------------------------------
    def scope(self) -> tool.CancelScope:
        return tool.CancelScope(_day(self.first), _day(self.last), self.practitioner.currentData(),
                                self.location.currentData())

    def action(self) -> str:
        return next(k for k, r in self.radio.items() if r.isChecked())

    def _first_changed(self) -> None:
        if self.last.date() < self.first.date():
            self.last.setDate(self.first.date())  # one date: the last day follows the first
        self._timer.start()

    # -- the live list -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self.error.clear()
        try:
            self.affected = tool.affected_sessions(self.practice, self.actor, self.scope())
        except ServiceError as exc:
            self.affected = []
            self.error.setText(error_text(exc))
        self.sessions_model.set_rows(self.affected)
        has = bool(self.affected)
        self.sessions_table.setVisible(has)
        self.empty.setVisible(not has)
        self.summary.setText(self._summary())
        self._update_preview()
        self._update_run_button()

    def _summary(self) -> str:
        if not self.affected:
            return ""
        people = [r for a in self.affected for r in a.recipients]
        told = sum(1 for r in people if r.channels)
        n = len(self.affected)
        text = f"{n} open session{'s' if n != 1 else ''}, {len(people)} client place{'s' if len(people) != 1 else ''}"
        if people:
            text += f": {told} can be told"
            if told < len(people):
                text += f", {len(people) - told} cannot (see Told by)"
        return text + "."

    def _update_preview(self) -> None:
        first = next(((a, r) for a in self.affected for r in a.recipients), None)
        if self.action() == tool.CANCEL_ONLY:
            self.preview.setText("No message is sent.")
            return
        try:
            subject = templates.check_template("subject", self.subject.text(), tool.MAX_SUBJECT)
            body = templates.check_template("message", self.body.toPlainText(), outbox.MAX_BODY)
        except ServiceError as exc:
            self.preview.setText(error_text(exc))
            self.preview.setStyleSheet("color: #c53030; background: #fff5f5; border: 1px solid #feb2b2; padding: 6px;")
            return
        self.preview.setStyleSheet("background: #f7fafc; border: 1px solid #e2e8f0; padding: 6px;")
        if first is None:
            self.preview.setText("(no client on these days)")
            return
        a, r = first
        s = a.session
        values = templates.session_values(s.start, s.end, self.practice.settings()["locale"], client=r.name,
                                          practitioner=s.practitioner_name, service=s.service_name,
                                          location=s.location_name or "",
                                          practice=self.practice.settings()["practice_name"])
        self.preview.setText(f"Subject: {templates.fill(subject, values)}\n\n{templates.fill(body, values)}")

    def _action_changed(self, *_) -> None:
        notify = self.action() != tool.CANCEL_ONLY
        for w in (self.subject, self.body):
            w.setEnabled(notify)
        self.cancel_as.setEnabled(self.action() != tool.NOTIFY_ONLY)
        self._update_preview()
        self._update_run_button()

    def _update_run_button(self) -> None:
        n = len(self.affected)
        what = f"{n} session{'s' if n != 1 else ''}"
        self.run_button.setText(f"{ACTION_WORDS[self.action()]} {what}\u2026" if n else ACTION_WORDS[self.action()])
        self.run_button.setEnabled(bool(n) and self.outbox_sender is None)

    # -- running -------------------------------------------------------------------------------------
    def _question(self) -> str:
        n = len(self.affected)
        people = [r for a in self.affected for r in a.recipients]
        messages = sum(len(r.channels) for r in people)
        sessions = f"{n} session{'s' if n != 1 else ''}"
        told = f"send {messages} message{'s' if messages != 1 else ''}"
        return {tool.NOTIFY_AND_CANCEL: f"Cancel {sessions} and {told} to their clients?",
                tool.CANCEL_ONLY: f"Cancel {sessions} without telling their clients?",
                tool.NOTIFY_ONLY: f"{told.capitalize()} about {sessions}? The sessions stay open."}[self.action()]

    def run(self) -> None:
        if not self.affected:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Cancellations", self._question(),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("cancelConfirm")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("cancelConfirmYes")
        box.button(QMessageBox.StandardButton.No).setObjectName("cancelConfirmNo")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.exec()
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
            return
        request = tool.CancelRequest(self.scope(), self.action(), tuple(a.session.id for a in self.affected),
                                     self.subject.text(), self.body.toPlainText(), self.cancel_as.currentData())
        try:
            try:
                done = tool.run_cancellations(self.practice, self.actor, request)
            except NeedsConfirmation as exc:
                if not confirm_warnings(self, exc.warnings):
                    return
                done = tool.run_cancellations(self.practice, self.actor, request, confirm=True)
        except ServiceError as exc:
            self.refresh()  # changed at another desk: show the list as it is now
            self.error.setText(error_text(exc))
            return
        self._show_run(done)
        if done.canceled_session_ids:
            events = events_near(self)
            if events is not None:
                events.sessions_changed.emit()
        self.refresh()
        if done.message_ids:
            self.outbox_sender = OutboxSender(self, self.practice, self.actor, done.message_ids,
                                              "cancellation notices")
            self.outbox_sender.finished.connect(self._sent)
            self._update_run_button()
            self.outbox_sender.start()

    def _show_run(self, done: tool.CancelRun) -> None:
        self.result_rows = [ResultRow(r) for r in done.results]
        self.results_model.set_rows(self.result_rows)
        n = len(done.canceled_session_ids)
        self._run_note = f"{n} session{'s' if n != 1 else ''} canceled." if n else "No session was canceled."
        m = len(done.message_ids)
        sending = f" Sending {m} message{'s' if m != 1 else ''}…" if m else " No message to send."
        self.results_note.setText(self._run_note + sending)
        self.tabs.setCurrentIndex(1)

    def _sent(self, results: list) -> None:
        ids = self.outbox_sender.ids if self.outbox_sender else []
        by_id = dict(zip(ids, results, strict=False))
        for row in self.result_rows:
            for mid in row.result.message_ids:
                if mid in by_id:
                    row.messages[mid] = by_id[mid]
        self.results_model.set_rows(self.result_rows)
        failed = sum(1 for r in results if isinstance(r, ServiceError) or r.status != MessageStatus.SENT)
        sent, left = len(results) - failed, len(ids) - len(results)
        note = [f"{sent} message{'s' if sent != 1 else ''} sent."]
        if failed:
            note.append(f"{failed} not sent: the sessions stay canceled; retry from Clients \u25b8 Outbox.")
        if left:
            note.append(f"{left} not sent yet (stopped): they wait in the outbox.")
        self.results_note.setText(" ".join([self._run_note, *note]))
        self.outbox_sender = None
        self._update_run_button()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.outbox_sender is not None:
            self.outbox_sender.stop()
        super().closeEvent(event)


def open_cancellations(parent, practice, actor, first_day: date, last_day: date) -> CancellationsDialog:
    """Open the tool on a closure's days, window-modal and without blocking (a closure's "Cancel sessions
    on this closure…")."""
    d = CancellationsDialog(practice, actor, parent, first_day, last_day)
    d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    d.open()
    return d


def offer_for_closure(parent, practice, actor, closure) -> CancellationsDialog | None:
    """After a closure is added: when open sessions are booked on its days, ask whether to open the
    cancellation tool on them (SPEC 7.1, 7.3). Returns the tool when opened."""
    try:
        found = tool.affected_sessions(practice, actor, tool.CancelScope(closure.first_day, closure.last_day))
    except ServiceError:
        return None
    if not found:
        return None
    n = len(found)
    box = QMessageBox(QMessageBox.Icon.Question, "Sessions on this closure",
                      f"{n} open session{'s are' if n != 1 else ' is'} booked on {closure.label}. Open the "
                      f"cancellation tool to notify the clients and cancel {'them' if n != 1 else 'it'}?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("closureOfferCancel")
    box.button(QMessageBox.StandardButton.Yes).setText("Open cancellation tool")
    box.button(QMessageBox.StandardButton.Yes).setObjectName("closureOfferYes")
    box.button(QMessageBox.StandardButton.No).setText("Not now")
    box.button(QMessageBox.StandardButton.No).setObjectName("closureOfferNo")
    box.exec()
    yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
    box.deleteLater()
    return open_cancellations(parent, practice, actor, closure.first_day, closure.last_day) if yes else None

"""Settings > Reminders (admin, SPEC 7.4): reminders on or off, how many hours before a session they
go, and the subject and message with the session's details filled in, shown as a client would read
them while they are typed. The sending itself is the main window's (``reminder_runner``)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...services.errors import ServiceError, ValidationError
from ...services.messaging import reminders, templates
from ...services.messaging import settings as message_settings
from ..widgets.record_table import FieldErrors, Stack, done_label, heading, muted
from .record_panel import button

EXPLAIN = ("When reminders are on, each client booked on a session gets one reminder the set number of hours "
           "before it starts, by e-mail and/or SMS as their client record says under “Notify by”. A client "
           "gets one reminder per session, however often the reminders are checked. Practice Desk checks when "
           "someone at the front desk signs in and every few minutes while it is open; if it was closed when "
           "a reminder was due, the reminder goes at the next start, unless the session has already begun. "
           "Canceled and deleted sessions get none. Every reminder and whether it arrived is listed in "
           "Clients ▸ Outbox.")
PLACES = (f"You can use: {templates.placeholder_help()}. A session without a location names the practice "
          "there.")


def _boxed(layout) -> QWidget:
    w = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    w.setLayout(layout)
    return w


class RemindersPanel(QWidget):
    changed = Signal()

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("remindersPanel")
        self.practice, self.actor = practice, actor
        self.errors = FieldErrors("reminders")
        self.enabled = QCheckBox("Send reminders to clients", objectName="reminderEnabled")
        self.hours = QSpinBox(objectName="reminderHours", minimum=reminders.MIN_HOURS, maximum=reminders.MAX_HOURS,
                              suffix=" hours before the session starts")
        self.hours.setFixedWidth(300)
        self.subject = QLineEdit(objectName="reminderSubject", maxLength=reminders.MAX_SUBJECT)
        self.body = QPlainTextEdit(objectName="reminderBody")
        self.body.setTabChangesFocus(True)
        self.body.setFixedHeight(150)
        self.not_set_up = QLabel(objectName="remindersNotSetUp", wordWrap=True)
        self.not_set_up.setStyleSheet("background: #fffaf0; border: 1px solid #dd6b20; color: #7b341e; padding: 6px;")
        self.not_set_up.hide()

        when = QGroupBox("When", objectName="remindersWhenBox")
        wform = QFormLayout(when)
        wform.addRow("", self.enabled)
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.hours)
        hours_row.addStretch(1)
        wform.addRow("Send", Stack(_boxed(hours_row), self.errors.line("Hours", "hours before")))

        text = QGroupBox("What clients read", objectName="remindersTextBox")
        tform = QFormLayout(text)
        tform.addRow("Subject", Stack(self.subject, self.errors.line("Subject", "reminder subject")))
        tform.addRow("Message", Stack(self.body, self.errors.line("Body", "reminder message")))
        tform.addRow("", muted(PLACES + " The subject goes with e-mails only; an SMS is the message.",
                               "reminderPlaceholders"))

        self.preview_subject = QLabel(objectName="reminderPreviewSubject", wordWrap=True)
        self.preview_subject.setStyleSheet("font-weight: bold;")
        self.preview_body = QLabel(objectName="reminderPreviewBody", wordWrap=True)
        preview = QGroupBox("Example (a session tomorrow at 10:00)", objectName="remindersPreviewBox")
        pbox = QVBoxLayout(preview)
        pbox.addWidget(self.preview_subject)
        pbox.addWidget(self.preview_body)
        pbox.addStretch(1)
        self.subject.textChanged.connect(self.show_preview)
        self.body.textChanged.connect(self.show_preview)

        self.save_button = button("Save", "remindersSave", self.save)
        self.save_button.setDefault(True)
        self.done = done_label("remindersDone")
        columns = QHBoxLayout()
        columns.addWidget(text, 3)
        columns.addWidget(preview, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Reminders", "remindersHeading"))
        layout.addWidget(muted(EXPLAIN, "remindersIntro"))
        layout.addWidget(self.not_set_up)
        layout.addWidget(when)
        layout.addLayout(columns)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.load()

    def load(self, conf: reminders.ReminderSettings | None = None) -> None:
        self.conf = conf or reminders.get_reminder_settings(self.practice, self.actor)
        self.enabled.setChecked(self.conf.enabled)
        self.hours.setValue(self.conf.hours_before)
        self.subject.setText(self.conf.subject)
        self.body.setPlainText(self.conf.body)
        self._say_if_not_set_up()
        self.show_preview()

    def _say_if_not_set_up(self) -> None:
        m = message_settings.get_message_settings(self.practice, self.actor)
        if m.mail_ready or m.sms_ready:
            self.not_set_up.hide()
            return
        self.not_set_up.setText("E-mail and SMS are not set up yet (Settings ▸ Messages). Until they are, "
                                "reminders are kept in the outbox as not sent.")
        self.not_set_up.setVisible(True)

    def values(self) -> dict:
        return dict(enabled=self.enabled.isChecked(), hours_before=self.hours.value(), subject=self.subject.text(),
                    body=self.body.toPlainText())

    def show_preview(self) -> None:
        try:
            subject, body = reminders.preview_reminder(self.practice, self.actor, self.subject.text(),
                                                       self.body.toPlainText())
        except ValidationError as exc:
            self.preview_subject.setText("")
            self.preview_subject.hide()
            self.preview_body.setText(f"{exc.field.capitalize()} {exc.message}.".replace("..", "."))
            self.preview_body.setStyleSheet("color: #c53030;")
            return
        except ServiceError:
            return
        self.preview_subject.setText(subject)
        self.preview_subject.show()
        self.preview_body.setText(body)
        self.preview_body.setStyleSheet("")

    def save(self) -> None:
        self.errors.clear()
        self.done.hide()
        old = dict(enabled=self.conf.enabled, hours_before=self.conf.hours_before, subject=self.conf.subject,
                   body=self.conf.body)
        changes = {k: v for k, v in self.values().items() if v != old[k]}
        if not changes:
            self.done.setText("Nothing to save: no setting was changed.")
            self.done.show()
            return
        try:
            conf = reminders.update_reminder_settings(self.practice, self.actor, **changes)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.load(conf)
        if conf.enabled:
            said = f"Reminders are on: each client gets one {conf.hours_before} hours before the session."
        else:
            said = "Reminders are off: none will be sent."
        self.done.setText(f"Saved. {said}")
        self.done.show()
        self.changed.emit()

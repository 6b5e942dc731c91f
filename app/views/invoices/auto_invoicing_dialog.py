"""Accounting ▸ Auto Invoices ▸ Auto Settings… (SPEC 10.1): automatic invoicing on or off, how often
(weekly, every other week, monthly on the last day of the month), on which weekday and at what time,
which sessions (completed ones of the period just ended, scheduled ones of the coming period),
whether each invoice is e-mailed with its PDF, and from which date. A sentence under the form says
in words when the next run happens, and follows every change as it is made. Admin only (the service
refuses anyone else; the form opens read-only for them)."""
from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import BillingInterval, PrepaymentMode, Role
from ...services.billing import schedule
from ...services.billing import settings as auto_settings
from ...services.errors import ServiceError, ValidationError
from ..widgets.record_table import FieldErrors, Stack, done_label, muted

INTERVALS = ((BillingInterval.WEEKLY, "Every week"), (BillingInterval.BIWEEKLY, "Every other week"),
             (BillingInterval.MONTHLY, "Every month, on its last day"))
EXPLAIN = ("Each run makes one invoice per client with sessions to invoice, issues it with the next "
           "number and, if chosen, e-mails it with the PDF attached. A session saved late is invoiced at the "
           "next run; nothing dated before the start date is. Each run happens once, even with several "
           "workstations open; a run missed while Practice Desk was closed happens at the next start. "
           "Without a window, a scheduled task can run “practice-desk run-due --db <practice file>”.")


class AutoInvoicingDialog(QDialog):
    def __init__(self, practice, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("autoInvoicingDialog")
        self.setWindowTitle("Automatic invoicing")
        self.practice, self.actor = practice, actor
        self.saved = False
        self.errors = FieldErrors("auto")
        self.enabled = QCheckBox("Invoice clients automatically", objectName="autoEnabled")
        self.interval = QComboBox(objectName="autoInterval")
        for value, text in INTERVALS:
            self.interval.addItem(text, str(value))
        self.weekday = QComboBox(objectName="autoWeekday")
        self.weekday.addItems(schedule.WEEKDAYS)
        self.run_time = QTimeEdit(objectName="autoTime", displayFormat="HH:mm")
        self.completed = QCheckBox("Completed sessions of the period just ended", objectName="autoCompleted")
        self.scheduled = QCheckBox("Scheduled sessions of the coming period (invoiced in advance)",
                                   objectName="autoScheduled")
        self.email = QCheckBox("E-mail each invoice to the client, its PDF attached", objectName="autoEmail")
        self.start_date = QDateEdit(objectName="autoStartDate", calendarPopup=True, displayFormat="d MMM yyyy")
        self.sentence = QLabel(objectName="autoSentence", wordWrap=True)
        self.sentence.setStyleSheet("background: #ebf8ff; border: 1px solid #90cdf4; padding: 8px;")
        self.sentence.setMinimumHeight(48)
        self.package_note = muted("The practice is in package mode: sessions that have not been saved yet are "
                                  "never invoiced, so only completed sessions will be.", "autoPackageNote")
        self.package_note.setStyleSheet("color: #7b341e;")
        self.package_mode = practice.settings().get("prepayment_mode") == PrepaymentMode.PACKAGE

        when = QGroupBox("When", objectName="autoWhenBox")
        form = QFormLayout(when)
        form.addRow("", self.enabled)
        form.addRow("How often", Stack(self.interval, self.errors.line("Interval", "how often")))
        form.addRow("Day of the week", Stack(self.weekday, self.errors.line("Weekday", "day of the week")))
        form.addRow("Time of day", Stack(self.run_time, self.errors.line("Time", "time of day")))
        form.addRow("Start date", Stack(self.start_date, self.errors.line("Start", "start date")))
        what = QGroupBox("What", objectName="autoWhatBox")
        wform = QVBoxLayout(what)
        wform.addWidget(self.completed)
        wform.addWidget(self.scheduled)
        wform.addWidget(self.errors.line("Sessions", "sessions to invoice"))
        wform.addWidget(self.package_note)
        wform.addWidget(self.email)

        self.save_button = QPushButton("Save", objectName="autoSave")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Close", objectName="autoClose")
        close.clicked.connect(self.accept)
        self.done_line = done_label("autoDone")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(muted(EXPLAIN, "autoIntro"))
        layout.addWidget(when)
        layout.addWidget(what)
        layout.addWidget(self.sentence)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done_line)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)
        self.load(auto_settings.get_auto_invoicing(practice, actor))
        for box in (self.enabled, self.completed, self.scheduled, self.email):
            box.toggled.connect(self.show_sentence)
        self.interval.currentIndexChanged.connect(self.show_sentence)
        self.weekday.currentIndexChanged.connect(self.show_sentence)
        self.run_time.timeChanged.connect(self.show_sentence)
        self.start_date.dateChanged.connect(self.show_sentence)
        if actor.role != Role.ADMIN:  # the service refuses anyone else; say so rather than fail on Save
            for w in (self.enabled, self.interval, self.weekday, self.run_time, self.completed, self.scheduled,
                      self.email, self.start_date):
                w.setEnabled(False)
            self.save_button.hide()
            self.done_line.setText("Only an administrator can change these settings.")
            self.done_line.show()

    def load(self, s: schedule.AutoInvoiceSettings) -> None:
        self.enabled.setChecked(s.enabled)
        self.interval.setCurrentIndex(self.interval.findData(str(s.interval)))
        self.weekday.setCurrentIndex(s.weekday)
        self.run_time.setTime(QTime(s.run_time.hour, s.run_time.minute))
        self.completed.setChecked(s.completed)
        self.scheduled.setChecked(s.scheduled)
        self.email.setChecked(s.email)
        self.start_date.setDate(QDate(s.start_date.year, s.start_date.month, s.start_date.day))
        self.show_sentence()

    def value(self) -> auto_settings.AutoInvoiceInput:
        t, d = self.run_time.time(), self.start_date.date()
        return auto_settings.AutoInvoiceInput(
            enabled=self.enabled.isChecked(), interval=self.interval.currentData(), weekday=self.weekday.currentIndex(),
            run_time=time(t.hour(), t.minute()), completed=self.completed.isChecked(),
            scheduled=self.scheduled.isChecked(), email=self.email.isChecked(),
            start_date=date(d.year(), d.month(), d.day()))

    def show_sentence(self) -> None:
        """The next run in words, as the form stands now (nothing saved)."""
        self.weekday.setEnabled(self.interval.currentData() != BillingInterval.MONTHLY
                                and self.actor.role == Role.ADMIN)
        self.package_note.setVisible(self.package_mode and self.scheduled.isChecked())  # SPEC 6.3
        try:
            preview = auto_settings.preview(self.practice, self.value())
        except ValidationError as exc:
            self.sentence.setText(f"{exc.field.capitalize()} {exc.message}.".replace("..", "."))
            self.sentence.setStyleSheet("background: #fff5f5; border: 1px solid #feb2b2; color: #c53030; "
                                        "padding: 8px;")
            return
        self.sentence.setText(schedule.describe_next(preview, self.practice.clock.now()))
        self.sentence.setStyleSheet("background: #ebf8ff; border: 1px solid #90cdf4; padding: 8px;")

    def save(self) -> None:
        self.errors.clear()
        self.done_line.hide()
        try:
            saved = auto_settings.update_auto_invoicing(self.practice, self.actor, self.value())
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.saved = True
        self.load(saved)
        self.done_line.setText("Saved. " + ("Automatic invoicing is on." if saved.enabled
                                       else "Automatic invoicing is off: no invoice is made automatically."))
        self.done_line.show()

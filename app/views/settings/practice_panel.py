"""Settings > Practice (admin, SPEC 1.5): the practice's name and address (on invoices and receipts),
its time zone, its currency and the language and region amounts are written in, and the calendar's
working hours. The prepayment mode is on the Session control page. Only what was changed is sent to
``practice_settings.update_settings``, which checks it all before writing any; a refusal stands
under the field it names and nothing is saved."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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

from ...services import practice_settings
from ..widgets.money_locale import CodeBox, currency_choices, locale_choices, sample_html
from ..widgets.record_table import FieldErrors, done_label, heading, muted
from ..widgets.timezone_box import TimeZoneBox
from .record_panel import Stack, button
from .settings_form import SettingsForm

WORDS = {  # a setting as the "Saved: ..." line names it
    "practice_name": "practice name", "practice_address": "address", "timezone": "time zone",
    "locale": "language and region", "currency": "currency", "day_start_hour": "working hours",
    "day_end_hour": "working hours",
}


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setVerticalSpacing(10)
    return form


class PracticePanel(SettingsForm):
    WORDS = WORDS
    money_changed = Signal()  # the currency or the locale was saved: amounts on other pages are written anew

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("practicePanel")
        self.practice, self.actor = practice, actor
        self.errors = FieldErrors("practice")

        self.name = QLineEdit(objectName="practiceName", maxLength=120)
        self.name.setPlaceholderText("e.g. Harbour Street Therapy")
        self.address = QPlainTextEdit(objectName="practiceAddress")
        self.address.setPlaceholderText("Street, town, postcode (optional)")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(84)
        self.day_start = QSpinBox(objectName="practiceDayStart", minimum=0, maximum=23, suffix=":00")
        self.day_end = QSpinBox(objectName="practiceDayEnd", minimum=1, maximum=24, suffix=":00")
        hours = QHBoxLayout()
        hours.setContentsMargins(0, 0, 0, 0)
        hours.addWidget(self.day_start)
        hours.addWidget(QLabel("until"))
        hours.addWidget(self.day_end)
        hours.addStretch(1)
        hours_row = QWidget(objectName="practiceHours")
        hours_row.setLayout(hours)

        practice_box = QGroupBox("The practice", objectName="practiceBox")
        form = _form()
        form.addRow("Practice name", Stack(self.name, self.errors.line("Name", "practice name")))
        form.addRow("Address", Stack(self.address, self.errors.line("Address", "practice address"),
                                     muted("Shown on invoices and receipts.", "practiceAddressNote")))
        form.addRow("Working hours", Stack(hours_row, self.errors.line("Hours", "day start hour", "day end hour"),
                                           muted("Shown unshaded in the week and day views; the grid still "
                                                 "scrolls through the whole day.", "practiceHoursNote")))
        practice_box.setLayout(form)

        self.timezone = TimeZoneBox(now=practice.clock.now(), objectName="practiceTimezone")
        self.locale = CodeBox(locale_choices(), upper=False, objectName="practiceLocale")
        self.currency = CodeBox(currency_choices(), upper=True, objectName="practiceCurrency")
        self.sample = QLabel(objectName="practiceSample")
        money_box = QGroupBox("Time zone and money", objectName="practiceMoneyBox")
        form = _form()
        form.addRow("Time zone", Stack(self.timezone, self.errors.line("Timezone", "time zone")))
        form.addRow("Language and region", Stack(self.locale, self.errors.line("Locale", "locale")))
        form.addRow("Currency", Stack(self.currency, self.errors.line("Currency", "currency")))
        form.addRow("Amounts look like", self.sample)
        money_box.setLayout(form)
        self.locale.currentTextChanged.connect(self._show_sample)
        self.currency.currentTextChanged.connect(self._show_sample)

        self.save_button = button("Save", "practiceSave", self.save)
        self.save_button.setDefault(True)
        self.done = done_label("practiceDone")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        left = QVBoxLayout()
        left.addWidget(practice_box)
        left.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(money_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Practice", "practiceHeading"))
        layout.addWidget(muted("Sessions are booked and shown in the practice's time zone; amounts in its currency, "
                               "written the way its language and region write them. The main window takes the "
                               "changes when Settings is closed.", "practiceIntro"))
        layout.addLayout(body)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.load()

    def load(self, conf: dict | None = None) -> None:
        self.conf = conf or practice_settings.get_settings(self.practice, self.actor)
        self.name.setText(self.conf["practice_name"])
        self.address.setPlainText(self.conf["practice_address"])
        self.timezone.set_zone(self.conf["timezone"])
        self.locale.set_code(self.conf["locale"])
        self.currency.set_code(self.conf["currency"])
        self.day_start.setValue(self.conf["day_start_hour"])
        self.day_end.setValue(self.conf["day_end_hour"])
        self._show_sample()

    def values(self) -> dict:
        """The form as ``update_settings`` takes it."""
        return dict(practice_name=self.name.text(), practice_address=self.address.toPlainText(),
                    timezone=self.timezone.zone(), locale=self.locale.code(), currency=self.currency.code(),
                    day_start_hour=self.day_start.value(), day_end_hour=self.day_end.value())

    def _show_sample(self, *_args) -> None:
        self.sample.setText(sample_html(self.currency.code(), self.locale.code()))

    def saved(self, changes: dict) -> None:
        if {"currency", "locale"} & changes.keys():
            self.money_changed.emit()

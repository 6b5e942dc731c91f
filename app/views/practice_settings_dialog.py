"""Settings > Practice settings (admin): name, address, time zone, currency, locale, calendar hours."""
from __future__ import annotations

from zoneinfo import available_timezones

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from ..services import practice_settings
from ..services.errors import ServiceError
from .widgets.messages import error_label, error_text
from .widgets.money_field import MoneyField

PREPAYMENT_MODES = (("open", "Open: no restriction"),
                    ("threshold", "Minimum threshold: balance must reach it"),
                    ("credit", "Available-credit filter: credit must cover each booking"))


class PracticeSettingsDialog(QDialog):
    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("practiceSettingsDialog")
        self.setWindowTitle("Practice settings")
        self.practice, self.actor = practice, actor
        conf = practice_settings.get_settings(practice, actor)
        self.name = QLineEdit(conf["practice_name"], objectName="settingsName")
        self.address = QPlainTextEdit(conf["practice_address"], objectName="settingsAddress")
        self.address.setFixedHeight(70)
        self.timezone = QComboBox(objectName="settingsTimezone")
        self.timezone.setEditable(True)
        self.timezone.addItems(sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/")))
        self.timezone.setCurrentText(conf["timezone"])
        self.currency = QLineEdit(conf["currency"], objectName="settingsCurrency", maxLength=3)
        self.locale_edit = QLineEdit(conf["locale"], objectName="settingsLocale")
        self.locale_edit.setPlaceholderText("e.g. en_US, de_DE")
        self.currency.setPlaceholderText("ISO code, e.g. USD")
        self.day_start = QSpinBox(objectName="settingsDayStart", minimum=0, maximum=23, suffix=":00")
        self.day_end = QSpinBox(objectName="settingsDayEnd", minimum=1, maximum=24, suffix=":00")
        self.day_start.setValue(conf["day_start_hour"])
        self.day_end.setValue(conf["day_end_hour"])
        self.prepayment = QComboBox(objectName="settingsPrepayment")
        for value, text in PREPAYMENT_MODES:
            self.prepayment.addItem(text, value)
        self.prepayment.setCurrentIndex(max(0, self.prepayment.findData(conf["prepayment_mode"])))
        self.threshold = MoneyField(conf["locale"], label="Minimum threshold", objectName="settingsThreshold",
                                    currency=conf["currency"])
        self.threshold.set_cents(conf["threshold_cents"])
        self.prepayment.currentIndexChanged.connect(self._mode_changed)
        self._mode_changed()
        form = QFormLayout()
        form.addRow("Practice name", self.name)
        form.addRow("Address", self.address)
        form.addRow("Time zone", self.timezone)
        form.addRow("Currency", self.currency)
        form.addRow("Locale", self.locale_edit)
        form.addRow("Working hours from", self.day_start)
        form.addRow("Working hours until", self.day_end)
        form.addRow("Prepayment", self.prepayment)
        form.addRow("Minimum threshold", self.threshold)
        form.addRow("", self.threshold.message)  # what is wrong with a typed amount, as it is typed
        note = QLabel("Working hours are shown unshaded in the week and day views; the grid still scrolls "
                      "through the whole day. Changes apply when the calendar next loads.", wordWrap=True)
        note.setStyleSheet("color: #4a5568;")
        self.error = error_label("settingsError")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("settingsSave")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _mode_changed(self) -> None:
        self.threshold.setEnabled(self.prepayment.currentData() == "threshold")

    def _submit(self) -> None:
        try:
            threshold = self.threshold.cents()
        except ValueError as exc:  # shown under the field (typed text that is no amount, or too large)
            self.threshold.message.setText(str(exc))
            self.threshold.message.setVisible(True)
            self.error.setText("")
            self.threshold.setFocus()
            return
        try:
            self.saved = practice_settings.update_settings(
                self.practice, self.actor, practice_name=self.name.text(),
                practice_address=self.address.toPlainText(), timezone=self.timezone.currentText().strip(),
                currency=self.currency.text().strip().upper(), locale=self.locale_edit.text().strip(),
                day_start_hour=self.day_start.value(), day_end_hour=self.day_end.value(),
                prepayment_mode=self.prepayment.currentData(), threshold_cents=threshold)
        except ServiceError as exc:
            self.error.setText(error_text(exc))
            return
        self.accept()

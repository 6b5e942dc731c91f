"""Settings > Session control (SPEC 6): exactly one prepayment mode is active. Open (no
restriction), minimum threshold (a client can be booked only while their balance reaches the amount
set here), package mode (clients use up the packages they bought; the packages themselves are set up
on the Packages page) or the available-credit filter (credit must cover each booking; staff may book
anyway). Below it, client cancellations with their policy levels (SPEC 8, ``ClientCancellationsBox``,
saved on their own)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import PrepaymentMode
from ...services import practice_settings
from ...services.errors import ServiceError
from ..widgets.money_field import MoneyField
from ..widgets.record_table import FieldErrors, done_label, heading, muted
from .client_cancellations_box import ClientCancellationsBox
from .record_panel import Stack, button

MODES = (
    (PrepaymentMode.OPEN, "Open mode", "No restriction: sessions are added whatever the client's balance."),
    (PrepaymentMode.THRESHOLD, "Use a minimum threshold",
     "A client can be added to a session only while their balance is at least the amount below."),
    (PrepaymentMode.PACKAGE, "Package mode",
     "Clients buy packages of sessions (set them up on the Packages page) and each session uses one. "
     "A session costs its share of the package price, or nothing if it is canceled, and the practitioner "
     "is paid the fixed wage whatever its length. A client with no sessions left for the service cannot "
     "be added: front desk staff see a warning and may add the session anyway; practitioners cannot."),
    (PrepaymentMode.CREDIT, "Available-credit filter",
     "A client's available credit (payments less saved and open charges) must cover each session. "
     "Front desk staff see a warning and may add the session anyway; practitioners cannot."),
)


class SessionControlPanel(QWidget):
    changed = Signal()

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("sessionControlPanel")
        self.practice, self.actor = practice, actor
        conf = practice_settings.get_settings(practice, actor)
        self.errors = FieldErrors("sessionControl")
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        box = QGroupBox("Prepayment mode (exactly one is active)", objectName="prepaymentBox")
        inner = QVBoxLayout(box)
        self.threshold = MoneyField(conf["locale"], label="Minimum threshold", objectName="sessionControlThreshold",
                                    currency=conf["currency"])
        self.threshold.setMaximumWidth(180)
        for mode, text, hint in MODES:
            radio = QRadioButton(text, objectName=f"prepayment{mode.value.capitalize()}")
            self.group.addButton(radio)
            self.radios[mode.value] = radio
            inner.addWidget(radio)
            note = muted(hint, f"prepayment{mode.value.capitalize()}Hint")
            note.setContentsMargins(24, 0, 0, 6)
            inner.addWidget(note)
            if mode == PrepaymentMode.THRESHOLD:  # the amount sits under its own choice
                form = QFormLayout()
                form.setContentsMargins(24, 0, 0, 8)
                form.addRow("Minimum threshold", Stack(self.threshold, self.threshold.message,
                                                       self.errors.line("Threshold", "minimum threshold")))
                inner.addLayout(form)
        self.group.buttonToggled.connect(self._mode_changed)
        self.save_button = button("Save", "sessionControlSave", self.save)
        self.save_button.setDefault(True)
        self.done = done_label("sessionControlDone")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Session control", "sessionControlHeading"))
        layout.addWidget(muted("How clients pay ahead. The mode applies to sessions added from now on; "
                               "sessions already on the calendar are not changed.", "sessionControlIntro"))
        layout.addWidget(box)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done)
        layout.addLayout(buttons)
        self.cancellations = ClientCancellationsBox(practice, actor, self)
        self.cancellations.changed.connect(self.changed)
        layout.addSpacing(8)
        layout.addWidget(self.cancellations)
        layout.addStretch(1)
        self.load(conf)

    def load(self, conf: dict | None = None) -> None:
        conf = conf or practice_settings.get_settings(self.practice, self.actor)
        self.radios.get(conf["prepayment_mode"], self.radios[PrepaymentMode.OPEN.value]).setChecked(True)
        self.threshold.set_cents(conf["threshold_cents"])
        self._mode_changed()

    def mode(self) -> str:
        return next(m for m, r in self.radios.items() if r.isChecked())

    def _mode_changed(self, *_args) -> None:
        self.threshold.setEnabled(self.radios[PrepaymentMode.THRESHOLD.value].isChecked())

    def save(self) -> None:
        self.errors.clear()
        self.done.hide()
        mode = self.mode()
        changes = {"prepayment_mode": mode}
        if mode == PrepaymentMode.THRESHOLD:
            try:
                changes["threshold_cents"] = self.threshold.cents()
            except ValueError as exc:
                self.threshold.message.setText(str(exc))
                self.threshold.message.show()
                self.threshold.setFocus()
                return
        try:
            practice_settings.update_settings(self.practice, self.actor, **changes)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        words = {m.value: text for m, text, _hint in MODES}
        self.done.setText(f"Saved: {words[mode]}." + (f" Minimum {self.threshold.text()}."
                                                      if mode == PrepaymentMode.THRESHOLD else ""))
        self.done.show()
        self.changed.emit()

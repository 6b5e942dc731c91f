"""Settings > Session control > Client cancellations (SPEC 8): the practice switch "clients may
cancel", up to three policy levels (hours before the start, the completion type to save) and the way
to the bulk permissions tool. The rules (hours 0-720 and distinct, a type that is switched on, at most
three) are the service's; this box shows its refusals under the level they name."""
from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from ...services.errors import ServiceError, ValidationError
from ...services.scheduling import client_cancellations, completion
from ...services.scheduling.client_cancellations import PolicyLevelInput
from ..widgets.record_table import FieldErrors, done_label, muted
from .record_panel import button

LEVELS = client_cancellations.MAX_LEVELS
OFF = " (switched off)"


class ClientCancellationsBox(QGroupBox):
    """``ClientCancellationsBox(practice, actor, parent=None)``: ``enabled`` (the switch), and per level
    ``uses[i]`` (its check box), ``hours[i]``, ``types[i]``; ``save_button``, ``permissions_button``
    (opens the bulk tool), ``done``, ``errors``. Emits ``changed`` after a save."""

    changed = Signal()

    def __init__(self, practice, actor, parent=None):
        super().__init__("Client cancellations", parent)
        self.setObjectName("clientCancellationsBox")
        self.practice, self.actor = practice, actor
        self.errors = FieldErrors("clientCancel")
        self.enabled = QCheckBox("Clients may cancel their sessions", objectName="clientCancelEnabled")
        self.enabled.toggled.connect(self._sync)
        intro = muted("Each client also needs their own permission (in the client's record, or for many at once "
                      "with Client permissions\u2026). Staff record a cancellation with Client cancels\u2026 on "
                      "the session.", "clientCancelIntro")
        rule = muted("A client who cancels less than the hours of a level before the session is saved with that "
                     "level's status (the level with the fewest hours that still applies). Cancelling earlier "
                     "than every level is free.", "clientCancelRule")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.addWidget(QLabel("Less than"), 0, 1)
        grid.addWidget(QLabel("Save the session as"), 0, 2)
        self.uses: list[QCheckBox] = []
        self.hours: list[QSpinBox] = []
        self.types: list[QComboBox] = []
        self._type_ids: list[int] = []
        for i in range(LEVELS):
            use = QCheckBox(f"Level {i + 1}", objectName=f"policyUse{i + 1}")
            hours = QSpinBox(objectName=f"policyHours{i + 1}")
            hours.setRange(0, client_cancellations.MAX_HOURS)
            hours.setSuffix(" hours before")
            hours.setValue((24, 48, 72)[i])
            types = QComboBox(objectName=f"policyType{i + 1}")
            types.setMinimumWidth(160)
            use.toggled.connect(self._sync)
            grid.addWidget(use, 2 * i + 1, 0)
            grid.addWidget(hours, 2 * i + 1, 1)
            grid.addWidget(types, 2 * i + 1, 2)
            grid.addWidget(self.errors.line(f"Level{i + 1}", f"policy level {i + 1}", f"policy level {i + 1} hours",
                                            f"policy level {i + 1} status"), 2 * i + 2, 0, 1, 4)
            self.uses.append(use)
            self.hours.append(hours)
            self.types.append(types)
        grid.setColumnStretch(3, 1)
        self.save_button = button("Save cancellations", "clientCancelSave", self.save)
        self.permissions_button = button("Client permissions\u2026", "clientPermissionsButton", self.open_permissions)
        self.done = done_label("clientCancelDone")
        buttons = QHBoxLayout()
        buttons.addWidget(self.permissions_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(intro)
        layout.addWidget(rule)
        layout.addLayout(grid)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done)
        layout.addLayout(buttons)
        self.load()

    def _fill_types(self) -> None:
        """The completion types switched on now; each level keeps its choice when it is still offered."""
        offered = completion.list_completion_types(self.practice, self.actor)
        for combo in self.types:
            chosen, text = combo.currentData(), combo.currentText()
            combo.clear()
            for t in offered:
                combo.addItem(t.label, t.id)
            at = combo.findData(chosen) if chosen is not None else -1
            if chosen is not None and at < 0:  # switched off since: kept, so the admin sees what to fix
                combo.addItem(text if text.endswith(OFF) else f"{text}{OFF}", chosen)
                at = combo.count() - 1
            combo.setCurrentIndex(at if at >= 0 else max(combo.findText("Missed"), 0))

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._fill_types()  # a type made or switched off on another settings page shows here

    def load(self) -> None:
        """The types on offer (switched on) and the saved switch and levels."""
        self._fill_types()
        policy = client_cancellations.get_cancellation_policy(self.practice, self.actor)
        self.enabled.setChecked(policy.enabled)
        for i in range(LEVELS):
            level = policy.levels[i] if i < len(policy.levels) else None
            self.uses[i].setChecked(level is not None)
            if level is not None:
                self.hours[i].setValue(level.hours)
                at = self.types[i].findData(level.type_id)
                if at < 0:  # switched off since: shown so the admin sees what to fix
                    self.types[i].addItem(f"{level.label}{OFF}", level.type_id)
                    at = self.types[i].count() - 1
                self.types[i].setCurrentIndex(at)
        self._sync()

    def _sync(self, *_args) -> None:
        for use, hours, types in zip(self.uses, self.hours, self.types, strict=True):
            hours.setEnabled(use.isChecked())
            types.setEnabled(use.isChecked())

    def levels(self) -> list[PolicyLevelInput]:
        return [PolicyLevelInput(self.hours[i].value(), self.types[i].currentData())
                for i in range(LEVELS) if self.uses[i].isChecked()]

    def save(self) -> None:
        self.errors.clear()
        self.done.hide()
        try:
            policy = client_cancellations.set_cancellation_policy(self.practice, self.actor,
                                                                  self.enabled.isChecked(), self.levels())
        except ValidationError as exc:  # the service counts the levels it was given; show it on the row
            rows = [i + 1 for i in range(LEVELS) if self.uses[i].isChecked()]
            found = re.match(r"policy level (\d+)(.*)", exc.field)
            if found and int(found[1]) <= len(rows):
                exc = ValidationError(f"policy level {rows[int(found[1]) - 1]}{found[2]}", exc.message)
            self.errors.show(exc)
            return
        except ServiceError as exc:
            self.errors.show(exc)
            return
        if not policy.enabled:
            text = "Saved: clients cannot cancel."
        elif not policy.levels:
            text = "Saved: clients may cancel, always free."
        else:
            text = "Saved: clients may cancel; " + "; ".join(
                f"less than {lv.hours} h before \u2192 {lv.label}" for lv in policy.levels) + "."
        self.done.setText(text)
        self.done.show()
        self.changed.emit()

    def make_permissions_dialog(self):
        from ..client_permissions_dialog import ClientPermissionsDialog

        return ClientPermissionsDialog(self.practice, self.actor, self)

    def open_permissions(self) -> None:
        dialog = self.make_permissions_dialog()
        dialog.exec()
        dialog.deleteLater()

"""The "Repeat" part of the session form (SPEC 3.1-3.3), with a live list of the dates it makes.

The dates come from ``recurrence.occurrence_dates`` (the same function saving uses), so what the
preview shows is what gets created. A setting the service rejects shows its message instead.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyleOptionGroupBox,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from ...services.errors import ValidationError
from ...services.scheduling.recurrence import (
    MAX_OCCURRENCES,
    WEEKDAY_NAMES,
    RecurrenceInput,
    occurrence_dates,
)
from .date_typing import typing_skips_weekday

ERROR_COLOR = QColor("#c53030")
NOT_APPLIED_COLOR = QColor("#8a94a6")
FREQS = (("weekly", "week", "weeks"), ("monthly", "month", "months"))


def date_label(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


class RecurrencePanel(QGroupBox):
    """A checkable "Repeat" box. Unticked, the session does not repeat and the settings fold away."""

    changed = Signal()

    def __init__(self, first_date: date | None = None, parent: QWidget | None = None):
        super().__init__("Repeat", parent)
        self.setObjectName("repeatPanel")
        self.setCheckable(True)
        self.setChecked(False)
        self._first = first_date or date.today()
        self._until_touched = False
        self._dates: list[date] = []
        self.error: str | None = None

        self.body = QWidget(objectName="repeatBody")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)

        days = QHBoxLayout()
        days.setSpacing(6)
        self.day_boxes: list[QCheckBox] = []
        for i, name in enumerate(WEEKDAY_NAMES):
            box = QCheckBox(name, objectName=f"repeatDay{i}")
            box.toggled.connect(self._emit)
            days.addWidget(box)
            self.day_boxes.append(box)
        days.addStretch(1)
        grid.addWidget(QLabel("On"), 0, 0)
        grid.addLayout(days, 0, 1)

        self.freq = QComboBox(objectName="repeatType")
        for key, _, _ in FREQS:
            self.freq.addItem(key.capitalize(), key)
        self.interval = QSpinBox(objectName="repeatInterval", minimum=1, maximum=12, value=1)
        self.interval.setPrefix("every ")
        self.freq.currentIndexChanged.connect(self._update_suffix)
        self.freq.currentIndexChanged.connect(self._emit)
        self.interval.valueChanged.connect(self._update_suffix)
        self.interval.valueChanged.connect(self._emit)
        how = QHBoxLayout()
        how.addWidget(self.freq)
        how.addWidget(self.interval)
        how.addStretch(1)
        grid.addWidget(QLabel("Type"), 1, 0)
        grid.addLayout(how, 1, 1)

        self.by_count = QRadioButton("Number of sessions", objectName="repeatByCount")
        self.by_until = QRadioButton("Last date", objectName="repeatByUntil")
        self.by_count.setChecked(True)
        self.ends = QButtonGroup(self)
        self.ends.addButton(self.by_count)
        self.ends.addButton(self.by_until)
        self.count = QSpinBox(objectName="repeatCount", minimum=1, maximum=MAX_OCCURRENCES, value=10)
        self.count.setToolTip("Counting the first session")
        self.until = QDateEdit(objectName="repeatUntil", calendarPopup=True)
        self.until.setDisplayFormat("ddd d MMM yyyy")
        typing_skips_weekday(self.until)
        self._set_until(self._default_until())
        self.by_count.toggled.connect(self._update_ends)
        self.count.valueChanged.connect(self._emit)
        self.until.dateChanged.connect(self._until_edited)
        ends = QGridLayout()
        ends.setContentsMargins(0, 0, 0, 0)
        ends.addWidget(self.by_count, 0, 0)
        ends.addWidget(self.count, 0, 1)
        ends.addWidget(self.by_until, 1, 0)
        ends.addWidget(self.until, 1, 1)
        ends.setColumnStretch(2, 1)
        grid.addWidget(QLabel("Ends"), 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(ends, 2, 1)

        self.enabled = QCheckBox("Enabled", objectName="repeatEnabled")
        self.enabled.setChecked(True)
        self.enabled.setToolTip("Unticked, the schedule is saved but not applied: only the first session is "
                                "made now; enabling the schedule later makes the rest.")
        self.enabled.toggled.connect(self._emit)
        grid.addWidget(self.enabled, 3, 1)

        self.summary = QLabel(objectName="repeatSummary")
        self.summary.setWordWrap(True)
        self.preview = QListWidget(objectName="repeatPreview")
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview.setWordWrap(True)
        self.preview.setMinimumSize(230, 110)
        # as tall as the settings beside it, not taller: the form must fit a laptop screen
        self.preview.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        side = QVBoxLayout()
        side.addWidget(self.summary)
        side.addWidget(self.preview, 1)

        body = QHBoxLayout(self.body)
        body.setContentsMargins(0, 4, 0, 0)
        body.addLayout(grid, 3)
        body.addLayout(side, 2)
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.body)
        self._margins = self._outer.contentsMargins()

        self.toggled.connect(self._on_toggled)
        self._update_suffix()
        self._update_ends()
        self._fold(True)

    # --- API ----------------------------------------------------------------------------------
    def set_first_date(self, first: date) -> None:
        """The first session's date: occurrences start from it."""
        if first == self._first:
            return
        self._first = first
        if not self._until_touched:
            self._set_until(self._default_until())
        self._emit()

    def recurrence(self) -> RecurrenceInput | None:
        if not self.isChecked():
            return None
        by_count = self.by_count.isChecked()
        return RecurrenceInput(
            weekdays=tuple(i for i, b in enumerate(self.day_boxes) if b.isChecked()),
            freq=self.freq.currentData(),
            interval=self.interval.value(),
            count=self.count.value() if by_count else None,
            until=None if by_count else self.until.date().toPython(),
            enabled=self.enabled.isChecked())

    def preview_dates(self) -> list[date]:
        """The dates the preview shows (empty when not repeating or the settings are wrong)."""
        return list(self._dates)

    def widget_for_field(self, field: str) -> QWidget | None:
        """The control a ValidationError's field names, to put the cursor there."""
        return {"days of the week": self.day_boxes[0], "recurrence type": self.freq,
                "repeat every": self.interval, "number of sessions": self.count,
                "last date": self.until, "enabled": self.enabled}.get(field)

    # --- internals ----------------------------------------------------------------------------
    def _default_until(self) -> QDate:
        return QDate(self._first).addMonths(3)

    def _set_until(self, value: QDate) -> None:
        self.until.blockSignals(True)
        self.until.setDate(value)
        self.until.blockSignals(False)

    def _until_edited(self) -> None:
        self._until_touched = True
        self._emit()

    def _on_toggled(self, on: bool) -> None:
        self._fold(not on)
        if on and not any(b.isChecked() for b in self.day_boxes):
            self.day_boxes[self._first.weekday()].setChecked(True)  # emits
        else:
            self._emit()

    def _fold(self, folded: bool) -> None:
        """Unticked, only the "Repeat" check box shows: no empty frame under it."""
        self.body.setVisible(not folded)
        if folded:
            self._outer.setContentsMargins(0, 0, 0, 0)
        else:
            self._outer.setContentsMargins(self._margins)

    def paintEvent(self, event) -> None:
        if self.body.isVisible():
            super().paintEvent(event)
            return
        opt = QStyleOptionGroupBox()
        self.initStyleOption(opt)
        opt.subControls &= ~QStyle.SubControl.SC_GroupBoxFrame
        QStylePainter(self).drawComplexControl(QStyle.ComplexControl.CC_GroupBox, opt)

    def _update_suffix(self) -> None:
        _, one, many = FREQS[max(self.freq.currentIndex(), 0)]
        self.interval.setSuffix(f" {one if self.interval.value() == 1 else many}")

    def _update_ends(self) -> None:
        self.count.setEnabled(self.by_count.isChecked())
        self.until.setEnabled(self.by_until.isChecked())
        self._emit()

    def _emit(self) -> None:
        self._refresh_preview()
        self.changed.emit()

    def _refresh_preview(self) -> None:
        self.preview.clear()
        self._dates = []
        self.error = None
        rec = self.recurrence()
        if rec is None:
            self.summary.setText("")
            return
        try:
            self._dates = occurrence_dates(self._first, rec)
        except ValidationError as exc:
            self.error = f"{exc.field.capitalize()}: {exc.message}"
            self.summary.setText("Nothing to repeat yet")
            self.summary.setStyleSheet("color: #c53030; font-weight: 600;")
            item = QListWidgetItem(self.error)
            item.setForeground(QBrush(ERROR_COLOR))
            self.preview.addItem(item)
            return
        n = len(self._dates)
        if rec.enabled:
            self.summary.setText(f"Creates {n} session{'s' if n != 1 else ''}:")
            self.summary.setStyleSheet("font-weight: 600;")
        else:
            self.summary.setText(f"Not enabled: only the first session is made now (all {n} once enabled).")
            self.summary.setStyleSheet("color: #975a16; font-weight: 600;")
        for i, d in enumerate(self._dates, 1):
            item = QListWidgetItem(f"{i}. {date_label(d)}")
            if not rec.enabled and i > 1:
                item.setForeground(QBrush(NOT_APPLIED_COLOR))
            self.preview.addItem(item)

"""A period of whole days, both included: From and To date fields with calendar pop-ups, and a
few presets (this month, last month, this year, last year) counted from the practice's today."""
from __future__ import annotations

import calendar
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def month_of(d: date) -> tuple[date, date]:
    return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1])


def months_back(d: date, n: int) -> date:
    """The first day of the month ``n`` months before ``d``'s."""
    k = d.year * 12 + d.month - 1 - n
    return date(k // 12, k % 12 + 1, 1)


def presets(today: date) -> dict[str, tuple[date, date]]:
    return {
        "This month": month_of(today),
        "Last month": month_of(months_back(today, 1)),
        "Last 12 months": (months_back(today, 11), month_of(today)[1]),
        "This year": (date(today.year, 1, 1), date(today.year, 12, 31)),
        "Last year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    }


def date_field(name: str, day: date) -> QDateEdit:
    edit = QDateEdit(qdate(day), objectName=name, calendarPopup=True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setMinimumWidth(125)
    return edit


class PeriodPicker(QWidget):
    """``changed`` fires once per change of either day (a preset sets both, then fires once)."""

    changed = Signal()
    CUSTOM = "Custom"

    def __init__(self, prefix: str, today: date, first: date, last: date, parent=None):
        super().__init__(parent)
        self.setObjectName(f"{prefix}Period")
        self._presets = presets(today)
        self.preset = QComboBox(objectName=f"{prefix}Preset")
        self.preset.addItems([*self._presets, self.CUSTOM])
        self.first = date_field(f"{prefix}From", first)
        self.last = date_field(f"{prefix}To", last)
        self._quiet = False
        self._match_preset()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset)
        layout.addWidget(QLabel("From"))
        layout.addWidget(self.first)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.last)
        self.preset.currentTextChanged.connect(self._preset_chosen)
        self.first.dateChanged.connect(self._day_changed)
        self.last.dateChanged.connect(self._day_changed)

    def period(self) -> tuple[date, date]:
        return pydate(self.first.date()), pydate(self.last.date())

    def set_period(self, first: date, last: date) -> None:
        self._quiet = True
        try:
            self.first.setDate(qdate(first))
            self.last.setDate(qdate(last))
        finally:
            self._quiet = False
        self._match_preset()
        self.changed.emit()

    def _preset_chosen(self, name: str) -> None:
        if name in self._presets and self._presets[name] != self.period():
            self.set_period(*self._presets[name])

    def _day_changed(self) -> None:
        if not self._quiet:
            self._match_preset()
            self.changed.emit()

    def _match_preset(self) -> None:
        name = next((k for k, v in self._presets.items() if v == self.period()), self.CUSTOM)
        self.preset.blockSignals(True)
        self.preset.setCurrentText(name)
        self.preset.blockSignals(False)

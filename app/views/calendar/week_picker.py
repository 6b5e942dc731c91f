"""Whose week the week view shows: one practitioner or everyone. With many practitioners, everyone's
week is a row of slivers, so one practitioner is shown by default; the choice is remembered (QSettings)."""
from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox

from ..style import practitioner_color
from .filter_bar import fill

KEY = "calendar/week_practitioner"
MANY = 6  # more practitioners than this: the week opens on one of them


class WeekPractitionerPicker(QComboBox):
    def __init__(self, practitioners, calendar, settings: QSettings, parent=None):
        super().__init__(parent)
        self.setObjectName("weekPractitioner")
        self.setToolTip("Whose sessions the week view shows")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(20)
        # not the window's first focus: the calendar's one-key shortcuts (W, M, D, T) must reach it
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._calendar, self._settings = calendar, settings
        self.addItem("Week: everyone", None)
        fill(self, self._items(practitioners))
        saved = settings.value(KEY)
        index = 0
        if saved not in (None, "", "everyone"):
            try:
                index = max(0, self.findData(int(saved)))
            except (TypeError, ValueError):
                index = 0
        elif saved is None and len(practitioners) > MANY:
            index = 1
        self.setCurrentIndex(index)
        calendar.week_practitioner = self.currentData()
        self.currentIndexChanged.connect(self._changed)

    def _changed(self, _index: int) -> None:
        pid = self.currentData()
        self._settings.setValue(KEY, "everyone" if pid is None else pid)
        self._calendar.set_week_practitioner(pid)

    @staticmethod
    def _items(practitioners) -> list:
        return [(p.id, f"Week: {p.name}", practitioner_color(p.color)) for p in practitioners]

    def set_practitioners(self, practitioners) -> None:
        """Refill after settings changed the practitioners; the one shown stays while it exists."""
        before = self.currentData()
        fill(self, self._items(practitioners))
        if self.currentData() != before:
            self._changed(self.currentIndex())

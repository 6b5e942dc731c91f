"""Calendar filters: practitioner, location, service, status ("All" = no filter)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ...services.scheduling.sessions import SessionFilter
from ..style import practitioner_color

STATUSES = (("open", "Open"), ("completed", "Completed"), ("missed", "Missed"), ("canceled", "Canceled"))


class FilterBar(QWidget):
    changed = Signal(object)  # SessionFilter

    def __init__(self, practitioners, locations, services, parent=None):
        super().__init__(parent)
        self.setObjectName("filterBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Show:"))
        self.practitioner = self._combo("filterPractitioner", "All practitioners", [(p.id, p.name) for p in practitioners])
        for i, p in enumerate(practitioners, start=1):  # the colour of their blocks, as a key
            swatch = QPixmap(12, 12)
            swatch.fill(practitioner_color(p.color))
            self.practitioner.setItemIcon(i, QIcon(swatch))
        self.location = self._combo("filterLocation", "All locations", [(loc.id, loc.name) for loc in locations])
        self.service = self._combo("filterService", "All services", [(s.id, s.name) for s in services])
        self.status = self._combo("filterStatus", "All statuses", list(STATUSES))
        for c in (self.practitioner, self.location, self.service, self.status):
            layout.addWidget(c)
        layout.addStretch(1)

    def _combo(self, name: str, all_text: str, items) -> QComboBox:
        c = QComboBox(objectName=name)
        c.addItem(all_text, None)
        for value, text in items:
            c.addItem(text, value)
        c.currentIndexChanged.connect(lambda _i: self.changed.emit(self.current()))
        return c

    @staticmethod
    def _one(c: QComboBox) -> tuple:
        v = c.currentData()
        return () if v is None else (v,)

    def current(self) -> SessionFilter:
        return SessionFilter(practitioner_ids=self._one(self.practitioner), location_ids=self._one(self.location),
                             service_ids=self._one(self.service), statuses=self._one(self.status))

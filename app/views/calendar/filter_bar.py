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
        self.practitioner = self._combo("filterPractitioner", "All practitioners")
        self.location = self._combo("filterLocation", "All locations")
        self.service = self._combo("filterService", "All services")
        self.status = self._combo("filterStatus", "All statuses")
        fill(self.status, list(STATUSES))
        self.set_choices(practitioners, locations, services)
        for c in (self.practitioner, self.location, self.service, self.status):
            c.currentIndexChanged.connect(lambda _i: self.changed.emit(self.current()))
            layout.addWidget(c)
        layout.addStretch(1)

    def set_choices(self, practitioners, locations, services) -> None:
        """Refill the lists after settings changed them; what was chosen stays chosen while it exists."""
        before = self.current()
        fill(self.practitioner, [(p.id, p.name, practitioner_color(p.color)) for p in practitioners])
        fill(self.location, [(loc.id, loc.name) for loc in locations])
        fill(self.service, [(s.id, s.name) for s in services])
        if before != self.current():
            self.changed.emit(self.current())

    @staticmethod
    def _combo(name: str, all_text: str) -> QComboBox:
        c = QComboBox(objectName=name)
        c.addItem(all_text, None)
        return c

    @staticmethod
    def _one(c: QComboBox) -> tuple:
        v = c.currentData()
        return () if v is None else (v,)

    def current(self) -> SessionFilter:
        return SessionFilter(practitioner_ids=self._one(self.practitioner), location_ids=self._one(self.location),
                             service_ids=self._one(self.service), statuses=self._one(self.status))


def swatch(color) -> QIcon:
    """A small square of a practitioner's colour, as a key to their blocks."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(color)
    return QIcon(pixmap)


def fill(combo: QComboBox, items) -> None:
    """Replace the entries after the first ("All ..." or "everyone") with ``items``: (value, text) or
    (value, text, colour). The chosen value stays chosen if it is still there, else the first entry;
    no change signal is sent (the caller says whether the choice moved)."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for value, text, *color in items:
        combo.addItem(text, value)
        if color:
            combo.setItemIcon(combo.count() - 1, swatch(color[0]))
    combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
    combo.blockSignals(False)

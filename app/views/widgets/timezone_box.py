"""A time-zone chooser with search: typing "new y" keeps America/New York; the list shows each
zone's offset now, and the chosen zone is said below with its current local time."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def zone_names() -> list[str]:
    """The zones people pick from: the IANA regions and UTC (not the old aliases such as US/Eastern)."""
    return sorted(z for z in available_timezones() if z.split("/", 1)[0] in REGIONS) + ["UTC"]


def computer_zone() -> str:
    """The computer's own zone as an IANA name, or UTC when it cannot be told."""
    from PySide6.QtCore import QTimeZone

    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    if name in ("Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu", "Etc/GMT", "GMT"):
        return "UTC"
    return name if name in available_timezones() else "UTC"


def _searchable(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("/", " / ").casefold().split())


def _offset(zone: str, now: datetime) -> str:
    minutes = int(now.astimezone(ZoneInfo(zone)).utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class _ZoneFilter(QSortFilterProxyModel):
    """Keeps the zones whose name (underscores as spaces) contains what was typed, case ignored."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.typed = ""

    def set_typed(self, text: str) -> None:
        self.beginFilterChange()
        self.typed = _searchable(text)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row, parent) -> bool:
        if not self.typed:
            return True
        zone = self.sourceModel().index(row, 0, parent).data(Qt.ItemDataRole.UserRole)
        return self.typed in _searchable(zone) or self.typed.replace(" / ", "/") in zone.casefold()


class _ZoneModel(QStringListModel):
    """Zone names; shown with spaces and the offset now, the IANA name kept as UserRole."""

    def __init__(self, zones: list[str], now: datetime, parent=None):
        super().__init__(zones, parent)
        self._shown = {z: f"{z.replace('_', ' ')}   ({_offset(z, now)})" for z in zones}

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        zone = super().data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.UserRole:
            return zone
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown.get(zone, zone)
        return super().data(index, role)

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class TimeZoneBox(QWidget):
    """A search line over a list of zones. ``zone()`` is the chosen IANA name, or what was typed
    when nothing matches (the caller's check then says why it is not a zone)."""

    changed = Signal(str)

    def __init__(self, zone: str | None = None, now: datetime | None = None, parent=None, objectName="timezoneBox"):
        super().__init__(parent, objectName=objectName)
        self._now = now or datetime.now(UTC)
        zones = zone_names()
        zone = zone or computer_zone()
        if zone not in zones and zone in available_timezones():
            zones = sorted([*zones, zone])
        self.model = _ZoneModel(zones, self._now, self)
        self.proxy = _ZoneFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(objectName="timezoneSearch", clearButtonEnabled=True)
        self.search.setPlaceholderText("Type a city or region, e.g. New York, Berlin, Sydney")
        self.list = QListView(objectName="timezoneList")
        self.list.setModel(self.proxy)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setMinimumHeight(130)
        self.list.setMaximumHeight(220)  # about ten zones: enough to choose from, no empty expanse
        self.chosen = QLabel(objectName="timezoneChosen", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.chosen)
        self.search.textEdited.connect(self._typed)
        self.search.installEventFilter(self)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._announce())
        self.set_zone(zone)

    def zone(self) -> str:
        index = self.list.currentIndex()
        if index.isValid() and self.list.selectionModel().isSelected(index):
            return index.data(Qt.ItemDataRole.UserRole)
        return self.search.text().strip()

    def set_zone(self, zone: str) -> None:
        self.search.clear()
        self.proxy.set_typed("")
        rows = self.model.stringList()
        if zone in rows:
            self._select(self.proxy.mapFromSource(self.model.index(rows.index(zone), 0)))
        self._announce()

    def _select(self, index) -> None:
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index, QListView.ScrollHint.PositionAtCenter)

    def _typed(self, text: str) -> None:
        self.proxy.set_typed(text)
        if self.proxy.rowCount():
            self._select(self.proxy.index(0, 0))
        else:
            self.list.clearSelection()
            self.list.setCurrentIndex(self.proxy.index(-1, -1))
        self._announce()

    def eventFilter(self, watched, event) -> bool:
        """Up and Down in the search line move through the list, so the keyboard alone picks."""
        from PySide6.QtCore import QEvent

        if watched is self.search and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.proxy.rowCount():
            row = self.list.currentIndex().row() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self._select(self.proxy.index(max(0, min(row, self.proxy.rowCount() - 1)), 0))
            return True
        return super().eventFilter(watched, event)

    def _announce(self) -> None:
        zone = self.zone()
        if zone in self.model.stringList():
            local = self._now.astimezone(ZoneInfo(zone))
            self.chosen.setText(f"Chosen: <b>{zone.replace('_', ' ')}</b> \u2014 the time there now is "
                                f"{local:%H:%M} ({_offset(zone, self._now)}).")
        elif zone:
            self.chosen.setText(f"No time zone matches \u201c{zone}\u201d. Type a city such as New York or London.")
        else:
            self.chosen.setText("Choose a time zone from the list.")
        self.changed.emit(zone)

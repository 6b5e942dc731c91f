"""The panel beside the month: the chosen day's sessions in full (time, clients, service,
practitioner, location, status, public note). A click shows the session's pop-up, a double-click
its details; the button adds a session on that day."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from . import style
from .agenda_item_delegate import AgendaItemDelegate
from .calendar.status_look import status_text


class DayAgenda(QWidget):
    session_clicked = Signal(int, QPoint)
    session_activated = Signal(int)
    add_requested = Signal(object)  # date

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dayAgenda")
        self.day: date | None = None
        self._tints: dict[str, QColor] = {}  # practitioner colour -> the tint under their sessions
        self.title = QLabel(objectName="dayAgendaTitle", wordWrap=True)
        self.title.setStyleSheet("font-weight: bold; font-size: 13pt; padding: 4px 2px;")
        self.add_button = QPushButton("Add session on this day", objectName="dayAgendaAdd")
        self.add_button.clicked.connect(lambda: self.day and self.add_requested.emit(self.day))
        self.list = QListWidget(objectName="dayAgendaList")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setItemDelegate(AgendaItemDelegate(self.list))  # tint, rule, wrapped lines: drawn in view only
        self.list.itemClicked.connect(self._clicked)
        self.list.itemDoubleClicked.connect(
            lambda item: self.session_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.empty = QLabel("No sessions on this day.", objectName="dayAgendaEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #718096; padding: 24px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.add_button)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        self.stretch_when_empty = QWidget()
        layout.addWidget(self.stretch_when_empty, 1)
        self.setMinimumWidth(220)

    def _clicked(self, item: QListWidgetItem) -> None:
        rect = self.list.visualItemRect(item)
        self.session_clicked.emit(item.data(Qt.ItemDataRole.UserRole),
                                  self.list.viewport().mapToGlobal(rect.topLeft()))

    def show_day(self, day: date, sessions) -> None:
        self.day = day
        self.title.setText(f"{day:%a %d %b %Y}")
        self.list.clear()
        tints = self._tints
        for s in sessions:
            t, e = s.start, s.end
            lines = [f"{t.hour:02d}:{t.minute:02d}\u2013{e.hour:02d}:{e.minute:02d}  {s.title}",
                     f"{s.service_name} · {s.practitioner_name}" + (f" · {s.location_name}" if s.location_name else ""),
                     status_text(s)]
            if s.kind == "group":
                lines.append(s.client_names)
            if s.public_note:
                lines.append(f"Note: {s.public_note}")
            text = "\n".join(lines)
            tint = tints.get(s.practitioner_color)
            if tint is None:
                tint = tints[s.practitioner_color] = style.tint(style.practitioner_color(s.practitioner_color), 0.18)
            item = QListWidgetItem(text)  # drawn in style.TEXT by AgendaItemDelegate
            item.setBackground(tint)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            self.list.addItem(item)
        self.empty.setVisible(not sessions)
        self.list.setVisible(bool(sessions))
        self.stretch_when_empty.setVisible(not sessions)

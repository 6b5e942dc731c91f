"""The panel beside the month: the chosen day's sessions in full (time, clients, service,
practitioner, location, status, public note)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from . import style


class DayAgenda(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dayAgenda")
        self.title = QLabel(objectName="dayAgendaTitle", wordWrap=True)
        self.title.setStyleSheet("font-weight: bold; font-size: 13pt; padding: 4px 2px;")
        self.list = QListWidget(objectName="dayAgendaList")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setStyleSheet("QListWidget::item { border-bottom: 1px solid #d5d9e0; padding: 4px; }")
        self.empty = QLabel("No sessions on this day.", objectName="dayAgendaEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #718096; padding: 24px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        self.setMinimumWidth(220)

    def show_day(self, day: date, sessions) -> None:
        self.title.setText(f"{day:%a %d %b %Y}")
        self.list.clear()
        for s in sessions:
            lines = [f"{s.start:%H:%M}\u2013{s.end:%H:%M}  {s.title}",
                     f"{s.service_name} · {s.practitioner_name}" + (f" · {s.location_name}" if s.location_name else ""),
                     f"Status: {s.label}"]
            if s.kind == "group":
                lines.append(s.client_names)
            if s.public_note:
                lines.append(f"Note: {s.public_note}")
            item = QListWidgetItem("\n".join(lines))
            item.setForeground(style.STATUS_COLORS.get(s.status, style.TEXT))
            item.setBackground(QColor(style.practitioner_color(s.practitioner_color).lighter(210)))
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            self.list.addItem(item)
        self.empty.setVisible(not sessions)
        self.list.setVisible(bool(sessions))

"""A time grid with its column header, scrolled to the working hours."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from .grid_header import GridHeader
from .time_grid import TimeGridView


class TimeGridPanel(QWidget):
    def __init__(self, now_fn, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.grid = TimeGridView(now_fn)
        self.header = GridHeader(self.grid)
        self.scroll = QScrollArea(objectName=f"{name}Scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll.horizontalScrollBar().valueChanged.connect(self._scrolled_sideways)
        self.scroll.setWidget(self.grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.scroll, 1)
        self._scrolled = False
        self._bar = self.scroll.verticalScrollBar()
        self._bar_width = -1  # the header's right margin, as last set

    def _scrolled_sideways(self, value: int) -> None:
        self.header.x_offset = value
        self.header.update()

    def set_content(self, columns, sessions, closed, today) -> None:
        self.header.today = today
        self.grid.set_content(columns, sessions, closed)
        # the header's columns stop where the vertical bar starts: the bar's width as laid out (asking its
        # size hint of the style costs ~0.03 ms, most of what a step spends between the read and the paint)
        bar = self._bar
        width = bar.width() if bar.isVisible() else bar.sizeHint().width()
        if width != self._bar_width:
            self._bar_width = width
            self.header.setContentsMargins(0, 0, width, 0)
        self.header.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._scrolled:
            self._scrolled = True
            self.scroll.verticalScrollBar().setValue(self.grid.scroll_hint_y())

"""A time grid with its column header, scrolled to the working hours."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from .. import style
from .time_grid import GUTTER, GridColumn, TimeGridView

HEADER_H = 44


class GridHeader(QWidget):
    def __init__(self, grid: TimeGridView, parent=None):
        super().__init__(parent)
        self.setObjectName("timeGridHeader")
        self.setFixedHeight(HEADER_H)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent fills all of it
        self._grid = grid
        self.today = None
        self.x_offset = 0

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), style.HEADER_FILL)
        cols: list[GridColumn] = self._grid.columns
        if not cols:
            p.end()
            return
        w = (self._grid.width() - GUTTER) / len(cols)
        p.translate(-self.x_offset, 0)  # the grid scrolled sideways (many overlapping sessions)
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        for i, c in enumerate(cols):
            r = QRectF(GUTTER + i * w, 0, w, HEADER_H)
            if c.day == self.today:
                p.fillRect(r, style.TODAY_FILL)
            if c.day in self._grid.closed:
                p.fillRect(r, style.CLOSED_FILL)
            p.setPen(style.TEXT)
            p.setFont(bold)
            p.drawText(r.adjusted(4, 3, -4, -HEADER_H / 2), Qt.AlignmentFlag.AlignCenter,
                       c.title or f"{c.day:%a %d %b}")
            sub = self._grid.closed.get(c.day)
            if sub is not None:
                p.setPen(style.CLOSED_HATCH)
                sub = f"Closed: {sub}"
            elif c.title:
                p.setPen(style.MUTED_TEXT)
                sub = f"{c.day:%a %d %b}"
            if sub:
                p.setFont(small)
                p.drawText(r.adjusted(4, HEADER_H / 2, -4, -2), Qt.AlignmentFlag.AlignCenter,
                           p.fontMetrics().elidedText(sub, Qt.TextElideMode.ElideRight, int(w - 8)))
            p.setPen(style.GRID_LINE)
            p.drawLine(int(r.x()), 0, int(r.x()), HEADER_H)
        p.end()


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

    def _scrolled_sideways(self, value: int) -> None:
        self.header.x_offset = value
        self.header.update()

    def set_content(self, columns, sessions, closed, today) -> None:
        self.header.today = today
        self.grid.set_content(columns, sessions, closed)
        self.header.setContentsMargins(0, 0, self.scroll.verticalScrollBar().sizeHint().width(), 0)
        self.header.update()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._scrolled:
            self._scrolled = True
            self.scroll.verticalScrollBar().setValue(self.grid.scroll_hint_y())

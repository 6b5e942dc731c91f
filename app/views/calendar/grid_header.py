"""The row above a time grid naming its columns: a day each ("Mon 02 Mar"), or a practitioner each
in the day view, with the label of a closure under the day it covers."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from .. import style
from .time_grid import GUTTER, GridColumn, TextFit, TimeGridView, small_font, text_fit

HEADER_H = 44
PAD = 4  # between a column's text and its edges


class GridHeader(QWidget):
    def __init__(self, grid: TimeGridView, parent=None):
        super().__init__(parent)
        self.setObjectName("timeGridHeader")
        self.setFixedHeight(HEADER_H)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent fills all of it
        self._grid = grid
        grid.resized.connect(self.update)  # wider columns (a busier day) move the names
        self.today = None
        self.x_offset = 0
        self._fonts: tuple | None = None  # (widget font key, bold TextFit, small TextFit)
        self.shown_look: tuple | None = None  # ``look()`` as last asked to be painted

    def look(self) -> tuple:
        """What the header shows of its grid's content: each column's texts and tint (today, closed).
        The day by practitioner shows the same names from one day to the next: a day step need not
        paint it again (its size, font and sideways scroll repaint it when they change)."""
        today, closed = self.today, self._grid.closed
        texts = self.column_texts
        return tuple([(texts(c), c.day == today, c.day in closed) for c in self._grid.columns])

    def refresh(self) -> None:
        """Repaint when the grid's new content changes what the header shows (every change of content
        comes through here; a paint for any other reason shows the same look)."""
        look = self.look()
        if look != self.shown_look:
            self.shown_look = look
            self.update()

    def column_texts(self, column: GridColumn) -> tuple[str, str]:
        """(title, line under it) of a column: its day, and "Closed: ..." on a day a closure covers; or
        its practitioner's name alone in the day view (whose status bar says the day's closure: in each
        of twenty columns its label would be cut to a few letters; each column's tooltip has it too)."""
        if column.title:
            return column.title, ""
        label = self._grid.closed.get(column.day)
        return f"{column.day:%a %d %b}", "" if label is None else f"Closed: {label}"

    def tooltip(self, column: GridColumn) -> str:
        title, sub = self.column_texts(column)
        label = self._grid.closed.get(column.day)
        if column.title and label is not None:
            sub = f"{column.day:%a %d %b}: closed, {label}"
        return f"{title}\n{sub}" if sub else title

    def column_width(self) -> float:
        return (self._grid.width() - GUTTER) / max(1, len(self._grid.columns))

    def shown_title(self, column: GridColumn) -> list[str]:
        """The title's lines as painted: one when it fits the part of the column in view; else, with no
        line under it, a name on two lines (the last word on the second), each shortened with "…" when
        it does not fit."""
        bold, _small = self._fits()
        title, sub = self.column_texts(column)
        _x, w = self.text_box(self._grid.columns.index(column))
        return _title_lines(bold, title, max(0, int(w) - 2 * PAD), two=not sub)

    def text_box(self, i: int) -> tuple[float, float]:
        """(x, width) of column ``i``'s texts, in the grid's coordinates: the part of the column in view,
        so that a day's name stays in sight while its wide column (everyone's busy week) is scrolled
        half out of view; its width is 0 when none of it is in view."""
        w = self.column_width()
        x = GUTTER + i * w
        left = max(x, self.x_offset)
        right = min(x + w, self.x_offset + self.width() - self.contentsMargins().right())
        return left, max(0.0, right - left)

    def column_at(self, x: float) -> GridColumn | None:
        """The column under a point of this widget (the grid scrolled sideways taken into account)."""
        i = self._grid.grid().column_at(x + self.x_offset)
        return None if i is None else self._grid.columns[i]

    def _fits(self) -> tuple[TextFit, TextFit]:
        key = self.font().key()
        if self._fonts is None or self._fonts[0] != key:
            bold, small = QFont(self.font()), small_font(self.font())
            bold.setBold(True)
            self._fonts = (key, text_fit(bold, QFontMetrics(bold)), text_fit(small, QFontMetrics(small)))
        return self._fonts[1], self._fonts[2]

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:  # a title shortened to fit: the whole of it on hover
            column = self.column_at(e.pos().x())
            if column is not None:
                QToolTip.showText(e.globalPos(), self.tooltip(column), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(e)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), style.HEADER_FILL)
        cols: list[GridColumn] = self._grid.columns
        if not cols:
            p.end()
            return
        w = self.column_width()
        bold, small = self._fits()
        p.translate(-self.x_offset, 0)  # the grid scrolled sideways (many overlapping sessions)
        for i, c in enumerate(cols):
            box_x, box_w = self.text_box(i)
            if box_w <= 0:  # only the columns in view are drawn
                continue
            x = GUTTER + i * w
            text_w = max(0, int(box_w) - 2 * PAD)
            r = QRectF(x, 0, w, HEADER_H)
            if c.day == self.today:
                p.fillRect(r, style.TODAY_FILL)
            if c.day in self._grid.closed:
                p.fillRect(r, style.CLOSED_FILL)
            title, sub = self.column_texts(c)
            lines = _title_lines(bold, title, text_w, two=not sub)
            line_h = bold.metrics.height()
            if sub or len(lines) == 2:  # one line in each half, the two drawn a little towards each other
                tops = ((HEADER_H / 2 - line_h) / 2 + 2, HEADER_H / 2 + (HEADER_H / 2 - line_h) / 2 - 1)
            else:
                tops = ((HEADER_H - line_h) / 2,)
            for line, top in zip(lines, tops, strict=False):  # a line under it: one title line
                _centred(p, bold, style.TEXT, line, box_x, box_w, top)
            if sub:
                _centred(p, small, style.CLOSED_HATCH, small.elided(sub, text_w), box_x, box_w,
                         HEADER_H / 2 + (HEADER_H / 2 - small.metrics.height()) / 2 - 1)
            p.setPen(style.GRID_LINE)
            p.drawLine(int(x), 0, int(x), HEADER_H)
        p.end()


def _title_lines(fit: TextFit, title: str, width: int, two: bool) -> list[str]:
    if fit.horizontalAdvance(title) <= width or not two or " " not in title.strip():
        return [fit.elided(title, width)]
    head, _, last = title.strip().rpartition(" ")
    return [fit.elided(head, width), fit.elided(last, width)]


def _centred(p: QPainter, fit: TextFit, color, text: str, x: float, w: float, top: float) -> None:
    """``text`` (fitting ``w`` already) in ``fit``'s font and ``color``, centred across [x, x + w]."""
    p.setFont(fit.font)
    p.setPen(color)
    fit.draw(p, x + (w - fit.horizontalAdvance(text)) / 2, top, text)

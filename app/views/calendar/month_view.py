"""The month calendar: a custom-painted grid of days listing their sessions (time + name)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .. import style
from .month_layout import Cell, cell_at, fit_lines, month_cells, month_days
from .status_look import Shown, status_look
from .time_grid import TextFit, hm, small_font, text_fit

HEADER_H = 26
DAY_LABEL_H = 20
LINE_H = 17
SPARE_LINES = 3  # read a few more per day than the cells show: a slightly taller window reads nothing again
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class MonthView(QWidget):
    """Shows one month. Two callables keep the widget away from the database:
    ``fetch_month(first_day, last_day, per_day, whole_day) -> (sessions, {date: count}, {date: closure
    label})`` gives each of the 42 visible days its first ``per_day`` sessions (as many as a cell has
    lines for, and a few more) and its count, for "+N more", and all of the selected day's (the agenda
    beside the month lists it); ``fetch(day, day)`` gives another day's full list when it is selected."""

    day_selected = Signal(object)  # date: a cell was clicked (or the month reloaded)
    create_requested = Signal(object)  # date: a click on an empty part of a cell or its header
    day_opened = Signal(object)  # date: "+N more" was clicked
    session_clicked = Signal(int, QPoint)  # session id, global position

    def __init__(self, fetch, fetch_month, today: date, parent=None):
        super().__init__(parent)
        self.setObjectName("monthView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 400)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paintEvent fills all of it
        self._fetch, self._fetch_month = fetch, fetch_month
        self.per_day = 0  # sessions read per day by the last reload
        self.counts: dict[date, int] = {}  # sessions per day, read or not
        self._full: dict[date, list[Shown]] = {}  # days read whole for the agenda since the last reload
        self.closed: dict[date, str] = {}
        self.today = today
        self.year, self.month = today.year, today.month
        self.selected: date = today
        self.by_day: dict[date, list[Shown]] = {}
        self._cells: tuple[Cell, ...] = ()

    # data -------------------------------------------------------------------
    def set_month(self, year: int, month: int) -> None:
        self.year, self.month = year, month
        if (self.selected.year, self.selected.month) != (year, month):
            self.selected = date(year, month, 1) if (year, month) != (self.today.year, self.today.month) else self.today
        self.reload()

    def reload(self) -> None:
        days = month_days(self.year, self.month)
        by_day: dict[date, list[Shown]] = defaultdict(list)
        self.per_day = self.lines_per_cell() + SPARE_LINES
        sessions, self.counts, self.closed = self._fetch_month(days[0], days[-1], self.per_day, self.selected)
        for s in sessions:
            by_day[s.start.date()].append(s)
        self.by_day, self._full = dict(by_day), {}
        self.update()
        self.day_selected.emit(self.selected)

    def shown_sessions(self) -> list[Shown]:
        """The sessions read for the cells, in time order."""
        return [s for day in sorted(self.by_day) for s in self.by_day[day]]

    def count_in_month(self) -> int:
        return sum(n for d, n in self.counts.items() if (d.year, d.month) == (self.year, self.month))

    def sessions_on(self, day: date) -> list[Shown]:
        """All of a day's sessions (the agenda): those read for its cell, or the whole day read now."""
        read = self.by_day.get(day, [])
        if self.counts.get(day, 0) <= len(read):
            return read
        if day not in self._full:
            self._full[day] = list(self._fetch(day, day)[0])
        return self._full[day]

    def lines_per_cell(self) -> int:
        """Session lines a cell of today's size has room for (a day with a closure: one less)."""
        cell_h = (self.height() - HEADER_H) / 6
        return max(1, int((cell_h - DAY_LABEL_H - 4) // LINE_H))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.per_day and self.lines_per_cell() > self.per_day:  # taller cells: read more of each day
            self.reload()

    def cells(self) -> tuple[Cell, ...]:
        return month_cells(self.year, self.month, self.width(), self.height(), HEADER_H)

    # painting ---------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self._cells = self.cells()
        base = QFont(self.font())
        small = small_font(base)
        bold = QFont(base)
        bold.setBold(True)
        struck = QFont(small)  # a free cancellation's line
        struck.setStrikeOut(True)
        # made once a paint, not once a line; their texts drawn again from QStaticTexts (see TextFit.draw)
        fonts = tuple(text_fit(f, QFontMetrics(f)) for f in (base, bold, small, struck))
        cw = self.width() / 7
        p.fillRect(self.rect(), style.MONTH_FILL)  # no pixel left unpainted between fractional cells
        p.fillRect(QRectF(0, 0, self.width(), HEADER_H), style.HEADER_FILL)
        p.setFont(bold)
        p.setPen(style.TEXT)
        for i, name in enumerate(WEEKDAYS):
            p.drawText(QRectF(i * cw, 0, cw, HEADER_H), Qt.AlignmentFlag.AlignCenter, name)
        for c in self._cells:
            self._paint_cell(p, c, fonts)
        p.end()

    def _paint_cell(self, p: QPainter, c: Cell, fonts: tuple[TextFit, ...]) -> None:
        """A day's cell; ``fonts``: the TextFits of the base font, bold, small and small struck out."""
        base, bold, small, struck = fonts
        rect = QRectF(c.x, c.y, c.w, c.h)
        if c.day == self.today:
            p.fillRect(rect, style.TODAY_FILL)
        else:
            p.fillRect(rect, style.MONTH_FILL if c.in_month else style.OTHER_MONTH_FILL)
        if c.day in self.closed:
            p.fillRect(rect, QBrush(style.CLOSED_FILL, Qt.BrushStyle.BDiagPattern))
        p.setPen(QPen(style.GRID_LINE, 1))
        p.drawRect(rect)
        if c.day == self.selected:
            p.setPen(QPen(style.SELECTED_OUTLINE, 2))
            p.drawRect(rect.adjusted(1, 1, -1, -1))
        day = bold if c.day == self.today else base
        p.setFont(day.font)
        p.setPen(style.TEXT if c.in_month else style.MUTED_TEXT)
        day.draw_centred(p, c.x + 4, c.y + 2, DAY_LABEL_H, str(c.day.day))
        label = self.closed.get(c.day)
        if label is not None:
            p.fillRect(QRectF(c.x + 1, c.y + DAY_LABEL_H, c.w - 2, LINE_H), style.CLOSED_FILL)
            p.setFont(small.font)
            p.setPen(style.CLOSED_HATCH)
            small.draw_centred(p, c.x + 6, c.y + DAY_LABEL_H, LINE_H, small.elided(f"Closed: {label}", int(c.w - 12)))
        p.setFont(small.font)
        for rect, s, hidden in self.cell_lines(c):
            x, y, w, h = rect.getRect()
            if s is None:
                p.setPen(style.SELECTED_OUTLINE)
                p.setFont(small.font)
                small.draw_centred(p, x + 6, y, h, f"+{hidden} more")
                continue
            p.fillRect(QRectF(x, y + 2, 3, h - 4), style.practitioner_color(s.practitioner_color))
            look = status_look(s)  # a charged cancellation is not struck out like a free one
            p.setPen(look.color if c.in_month else style.MUTED_TEXT)
            fit = struck if look.strike else small
            p.setFont(fit.font)
            text = f"{look.symbol} {hm(s.start)} {s.title}"
            if s.start.date() in self.closed:
                text = f"\u26a0 {text}"
            fit.draw_centred(p, x + 6, y, h, small.elided(text, int(w - 6)))

    def cell_lines(self, c: Cell) -> list[tuple[QRectF, Shown | None, int]]:
        """(rect, session, 0) per listed session and (rect, None, hidden) for "+N more"."""
        items = self.by_day.get(c.day, [])
        first_line = DAY_LABEL_H + (LINE_H if c.day in self.closed else 0)
        shown, hidden = fit_lines(self.counts.get(c.day, len(items)), c.h - first_line - 4, LINE_H)
        out: list[tuple[QRectF, Shown | None, int]] = []
        y = c.y + first_line + 2
        for s in items[:shown]:
            out.append((QRectF(c.x + 3, y, c.w - 6, LINE_H - 1), s, 0))
            y += LINE_H
        if hidden:
            out.append((QRectF(c.x + 3, y, c.w - 6, LINE_H - 1), None, hidden))
        return out

    # interaction ------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        pos = event.position()
        cell = cell_at(self._cells or self.cells(), pos.x(), pos.y())
        if cell is None:
            return
        self.selected = cell.day
        self.update()
        self.day_selected.emit(cell.day)
        for rect, s, _hidden in self.cell_lines(cell):
            if rect.contains(pos):
                if s is None:
                    self.day_opened.emit(cell.day)
                else:
                    self.session_clicked.emit(s.id, event.globalPosition().toPoint())
                return
        self.create_requested.emit(cell.day)

def day_bounds(first: date, last: date, tz) -> tuple[datetime, datetime]:
    """Aware start of ``first`` and start of the day after ``last`` in the practice zone."""
    from datetime import timedelta

    return (datetime.combine(first, time(), tzinfo=tz), datetime.combine(last + timedelta(days=1), time(), tzinfo=tz))

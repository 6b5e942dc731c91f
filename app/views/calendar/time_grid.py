"""Week and day views: a custom-painted time grid with session blocks, drag-to-create,
drag-to-move and drag-to-resize. Geometry comes from time_layout (pure); this file paints
and turns mouse events into a small state machine; saving is the caller's job (signals)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QToolTip, QWidget

from .. import style
from .grid_background import GridBackground
from .status_look import Shown, charged, look_of
from .time_layout import DAY_MINUTES, SNAP_MINUTES, Grid, Placed, pack_columns, snap, snap_down

GUTTER = 56
PX_PER_HOUR = 48
EDGE = 6  # px at a block's bottom that grab its end for resizing
DRAG_THRESHOLD = 4
MIN_BLOCK_W = 56  # narrowest block: "10:00" and initials; more overlaps widen the grid (it scrolls sideways)
# a grid keeps its width for a week that needs less, down to this share of it (see _relayout)
KEEP_WIDTH_DOWN_TO = 0.8


class GridColumn(NamedTuple):  # a tuple: a day step makes twenty (a frozen dataclass costs 5x more)
    day: date
    practitioner_id: int | None = None
    title: str = ""


@dataclass(slots=True)
class Block:  # a placed session where hit-testing (a click, a drag, a tooltip) finds it
    column: int
    placed: Placed
    session: Shown
    rect: QRectF


class Look(NamedTuple):
    """What a block draws (see TimeGridView._looks), worked out on its first paint."""
    geometry: tuple[float, float, float, float]  # x, y, w, h of its rectangle
    fill: QColor
    stripe_width: int  # of the practitioner's stripe, at the left of the rectangle
    base: QColor  # the practitioner's colour: the stripe's
    pen: QPen  # the outline's
    lines: list[tuple]  # (TextFit, colour, x, y, text) of each line of text, x and y whole pixels
    apart: bool  # covers no other block: it may be drawn a part at a time (see TimeGridView._paint_blocks)
    session: Shown
    # the same block in whole pixels for a painter at one device pixel a pixel (see TimeGridView._looks):
    # (left, top, width, height) of the outline's box, (left, top, width, height) of its inside, the width of
    # the stripe's part of the inside; the colours of the outline, the fill and the stripe
    box: tuple

    @property
    def rect(self) -> QRectF:
        return QRectF(*self.geometry)

    @property
    def stripe(self) -> QRectF:
        x, y, _w, h = self.geometry
        return QRectF(x, y, self.stripe_width, h)


class BlockFonts:
    """The four fonts a block uses (bold or not, struck out or not) as TextFits, made when the grid's
    font changes (see TimeGridView._small_fonts) rather than per paint or line."""

    def __init__(self, base: QFont):
        self._fits = {}
        for bold in (False, True):
            for strike in (False, True):
                f = QFont(base)
                f.setBold(bold)
                f.setStrikeOut(strike)
                self._fits[bold, strike] = text_fit(f, QFontMetrics(f))
        self.key = self._fits[True, False]  # what a block's painted text was measured with
        self.small_key = base.key()
        self.line_height = self._fits[False, False].metrics.height()

    def fit(self, bold: bool, strike: bool) -> TextFit:
        return self._fits[bold, strike]


def block_tooltip(s: Shown, closed: bool) -> str:
    """Everything a block may be too small to show."""
    lines = [f"{s.start:%a %d %b} {s.start:%H:%M}\u2013{s.end:%H:%M}", s.title]
    if s.kind == "group":
        lines.append(s.client_names)
    lines.append(" \u00b7 ".join(x for x in (s.service_name, s.practitioner_name, s.location_name) if x))
    lines.append(f"Status: {s.label}")
    if closed:
        lines.append("\u26a0 The practice is closed this day")
    return "\n".join(lines)


@dataclass(frozen=True)
class BlockLook:
    symbol: str
    strike: bool  # the name crossed out: a free cancellation
    fill: str  # colour name
    status_color: str


def block_look(s: Shown) -> BlockLook:
    """Fill, symbol and strike-through of a block; a charged cancellation is not drawn as a free one."""
    return _block_look(s.status, s.status == "canceled" and charged(s), s.practitioner_color)


@lru_cache(maxsize=256)
def _block_look(status: str, charged_cancel: bool, practitioner_color: str) -> BlockLook:
    look = look_of(status, charged_cancel)
    key, symbol, strike, status_color = look.key, look.symbol, look.strike, look.color.name()
    base = style.practitioner_color(practitioner_color)
    if key == "open":
        fill = style.tint(base, 0.28)
    elif key == "canceled":
        fill = QColor("#e9ecf1")
    elif key == "charged_cancel":
        fill = QColor("#fdf3dc")
    else:
        fill = style.tint(base, 0.12)
    return BlockLook(symbol, strike, fill.name(), status_color)


@lru_cache(maxsize=256)
def _paint_colors(status: str, charged_cancel: bool, practitioner_color: str) -> tuple:
    """(fill, practitioner colour, its outline pen, status colour, status symbol, name struck out, the
    outline's colour) of a block look, made once."""
    look = _block_look(status, charged_cancel, practitioner_color)
    base = style.practitioner_color(practitioner_color)
    pen = _outline_pen(practitioner_color)
    return QColor(look.fill), base, pen, QColor(look.status_color), look.symbol, look.strike, pen.color()


@lru_cache(maxsize=64)
def _outline_pen(practitioner_color: str) -> QPen:
    """A practitioner's outline pen, one object whatever the status: a column of their blocks is outlined
    in one run (see TimeGridView._paint_blocks)."""
    return QPen(style.practitioner_color(practitioner_color).darker(120), 1)


_MOVED = QTransform.TransformationType.TxTranslate.value  # a painter's transform that only moves

CLOSED_PEN = QPen(style.CLOSED_HATCH, 2, Qt.PenStyle.DashLine)  # a block on a day the practice is closed


def small_font(font: QFont) -> QFont:
    """The calendar's small text (hour labels, block lines, closure labels): one point smaller, 7 at least."""
    small = QFont(font)
    small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
    return small


_HM = [f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)]  # "00:00" ... "23:59", made once


def hm(t) -> str:
    """'09:05': the same text as f"{t:%H:%M}" without strftime (which imports on every call)."""
    return _HM[t.hour * 60 + t.minute]


class TextFit:
    """QFontMetrics.horizontalAdvance and elidedText remembered per (text, width) for one font:
    a week repeats the same times, names and labels in blocks of the same few widths. ``draw``
    draws a text a second time from its QStaticText (laid out once)."""

    def __init__(self, metrics: QFontMetrics, font: QFont | None = None):
        self.metrics = metrics
        self.font = font
        # drawText(QRectF(x, y, ...), AlignLeft) puts the baseline at y + the exact (fractional) ascent
        exact = QFontMetricsF(font) if font is not None else None
        self.ascent = exact.ascent() if exact is not None else float(metrics.ascent())
        self.height = exact.height() if exact is not None else float(metrics.height())  # ascent + descent
        self._advance: dict[str, int] = {}
        self._times: list[int | None] = [None] * len(_HM)  # horizontalAdvance of each "HH:MM", by minute
        self._least: dict[str, float] = {}  # status symbol -> time_range_least
        self._elided: dict[tuple[str, int], str] = {}
        self._static: dict[str, QStaticText] = {}
        self._seen: set[str] = set()
        # drawStaticText can drop a font's strike-through (a text far right in a wide grid, as in everyone's
        # week): a font with one (or an underline) is always drawn by drawText
        self._plain = font is None or font.strikeOut() or font.underline()

    def draw(self, p: QPainter, x: float, y: float, text: str) -> None:
        """``text`` in this font (the painter's current one) with its top left at (x, y), as
        drawText(QRectF(x, y, w, h), AlignLeft, text) puts it: a text drawn before (times, services,
        statuses, initials) from its QStaticText, about a third of drawText's time; one seen for the first
        time (most of a new week's client names) by drawText at its baseline, as laying out a QStaticText
        costs more than that. Both put the glyphs on the same pixels as drawText(QRectF(...))."""
        st = self._static.get(text)
        if st is None:
            if self._plain:
                p.drawText(QPointF(x, y + self.ascent), text)
                return
            if text not in self._seen:
                if len(self._seen) > 20_000:
                    self._seen.clear()
                self._seen.add(text)
                p.drawText(QPointF(x, y + self.ascent), text)
                return
            if len(self._static) > 5_000:
                self._static.clear()
            st = self._static[text] = QStaticText(text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(QTransform(), self.font)
        p.drawStaticText(QPointF(x, y), st)  # a point: drawStaticText(x, y) takes whole pixels

    def draw_lines(self, p: QPainter, lines: list[tuple]) -> None:
        """``draw`` each line of ``lines``, (..., x, y, text) tuples at whole pixels, the painter's font and
        pen set: those drawn before from their QStaticText by drawStaticText(x, y), in one call (moving a
        QPointF there costs two more; a day step draws ~100 texts)."""
        static, draw, draw_static = self._static, self.draw, p.drawStaticText
        for line in lines:
            text = line[-1]
            st = static.get(text)
            if st is None:
                draw(p, line[-3], line[-2], text)
            else:
                draw_static(line[-3], line[-2], st)

    def draw_centred(self, p: QPainter, x: float, y: float, h: float, text: str) -> None:
        """``draw`` ``text`` centred in the height ``h`` from ``y``, where drawText(QRectF(x, y, w, h),
        AlignLeft | AlignVCenter, text) puts it (the same pixels, see ``draw``)."""
        self.draw(p, x, y + (h - self.height) / 2, text)

    def horizontalAdvance(self, text: str) -> int:  # noqa: N802 (as QFontMetrics, which it stands for)
        w = self._advance.get(text)
        if w is None:
            if len(self._advance) > 20_000:
                self._advance.clear()
            w = self._advance[text] = self.metrics.horizontalAdvance(text)
        return w

    def time_width(self, minute: int) -> int:
        """horizontalAdvance of the "HH:MM" of a minute of the day (a list: no string to hash)."""
        w = self._times[minute]
        if w is None:
            w = self._times[minute] = self.metrics.horizontalAdvance(_HM[minute])
        return w

    def time_range_least(self, symbol: str) -> float:
        """Less than horizontalAdvance of any "{symbol} HH:MM–HH:MM": its characters' exact advances,
        each digit as narrow as the narrowest, less 3 px (more than kerning takes from such a text; an
        advance is rounded by at most half a pixel). A block narrower than this shows the compact form
        without measuring its own time range."""
        least = self._least.get(symbol)
        if least is None:
            exact = QFontMetricsF(self.font) if self.font is not None else None
            advance = exact.horizontalAdvance if exact is not None else self.metrics.horizontalAdvance
            digit = min(advance(d) for d in "0123456789")
            least = self._least[symbol] = (advance(f"{symbol} ") + 2 * advance(":") + advance("\u2013")
                                           + 8 * digit - 3)
        return least

    def fitted(self, text: str, width: int, advance: int) -> str:
        """``elided(text, width)`` for a text whose horizontalAdvance is ``advance``: the text itself when it
        is a pixel narrower than the width (elidedText compares the unrounded width), asked otherwise."""
        return text if advance < width else self.elided(text, width)

    def elided(self, text: str, width: int) -> str:
        key = (text, width)
        out = self._elided.get(key)
        if out is None:
            if len(self._elided) > 20_000:
                self._elided.clear()
            out = self._elided[key] = self.metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        return out


_text_fits: dict[str, TextFit] = {}


def text_fit(font: QFont, metrics: QFontMetrics) -> TextFit:
    """The TextFit of a font (by QFont.key(): family, size, weight, style...), kept between paints."""
    key = font.key()
    fit = _text_fits.get(key)
    if fit is None:
        fit = _text_fits[key] = TextFit(metrics, QFont(font))
    return fit


def initials(s: Shown) -> str:
    """'AS' for Alice Smith; a group: the first client's initials and how many more ('AS+2')."""
    clients = s.clients
    if not clients:
        return "".join(w[0] for w in s.title.split()[:2])
    first = _name_initials.get(clients[0].name)
    if first is None:
        if len(_name_initials) > 20_000:
            _name_initials.clear()
        name = clients[0].name
        first = _name_initials[name] = "".join([w[0] for w in name.split()[:2] if w])
    return first + (f"+{len(clients) - 1}" if len(clients) > 1 else "")


_name_initials: dict[str, str] = {}  # a client's name -> its initials (a calendar shows the same clients often)


def _texts(s: Shown, width: int, room: int, bold: TextFit, closed: bool, symbol: str | None = None) -> list[str]:
    """The first ``room`` lines a block of ``width`` px shows, each shortened with "…" to the width in the
    bold font (``bold``). When the usual text does not fit the width, a compact form: the start time and
    the client's initials (the tooltip has the rest). ``symbol``: the status symbol, when the caller has
    the block's look already."""
    if symbol is None:
        symbol = block_look(s).symbol
    t = s.start
    minute = t.hour * 60 + t.minute
    start = _HM[minute]
    # a narrow block (a day's twenty columns) is told from the least any "○ 09:00–09:50" takes, without
    # measuring its own, one of thousands (see TextFit.time_range_least)
    if (room < 2 and width < 120) or width < bold.time_range_least(symbol):
        return _compact(s, minute, width, room, bold)
    e = s.end
    full_time = f"{symbol} {start}\u2013{_HM[e.hour * 60 + e.minute]}"
    if bold.horizontalAdvance(full_time) > width:
        return _compact(s, minute, width, room, bold)
    if room < 2:
        lines = [f"{symbol} {start} {s.title}"]
    else:
        badge = s.label + ("  \u26a0 closed" if closed else "")
        title = s.title
        if width > 300:  # a wide column (day view) has room for what the agenda would say
            title = " \u00b7 ".join(x for x in (s.title, s.service_name, s.location_name, s.practitioner_name) if x)
        lines = [full_time, title, s.service_name, badge][:room]
    elided = bold.elided
    return [elided(x, width) for x in lines]


def _compact(s: Shown, minute: int, width: int, room: int, bold: TextFit) -> list[str]:
    """The compact lines: the start time over the initials, or the two on one line, or what fits of them."""
    start, short = _HM[minute], initials(s)
    start_width = bold.time_width(minute)
    if room >= 2 and start_width <= width:
        return [bold.fitted(start, width, start_width), bold.fitted(short, width, bold.horizontalAdvance(short))]
    # "09:00 AS" is one of thousands: its width is told from its two parts' (each measured once), which it
    # is within a pixel of (each advance is rounded) and what kerning may take; measured itself only when
    # that is too close to call
    one = f"{start} {short}"
    guess = start_width + bold.horizontalAdvance(" " + short)
    if guess + 3 < width:
        return [one]
    if guess - 3 <= width and bold.horizontalAdvance(one) <= width:
        return [bold.elided(one, width)]
    return [bold.elided(short if bold.horizontalAdvance(short) <= width else start[:2], width)]


def _draw_block(p: QPainter, look: Look) -> None:
    """One block whole, as TimeGridView._looks worked it out: fill, stripe, outline, text."""
    r, fill, base, pen, lines = look.rect, look.fill, look.base, look.pen, look.lines
    p.fillRect(r, fill)
    p.fillRect(look.stripe, base)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(r)
    for fit, color, x, y, text in lines:
        p.setFont(fit.font)
        p.setPen(color)
        fit.draw(p, x, y, text)


def minutes_of(dt: datetime) -> int:
    return dt.hour * 60 + dt.minute


def _block_rect(col: int, p: Placed, width: float, gutter: float, px_per_hour: float) -> QRectF:
    """The rectangle of a placed session in column ``col`` of ``width`` px: Grid.block_rect's arithmetic in
    the same order (the same rectangle) without a Grid; at least 14 px tall."""
    sub = width / p.columns
    top = p.start * px_per_hour / 60
    height = p.end * px_per_hour / 60 - top
    return QRectF(gutter + col * width + p.column * sub + 1.0, top, sub - 2, height if height > 14 else 14)


class TimeGridView(QWidget):
    create_requested = Signal(object, object, object)  # start (naive local), end, practitioner_id | None
    move_requested = Signal(int, object, object, object)  # session id, new start, new end, practitioner_id | None
    session_clicked = Signal(int, QPoint)  # session id, global position
    session_activated = Signal(int)  # double-click
    resized = Signal()  # its width or height changed (its header follows its columns)

    def __init__(self, now_fn, parent=None):
        super().__init__(parent)
        self.setObjectName("timeGrid")
        # paintEvent fills all of it first: Qt need not paint the parents beneath on each step
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMouseTracking(True)
        self.setMinimumHeight(int(24 * PX_PER_HOUR))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._now = now_fn
        self._shape: tuple | None = None  # the columns the width was last set for: their number, practitioner
        self.columns: list[GridColumn] = []
        self.closed: dict[date, str] = {}
        self.day_hours = (8, 20)
        self._blocks: list[Block] | None = []  # every block, made when first asked for (see blocks)
        self._looks_made: dict[tuple[int, int], Look] = {}  # (column, index in its packing) -> its look, once painted
        # rectangles set to the looks' geometry when a scaled painter draws them (see _paint_blocks): a QRectF
        # made and freed per block costs more than setting one
        self._rects: list[QRectF] = []
        self._looks_font: TextFit | None = None  # what the looks made were measured with (BlockFonts.key)
        self._drawn_span: tuple[float, float] | None = None  # the top and bottom of the blocks painted since placed
        self._last_still: tuple | None = None  # _still() at the last set_content
        self._geometry = (1.0, float(GUTTER), float(PX_PER_HOUR))  # column width, gutter, px per hour
        self._background = GridBackground()  # hours, lines and shading: painted once per size and week shape
        self._fonts: tuple[QFont, BlockFonts] | None = None  # see _small_fonts
        self._packed: dict = {}  # column -> ({session id: session}, [Placed]) from the last layout
        self._placed = 0  # how many times the blocks were placed (a relayout places them once)
        self._sessions: list[Shown] = []
        self._drag: dict | None = None  # the interaction in progress
        self.selection: tuple[int, int, int] | None = None  # column, start minute, end minute
        self.ghost: tuple[int, QRectF] | None = None  # session id, where it would land
        # a click shows the pop-up only once it is not the first half of a double-click (a pop-up
        # open between the two clicks would swallow the second one)
        self._click_timer = QTimer(self, singleShot=True)
        self._click_timer.setInterval(QGuiApplication.styleHints().mouseDoubleClickInterval())
        self._click_timer.timeout.connect(self._emit_click)
        self._pending_click: tuple[int, QPoint] | None = None

    # data -------------------------------------------------------------------
    def set_content(self, columns: list[GridColumn], sessions: list[Shown], closed: dict[date, str]) -> None:
        """Show ``sessions`` in ``columns``; what changes is painted again: the rows from the first block to
        the last of what was painted and of what is to be (a day step leaves the evening rows, a screen's
        third, as they are), or the whole grid when anything else it paints changes (its columns, closed
        days or hours, the now line, a selection)."""
        drawn = self._drawn_span
        self.columns, self._sessions, self.closed = columns, sessions, closed
        self._relayout()
        still, before = self._still(), self._last_still
        self._last_still = still
        if still != before or still[-1]:
            self.update()
            return
        spans = [s for s in (drawn, self._content_span()) if s is not None]
        if spans:  # else: no block before nor now, nothing to paint again
            top, bottom = min(s[0] for s in spans), max(s[1] for s in spans)
            # an outline's pixel below its block; a short block's line of text may reach one line below it
            below = 2 + self._small_fonts()[1].line_height
            self.update(QRect(0, int(top) - 2, self.width(), int(bottom - top) + 2 + below))

    def _still(self) -> tuple:
        """What the grid paints besides its blocks: how many columns, which are closed, the day's hours
        (changed by the settings between two contents), a selection or move in progress; last, whether
        today is shown (its now line moves with the clock)."""
        today, closed = self._now().date(), self.closed
        return (len(self.columns), tuple([c.day in closed for c in self.columns]) if closed else (), self.day_hours,
                self.selection, self.ghost, any(c.day == today for c in self.columns))

    def _content_span(self) -> tuple[float, float] | None:
        """The top of the first block and the bottom of the last, as placed (at least 14 px tall), or None."""
        # a column's sessions are placed earliest first: its first starts first, its last starts last; the
        # lowest bottom is the latest end or the latest start's least height (max over the sessions of
        # max(end, start + 14 px))
        end = itemgetter(2)  # Placed.end
        first, latest_start, latest_end = DAY_MINUTES, -1, -1
        for _by_id, placed in self._packed.values():
            if placed:
                if placed[0][1] < first:
                    first = placed[0][1]
                if placed[-1][1] > latest_start:
                    latest_start = placed[-1][1]
                last = max(map(end, placed))
                if last > latest_end:
                    latest_end = last
        if latest_start < 0:
            return None
        px_per_hour = self._geometry[2]
        return first * px_per_hour / 60, max(latest_end * px_per_hour / 60, latest_start * px_per_hour / 60 + 14)

    def grid(self) -> Grid:
        return Grid(width=self.width(), px_per_hour=PX_PER_HOUR, gutter=GUTTER, columns=max(1, len(self.columns)))

    def column_of(self, s: Shown) -> int | None:
        for i, c in enumerate(self.columns):
            if c.day == s.start.date() and (c.practitioner_id is None or c.practitioner_id == s.practitioner_id):
                return i
        return None

    def _relayout(self) -> None:
        """Recompute every column's layout whole (never one block at a time)."""
        packed, side_by_side = pack_columns([(c.day, c.practitioner_id) for c in self.columns], self._sessions)
        needed = int(GUTTER + max(1, len(self.columns)) * side_by_side * MIN_BLOCK_W)  # never slivers
        self._packed = packed
        placed = self._placed
        # Stepping through everyone's weeks, the overlaps (and so the width needed) change a little from
        # week to week. A new width has the scroll area lay out and repaint its scroll bars (~4-5 ms with
        # Fusion's vertical bar): the grid keeps its width while a week needs no more and at least
        # KEEP_WIDTH_DOWN_TO of it (its blocks then a little wider than they must be), and always takes
        # the width needed by a busier week, a much quieter one or other columns.
        current = self.minimumWidth()
        shape = (len(self.columns), self.columns[0].practitioner_id if self.columns else None)
        if needed > current or needed < current * KEEP_WIDTH_DOWN_TO or shape != self._shape:
            self._shape = shape
            if needed != current:
                self.setMinimumWidth(needed)  # a wider grid is resized at once: resizeEvent places the blocks
        if self._placed == placed:
            self._place()

    def _place(self) -> None:
        """The blocks' rectangles at the current width, from the packed columns (a resize moves
        and widens blocks but does not change which sit side by side)."""
        self._placed += 1
        g = self.grid()
        self._geometry = (g.column_width, g.gutter, g.px_per_hour)
        self._blocks, self._looks_made = None, {}  # made when asked for: a paint works out only those it shows
        self._drawn_span = None

    @property
    def blocks(self) -> list[Block]:
        """Every block, in painting order (a later one is drawn over an earlier one); made when first asked
        for (hit-testing: a paint works out what it draws from the packed columns, see _looks)."""
        if self._blocks is None:
            width, gutter, px_per_hour = self._geometry
            self._blocks = [Block(col, p, by_id[p.key], _block_rect(col, p, width, gutter, px_per_hour))
                            for col, (by_id, placed) in self._packed.items() for p in placed]
        return self._blocks

    def resizeEvent(self, event) -> None:
        self._place()
        super().resizeEvent(event)
        self.resized.emit()

    def block_at(self, x: float, y: float) -> Block | None:
        for b in reversed(self.blocks):
            if b.rect.contains(x, y):
                return b
        return None

    def scroll_hint_y(self) -> int:
        return int(self.grid().y(self.day_hours[0] * 60))

    # painting ---------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        g = self.grid()
        small, fonts = self._small_fonts()
        # device pixels per pixel of what is painted on: the widget's screen, or an image it is rendered
        # into (a kept background of another ratio would be scaled, its hour labels blurred)
        t, exposed = p.deviceTransform(), event.rect()
        self._background.draw(p, g, (self.width(), self.height()), t.m11(),
                              tuple(c.day in self.closed for c in self.columns), self.day_hours, small,
                              exposed, fonts.small_key)
        shown = QRectF(exposed).adjusted(-2, -2, 2, 2)  # the part to paint: the scroll area shows a few hours
        # whole pixels: one device pixel a pixel, moved by whole pixels only
        whole = t.type().value <= _MOVED and t.dx().is_integer() and t.dy().is_integer()
        self._paint_blocks(p, self._looks(shown, fonts), whole)
        p.setFont(small)
        self._paint_now(p, g)
        if self.selection is not None:
            col, a, z = self.selection
            r = QRectF(g.gutter + col * g.column_width + 2, g.y(a), g.column_width - 4, g.y(z) - g.y(a))
            p.fillRect(r, style.SELECTION_FILL)
            p.setPen(QPen(style.SELECTED_OUTLINE, 1.5))
            p.setBrush(Qt.BrushStyle.NoBrush)  # an outline only: the fill above stays light
            p.drawRect(r)
            p.drawText(r.adjusted(4, 2, -2, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                       f"{a // 60:02d}:{a % 60:02d}\u2013{z // 60:02d}:{z % 60:02d}")
        if self.ghost is not None:
            p.setPen(QPen(style.SELECTED_OUTLINE, 2, Qt.PenStyle.DashLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self.ghost[1])
        p.end()

    def _small_fonts(self) -> tuple[QFont, BlockFonts]:
        """The calendar's small font and the blocks' fonts made from it, made again only when the widget's
        font changes (changeEvent), not at every paint."""
        if self._fonts is None:
            small = small_font(self.font())
            self._fonts = (small, BlockFonts(small))
        return self._fonts

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fonts = None
        super().changeEvent(event)

    def _paint_blocks(self, p: QPainter, looks: list[Look], whole_pixels: bool = False) -> None:
        """The blocks, each as if drawn whole in turn (its fill, its practitioner's stripe, its outline, its
        lines of text), a later one over an earlier one.

        When no block covers another (the usual calendar: sessions side by side, none shorter than its
        drawn height, every text inside its block), the same pixels are drawn a part at a time: every fill,
        then every stripe, every outline, every text, so that the painter's pen and font change once for a
        run of blocks alike rather than several times per block (a day step draws ~70 new blocks: 8.8 us a
        block against 12.4, issue 17). Two blocks that only touch (one ends as the next starts) keep their
        order within the outlines, the later one's top edge drawn over the earlier one's bottom edge.

        ``whole_pixels`` (a painter at one device pixel a pixel, moved by whole pixels): the fill, stripe and
        outline of each block are three filled whole-pixel rectangles (Look.box), the same pixels in three
        quick calls, where a stroked outline alone took 3 us; a later block's box over an earlier one's."""
        if not all(look[6] for look in looks):
            for look in looks:
                _draw_block(p, look)
            return
        fill_rect = p.fillRect
        if whole_pixels:
            for look in looks:
                x, y, w, h, ix, iy, iw, ih, stripe_w, edge, fill, base = look[8]
                fill_rect(x, y, w, h, edge)
                if iw > 0 and ih > 0:
                    fill_rect(ix, iy, iw, ih, fill)
                    if stripe_w > 0:
                        fill_rect(ix, iy, stripe_w, ih, base)
            self._paint_texts(p, looks)
            return
        rects = self._rects
        while len(rects) < len(looks):
            rects.append(QRectF())
        rects = rects[:len(looks)]
        for r, look in zip(rects, looks, strict=True):
            r.setRect(*look[0])
            fill_rect(r, look[1])
        stripe = QRectF()  # one rectangle set to each stripe in turn: a QRectF per block costs more to make and free
        set_rect = stripe.setRect
        for look in looks:
            x, y, _w, h = look[0]
            set_rect(x, y, look[2], h)
            fill_rect(stripe, look[3])
        p.setBrush(Qt.BrushStyle.NoBrush)  # outlines only
        pen, run = None, []
        for rect, look in zip(rects, looks, strict=True):
            if look[4] is not pen:
                if run:
                    p.drawRects(run)
                pen, run = look[4], []
                p.setPen(pen)
            run.append(rect)
        if run:
            p.drawRects(run)
        self._paint_texts(p, looks)

    @staticmethod
    def _paint_texts(p: QPainter, looks: list[Look]) -> None:
        """Every block's lines, a run of lines alike (font and colour) at a time."""
        texts: dict[tuple[int, int], list] = {}  # (font, colour) -> its lines: no two blocks' texts meet
        for look in looks:
            for line in look[5]:
                texts.setdefault((id(line[0]), id(line[1])), []).append(line)
        for lines in texts.values():
            fit, color = lines[0][0], lines[0][1]
            p.setFont(fit.font)
            p.setPen(color)
            fit.draw_lines(p, lines)

    def _looks(self, shown: QRectF, fonts: BlockFonts) -> list[Look]:
        """What each block meeting ``shown`` draws, in painting order, worked out from the packed columns for
        those painted for the first time since they were placed (or in another font) and kept for a repaint;
        in one loop, its lookups made once (a day step works out ~70, and makes no Block: those are made
        only for hit-testing, see blocks). Everyone's week is several screens wide and a day tall: a step
        shows about a quarter of its blocks.

        ``apart``: the block is drawn no taller than its session (not stretched to the least height) and its
        lines of text end above its bottom edge (a line's glyphs stay within its height), so that it covers
        no other block (see _paint_blocks); and its outline is solid (a dashed one, on a closed day, lets
        the edge of the block above show through its gaps)."""
        key = fonts.key
        made = self._looks_made
        if self._looks_font is not key:
            made.clear()
            self._looks_font = key
        closed_days, line_h = self.closed, fonts.line_height
        normal, text_color = fonts.fit(False, False), style.TEXT
        names = {False: fonts.fit(True, False), True: fonts.fit(True, True)}
        width, gutter, px_per_hour = self._geometry
        # a block meets ``shown`` as QRectF.intersects has it: each overlaps the other by more than an edge
        x0, y0, x1, y1 = shown.getCoords()
        new, looks = tuple.__new__, []
        top, bottom = self._drawn_span or (float("inf"), -1.0)
        for col, (by_id, placed) in self._packed.items():
            left = gutter + col * width
            if left >= x1 or left + width <= x0:
                continue
            for i, p in enumerate(placed):
                # _block_rect's arithmetic, in its order (the same rectangle)
                y = p.start * px_per_hour / 60
                h = p.end * px_per_hour / 60 - y
                if h <= 14:
                    h = 14
                if y >= y1 or y + h <= y0:
                    continue
                sub = width / p.columns
                x = left + p.column * sub + 1.0
                w = sub - 2
                if x >= x1 or x + w <= x0 or w <= 0:
                    continue
                look = made.get((col, i))
                if look is not None:
                    looks.append(look)
                    continue
                s = by_id[p.key]
                status = s.status
                fill, base, outline, status_color, symbol, strike, edge = _paint_colors(
                    status, status == "canceled" and charged(s), s.practitioner_color)
                closed = bool(closed_days) and s.start.date() in closed_days
                room = int((h - 2) // line_h)
                pad = 7 if w > 24 else 3
                texts = _texts(s, int(w - pad - 3), room if room > 1 else 1, key, closed, symbol)
                # lines at whole pixels: the glyphs of a text drawn at a fraction of a pixel are drawn (and kept)
                # once per fraction, and drawStaticText(x, y) with whole pixels costs one call, not three (~2 %
                # of a day step); the top rounded down, so that no line reaches further down than before
                tx, ty = int(x + pad + 0.5), int(y + 2)
                if room < 2:  # one line: the name's font
                    lines = [(names[strike], status_color, tx, ty, texts[0])]
                elif len(texts) == 2:  # the time over the name (the compact form of a narrow block)
                    lines = [(normal, status_color, tx, ty, texts[0]), (names[strike], text_color, tx, ty + line_h, texts[1])]
                else:
                    name = names[strike]
                    lines = [(name if k == 1 else normal, status_color if k != 1 and k != 2 else text_color,
                              tx, ty + k * line_h, text) for k, text in enumerate(texts)]
                apart = not closed and (p.end - p.start) * px_per_hour / 60 >= 14 and 2 + len(lines) * line_h <= h
                stripe_w = 4 if w > 16 else 2
                # in whole pixels (checked over 4,000 blocks of the grid's geometry): the outline (a 1 px pen,
                # not antialiased) runs on the pixels from floor(x) to floor(x + w), floor(y) to floor(y + h);
                # the fill, rounded to whole pixels, covers all inside that box and never its far side; the
                # stripe (drawn under the outline) the inside's rows, up to round(x + stripe_w) less one
                box_left, box_top = int(x), int(y)  # x and y are never negative: int is floor
                box_right, box_bottom = int(x + w), int(y + h)
                stripe_end = int(x + stripe_w + 0.5)
                if stripe_end > box_right:
                    stripe_end = box_right
                box = (box_left, box_top, box_right - box_left + 1, box_bottom - box_top + 1, box_left + 1,
                       box_top + 1, box_right - box_left - 1, box_bottom - box_top - 1, stripe_end - box_left - 1,
                       edge, fill, base)
                look = made[col, i] = new(Look, ((x, y, w, h), fill, stripe_w, base, CLOSED_PEN if closed else outline,
                                                 lines, apart, s, box))
                looks.append(look)
                if y < top:
                    top = y
                if y + h > bottom:
                    bottom = y + h
        if bottom >= 0:
            self._drawn_span = (top, bottom)
        return looks

    def block_texts(self, b: Block, fonts: BlockFonts | None = None) -> list[str]:
        """The text lines a block shows, as painted (elided to its width)."""
        fonts = fonts or self._small_fonts()[1]
        r = b.rect
        left = 7 if r.width() > 24 else 3
        room = max(1, int((r.height() - 2) // fonts.line_height))
        return _texts(b.session, int(r.width() - left - 3), room, fonts.key, b.session.start.date() in self.closed)

    def _paint_now(self, p: QPainter, g: Grid) -> None:
        now: datetime = self._now()
        today = now.date()
        for i, c in enumerate(self.columns):
            if c.day == today:
                y = g.y(minutes_of(now))
                x = g.gutter + i * g.column_width
                p.save()  # the red brush must not reach what is drawn after (the drag selection)
                p.setPen(QPen(style.NOW_LINE, 2))
                p.drawLine(int(x), int(y), int(x + g.column_width), int(y))
                p.setBrush(style.NOW_LINE)
                p.drawEllipse(QRectF(x - 4, y - 4, 8, 8))
                p.restore()

    # interaction ------------------------------------------------------------
    def _minute_at(self, y: float) -> float:
        return self.grid().minute(y)

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        b = self.block_at(pos.x(), pos.y())
        if b is not None:
            mode = "resize" if pos.y() >= b.rect.bottom() - EDGE else "press"
            self._drag = {"mode": mode, "block": b, "origin": pos, "moved": False}
            return
        col = self.grid().column_at(pos.x())
        if col is None:
            return
        anchor = snap_down(self._minute_at(pos.y()))
        self._drag = {"mode": "create", "column": col, "anchor": anchor, "origin": pos}
        self.selection = (col, anchor, anchor + SNAP_MINUTES)
        self.update()

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        d = self._drag
        if d is None:
            b = self.block_at(pos.x(), pos.y())
            edge = b is not None and pos.y() >= b.rect.bottom() - EDGE
            self.setCursor(Qt.CursorShape.SizeVerCursor if edge else Qt.CursorShape.ArrowCursor)
            return
        g = self.grid()
        if d["mode"] == "create":
            m = snap(self._minute_at(pos.y()))
            a = d["anchor"]
            self.selection = (d["column"], min(a, m), max(a + SNAP_MINUTES, m)) if m > a else \
                (d["column"], m, a + SNAP_MINUTES)
        else:
            if not d["moved"] and (pos - d["origin"]).manhattanLength() < DRAG_THRESHOLD:
                return
            d["moved"] = True
            b: Block = d["block"]
            dy = self._minute_at(pos.y() - d["origin"].y())
            delta = round(dy / SNAP_MINUTES) * SNAP_MINUTES if d["mode"] == "press" else 0
            start = b.placed.start + delta
            end = b.placed.end + delta
            col = b.column
            if d["mode"] == "press":
                col = g.column_at(pos.x())
                col = b.column if col is None else col
            else:
                end = max(b.placed.start + SNAP_MINUTES, snap(self._minute_at(pos.y())))
            start, end = max(0, start), min(DAY_MINUTES, end)
            d["target"] = (col, start, end)
            x = g.gutter + col * g.column_width + 2
            self.ghost = (b.session.id, QRectF(x, g.y(start), g.column_width - 4, g.y(end) - g.y(start)))
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        d, self._drag = self._drag, None
        if d is None:
            return
        if d["mode"] == "create":
            col, a, z = self.selection
            self.selection = None
            self.update()
            if (event.position() - d["origin"]).manhattanLength() >= DRAG_THRESHOLD and z > a:
                c = self.columns[col]
                day = datetime.combine(c.day, time())
                self.create_requested.emit(day + timedelta(minutes=a), day + timedelta(minutes=z), c.practitioner_id)
            return
        b: Block = d["block"]
        self.ghost = None
        self.update()
        if not d["moved"]:
            self._pending_click = (b.session.id, event.globalPosition().toPoint())
            self._click_timer.start()
            return
        col, start, end = d["target"]
        if (col, start, end) == (b.column, b.placed.start, b.placed.end):
            return
        c = self.columns[col]
        day = datetime.combine(c.day, time())
        self.move_requested.emit(b.session.id, day + timedelta(minutes=start), day + timedelta(minutes=end),
                                 c.practitioner_id)

    def _emit_click(self) -> None:
        pending, self._pending_click = self._pending_click, None
        if pending is not None:
            self.session_clicked.emit(*pending)

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            b = self.block_at(e.pos().x(), e.pos().y())
            if b is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(e.globalPos(), block_tooltip(b.session, b.session.start.date() in self.closed), self)
            return True
        return super().event(e)

    def mouseDoubleClickEvent(self, event) -> None:
        pos = event.position()
        b = self.block_at(pos.x(), pos.y())
        if b is not None:
            self._drag = None
            self._click_timer.stop()
            self._pending_click = None
            self.session_activated.emit(b.session.id)

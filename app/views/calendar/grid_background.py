"""The still part of the week and day grids: the off-hours shading, closed days, hour and half-hour
lines, the hour labels and the column lines. For one practitioner's week it is the same from one
week to the next, so once it has been painted twice alike it is kept in a pixmap (per size,
columns, closed days and day hours) and each paint copies the exposed part of it: a week step then
paints only its sessions (issue 17). Everyone's week changes width with its overlaps and is wide
(several screens): it is painted directly, only the hours exposed, its lines only across the
exposed width and its hour labels only when the gutter is exposed."""
from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPixmap

from .. import style
from .time_layout import Grid

OFF_HOURS = QColor("#f3f4f7")


MAX_PIXELS = 4_000_000  # a pixmap larger than this (everyone's week, several screens wide) is not kept


def paint_background(p: QPainter, g: Grid, height: int, closed_columns: tuple[bool, ...],
                     day_hours: tuple[int, int], font: QFont, exposed: QRect | None = None) -> None:
    """The grid without its sessions, on ``p`` (a pixmap's painter, or a widget's); ``exposed``:
    only the hours it shows get their lines and labels."""
    width = int(g.gutter + g.columns * g.column_width)
    p.fillRect(QRectF(0, 0, width, height), style.MONTH_FILL)
    start_h, end_h = day_hours
    for i, closed in enumerate(closed_columns):
        x = g.gutter + i * g.column_width
        p.fillRect(QRectF(x, 0, g.column_width, g.y(start_h * 60)), OFF_HOURS)
        p.fillRect(QRectF(x, g.y(end_h * 60), g.column_width, g.height - g.y(end_h * 60)), OFF_HOURS)
        if closed:
            p.fillRect(QRectF(x, 0, g.column_width, g.height), style.CLOSED_FILL)
            p.fillRect(QRectF(x, 0, g.column_width, g.height), QBrush(style.CLOSED_HATCH, Qt.BrushStyle.BDiagPattern))
    p.setFont(font)
    first_h, last_h = 0, 24
    left, right = int(g.gutter), width  # the lines' ends: everyone's week is several screens wide
    labels = True
    if exposed is not None:
        first_h = max(0, int(g.minute(exposed.top() - 20) // 60))
        last_h = min(24, int(g.minute(exposed.bottom() + 20) // 60) + 1)
        # from the exposed part's left, less a whole number of dots (the dotted lines keep their
        # pattern), to its right
        left += max(0, exposed.left() - 8 - left) // 12 * 12
        right = min(width, exposed.right() + 8)
        labels = exposed.left() < g.gutter
    # the lines are the pixels drawLine covers with a 1 px pen (both ends), filled; the dotted ones a
    # row of one dot in three from their left end, as DotLine draws them, copied from an image: ~1 us a
    # line where drawLine takes ~8 (everyone's week draws some 30 lines a paint)
    half = g.y(30)
    for h in range(first_h, last_h + 1):
        p.fillRect(QRect(left, int(g.y(h * 60)), right - left + 1, 1), style.GRID_LINE)
    dots = _dots()
    for h in range(first_h, last_h + 1):
        y = int(g.y(h * 60) + half)
        x = left
        while x <= right:  # in pieces as long as the image (a whole number of dots each)
            n = min(right - x + 1, dots.width())
            p.drawImage(QRect(x, y, n, 1), dots, QRect(0, 0, n, 1))
            x += n
    if labels:
        p.setPen(style.MUTED_TEXT)
        for h in range(first_h, min(last_h + 1, 24)):
            p.drawText(QRectF(0, g.y(h * 60) + 1, g.gutter - 6, 16), Qt.AlignmentFlag.AlignRight, f"{h:02d}:00")
    for i in range(g.columns + 1):
        x = int(g.gutter + i * g.column_width)
        if exposed is None or exposed.left() - 2 <= x <= exposed.right() + 2:
            p.fillRect(QRect(x, 0, 1, int(g.height) + 1), style.GRID_LINE)


_dotted: list[QImage] = []


def _dots() -> QImage:
    """A row of 3 x 700 pixels: a dot (the half-hour lines' colour) and two clear pixels, made once."""
    if not _dotted:
        img = QImage(3 * 700, 1, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        color = style.GRID_LINE.lighter(110)
        for x in range(0, img.width(), 3):
            img.setPixelColor(x, 0, color)
        _dotted.append(img)
    return _dotted[0]


class GridBackground:
    """``paint_background`` kept in a pixmap once the same background was asked for twice running."""

    def __init__(self):
        self._key: tuple | None = None  # what the pixmap shows
        self._pixmap: QPixmap | None = None
        self._last: tuple | None = None  # what the last paint showed

    def draw(self, p: QPainter, g: Grid, size: tuple[int, int], ratio: float, closed_columns: tuple[bool, ...],
             day_hours: tuple[int, int], font: QFont, exposed: QRect, font_key: str) -> None:
        """``font_key``: ``font.key()``, kept by the caller (asking it costs ~10 us a paint)."""
        key = (size, ratio, g, closed_columns, day_hours, font_key)
        last, self._last = self._last, key
        if key != self._key and (key != last or size[0] * size[1] * ratio * ratio > MAX_PIXELS):
            paint_background(p, g, size[1], closed_columns, day_hours, font, exposed)
            return
        if key != self._key:
            pixmap = QPixmap(int(size[0] * ratio), int(size[1] * ratio))
            pixmap.setDevicePixelRatio(ratio)
            painter = QPainter(pixmap)
            paint_background(painter, g, size[1], closed_columns, day_hours, font)
            painter.end()
            self._key, self._pixmap = key, pixmap
        p.drawPixmap(exposed, self._pixmap, QRect(int(exposed.x() * ratio), int(exposed.y() * ratio),
                                                  int(exposed.width() * ratio), int(exposed.height() * ratio)))

"""How the day agenda's sessions are measured and drawn.

The list used to draw its items through a style sheet (a rule under each, 4 px of padding). A style
sheet's item rule overrides the item's own background, so every session came out white instead of on
its practitioner's tint, and the list measured wrapped lines without the sheet's padding, so a session
whose line wrapped at the edge lost its last line behind "...". This delegate measures a session line by
line (a line that fits takes one text line; only a longer one, such as a long public note, is measured
wrapped, as it is drawn), keeps each line's height (a day repeats its services, practitioners and
statuses), and draws the sessions in view: their tint, a rule under each, the lines wrapped at word
boundaries, the selection and the row under the mouse.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from . import style

PAD = 4  # px around a session's lines
RULE = QColor("#d5d9e0")  # the line under each session
HOVER = QColor(0, 0, 0, 18)  # over the tint of the session under the mouse
WRAP = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop


class AgendaItemDelegate(QStyledItemDelegate):
    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self._lines: dict[tuple[str, int, str], int] = {}  # (line, width, font) -> its height, wrapped

    def _text_width(self) -> int:
        return max(40, self.view.viewport().width() - 2 * PAD)

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 (Qt name)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        width = self._text_width()
        font = option.font.key()
        known = self._lines
        height = 2 * PAD + 1
        fm = None
        for line in text.split("\n"):  # a day repeats its services, practitioners and statuses a lot
            h = known.get((line, width, font))
            if h is None:
                fm = fm or QFontMetrics(option.font)
                h = (fm.lineSpacing() if fm.horizontalAdvance(line) <= width  # fits: one text line
                     else fm.boundingRect(QRect(0, 0, width, 100_000), WRAP, line).height())  # as drawn, wrapped
                if len(known) > 5000:  # many days seen at many widths: start again
                    known.clear()
                known[line, width, font] = h
            height += h
        return QSize(width + 2 * PAD, height)
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        r = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette if option.palette is not None else QApplication.palette()
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if selected:
            painter.fillRect(r, palette.highlight())
        elif background is not None:
            painter.fillRect(r, background)
        if not selected and option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(r, HOVER)
        painter.fillRect(r.x(), r.bottom(), r.width(), 1, RULE)
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        if selected:
            painter.setPen(palette.highlightedText().color())
        elif foreground is not None:
            painter.setPen(foreground.color() if hasattr(foreground, "color") else foreground)
        else:
            painter.setPen(style.TEXT)
        painter.setFont(option.font)
        painter.drawText(r.adjusted(PAD, PAD, -PAD, -PAD - 1), WRAP, index.data(Qt.ItemDataRole.DisplayRole) or "")

"""Eye and crossed-eye icons, painted (no image files): a class session shown in the published
group-sessions list, or not (SPEC 11.2)."""
from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

SIZE = 20


def _eye(painter: QPainter, color: QColor) -> None:
    painter.setPen(QPen(color, 1.6))
    path = QPainterPath(QPointF(2, 10))
    path.quadTo(QPointF(10, 1.5), QPointF(18, 10))
    path.quadTo(QPointF(10, 18.5), QPointF(2, 10))
    painter.drawPath(path)
    painter.setBrush(color)
    painter.drawEllipse(QRectF(7, 7, 6, 6))


@cache
def eye_icon(shown: bool) -> QIcon:
    """An open eye (shown: dark blue) or a grey eye struck through (hidden)."""
    pix = QPixmap(SIZE, SIZE)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if shown:
        _eye(painter, QColor("#2b6cb0"))
    else:
        _eye(painter, QColor("#a0aec0"))
        painter.setPen(QPen(QColor("#c53030"), 2))
        painter.drawLine(QPointF(3, 17), QPointF(17, 3))
    painter.end()
    return QIcon(pix)

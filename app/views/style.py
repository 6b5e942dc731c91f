"""Colours and small drawing constants shared by the views."""
from __future__ import annotations

from PySide6.QtGui import QColor

STATUS_COLORS = {
    "open": QColor("#2b6cb0"),
    "completed": QColor("#2f855a"),
    "missed": QColor("#c05621"),
    "canceled": QColor("#718096"),
}
STATUS_SYMBOLS = {"open": "\u25cb", "completed": "\u2713", "missed": "!", "canceled": "\u2715"}

TODAY_FILL = QColor("#fff8e1")
MONTH_FILL = QColor("#ffffff")
OTHER_MONTH_FILL = QColor("#eef0f3")
GRID_LINE = QColor("#d5d9e0")
HEADER_FILL = QColor("#eef1f5")
TEXT = QColor("#1a202c")
MUTED_TEXT = QColor("#8a94a6")
SELECTED_OUTLINE = QColor("#3182ce")


def practitioner_color(hex_color: str) -> QColor:
    c = QColor(hex_color)
    return c if c.isValid() else QColor("#4a7fc1")
CLOSED_FILL = QColor("#fdecec")
CLOSED_HATCH = QColor("#e53e3e")
SELECTION_FILL = QColor(49, 130, 206, 60)
NOW_LINE = QColor("#e53e3e")


def tint(color: QColor, strength: float) -> QColor:
    """``color`` mixed with white: strength 1.0 is the colour itself, 0.0 is white. Unlike
    QColor.lighter this never saturates to pure white, so every practitioner stays recognisable."""
    return QColor(round(255 + (color.red() - 255) * strength), round(255 + (color.green() - 255) * strength),
                  round(255 + (color.blue() - 255) * strength))

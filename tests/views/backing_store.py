"""What a window shows, read back from its backing store, against what a widget paints afresh: a widget
that repaints only what changed (issue 17) must leave on screen what a fresh paint gives."""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication, QImage


def on_screen(w, widget) -> QImage:
    """The widget as the window's backing store holds it (what a person sees), not painted afresh."""
    QGuiApplication.processEvents()
    at = widget.mapTo(w, QPoint(0, 0))
    shot = QGuiApplication.primaryScreen().grabWindow(w.winId(), at.x(), at.y(), widget.width(), widget.height())
    return shot.toImage().convertToFormat(QImage.Format.Format_RGB32)


def painted_now(widget) -> QImage:
    """The widget painted afresh."""
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)

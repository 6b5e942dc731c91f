"""A label whose text changes often (the calendar's title, its count of sessions) that shows what lies
beneath it from a picture of its parent, so that a new text repaints the label alone.

A plain QLabel is transparent: each new text has Qt paint the window's background and the parent's
own painting (a tool bar's gradient, a status bar) under it first, then the text. This label fills
its background with a brush of its parent's painting under its rectangle, rendered into a pixmap
when it is placed or resized, when the parent's height changes, and when the palette or the style change.
An opaque brush makes the label opaque to Qt: its own paint (the fill and QLabel's text, all in Qt)
replaces the parents' (~0.1 ms of a 4 ms day step of the main window, issue 17), with the same pixels."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QBrush, QPalette, QPixmap, QRegion
from PySide6.QtWidgets import QLabel, QWidget

_REDRAWN = (QEvent.Type.PaletteChange, QEvent.Type.StyleChange, QEvent.Type.ParentChange)


class OpaqueLabel(QLabel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._beneath_key: tuple | None = None
        self._setting = False  # setting the palette sends a PaletteChange: not a change to follow
        self._screen_followed = None  # the window handle whose moves to another screen are followed

    def follow_parent(self) -> None:
        """Render what the parent paints under this label again, when its place or size, the parent's
        height or the screen's pixel ratio changed since the last time (or the palette or the style, which
        clear it). A bar's painting changes from top to bottom, not along it: a wider window keeps it."""
        parent = self.parentWidget()
        if parent is None or not self.isVisible():
            return
        ratio = self.devicePixelRatioF()
        key = (self.geometry(), parent.height(), ratio)
        if key == self._beneath_key:
            return
        self._beneath_key = key
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        # the parent alone, not its children (this label among them), over its palette's background
        parent.render(pixmap, QPoint(), QRegion(self.geometry()), QWidget.RenderFlag.DrawWindowBackground)
        palette = QPalette(self.palette())
        palette.setBrush(self.backgroundRole(), QBrush(pixmap))
        self._setting = True
        try:
            self.setPalette(palette)
        finally:
            self._setting = False
        self.setAutoFillBackground(True)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        handle = self.window().windowHandle()
        if handle is not None and handle is not self._screen_followed:
            self._screen_followed = handle
            handle.screenChanged.connect(self.follow_parent)  # another screen may have another pixel ratio
        self.follow_parent()

    def moveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().moveEvent(event)
        self.follow_parent()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.follow_parent()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() in _REDRAWN and not self._setting:
            self._beneath_key = None
            self.follow_parent()


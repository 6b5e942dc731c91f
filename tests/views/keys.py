"""Real clicks and typing on form fields, as a person does them."""
from __future__ import annotations

from PySide6.QtCore import Qt


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_over(qtbot, field, text: str) -> None:
    """Click into ``field``, select all, delete, then type ``text``."""
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)

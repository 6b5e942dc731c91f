"""The message shown at start-up when a practice file cannot be opened (SPEC 0.7)."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox


def refused_file_box(error) -> QMessageBox:
    """A critical message box: the file's name as the headline, then ``error.message`` (a
    PracticeFileError's plain words, with the full path); the technical reason, if any, is behind
    "Show Details…"."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Practice Desk",
                      f"Practice Desk cannot open \u201c{error.path.name}\u201d.", QMessageBox.StandardButton.Ok)
    box.setObjectName("refusedFileBox")
    box.setInformativeText(error.message)
    if error.detail:
        box.setDetailedText(error.detail)
    box.button(QMessageBox.StandardButton.Ok).setObjectName("refusedFileOk")
    for name in ("qt_msgbox_label", "qt_msgbox_informativelabel"):  # a long path needs the room
        box.findChild(QLabel, name).setMinimumWidth(440)
    return box

"""Asking where to save a PDF: the save dialog in the user's documents folder with a suggested
name; ``.pdf`` is added when the name typed has none. Returns the full path, or None if cancelled."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def safe_name(text: str) -> str:
    """A file name from a document's title: no characters file systems refuse."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", text).strip(" .-") or "document"


def ask_pdf_path(parent: QWidget | None, title: str, suggested: str) -> str | None:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    path, _filter = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / f"{safe_name(suggested)}.pdf"),
                                                "PDF documents (*.pdf)")
    if not path:
        return None
    return path if path.lower().endswith(".pdf") else f"{path}.pdf"

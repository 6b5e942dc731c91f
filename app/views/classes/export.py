"""Exporting the published group-sessions list (SPEC 11.2) from the Classes window or a class view:
the save dialog, then the service writes the file."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...services.errors import ServiceError
from ...services.scheduling import class_list
from ..widgets.messages import show_error

KINDS = {"html": ("Export the group-sessions list as a web page", "group-sessions.html",
                  "Web pages (*.html *.htm)", (".html", ".htm")),
         "ics": ("Export the group-sessions list as a calendar", "group-sessions.ics",
                 "iCalendar files (*.ics)", (".ics",))}


def ask_path(parent: QWidget | None, kind: str) -> str | None:
    """The file to write, from the save dialog (tests replace ``QFileDialog.getSaveFileName``)."""
    caption, suggested, filters, suffixes = KINDS[kind]
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    chosen, _filter = QFileDialog.getSaveFileName(parent, caption, str(Path(folder) / suggested), filters)
    if not chosen:
        return None
    return chosen if chosen.lower().endswith(suffixes) else chosen + suffixes[0]


def export_list(parent: QWidget, practice, actor, kind: str) -> Path | None:
    """Ask where, write the list, say where it went. None when cancelled or refused."""
    path = ask_path(parent, kind)
    if path is None:
        return None
    write = class_list.export_html if kind == "html" else class_list.export_ics
    try:
        written = write(practice, actor, path)
    except ServiceError as exc:
        show_error(parent, exc)
        return None
    box = QMessageBox(QMessageBox.Icon.Information, "Exported", f"The group-sessions list was saved as\n{written}",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("exportDone")
    box.open()  # not modal: the user carries on
    return written

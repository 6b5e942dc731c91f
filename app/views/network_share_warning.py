"""The warning before a practice file on a network share is opened (issue 17 item 1): two desks
sharing one file over the network can lose or damage bookings, because locking files over a network
is unreliable; a practice used at several desks belongs on a practice server. The person may still
open the file (one desk alone is safe), or cancel."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMessageBox

from ..services import network_share


def network_share_box(path: Path, location: str, parent=None, go_text: str = "Open Anyway") -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, "Practice file on a network share",
                      f"\u201c{Path(path).name}\u201d is on {location}.", QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("networkShareWarning")
    box.setInformativeText(
        "If two desks use one practice file on a network drive at the same time, bookings can be lost or "
        "the file damaged, because locking a file over a network is not reliable.\n\n"
        "For a practice used at several desks, keep it on a practice server instead: "
        "File \u25b8 Connect to Practice Server\u2026 (the practice file can be moved there with "
        "practice-desk copy-to-server).\n\n"
        "Opening it here is safe only while no other desk has it open.")
    anyway = box.addButton(go_text, QMessageBox.ButtonRole.AcceptRole)
    anyway.setObjectName("networkShareOpen")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("networkShareCancel")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    for name in ("qt_msgbox_label", "qt_msgbox_informativelabel"):
        box.findChild(QLabel, name).setMinimumWidth(460)
    return box


def confirm_network_file(path, parent=None, location: str | None = None, go_text: str = "Open Anyway") -> bool:
    """True to go on opening (or making) ``path``: it is on this computer, or the person chose ``go_text``."""
    location = location if location is not None else network_share.network_location(path)
    if location is None:
        return True
    box = network_share_box(Path(path), location, parent, go_text)
    box.exec()
    clicked = box.clickedButton()
    go = clicked is not None and clicked.objectName() == "networkShareOpen"
    box.deleteLater()
    return go

"""What the app asks at start when there is no practice to open (SPEC 1.5): on a first start the
new-practice wizard (with the demo, an existing file and a practice server one click away); for
``--db`` on a file that is not there, whether to create the practice there."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QMessageBox


@dataclass(frozen=True)
class Choice:
    path: Path | None  # the practice file to open (None with ``demo`` or a server practice)
    demo: bool = False
    practice: object | None = None  # made in the wizard (its administrator signed in), or on a server
    user: object | None = None  # None: nobody signed in yet
    note: str = ""  # to show once the window is up (a server password that could not be kept)


def offer_to_create(path: Path) -> bool:
    """Ask whether to set up a new practice in the missing file ``path``."""
    box = QMessageBox(QMessageBox.Icon.Question, "Practice Desk", f"There is no practice file at {path}.",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.setObjectName("createMissingBox")
    box.setInformativeText("Set up a new practice in this file?")
    yes = box.button(QMessageBox.StandardButton.Yes)
    yes.setText("Set Up New Practice\u2026")
    yes.setObjectName("createMissingYes")
    box.button(QMessageBox.StandardButton.Cancel).setObjectName("createMissingCancel")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    box.exec()
    return box.clickedButton() is yes


def connect_to_server(address=None) -> Choice | None:
    """File ▸ Connect to Practice Server… before any window: the practice opened on a server (nobody
    signed in yet), or None when cancelled. ``address``: the last practice, tried at once."""
    from .server_connection_dialog import ServerConnectionDialog

    dialog = ServerConnectionDialog(address=address, connect_now=address is not None)
    accepted = dialog.exec() == dialog.DialogCode.Accepted
    opened = dialog.opened
    dialog.deleteLater()
    if not accepted or opened is None:
        return None
    return Choice(None, practice=opened.practice, note=opened.note)


def ask(missing: Path | None) -> Choice | None:
    """The practice to start with, or None when the person cancelled."""
    from .new_practice_wizard import OPEN_DEMO, OPEN_FILE, OPEN_SERVER, NewPracticeWizard

    if missing is not None and not offer_to_create(missing):
        return None
    wizard = NewPracticeWizard(path=missing, first_start=missing is None)
    result = wizard.exec()
    if result == OPEN_DEMO:
        return Choice(None, demo=True)
    if result == OPEN_FILE:
        return Choice(wizard.chosen_path)
    if result == OPEN_SERVER:
        return connect_to_server()
    if result == wizard.DialogCode.Accepted and wizard.practice is not None:
        return Choice(Path(wizard.practice.path), practice=wizard.practice, user=wizard.user)
    return None

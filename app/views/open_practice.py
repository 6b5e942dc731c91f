"""File ▸ New Practice…, Open Practice…, Connect to Practice Server… and Open Recent from a running window. The practice opened
(or made) gets a new window that replaces the current one, through the same hand-over as a sign
out (``MainWindow.hand_over``, followed by ``app.__main__.follow_successors``). Cancelling at any
point leaves the current window and practice as they were."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMenu

from ..services.practice_server import ServerAddress, forget_password
from .recent_practices import RecentPractices, where

SUFFIX = ".sqlite"


def ask_practice_file(parent, folder: Path | None = None) -> Path | None:
    """The open-file dialog for a practice file; None when cancelled."""
    dialog = QFileDialog(parent, "Open Practice", str(folder or ""), f"Practice files (*{SUFFIX});;All files (*)")
    dialog.setObjectName("practiceFileDialog")
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    chosen = dialog.selectedFiles() if dialog.exec() == QDialog.DialogCode.Accepted else []
    dialog.deleteLater()
    return Path(chosen[0]) if chosen else None


def new_practice(window) -> None:
    """The set-up wizard over the window; once the practice is made, its administrator (already
    signed in by the wizard) gets the new window."""
    from .new_practice_wizard import NewPracticeWizard

    wizard = NewPracticeWizard(window)
    accepted = wizard.exec() == QDialog.DialogCode.Accepted
    practice, user = wizard.practice, wizard.user
    wizard.deleteLater()
    if accepted and practice is not None:
        RecentPractices(window.settings).add(where(practice))
        window.hand_over(user, practice)


def open_practice(window, path: Path | None = None) -> None:
    """Open ``path`` (or the file chosen in a dialog) and ask who signs in to it. A file that is not
    a practice is refused with the start-up's message and left as it was; one on a network share is
    opened only after a warning (``network_share_warning``)."""
    from ..db import PracticeFileError
    from ..services.practice import Practice
    from .network_share_warning import confirm_network_file
    from .refused_file_box import refused_file_box

    current = Path(window.practice.path) if window.practice.path is not None else None  # None: on a server
    if path is None:
        path = ask_practice_file(window, current.parent if current is not None else None)
        if path is None:
            return
    if current is not None and Path(path).absolute() == current.absolute():
        window.statusBar().showMessage(f"\u201c{Path(path).name}\u201d is the practice open in this window.", 8000)
        return
    if not confirm_network_file(path, window):
        return
    try:
        practice = Practice.open(path)
    except PracticeFileError as exc:
        box = refused_file_box(exc)
        box.setParent(window, box.windowFlags())
        box.exec()
        box.deleteLater()
        return
    _sign_in(window, practice)


def _sign_in(window, practice, hint: str = "", note: str = "") -> None:
    """Ask who signs in to the practice just opened; their window replaces this one. Cancelled: the
    practice is closed and this window stays as it was."""
    from .login_dialog import LoginDialog

    login = LoginDialog(practice, practice.settings()["practice_name"], hint, window)
    accepted = login.exec() == QDialog.DialogCode.Accepted
    user = login.user
    login.deleteLater()
    if not accepted:
        practice.close()
        return
    RecentPractices(window.settings).add(where(practice))
    window.hand_over(user, practice)
    if note and window.successor is not None:
        window.successor.statusBar().showMessage(note, 20000)


def connect_to_server(window, address: ServerAddress | None = None) -> None:
    """File ▸ Connect to Practice Server… (``address`` given: Open Recent, connecting at once with the
    password kept on this computer); then sign-in, as for a file."""
    from .server_connection_dialog import ServerConnectionDialog

    current = ServerAddress.of_engine(window.practice.engine)
    if address is not None and address == current:
        window.statusBar().showMessage(f"{address.label} is the practice open in this window.", 8000)
        return
    dialog = ServerConnectionDialog(window, address=address, connect_now=address is not None)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    opened = dialog.opened
    dialog.deleteLater()
    if not accepted or opened is None:
        return
    if opened.address == current:
        opened.practice.close()
        window.statusBar().showMessage(f"{opened.address.label} is the practice open in this window.", 8000)
        return
    _sign_in(window, opened.practice, f"On the practice server: {opened.address.label}", opened.note)


def recent_menu(window) -> QMenu:
    """File ▸ Open Recent: the last practices opened here, refreshed each time it opens; a file that
    is gone is greyed out (and says so in its tip), the one open now is checked. A practice on a server
    reconnects with the password kept in this computer's keyring."""
    menu = QMenu("Open &Recent", window, objectName="menuRecent")
    menu.menuAction().setObjectName("actionOpenRecent")

    def fill() -> None:
        menu.clear()
        current = Path(window.practice.path).absolute() if window.practice.path else None  # None: on a server
        server = ServerAddress.of_engine(window.practice.engine)
        paths = RecentPractices(window.settings).entries()
        for n, path in enumerate(paths, 1):
            if isinstance(path, ServerAddress):
                action = menu.addAction(f"&{n} {path.database}   \u2014 on {path.host}:{path.port} as {path.user}")
                action.setObjectName(f"actionRecent{n}")
                action.setToolTip(f"The practice in the database {path.database} on the server {path.host}, "
                                  f"port {path.port}, user {path.user}")
                if path == server:
                    action.setCheckable(True)
                    action.setChecked(True)
                action.triggered.connect(partial(connect_to_server, window, path))
                continue
            action = menu.addAction(f"&{n} {path.name}   \u2014 {path.parent}")
            action.setObjectName(f"actionRecent{n}")
            action.setToolTip(str(path))
            if path == current:
                action.setCheckable(True)
                action.setChecked(True)
            if not path.is_file():
                action.setEnabled(False)
                action.setText(f"&{n} {path.name}   (missing)")
                action.setToolTip(f"{path} is no longer there.")
            action.triggered.connect(partial(open_practice, window, path))
        if not paths:
            menu.addAction("No practices opened yet").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear This List", partial(clear_recent, window, paths))
        clear.setObjectName("actionRecentClear")
        clear.setEnabled(bool(paths))

    menu.aboutToShow.connect(fill)
    fill()
    return menu


def clear_recent(window, entries) -> None:
    """File ▸ Open Recent ▸ Clear This List: the list is emptied, and this computer forgets the
    passwords it kept for the servers in it (except the one this window is on: it is in use)."""
    recent = RecentPractices(window.settings)
    current = ServerAddress.of_engine(window.practice.engine)
    for entry in entries:
        recent.remove(entry)
        if isinstance(entry, ServerAddress) and entry != current:
            forget_password(entry)

"""File ▸ New Practice…, Open Practice… and Open Recent from a running window. The practice opened
(or made) gets a new window that replaces the current one, through the same hand-over as a sign
out (``MainWindow.hand_over``, followed by ``app.__main__.follow_successors``). Cancelling at any
point leaves the current window and practice as they were."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMenu

from .recent_practices import RecentPractices

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
        RecentPractices(window.settings).add(practice.path)
        window.hand_over(user, practice)


def open_practice(window, path: Path | None = None) -> None:
    """Open ``path`` (or the file chosen in a dialog) and ask who signs in to it. A file that is not
    a practice is refused with the start-up's message and left as it was."""
    from ..db import PracticeFileError
    from ..services.practice import Practice
    from .login_dialog import LoginDialog
    from .refused_file_box import refused_file_box

    if path is None:
        current = Path(window.practice.path)
        path = ask_practice_file(window, current.parent)
        if path is None:
            return
    if Path(path).absolute() == Path(window.practice.path).absolute():
        window.statusBar().showMessage(f"\u201c{Path(path).name}\u201d is the practice open in this window.", 8000)
        return
    try:
        practice = Practice.open(path)
    except PracticeFileError as exc:
        box = refused_file_box(exc)
        box.setParent(window, box.windowFlags())
        box.exec()
        box.deleteLater()
        return
    login = LoginDialog(practice, practice.settings()["practice_name"], "", window)
    accepted = login.exec() == QDialog.DialogCode.Accepted
    user = login.user
    login.deleteLater()
    if not accepted:
        practice.close()
        return
    RecentPractices(window.settings).add(practice.path)
    window.hand_over(user, practice)


def recent_menu(window) -> QMenu:
    """File ▸ Open Recent: the last practices opened here, refreshed each time it opens; a file that
    is gone is greyed out (and says so in its tip), the one open now is checked."""
    menu = QMenu("Open &Recent", window, objectName="menuRecent")
    menu.menuAction().setObjectName("actionOpenRecent")

    def fill() -> None:
        menu.clear()
        current = Path(window.practice.path).absolute() if window.practice.path else None  # None: on a server
        paths = RecentPractices(window.settings).paths()
        for n, path in enumerate(paths, 1):
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
        clear = menu.addAction("Clear This List", lambda: [RecentPractices(window.settings).remove(p) for p in paths])
        clear.setObjectName("actionRecentClear")
        clear.setEnabled(bool(paths))

    menu.aboutToShow.connect(fill)
    fill()
    return menu

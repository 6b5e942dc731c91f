"""Start-up of a practice file behind its sign-in dialog (issue 17: the sign-in window painted
within 2x of a bare window, the main window within a second of a correct password).

The sign-in dialog needs only Qt and the practice's name, read from the file with plain ``sqlite3``
read-only (nothing is written, nor any ``-wal``/``-shm`` made). Everything else happens in a thread
while the person types: importing SQLAlchemy, the models, the services and the main window, and
opening the practice as before: ``Practice.open`` checks the file (``quick_check`` and the rest of
``practice_file.check_practice_file``) and upgrades an older one, then the settings and the first
statements the window sends are compiled.

A first look at the file without ``quick_check`` (a few milliseconds: a SQLite file, a practice's
tables, a finished setup, writable) comes before the dialog, so such a refusal is said as before,
instead of a sign-in. The file's protection is kept whole: the sign-in (``users.login``, whose failed attempts and lockout
are writes) waits for the opening to have ended, so nothing reads through SQLAlchemy and nothing
writes before the check has passed. A refused file closes the dialog and is said as before (the
same box and words, ``__main__.refuse``); a person who signs in faster than the check runs waits at
Sign in for the rest of it. Cancelling the dialog while an upgrade runs lets the upgrade end (it
runs whole or not at all) before the app quits.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication

from .practice_file import PracticeFileError

DEFAULT_NAME = "My Practice"  # services.practice.DEFAULT_SETTINGS["practice_name"], without importing it


def practice_name_of(path: Path) -> str:
    """The practice's name for the sign-in dialog, read-only and before any check; the file's name
    when it cannot be read (the check that follows says why)."""
    try:
        in_use = Path(f"{path}-wal").exists()  # as practice_file._read_revision: immutable only when nobody has it
        uri = Path(path).resolve().as_uri() + ("?mode=ro" if in_use else "?mode=ro&immutable=1")
        with closing(sqlite3.connect(uri, uri=True, timeout=1.0)) as conn:
            row = conn.execute("SELECT value FROM setting WHERE key = 'practice_name'").fetchone()
        name = json.loads(row[0]) if row is not None else DEFAULT_NAME
        return name if isinstance(name, str) and name.strip() else DEFAULT_NAME
    except (sqlite3.Error, OSError, ValueError, TypeError):
        return Path(path).stem


class PracticeOpening(QObject):
    """``Practice.open(path)`` in a thread, started at once. ``ended`` is emitted on the GUI thread
    when it has ended (``practice`` set, or ``error``: a ``PracticeFileError`` for the person, or
    whatever else went wrong). ``wait()`` blocks until then and returns the practice or None."""

    ended = Signal()

    def __init__(self, path: Path, parent=None, start: bool = True):
        super().__init__(parent)
        self.path = Path(path)
        self.practice = None
        self.error: BaseException | None = None
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._run, name="practice-opening")
        if start:
            self.start()

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def start_once_painted(self, window, latest_ms: int = 300) -> None:
        """Start when ``window`` has been painted (the thread's imports would otherwise share the
        interpreter with the building of the window), or after ``latest_ms`` at the latest."""
        from PySide6.QtCore import QEvent, QTimer

        opening = self

        class Painted(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
                if event.type() == QEvent.Type.Paint:
                    obj.removeEventFilter(self)
                    QTimer.singleShot(0, opening.start)
                return False

        self._painted = Painted(self)
        window.installEventFilter(self._painted)
        QTimer.singleShot(latest_ms, self.start)

    def _run(self) -> None:
        try:
            from .services.practice import Practice

            practice = Practice.open(self.path)
            try:
                practice.settings()  # the first ORM statement: mappers configured, compiled now
                from .services.people import users  # noqa: F401 - what Sign in calls
            except BaseException:
                practice.close()
                raise
            self.practice = practice
        except BaseException as exc:  # noqa: BLE001 - said on the GUI thread (refusal box or crash dialog)
            self.error = exc
        finally:
            self._opened.set()
            self.ended.emit()
        if self.error is None:
            try:
                from .views import main_window  # noqa: F401 - what the window after Sign in needs
            except Exception:  # noqa: BLE001 - imported again (and failing loudly) on the GUI thread
                pass

    @property
    def done(self) -> bool:
        return self._opened.is_set()

    def wait(self):
        """The opened practice, or None when it could not be opened (``error`` says why)."""
        self.start()
        if not self._opened.is_set():
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self._opened.wait()
            finally:
                QGuiApplication.restoreOverrideCursor()
        return self.practice

    def join(self) -> None:
        """Until the thread has ended (an upgrade is never cut off by quitting)."""
        self.start()
        self._thread.join()


def opens_behind_sign_in(args) -> bool:
    """A person opening an existing practice file (or the demo, already made): the sign-in first."""
    if args.screenshot:
        return False
    if args.demo:
        from .paths import demo_path

        return demo_path().exists()
    return args.db is not None and Path(args.db).exists()


def sign_in_while_opening(app, args, recent, note: str = "") -> int:
    """The sign-in dialog shown at once while the practice opens behind it; then the main window."""
    from PySide6.QtWidgets import QDialog

    from . import __main__ as start
    from .views.login_dialog import LoginDialog

    if args.demo:
        from .paths import demo_path

        path = demo_path()
    else:
        path = Path(args.db)
    from .practice_file import check_practice_file

    try:  # what a first look finds (not a practice, empty, unfinished, read-only...) is said before the sign-in
        check_practice_file(path, integrity=False)
    except PracticeFileError as exc:
        return start.refuse(exc, show_dialog=True)
    opening = PracticeOpening(path, start=False)
    hint = ""
    if args.demo:
        from .demo import DEMO_PASSWORD, DEMO_USERNAME

        hint = f"Demo practice: sign in as <b>{DEMO_USERNAME}</b> with password <b>{DEMO_PASSWORD}</b>."
    login = LoginDialog(opening, practice_name_of(path), hint)
    if args.demo:
        login.username.setText(DEMO_USERNAME)
        login.password.setFocus()
    opening.ended.connect(lambda: opening.error is not None and login.reject())  # said once it has closed
    opening.start_once_painted(login)
    accepted = login.exec() == QDialog.DialogCode.Accepted
    opening.join()
    if opening.error is not None:
        if isinstance(opening.error, PracticeFileError):
            return start.refuse(opening.error, show_dialog=True)
        raise opening.error
    from .views.recent_practices import where

    practice = opening.practice
    recent.add(where(practice))  # opened: on the recent list, as before, whether or not anyone signs in
    if not accepted:
        practice.close()
        return 0
    from .views.main_window import MainWindow

    return start.show_main_window(app, MainWindow(practice, login.user, args.date, view=args.view), note)

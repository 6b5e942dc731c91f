"""Start Practice Desk: ``python -m app --demo`` or ``practice-desk --db FILE``.

``practice-desk run-due --db FILE`` runs the automatic invoicing that is due without a window
(app/run_due.py), for cron or Task Scheduler; ``practice-desk copy-to-server --db FILE --url URL``
moves a practice file to a PostgreSQL server and checks it (app/copy_to_server.py).

Without either, the practice opened last on this computer opens again (a practice on a server
reconnects with the password kept in the keyring); on a first start (none yet) the new-practice
wizard asks for one, with the demo, a file and a practice server one click away (SPEC 1.5). ``--db``
on a file that is not there offers to create the practice there. A practice file on a network share
opens only after a warning that points to the server mode.

``--screenshot PATH`` renders the main window offscreen to a PNG and exits (no login: it signs
in as the practice's first admin, for documentation and checks).
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from datetime import date
from pathlib import Path


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="practice-desk", description="Practice Desk: sessions, billing and wages.")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--db", type=Path, help="open this practice file")
    src.add_argument("--demo", action="store_true", help="open the demo practice (created on first use)")
    ap.add_argument("--screenshot", type=Path, metavar="PATH", help="render the main window to PATH (PNG) and exit")
    ap.add_argument("--view", choices=["month", "week", "day"], help="calendar view to open (default: the last one used)")
    ap.add_argument("--date", type=date.fromisoformat, help="date to show (YYYY-MM-DD); default today")
    args = ap.parse_args(argv)
    if args.screenshot and args.db is None and not args.demo:
        args.demo = True  # nobody to ask: render the demo
    return args


def open_practice(args):
    """The practice to show, and whether it is the demo. A file that cannot be opened raises
    ``PracticeFileError`` with a message for the user (SPEC 0.7); the file is left as it was."""
    from .db import PracticeFileError
    from .paths import demo_path
    from .services.practice import Practice

    if args.demo:
        path = demo_path()
        if not path.exists():
            from .demo import build_demo

            print(f"Creating the demo practice at {path} …", file=sys.stderr)
            build_demo(path, date.today()).close()
        return Practice.open(path), True
    if not args.db.exists():
        raise PracticeFileError(args.db, f"No practice file at {args.db}. "
                                         "Start with --demo to try the demo practice.")
    return Practice.open(args.db), False


def refuse(error, show_dialog: bool) -> int:
    """A practice file that cannot be opened: one plain line on the terminal and, when a person
    started the app, the same words in a dialog. No traceback: nothing went wrong in the app."""
    print(error.message, file=sys.stderr)
    if show_dialog:
        from .views.refused_file_box import refused_file_box

        refused_file_box(error).exec()
    return 2


def install_crash_dialog() -> None:
    """Uncaught exceptions become a dialog with a copyable report instead of a silent exit."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    def hook(kind, value, tb):
        report = "".join(traceback.format_exception(kind, value, tb))
        print(report, file=sys.stderr)
        if QApplication.instance() is not None:
            box = QMessageBox(QMessageBox.Icon.Critical, "Practice Desk — unexpected error",
                              "Something went wrong. Your data is safe: every change is saved in one step "
                              "or not at all. Please send the details below to support.")
            box.setDetailedText(report)
            box.exec()

    sys.excepthook = hook


def main(argv=None) -> int:
    from .gc_tuning import tune_garbage_collector

    tune_garbage_collector()  # before the imports: they and every calendar switch make many small objects
    raw = sys.argv[1:] if argv is None else list(argv)
    if raw[:1] == ["copy-to-server"]:  # headless: a practice file into an empty server database
        from .copy_to_server import main as copy_to_server

        return copy_to_server(raw[1:])
    if raw[:1] == ["run-due"]:  # headless: the automatic invoicing that is due (app/run_due.py)
        from .run_due import main as run_due

        return run_due(raw[1:])
    args = parse_args(raw)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QDialog

    from .paths import APP_NAME, ORG_NAME

    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if not args.screenshot:
        install_crash_dialog()  # before the file is opened: whatever goes wrong from here shows
    from .practice_file import PracticeFileError  # app.db's, without importing SQLAlchemy before the sign-in
    from .services.practice_server import ServerAddress
    from .views.recent_practices import RecentPractices, where

    recent = RecentPractices()
    practice = None  # opened already: made in the wizard, or on a server
    user = None  # signed in already: the administrator of a practice just made in the wizard
    note = ""  # said in the window once it is up
    if not args.screenshot and not args.demo and (args.db is None or not args.db.exists()):
        from .views import first_start

        last = recent.last() if args.db is None else None
        chosen = first_start.connect_to_server(last) if isinstance(last, ServerAddress) else None
        if last is not None and not isinstance(last, ServerAddress):
            args.db = last
        elif chosen is None:  # also when the server of the last practice was not opened: the other ways
            chosen = first_start.ask(args.db)
            if chosen is None:
                return 0
        if chosen is not None:
            args.db, args.demo, practice, user, note = (chosen.path, chosen.demo, chosen.practice, chosen.user,
                                                        chosen.note)
    if practice is None:
        if not args.screenshot and not args.demo and args.db is not None and args.db.exists():
            from .views.network_share_warning import confirm_network_file

            if not confirm_network_file(args.db):
                return 0
        from .startup import opens_behind_sign_in, sign_in_while_opening

        if opens_behind_sign_in(args):  # the sign-in shown at once, the practice opened and checked behind it
            return sign_in_while_opening(app, args, recent, note)
        try:
            practice, is_demo = open_practice(args)
        except PracticeFileError as exc:
            return refuse(exc, show_dialog=not args.screenshot)
    else:
        is_demo = False
    today = args.date or date.today()
    from .services.people import users
    from .views.main_window import MainWindow

    if args.screenshot:
        from PySide6.QtCore import QSettings

        user = users.first_admin(practice)
        scratch = QSettings(str(args.screenshot.with_suffix(".ini")), QSettings.Format.IniFormat)
        window = MainWindow(practice, user, today, settings=scratch, view=args.view or "month", auto_backup=False)
        window.resize(1400, 880)
        window.show()
        app.processEvents()
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(args.screenshot))
        Path(scratch.fileName()).unlink(missing_ok=True)
        print(f"wrote {args.screenshot}" if ok else f"could not write {args.screenshot}")
        return 0 if ok else 1

    recent.add(where(practice))
    if user is not None:
        return show_main_window(app, MainWindow(practice, user, args.date, view=args.view), note)
    from .views.login_dialog import LoginDialog

    hint = ""
    if is_demo:
        from .demo import DEMO_PASSWORD, DEMO_USERNAME

        hint = f"Demo practice: sign in as <b>{DEMO_USERNAME}</b> with password <b>{DEMO_PASSWORD}</b>."
    elif practice.path is None:
        from html import escape

        hint = f"On the practice server: {escape(where(practice).label)}"
    login = LoginDialog(practice, practice.settings()["practice_name"], hint)
    if is_demo:
        login.username.setText(DEMO_USERNAME)
        login.password.setFocus()
    if login.exec() != QDialog.DialogCode.Accepted:
        return 0
    return show_main_window(app, MainWindow(practice, login.user, args.date, view=args.view), note)


def show_main_window(app, window, note: str = "") -> int:
    follow_successors(window)
    window.show()
    if note:
        window.statusBar().showMessage(note, 20000)
    return app.exec()


def follow_successors(window) -> list:
    """After File ▸ Sign Out or a restore, the next user's window replaces the old one (which
    signs them in itself, ``MainWindow.sign_in_again``); when that sign-in is cancelled the app
    quits. This holds the window in use and frees each one it replaced, so signing in and out all
    day keeps one window's worth of memory. Returns the holder (``[window in use]``)."""
    from PySide6.QtWidgets import QApplication

    held = [window]
    retired: list = []  # kept one round, until Qt has deleted it

    def replaced(new) -> None:
        if new is None:  # nobody signed in after a sign out or a restore
            QApplication.quit()
            return
        old = held[0]
        retired[:] = [old]
        held[0] = new
        new.replaced.connect(replaced)
        old.deleteLater()

    window.replaced.connect(replaced)
    return held


if __name__ == "__main__":
    sys.exit(main())

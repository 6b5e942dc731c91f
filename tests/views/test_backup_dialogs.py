"""SPEC 0.7: File > Back Up Now and File > Restore From Backup, driven with real clicks; after a
restore the main window asks everyone to sign in again and a fresh window shows the restored data."""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QPushButton

from app import paths
from app.services import backups
from app.services.errors import Busy
from app.services.money import ledger
from app.services.people import clients, users
from app.views.backup_dialog import BackupDialog
from app.views.main_window import MainWindow
from app.views.restore_dialog import RestoreDialog
from tests.conftest import ADMIN_PASSWORD
from tests.views.modal import answer_modal

pytestmark = pytest.mark.sqlite_only(reason="backups are copies of the practice file")


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    folder = tmp_path / "user data"
    monkeypatch.setattr(paths, "data_dir", lambda: folder)
    return folder


@pytest.fixture
def opened_urls(monkeypatch):
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toLocalFile()))
    return urls


@pytest.fixture
def alice(practice, make, admin):
    c = make.client("Alice", "Smith")
    ledger.record_payment(practice, admin, c.id, 20000, "cash")
    return c


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click_row(qtbot, d: RestoreDialog, row: int) -> None:
    rect = d.table.visualRect(d.model.index(row, 0))
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def cells(d: RestoreDialog, row: int) -> list[str]:
    return [d.model.data(d.model.index(row, c)) for c in range(d.model.columnCount())]


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- Back Up Now ------------------------------------------------------------------------------------
def test_spec_0_7_back_up_now_says_where_the_backup_went(qtbot, practice, admin, opened_urls):
    d = show(qtbot, BackupDialog.back_up(practice, admin))
    [made] = backups.list_backups(practice, admin)
    assert made.kind == "manual"
    assert d.file_label.text() == made.path.name == "practice 2026-01-01 0700-00 manual.sqlite"
    assert d.folder_label.text() == str(practice.path.parent / "practice backups")
    assert d.size_label.text().endswith("kB") and d.size_label.text()[0].isdigit()
    click(qtbot, d.open_folder_button)
    assert opened_urls == [str(made.path.parent)]
    click(qtbot, d.findChild(QPushButton, "backupClose"))
    assert not d.isVisible()


def test_spec_0_7_a_backup_that_cannot_be_written_is_said_plainly(qtbot, practice, admin, tmp_path, monkeypatch):
    (practice.path.parent / "practice backups").write_text("in the way")
    (tmp_path / "not a folder").write_text("in the way too")
    monkeypatch.setattr(paths, "data_dir", lambda: tmp_path / "not a folder" / "data")
    d = show(qtbot, BackupDialog.back_up(practice, admin))
    assert d.heading.text() == "<b>The backup could not be made.</b>"
    assert d.error.text().startswith("Backup: No folder could be made for the backups")
    assert d.open_folder_button.isHidden()


# --- Restore From Backup ----------------------------------------------------------------------------
def test_spec_0_7_restore_dialog_without_backups_says_so(qtbot, practice, admin):
    d = show(qtbot, RestoreDialog(practice, admin))
    assert d.stack.currentWidget() is d.empty and d.empty.isVisible()
    assert "no backups of this practice yet" in d.empty.text()
    assert not d.restore_button.isEnabled() and d.open_folder_button.isHidden()


def test_spec_0_7_restore_lists_backups_and_restores_the_chosen_one_after_confirming(
        qtbot, practice, admin, alice, clock):
    first = backups.auto_backup(practice)  # 07:00 New York: $200 paid
    clock.advance(hours=2)
    ledger.record_payment(practice, admin, alice.id, 5000, "card")
    backups.backup_now(practice, admin)  # 09:00: $250
    clock.advance(hours=1)
    ledger.record_payment(practice, admin, alice.id, 100, "cash")  # now $251
    d = show(qtbot, RestoreDialog(practice, admin))
    assert cells(d, 0)[:2] == ["Thu 01 Jan 2026, 09:00", "Back Up Now"]
    assert cells(d, 1)[:2] == ["Thu 01 Jan 2026, 07:00", "Automatic"]
    assert cells(d, 1)[2].endswith("kB")
    assert d.where.text() == f"Backups are kept in {first.path.parent}"
    assert not d.restore_button.isEnabled()
    click_row(qtbot, d, 1)
    assert d.restore_button.isEnabled()

    said = answer_modal(qtbot, "confirmRestore", "confirmRestoreYes")
    click(qtbot, d.restore_button)

    assert "Go back to the backup taken Thu 01 Jan 2026, 07:00?" in said[0]
    assert "kept as a backup first" in said[0]
    assert ledger.client_balance(practice, admin, alice.id) == 20000
    assert d.restored is not None and d.restored.kept.kind == "before-restore"
    assert d.result() == RestoreDialog.DialogCode.Accepted


def test_spec_0_7_cancelling_the_confirmation_changes_nothing(qtbot, practice, admin, alice):
    backups.auto_backup(practice)
    ledger.record_payment(practice, admin, alice.id, 5000, "card")
    d = show(qtbot, RestoreDialog(practice, admin))
    click_row(qtbot, d, 0)
    answer_modal(qtbot, "confirmRestore", "confirmRestoreCancel")
    click(qtbot, d.restore_button)
    assert ledger.client_balance(practice, admin, alice.id) == 25000
    assert d.isVisible() and d.restored is None
    assert len(backups.list_backups(practice, admin)) == 1  # no before-restore copy either


def test_spec_0_7_a_damaged_backup_is_refused_plainly_without_asking(qtbot, practice, admin, alice):
    good = backups.auto_backup(practice)
    data = bytearray(good.path.read_bytes())
    data[4096 * 2:4096 * 4] = b"\x5a" * 8192
    good.path.write_bytes(bytes(data))
    before = sha(practice.path)
    d = show(qtbot, RestoreDialog(practice, admin))
    click_row(qtbot, d, 0)
    asked: list[str] = []
    d._confirm = lambda described: asked.append(described) or False  # a box here would block the click
    click(qtbot, d.restore_button)
    assert asked == []  # no confirmation for a backup that cannot be restored
    assert d.error.isVisible()
    assert d.error.text() == (f"Backup: \u201c{good.path.name}\u201d is damaged, so it cannot be restored. "
                              "Please choose another backup.")
    assert sha(practice.path) == before
    assert ledger.client_balance(practice, admin, alice.id) == 20000


def test_spec_0_7_a_restore_that_fails_after_confirming_says_why(qtbot, practice, admin, alice, monkeypatch):
    """Seen on a real display: after "Restore" in the confirmation, a refusal was shown and at once
    hidden again by the list's reload, so the dialog just sat there saying nothing."""
    backups.auto_backup(practice)
    d = show(qtbot, RestoreDialog(practice, admin))
    click_row(qtbot, d, 0)

    def refuse(practice, actor, path):
        backups.backup_now(practice, actor)  # a before-restore copy may be made before a refusal
        raise Busy()
    monkeypatch.setattr(backups, "restore_backup", refuse)
    answer_modal(qtbot, "confirmRestore", "confirmRestoreYes")
    click(qtbot, d.restore_button)
    assert d.isVisible() and d.restored is None
    assert d.model.rowCount() == 2  # the list shows the copy made on the way
    assert d.error.isVisible() and d.error.text() == Busy.MESSAGE


def test_spec_0_7_the_practice_file_itself_is_refused_without_asking(qtbot, practice, admin, alice, monkeypatch):
    """Other file… with the practice file itself: refused at once, not after "Go back to …?"."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(practice.path), ""))
    before = sha(practice.path)
    d = show(qtbot, RestoreDialog(practice, admin))
    asked: list[str] = []
    d._confirm = lambda described: asked.append(described) or False  # a box here would block the click
    click(qtbot, d.other_button)
    assert asked == []
    assert d.error.isVisible() and "is the practice file itself" in d.error.text()
    assert sha(practice.path) == before and backups.list_backups(practice, admin) == []


def test_spec_0_4_restore_says_busy_instead_of_waiting_for_the_other_desk(qtbot, practice, impatient, admin, alice):
    """Seen on a real display: while another desk held the write lock, Restore froze the window
    for as long as that desk held it (sqlite3's backup() retries a busy file without end), instead
    of waiting the busy timeout and saying another workstation is saving."""
    backups.auto_backup(practice)
    ledger.record_payment(practice, admin, alice.id, 5000, "card")
    d = show(qtbot, RestoreDialog(impatient, admin))
    click_row(qtbot, d, 0)
    answer_modal(qtbot, "confirmRestore", "confirmRestoreYes")
    lock = sqlite3.connect(practice.path, isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN IMMEDIATE")
    release = threading.Timer(2.0, lambda: lock.execute("ROLLBACK"))
    release.start()
    try:
        click(qtbot, d.restore_button)
        gave_up_while_held = lock.in_transaction  # the busy timeout (100 ms here), not the other desk's save
    finally:
        release.join()
        lock.close()
    assert gave_up_while_held
    assert d.restored is None and d.isVisible()
    assert d.error.isVisible() and d.error.text() == Busy.MESSAGE
    assert ledger.client_balance(practice, admin, alice.id) == 25000  # nothing was restored
    # nothing changed, so no "kept before a restore" copy is left behind
    assert [b.kind for b in backups.list_backups(practice, admin)] == ["auto"]


# --- the main window -------------------------------------------------------------------------------
@pytest.fixture
def open_window(qtbot, practice, qsettings):
    def _open(user):
        w = MainWindow(practice, user, date(2026, 1, 5), settings=qsettings, auto_backup=False)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        return w
    return _open


def user_view(practice, admin, user_id):
    return next(u for u in users.list_users(practice, admin) if u.id == user_id)


def test_spec_0_7_file_menu_comes_first_and_offers_restore_to_admins_only(practice, make, open_window):
    admin_window = open_window(users.first_admin(practice))
    menus = [a.menu().objectName() for a in admin_window.menuBar().actions()]
    assert menus[0] == "menuFile"
    file_menu = admin_window.menuBar().actions()[0].menu()
    assert [a.objectName() for a in file_menu.actions() if not a.isSeparator()] == [
        "actionNewPractice", "actionOpenPractice", "actionConnectServer", "actionOpenRecent", "actionBackUpNow",
        "actionRestore", "actionSignOut", "actionQuit"]
    sessions_menu = admin_window.menuBar().actions()[1].menu()
    assert "actionQuit" not in [a.objectName() for a in sessions_menu.actions()]
    assert admin_window.act_back_up.isEnabled() and admin_window.act_restore.isEnabled()
    w = open_window(user_view(practice, make.admin, make.user("staff").user_id))
    assert w.act_back_up.isEnabled() and not w.act_restore.isEnabled()
    pract = make.user("practitioner", practitioner_id=make.practitioner().id)
    w = open_window(user_view(practice, make.admin, pract.user_id))
    assert not w.act_back_up.isEnabled() and not w.act_restore.isEnabled()


def test_spec_0_7_the_window_backs_up_at_start_and_when_a_day_has_passed(qtbot, practice, qsettings, clock):
    w = MainWindow(practice, users.first_admin(practice), date(2026, 1, 5), settings=qsettings)
    qtbot.addWidget(w)
    admin = w.actor
    qtbot.waitUntil(lambda: len(backups.list_backups(practice, admin)) == 1)
    assert w.backup_timer.isActive()
    clock.advance(hours=5)
    w.backup_timer.timeout.emit()
    assert len(backups.list_backups(practice, admin)) == 1
    clock.advance(hours=19)
    w.backup_timer.timeout.emit()
    assert [b.kind for b in backups.list_backups(practice, admin)] == ["auto", "auto"]


def test_spec_0_7_a_failed_automatic_backup_is_said_in_the_status_bar(practice, open_window, tmp_path, monkeypatch):
    (practice.path.parent / "practice backups").write_text("in the way")
    (tmp_path / "not a folder").write_text("in the way too")
    monkeypatch.setattr(paths, "data_dir", lambda: tmp_path / "not a folder" / "data")
    w = open_window(users.first_admin(practice))
    w.auto_backup()
    assert w.statusBar().currentMessage().startswith(
        "The automatic backup could not be made. No folder could be made for the backups")


def fill_login(qtbot, username: str, password: str | None) -> list:
    """Once the sign-in dialog is up, sign in (or cancel it when ``password`` is None)."""
    seen: list = []

    def act():
        w = QApplication.activeModalWidget()
        if w is None or w.objectName() != "loginDialog":
            QTimer.singleShot(10, act)
            return
        seen.append(w)
        if password is None:
            w.reject()
            return
        w.username.setText(username)
        qtbot.keyClicks(w.password, password)
        button = w.findChild(QPushButton, "loginSubmit")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    QTimer.singleShot(0, act)
    return seen


def restore_from_window(qtbot, window, row: int = 0):
    click(qtbot, window.menuBar())  # focus, as a user would have
    window.act_restore.trigger()
    d = window.active_dialog
    qtbot.waitExposed(d)
    click_row(qtbot, d, row)
    answer_modal(qtbot, "confirmRestore", "confirmRestoreYes")
    return answer_modal(qtbot, "restoreDone", "restoreDoneOk"), d


def test_spec_0_7_after_a_restore_everyone_signs_in_again_to_a_fresh_window(
        qtbot, practice, admin, alice, make, open_window):
    window = open_window(users.first_admin(practice))
    backups.backup_now(practice, admin)
    bob = make.client("Bob", "Later")  # added after the backup: gone once it is restored
    ledger.record_payment(practice, admin, alice.id, 5000, "card")
    done, d = restore_from_window(qtbot, window)
    login = fill_login(qtbot, "admin", ADMIN_PASSWORD)
    click(qtbot, d.restore_button)
    qtbot.waitUntil(lambda: window.successor is not None, timeout=5000)
    qtbot.addWidget(window.successor)

    assert "has been restored" in done[0] and "kept as the backup" in done[0]
    assert "before-restore.sqlite" in done[0]
    assert login and not window.isVisible()
    assert window.successor.isVisible() and window.successor.user.username == "admin"
    assert not window.backup_timer.isActive()
    assert ledger.client_balance(practice, admin, alice.id) == 20000
    assert bob.id not in [c.id for c in clients.list_clients(practice, admin)]


def test_spec_0_7_not_signing_in_after_a_restore_closes_the_window(qtbot, practice, admin, alice, open_window):
    window = open_window(users.first_admin(practice))
    backups.backup_now(practice, admin)
    _done, d = restore_from_window(qtbot, window)
    login = fill_login(qtbot, "", None)
    click(qtbot, d.restore_button)
    qtbot.waitUntil(lambda: bool(login) and not window.isVisible(), timeout=5000)
    assert window.successor is None

"""SPEC 1.2: File ▸ Sign Out, then another user signs in without restarting the app; and the
admin's Settings ▸ Unlock or Reset a User… dialog, driven with real clicks."""
from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QPushButton

from app.services.errors import LoginFailed
from app.services.people import users
from app.views.main_window import MainWindow
from app.views.unlock_user_dialog import UnlockUserDialog
from tests.views.modal import when_modal

PASSWORD = "front-desk-pw"


@pytest.fixture
def ann(practice, admin):
    return users.create_user(practice, admin, "ann", "Ann Front", "staff", PASSWORD)


@pytest.fixture
def window(qtbot, practice, qsettings):
    w = MainWindow(practice, users.first_admin(practice), date(2026, 1, 5), settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def click(qtbot, widget, pos: QPoint | None = None) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos or QPoint(8, widget.height() // 2))


def choose_from_menu(qtbot, window, menu_name: str, action) -> None:
    """Click the menu's title in the menu bar, then the action in the menu that opens."""
    bar = window.menuBar()
    menu = window.findChild(QMenu, menu_name)
    click(qtbot, bar, bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    click(qtbot, menu, menu.actionGeometry(action).center())


def sign_in_when_asked(qtbot, username: str, password: str | None) -> list:
    """Once the sign-in dialog is up, type and click Sign in (or Cancel when ``password`` is None).
    Returns what it saw: the dialog and whether the window behind was on screen."""
    seen: list = []

    def act():
        w = QApplication.activeModalWidget()
        if w is None or w.objectName() != "loginDialog":
            QTimer.singleShot(10, act)
            return
        qtbot.waitExposed(w)
        seen.append((w, [m.isVisible() for m in QApplication.topLevelWidgets() if m.objectName() == "mainWindow"]))
        if password is None:
            click(qtbot, w.findChild(QPushButton, "loginCancel") or _cancel_button(w))
            return
        qtbot.keyClicks(w.username, username)
        qtbot.keyClicks(w.password, password)
        click(qtbot, w.findChild(QPushButton, "loginSubmit"))
    QTimer.singleShot(0, act)
    return seen


def _cancel_button(dialog) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")


# --- sign out ------------------------------------------------------------------------------------------
def test_spec_1_2_sign_out_and_another_user_signs_in_to_a_new_window(qtbot, window, ann):
    assert window.status_user.text() == "Signed in as Administrator (admin)"
    replaced = []
    window.replaced.connect(replaced.append)
    seen = sign_in_when_asked(qtbot, "ann", PASSWORD)
    choose_from_menu(qtbot, window, "menuFile", window.act_sign_out)
    qtbot.waitUntil(lambda: window.successor is not None, timeout=5000)
    new = window.successor
    qtbot.addWidget(new)

    [(dialog, behind)] = seen
    assert behind == [False]  # the admin's calendar was gone before the next person typed
    assert "signed out" in dialog.findChild(type(dialog.error), "loginHint").text()
    assert not window.isVisible() and new.isVisible()
    assert replaced == [new]
    assert new.user.username == "ann"
    assert new.status_user.text() == "Signed in as Ann Front (staff)"
    assert not new.act_unlock_users.isEnabled()  # the new user's rights, not the admin's


def test_spec_1_2_cancelling_the_sign_in_after_signing_out_closes_the_window(qtbot, window):
    replaced = []
    window.replaced.connect(replaced.append)
    seen = sign_in_when_asked(qtbot, "", None)
    choose_from_menu(qtbot, window, "menuFile", window.act_sign_out)
    qtbot.waitUntil(lambda: bool(seen) and not window.isVisible(), timeout=5000)
    assert window.successor is None
    assert replaced == [None]  # app.__main__ quits on this


def test_spec_1_2_sign_out_closes_the_open_dialogs_of_the_user_leaving(qtbot, window, ann):
    window.act_unlock_users.trigger()
    open_dialog = window.active_dialog
    qtbot.waitExposed(open_dialog)
    sign_in_when_asked(qtbot, "ann", PASSWORD)
    window.act_sign_out.trigger()
    qtbot.waitUntil(lambda: window.successor is not None, timeout=5000)
    qtbot.addWidget(window.successor)
    assert not any(d.isVisible() for d in QApplication.topLevelWidgets() if d.objectName() == "unlockUsersDialog")


def test_spec_1_2_file_menu_offers_sign_out_to_everyone(practice, make, qtbot, qsettings):
    pract = make.practitioner()
    pat = users.create_user(practice, make.admin, "pat", "Pat", "practitioner", PASSWORD, practitioner_id=pract.id)
    w = MainWindow(practice, pat, date(2026, 1, 5), settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    names = [a.objectName() for a in w.findChild(QMenu, "menuFile").actions() if not a.isSeparator()]
    assert names[-2:] == ["actionSignOut", "actionQuit"]
    assert w.act_sign_out.isEnabled() and not w.act_unlock_users.isEnabled()


# --- unlock or reset a user ------------------------------------------------------------------------------
def lock_out(practice, username: str) -> None:
    for _ in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            users.login(practice, username, "a wrong guess")


def click_row(qtbot, d: UnlockUserDialog, username: str) -> None:
    row = next(i for i, u in enumerate(d.model.rows) if u.username == username)
    rect = d.table.visualRect(d.model.index(row, 0))
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def status_of(d: UnlockUserDialog, username: str) -> str:
    row = next(i for i, u in enumerate(d.model.rows) if u.username == username)
    return d.model.data(d.model.index(row, 3))


def open_unlock_dialog(qtbot, window) -> UnlockUserDialog:
    choose_from_menu(qtbot, window, "menuSettings", window.act_unlock_users)
    d = window.active_dialog
    qtbot.waitExposed(d)
    assert isinstance(d, UnlockUserDialog)
    return d


def test_spec_1_2_admin_unlocks_a_locked_user_from_the_settings_menu(qtbot, practice, window, ann):
    lock_out(practice, "ann")
    d = open_unlock_dialog(qtbot, window)
    assert status_of(d, "ann").startswith("Locked until ")
    assert status_of(d, "admin") == "Yes"
    click_row(qtbot, d, "admin")
    assert not d.unlock_button.isEnabled()  # nothing to unlock
    click_row(qtbot, d, "ann")
    assert d.unlock_button.isEnabled()
    click(qtbot, d.unlock_button)

    assert status_of(d, "ann") == "Yes"
    assert d.done_label.text() == "Ann Front is unlocked and can sign in again now."
    assert users.login(practice, "ann", PASSWORD).username == "ann"


def test_spec_1_2_admin_resets_a_password_typed_twice(qtbot, practice, window, ann):
    lock_out(practice, "ann")
    d = open_unlock_dialog(qtbot, window)
    click_row(qtbot, d, "ann")

    def fill(reset):
        reset.new.setText("brand-new-pass")
        reset.repeat.setText("brand-new-typo")
        click(qtbot, reset.findChild(QPushButton, "resetSubmit"))
        assert reset.isVisible() and reset.error.text() == "New password: the two entries differ."
        reset.new.setText("short")
        reset.repeat.setText("short")
        click(qtbot, reset.findChild(QPushButton, "resetSubmit"))
        assert reset.isVisible() and reset.error.text().startswith("New password: must have at least 8")
        reset.new.clear()
        reset.repeat.clear()
        qtbot.keyClicks(reset.new, "brand-new-pass")
        qtbot.keyClicks(reset.repeat, "brand-new-pass")
        click(qtbot, reset.findChild(QPushButton, "resetSubmit"))

    seen = when_modal(qtbot, fill)
    click(qtbot, d.reset_button)
    assert seen and seen[0].objectName() == "resetPasswordDialog"
    assert d.done_label.text() == "Ann Front has a new password and can sign in with it."
    assert status_of(d, "ann") == "Yes"
    with pytest.raises(LoginFailed):
        users.login(practice, "ann", PASSWORD)
    assert users.login(practice, "ann", "brand-new-pass").username == "ann"


def test_spec_1_2_the_unlock_dialog_says_so_when_the_service_refuses(qtbot, practice, admin, ann):
    staff = ann.actor
    d = UnlockUserDialog(practice, staff)  # opened without the menu (which a staff member lacks)
    qtbot.addWidget(d)
    d.show()
    assert d.model.rows == [] and d.error.isVisible()
    assert "may not" in d.error.text()
    assert not d.unlock_button.isEnabled() and not d.reset_button.isEnabled()


def test_spec_1_2_the_app_follows_the_next_window_and_quits_when_nobody_signs_in(
        qtbot, practice, qsettings, ann, monkeypatch):
    from app.__main__ import follow_successors

    window = MainWindow(practice, users.first_admin(practice), date(2026, 1, 5), settings=qsettings,
                        auto_backup=False)  # not given to qtbot: follow_successors deletes it
    window.show()
    quits = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    held = follow_successors(window)
    sign_in_when_asked(qtbot, "ann", PASSWORD)
    window.act_sign_out.trigger()
    qtbot.waitUntil(lambda: window.successor is not None, timeout=5000)
    second = window.successor
    qtbot.addWidget(second)
    assert held == [second] and quits == []
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))  # the replaced window is freed
    sign_in_when_asked(qtbot, "", None)
    second.act_sign_out.trigger()
    qtbot.waitUntil(lambda: bool(quits), timeout=5000)
    assert held == [second] and second.successor is None and not second.isVisible()

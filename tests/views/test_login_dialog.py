"""Signing in through the real dialog (SPEC 1.2)."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.views.login_dialog import LoginDialog
from tests.conftest import ADMIN_PASSWORD


def _dialog(qtbot, practice):
    d = LoginDialog(practice, "Test Practice", hint="Demo: admin")
    qtbot.addWidget(d)
    d.show()
    return d


def test_right_password_signs_in(qtbot, practice):
    d = _dialog(qtbot, practice)
    qtbot.keyClicks(d.username, "admin")
    qtbot.keyClicks(d.password, ADMIN_PASSWORD)
    qtbot.keyClick(d.password, Qt.Key.Key_Return)
    assert d.result() == d.DialogCode.Accepted
    assert d.user.username == "admin" and d.user.role == "admin"


def test_wrong_password_shows_an_error_and_stays_open(qtbot, practice):
    d = _dialog(qtbot, practice)
    qtbot.keyClicks(d.username, "admin")
    qtbot.keyClicks(d.password, "not it")
    qtbot.mouseClick(d.findChild(QPushButton, "loginSubmit"), Qt.MouseButton.LeftButton)
    assert d.isVisible() and d.user is None
    assert d.error.text() == "Unknown user name or wrong password."
    assert d.password.text() == ""


def test_lockout_message_after_repeated_failures(qtbot, practice):
    d = _dialog(qtbot, practice)
    qtbot.keyClicks(d.username, "admin")
    for _ in range(5):
        qtbot.keyClicks(d.password, "wrong")
        qtbot.keyClick(d.password, Qt.Key.Key_Return)
    qtbot.keyClicks(d.password, ADMIN_PASSWORD)
    qtbot.keyClick(d.password, Qt.Key.Key_Return)
    assert d.user is None
    assert "locked" in d.error.text()

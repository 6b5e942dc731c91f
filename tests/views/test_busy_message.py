"""When another workstation holds the practice too long, a form says so plainly and keeps what
the user typed, so the same Save can simply be pressed again (SPEC 0.4)."""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.services.errors import Busy
from app.views.login_dialog import LoginDialog
from tests.conftest import ADMIN_PASSWORD
from tests.races import other_desk_saving
from tests.views.test_client_picker import click as click_client
from tests.views.test_session_dialog import day_sessions, open_dialog, save


def test_session_dialog_says_busy_and_keeps_the_form(qtbot, practice, impatient, admin, make):  # SPEC 0.4
    pract = make.practitioner("Dr. Ana Ruiz")
    make.client("Alice", "Smith")
    make.service("Therapy 50 min")
    d = open_dialog(qtbot, impatient, admin, start=datetime(2026, 1, 5, 9), end=datetime(2026, 1, 5, 9, 50),
                    practitioner_id=pract.id)
    click_client(qtbot, d.clients, "Smith")
    qtbot.keyClicks(d.public_note, "Bring the workbook")

    with other_desk_saving(practice):
        save(qtbot, d)
        assert d.isVisible() and d.result() != d.DialogCode.Accepted
        assert d.error.isVisible() and d.error.text() == Busy.MESSAGE
        assert day_sessions(practice, admin, date(2026, 1, 5)) == []
    assert d.public_note.toPlainText() == "Bring the workbook"
    assert d.clients.summary.text() == "1 client: single session"

    save(qtbot, d)  # the other desk is done: the same Save goes through
    assert d.result() == d.DialogCode.Accepted
    [s] = day_sessions(practice, admin, date(2026, 1, 5))
    assert s.public_note == "Bring the workbook" and s.client_names == "Alice Smith"


def test_sign_in_says_busy_instead_of_crashing(qtbot, practice, impatient):  # SPEC 0.4
    dialog = LoginDialog(impatient, "Test Practice")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("admin")
    dialog.password.setText(ADMIN_PASSWORD)
    with other_desk_saving(practice):
        qtbot.mouseClick(dialog.findChild(QPushButton, "loginSubmit"), Qt.MouseButton.LeftButton)
        assert dialog.error.text() == Busy.MESSAGE and dialog.user is None
    dialog.password.setText(ADMIN_PASSWORD)  # a refused sign-in clears the password, as it should
    qtbot.mouseClick(dialog.findChild(QPushButton, "loginSubmit"), Qt.MouseButton.LeftButton)
    assert dialog.user is not None and dialog.user.username == "admin"



def test_sign_in_grows_to_show_the_whole_busy_message(qtbot, practice, impatient):  # SPEC 0.4
    """The busy message wraps to two lines; the dialog must grow for it, not squeeze its rows
    into each other (seen on a real X display: the heading overlapped the user name)."""
    dialog = LoginDialog(impatient, "Test Practice")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.username.setText("admin")
    dialog.password.setText(ADMIN_PASSWORD)
    with other_desk_saving(practice):
        qtbot.mouseClick(dialog.findChild(QPushButton, "loginSubmit"), Qt.MouseButton.LeftButton)
    qtbot.wait(50)  # let the layout settle
    label = dialog.error
    assert label.isVisible() and label.text() == Busy.MESSAGE
    assert label.height() >= label.heightForWidth(label.width())  # every line of it shows
    assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())

"""SPEC 1.5: a new practice is set up from the app itself (the wizard, driven with real keys and
clicks), its administrator signs in; a wrong field is said under itself and makes no file (SPEC
0.5, 0.7); File ▸ Open Recent reopens a practice; ``--db`` on a missing file offers to create it,
and without ``--db`` the practice opened last opens again."""
from __future__ import annotations

import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QMenu, QPushButton, QWizard

from app import __main__ as start
from app.services.people import users
from app.services.practice import Practice
from app.views.login_dialog import LoginDialog
from app.views.main_window import MainWindow
from app.views.new_practice_wizard import OPEN_DEMO, NewPracticeWizard
from app.views.recent_practices import RecentPractices
from app.views.widgets.timezone_box import TimeZoneBox
from tests.conftest import ADMIN_PASSWORD
from tests.views.modal import when_modal
from tests.views.test_sign_out import choose_from_menu, sign_in_when_asked

pytestmark = pytest.mark.sqlite_only(reason="creates and opens practice files")

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)  # 10:30 in New York
PASSWORD = "harbour-2026"


def click(qtbot, widget, pos: QPoint | None = None) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos or QPoint(8, widget.height() // 2))


def type_into(qtbot, widget, text: str) -> None:
    """Click into the field, select what is there, and type over it."""
    click(qtbot, widget)
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(widget, text)
    else:
        qtbot.keyClick(widget, Qt.Key.Key_Delete)


def next_page(qtbot, wizard) -> None:
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))


def make_wizard(qtbot, tmp_path, **kw) -> NewPracticeWizard:
    w = NewPracticeWizard(folder=tmp_path / "Documents", now=NOW, **kw)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def fill_practice_page(qtbot, w, name="Harbour Street Therapy") -> None:
    type_into(qtbot, w.name, name)
    click(qtbot, w.address)
    qtbot.keyClicks(w.address, "12 Harbour Street")
    qtbot.keyClick(w.address, Qt.Key.Key_Return)
    qtbot.keyClicks(w.address, "Portland, ME 04101")


def fill_zone_page(qtbot, w, zone="new y", locale="de_DE") -> None:
    type_into(qtbot, w.timezone.search, zone)
    type_into(qtbot, w.locale.lineEdit(), locale)
    close_suggestions(qtbot, w.locale)


def close_suggestions(qtbot, combo) -> None:
    """Escape closes the completer's list of suggestions (only then: it would cancel the wizard)."""
    popup = combo.completer().popup()
    if popup.isVisible():
        qtbot.keyClick(popup, Qt.Key.Key_Escape)


def fill_admin_page(qtbot, w, password2=PASSWORD) -> None:
    type_into(qtbot, w.username, "maria")
    type_into(qtbot, w.display_name, "Maria Lopez")
    type_into(qtbot, w.password, PASSWORD)
    type_into(qtbot, w.password2, password2)


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- the wizard --------------------------------------------------------------------------------------------
def test_spec_1_5_wizard_makes_a_practice_and_its_admin_signs_in(qtbot, tmp_path):
    w = make_wizard(qtbot, tmp_path)
    fill_practice_page(qtbot, w)
    next_page(qtbot, w)
    assert w.currentId() == w.ZONE_MONEY
    fill_zone_page(qtbot, w)
    assert w.timezone.zone() == "America/New_York"
    assert w.currency.code() == "EUR"  # the region's currency came with it
    assert w.sample.text().count("1.234,50\xa0€") == 1
    next_page(qtbot, w)
    assert w.currentId() == w.ADMIN
    fill_admin_page(qtbot, w)
    next_page(qtbot, w)
    assert w.currentId() == w.FILE
    path = tmp_path / "Documents" / "Practice Desk" / "Harbour Street Therapy.sqlite"
    assert Path(w.path.text()) == tmp_path / "Documents" / "Harbour Street Therapy.sqlite"
    type_into(qtbot, w.path, str(path))  # a folder of its own, made on the way
    assert "Harbour Street Therapy" in w.summary.text() and "maria" in w.summary.text()
    assert not path.exists()  # nothing is written before Create Practice
    click(qtbot, w.button(QWizard.WizardButton.FinishButton))

    assert w.result() == QDialog.DialogCode.Accepted and not w.isVisible()
    assert path.is_file()
    assert (w.user.username, w.user.display_name, w.user.role) == ("maria", "Maria Lopez", "admin")
    conf = w.practice.settings()
    assert (conf["practice_name"], conf["timezone"], conf["currency"], conf["locale"]) == (
        "Harbour Street Therapy", "America/New_York", "EUR", "de_DE")
    assert conf["practice_address"] == "12 Harbour Street\nPortland, ME 04101"
    w.practice.close()

    # later: the administrator signs in with the password typed in the wizard
    practice = Practice.open(path)
    try:
        login = LoginDialog(practice, practice.settings()["practice_name"])
        qtbot.addWidget(login)
        login.show()
        qtbot.keyClicks(login.username, "maria")
        qtbot.keyClicks(login.password, PASSWORD)
        click(qtbot, login.findChild(QPushButton, "loginSubmit"))
        assert login.result() == QDialog.DialogCode.Accepted
        assert (login.user.username, login.user.role) == ("maria", "admin")
    finally:
        practice.close()


def test_spec_1_5_passwords_that_differ_are_said_and_no_file_is_made(qtbot, tmp_path):
    w = make_wizard(qtbot, tmp_path)
    fill_practice_page(qtbot, w)
    next_page(qtbot, w)
    fill_zone_page(qtbot, w)
    next_page(qtbot, w)
    fill_admin_page(qtbot, w, password2=PASSWORD + "x")
    next_page(qtbot, w)
    assert w.currentId() == w.ADMIN  # held on the page
    assert w.errors["repeat password"].isVisible()
    assert w.errors["repeat password"].text() == "The two passwords differ. Type the same password twice."
    assert not w.errors["password"].isVisible()

    type_into(qtbot, w.password, "short")
    type_into(qtbot, w.password2, "short")
    next_page(qtbot, w)
    assert w.currentId() == w.ADMIN
    assert w.errors["password"].text() == "Password: must have at least 8 characters"
    assert not w.errors["repeat password"].isVisible()  # the old message went once it no longer held
    assert files_in(tmp_path) == []


def test_spec_1_5_an_unknown_time_zone_typed_is_said_and_no_file_is_made(qtbot, tmp_path):
    w = make_wizard(qtbot, tmp_path)
    fill_practice_page(qtbot, w)
    next_page(qtbot, w)
    fill_zone_page(qtbot, w, zone="Mars/Olympus")
    assert w.timezone.chosen.text().startswith("No time zone matches")
    next_page(qtbot, w)
    assert w.currentId() == w.ZONE_MONEY
    assert w.errors["time zone"].isVisible()
    assert w.errors["time zone"].text() == ("No time zone is called \u201cMars/Olympus\u201d. "
                                            "Type a city such as New York or London.")
    type_into(qtbot, w.timezone.search, "berlin")
    next_page(qtbot, w)
    assert w.currentId() == w.ADMIN and not w.errors["time zone"].isVisible()
    assert files_in(tmp_path) == []


def test_spec_1_5_a_file_that_exists_is_refused_under_the_file_field(qtbot, tmp_path, template_db):
    taken = tmp_path / "taken.sqlite"
    shutil.copy(template_db, taken)
    before = taken.read_bytes()
    w = make_wizard(qtbot, tmp_path)
    fill_practice_page(qtbot, w)
    next_page(qtbot, w)
    fill_zone_page(qtbot, w)
    next_page(qtbot, w)
    fill_admin_page(qtbot, w)
    next_page(qtbot, w)
    type_into(qtbot, w.path, str(taken))
    click(qtbot, w.button(QWizard.WizardButton.FinishButton))
    assert w.isVisible() and w.currentId() == w.FILE
    assert "already exists" in w.errors["practice file"].text()
    assert w.practice is None and taken.read_bytes() == before


def test_spec_1_5_an_empty_practice_name_is_said_on_the_first_page(qtbot, tmp_path):
    w = make_wizard(qtbot, tmp_path)
    next_page(qtbot, w)
    assert w.currentId() == w.PRACTICE
    assert w.errors["practice name"].text() == "Practice name: is required"


def test_spec_1_5_first_start_offers_the_demo_in_one_click(qtbot, tmp_path):
    w = make_wizard(qtbot, tmp_path, first_start=True)
    click(qtbot, w.findChild(QPushButton, "openDemo"))
    assert w.result() == OPEN_DEMO and not w.isVisible()
    assert files_in(tmp_path) == []


def test_spec_1_5_from_the_file_menu_the_wizard_has_no_demo_button(qtbot, tmp_path):
    w = make_wizard(qtbot, tmp_path)
    assert w.findChild(QPushButton, "openDemo") is None


# --- time zone search and the sample amount ------------------------------------------------------------------
def test_spec_1_5_time_zone_search(qtbot):
    box = TimeZoneBox("UTC", now=NOW)
    qtbot.addWidget(box)
    box.show()
    assert box.zone() == "UTC"
    qtbot.keyClicks(box.search, "new y")
    assert box.zone() == "America/New_York"
    assert box.proxy.rowCount() == 1
    assert "10:30" in box.chosen.text() and "New York" in box.chosen.text()
    box.search.clear()
    qtbot.keyClicks(box.search, "america/new")  # also as the IANA name is written
    assert box.zone() == "America/New_York"
    box.search.clear()
    qtbot.keyClicks(box.search, "new")
    assert box.proxy.rowCount() > 1 and box.zone() == "America/New_York"
    qtbot.keyClick(box.search, Qt.Key.Key_Down)  # the keyboard moves through what was found
    assert box.zone() == box.proxy.index(1, 0).data(Qt.ItemDataRole.UserRole) != "America/New_York"
    box.search.clear()
    qtbot.keyClicks(box.search, "BERLIN")
    assert box.zone() == "Europe/Berlin"
    box.search.clear()
    qtbot.keyClicks(box.search, "Mars/Olympus")
    assert box.zone() == "Mars/Olympus" and box.proxy.rowCount() == 0


def test_spec_1_5_time_zone_list_is_clickable(qtbot):
    box = TimeZoneBox("UTC", now=NOW)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    qtbot.keyClicks(box.search, "tokyo")
    rect = box.list.visualRect(box.proxy.index(0, 0))
    box.list.clearSelection()
    qtbot.mouseClick(box.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert box.zone() == "Asia/Tokyo"


def test_spec_1_5_sample_amount_follows_currency_and_locale(qtbot, tmp_path):
    w = make_wizard(qtbot, tmp_path)
    w.locale.set_code("en_US")
    w.currency.set_code("USD")
    assert "$1,234.50" in w.sample.text()
    type_into(qtbot, w.currency.lineEdit(), "JPY")
    close_suggestions(qtbot, w.currency)
    assert "¥1,234" in w.sample.text()
    type_into(qtbot, w.currency.lineEdit(), "ZZZ")
    assert "choose a currency" in w.sample.text()


# --- Open Recent and Open Practice -------------------------------------------------------------------------
@pytest.fixture
def window(qtbot, practice, qsettings):
    w = MainWindow(practice, users.first_admin(practice), date(2026, 1, 5), settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def other_practice(tmp_path, name="Second Practice", folder="elsewhere") -> Path:
    path = tmp_path / folder / "second.sqlite"
    users.create_practice(path, name, "Europe/Berlin", "greta", "greta-password", currency="EUR",
                          locale="de_DE").close()
    return path


def test_spec_1_5_recent_practices_reopen_from_the_file_menu(qtbot, window, qsettings, tmp_path):
    second = other_practice(tmp_path)
    gone = tmp_path / "gone.sqlite"
    recent = RecentPractices(qsettings)
    for p in (gone, second, window.practice.path):
        recent.add(p)
    assert recent.paths()[:3] == [Path(window.practice.path), second, gone]

    menu = window.findChild(QMenu, "menuRecent")
    choose_from_menu(qtbot, window, "menuFile", menu.menuAction())
    qtbot.waitUntil(menu.isVisible)
    entries = {a.objectName(): a for a in menu.actions() if a.objectName().startswith("actionRecent")}
    assert entries["actionRecent1"].isChecked()  # the one open here
    assert entries["actionRecent2"].isEnabled() and "second.sqlite" in entries["actionRecent2"].text()
    assert not entries["actionRecent3"].isEnabled() and "(missing)" in entries["actionRecent3"].text()

    seen = sign_in_when_asked(qtbot, "greta", "greta-password")
    click(qtbot, menu, menu.actionGeometry(entries["actionRecent2"]).center())
    qtbot.waitUntil(lambda: window.successor is not None, timeout=5000)
    new = window.successor
    qtbot.addWidget(new)
    assert seen and any("Second Practice" in label.text() for label in seen[0][0].findChildren(QLabel))
    assert Path(new.practice.path) == second and new.user.username == "greta"
    assert new.windowTitle() == "Second Practice \u2014 Practice Desk"
    assert not window.isVisible() and new.isVisible()
    assert recent.paths()[0] == second  # the last opened comes first, and opens at the next start
    assert recent.last() == second
    new.practice.close()


def test_spec_1_5_open_practice_refuses_a_file_that_is_no_practice(qtbot, window, qsettings, tmp_path):
    junk = tmp_path / "notes.sqlite"
    junk.write_bytes(b"just some notes")
    seen = []

    def read(box):
        seen.append(box.informativeText())
        click(qtbot, box.findChild(QPushButton, "refusedFileOk"))



    when_modal(qtbot, read)
    window.open_practice(junk)
    assert seen and "notes.sqlite" in seen[0]
    assert window.isVisible() and window.successor is None
    assert junk.read_bytes() == b"just some notes"
    assert RecentPractices(qsettings).paths() == []


def test_spec_1_5_open_practice_chosen_in_the_file_dialog(qtbot, window, qsettings, tmp_path):
    second = other_practice(tmp_path, folder="")  # beside the open one: the dialog starts in its folder

    names = []

    def choose(dialog):
        names.append(dialog.objectName())
        name_field = dialog.findChild(QLineEdit, "fileNameEdit")  # Qt's own file dialog: its name line
        qtbot.keyClicks(name_field, second.name)
        popup = name_field.completer().popup()
        if popup.isVisible():  # the folder's suggestions: Escape closes them, as a person would
            qtbot.keyClick(popup, Qt.Key.Key_Escape)
        sign_in_when_asked(qtbot, "greta", "greta-password")
        qtbot.keyClick(name_field, Qt.Key.Key_Return)



    when_modal(qtbot, choose)
    choose_from_menu(qtbot, window, "menuFile", window.act_open_practice)
    qtbot.waitUntil(lambda: window.successor is not None, timeout=5000)
    qtbot.addWidget(window.successor)
    assert names == ["practiceFileDialog"]
    assert Path(window.successor.practice.path) == second
    assert RecentPractices(qsettings).paths() == [second]
    window.successor.practice.close()


# --- starting the app -----------------------------------------------------------------------------------------
@pytest.fixture
def app_settings(tmp_path, monkeypatch):
    """main() names the application and reads QSettings(): both go to the test's folder and back."""
    import os

    names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    folder = tmp_path / "config"
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # main() installs the crash dialog
    yield folder
    default = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, default)
    QCoreApplication.setOrganizationName(names[0])
    QCoreApplication.setApplicationName(names[1])


def when_named(qtbot, name: str, handler) -> list:
    """Run ``handler(widget)`` once the modal dialog called ``name`` is up (others are left alone);
    the wizard itself stays open after it (its pages go on)."""
    return when_modal(qtbot, handler, name, close_after=name != "newPracticeWizard", tries=500)


def close_main_window_when_up(qtbot) -> list:
    """The real main() ends in app.exec(): once its window is up, note it and close it."""
    seen: list = []

    def run():
        up = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible()]
        if not up:
            QTimer.singleShot(20, run)
            return
        seen.append((up[0].windowTitle(), up[0].user.username))
        up[0].close()
        up[0].deleteLater()  # gone for the tests after this one (they count the main windows)
    QTimer.singleShot(0, run)
    return seen


def deleted_later() -> None:
    """Run the deletions main() left queued once its event loop ended."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_spec_1_5_db_on_a_missing_file_offers_to_create_it(qtbot, tmp_path, app_settings):
    path = tmp_path / "new practice.sqlite"

    def fill(w):
        assert Path(w.path.text()) == path  # the file named on the command line
        assert w.findChild(QPushButton, "openDemo") is None
        fill_practice_page(qtbot, w, "Lakeside Tutoring")
        next_page(qtbot, w)
        fill_zone_page(qtbot, w, zone="chicago", locale="en_US")
        next_page(qtbot, w)
        fill_admin_page(qtbot, w)
        next_page(qtbot, w)
        click(qtbot, w.button(QWizard.WizardButton.FinishButton))

    boxes = when_named(qtbot, "createMissingBox", lambda box: click(qtbot, box.findChild(QPushButton,
                                                                                         "createMissingYes")))
    wizards = when_named(qtbot, "newPracticeWizard", fill)
    windows = close_main_window_when_up(qtbot)
    code = start.main(["--db", str(path)])
    deleted_later()
    assert code == 0
    assert boxes and str(path) in boxes[0].text()
    assert wizards and path.is_file()
    # the administrator was signed in straight away with the password just typed twice
    assert windows == [("Lakeside Tutoring \u2014 Practice Desk", "maria")]
    assert RecentPractices().last() == path


def test_spec_1_5_db_on_a_missing_file_declined_makes_nothing(qtbot, tmp_path, app_settings):
    path = tmp_path / "typo.sqlite"
    boxes = when_named(qtbot, "createMissingBox",
                       lambda box: click(qtbot, box.findChild(QPushButton, "createMissingCancel")))
    assert start.main(["--db", str(path)]) == 0
    assert boxes and not path.exists() and files_in(tmp_path) == files_in(tmp_path / "config")


def test_spec_1_5_first_start_shows_the_wizard_then_the_last_practice_opens(qtbot, tmp_path, app_settings,
                                                                           template_db):
    demo_offered = []

    def cancel(w):
        demo_offered.append(w.findChild(QPushButton, "openDemo").isVisible())
        click(qtbot, w.button(QWizard.WizardButton.CancelButton))

    seen = when_named(qtbot, "newPracticeWizard", cancel)
    assert start.main([]) == 0
    assert seen and demo_offered == [True]
    assert files_in(tmp_path) == files_in(app_settings)  # cancelled: no practice anywhere

    last = tmp_path / "ours.sqlite"
    shutil.copy(template_db, last)
    RecentPractices().add(last)
    def sign_in(dialog):
        qtbot.keyClicks(dialog.username, "admin")
        qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
        click(qtbot, dialog.findChild(QPushButton, "loginSubmit"))

    logins = when_named(qtbot, "loginDialog", sign_in)
    windows = close_main_window_when_up(qtbot)
    assert start.main([]) == 0
    deleted_later()
    assert logins and Path(logins[0].practice.path) == last
    assert windows == [("Test Practice — Practice Desk", "admin")]

"""File ▸ Connect to Practice Server… and the network-share warning (issue 17 item 1), driven with real
typing and clicks: each bad field said under itself; Test Connection and Connect run off the GUI thread
against a real PostgreSQL server that asks for passwords (tests/password_pg.py); the password goes to
the keyring (an in-memory one here) and never to the recent-practices settings; Open Recent reconnects
with it; a practice file on a network share (a made-up mounts table) opens only after a warning."""
from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QPushButton

from app import __main__ as start
from app.integrations import keyring_store
from app.services import network_share
from app.services import practice_server as ps
from app.services.people import users
from app.views.main_window import MainWindow
from app.views.recent_practices import RecentPractices
from app.views.server_connection_dialog import ServerConnectionDialog
from tests.messaging_servers import memory_keyring, no_keyring  # noqa: F401
from tests.password_pg import DESK, DESK_PASSWORD
from tests.views.keys import type_over
from tests.views.modal import when_modal
from tests.views.test_new_practice_wizard import (  # noqa: F401
    app_settings,
    click,
    close_main_window_when_up,
    deleted_later,
    other_practice,
)
from tests.views.test_sign_out import choose_from_menu, sign_in_when_asked

NAME = "Harbour Street Therapy"
SERVER_ADMIN, SERVER_ADMIN_PASSWORD = "sam", "server admin pw"


@pytest.fixture(scope="module")
def on_server(password_pg):
    db = f"pdview{os.getpid()}_practice"
    url = password_pg.new_database(db)
    users.create_practice_on_server(url, NAME, "Europe/Dublin", SERVER_ADMIN, SERVER_ADMIN_PASSWORD).close()
    yield ps.ServerAddress(password_pg.host, password_pg.port, db, DESK)
    password_pg.admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def make_dialog(qtbot, **kw) -> ServerConnectionDialog:
    d = ServerConnectionDialog(**kw)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def fill(qtbot, d, host, port, database, user, password) -> None:
    for field, value in ((d.host, host), (d.port, port), (d.database, database), (d.user, user),
                         (d.password, password)):
        type_over(qtbot, field, value)


def when_up(qtbot, name: str, handler) -> list:
    """Run ``handler(widget)`` once the modal dialog ``name`` is up; closes it only if the handler failed."""
    return when_modal(qtbot, handler, name, close_after=False)


def wait_call(qtbot, d) -> None:
    qtbot.waitUntil(lambda: d.call is not None and not d.call.running, timeout=20_000)


# -- the dialog -----------------------------------------------------------------------------------------

def test_each_bad_field_is_said_under_itself_and_nothing_is_tried(qtbot, memory_keyring):  # noqa: F811
    d = make_dialog(qtbot)
    fill(qtbot, d, "db lan", "5432", "practice", "anna", "pw")
    click(qtbot, d.test_button)
    assert d.errors["server"].isVisible() and d.errors["server"].text().startswith("Server must be a computer name")
    assert d.call is None and d.focusWidget() is d.host
    type_over(qtbot, d.host, "db.lan")
    type_over(qtbot, d.port, "99999")
    click(qtbot, d.connect_button)
    assert not d.errors["server"].isVisible()
    assert d.errors["port"].text() == "Port must be a whole number from 1 to 65535, usually 5432."
    type_over(qtbot, d.port, "5432")
    type_over(qtbot, d.database, "")
    click(qtbot, d.connect_button)
    assert d.errors["database"].text() == "Database is required."
    type_over(qtbot, d.database, "practice")
    type_over(qtbot, d.user, "")
    click(qtbot, d.test_button)
    assert d.errors["user name"].text() == "User name is required."
    assert d.call is None and d.isVisible() and memory_keyring.secrets == {}


def test_a_wrong_password_is_said_plainly_and_the_test_runs_off_the_gui_thread(qtbot, on_server, memory_keyring,  # noqa: F811
                                                                               monkeypatch):
    threads = []
    real = ps.try_connection

    def spy(*args):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args)

    monkeypatch.setattr(ps, "try_connection", spy)
    d = make_dialog(qtbot)
    fill(qtbot, d, on_server.host, str(on_server.port), on_server.database, DESK, "not the password")
    click(qtbot, d.test_button)
    wait_call(qtbot, d)
    assert threads == [False]
    assert d.status.isVisible() and d.status.text() == (
        f"The server refused the password for the user \u201c{DESK}\u201d. Check the user name and the password, "
        "then try again.")
    assert d.focusWidget() is d.password and d.test_button.isEnabled() and d.connect_button.isEnabled()

    type_over(qtbot, d.password, DESK_PASSWORD)
    click(qtbot, d.test_button)
    wait_call(qtbot, d)
    assert d.status.text() == f"Connected: the database holds the practice \u201c{NAME}\u201d."
    assert d.isVisible() and memory_keyring.secrets == {}  # testing opens and keeps nothing


def test_a_missing_database_and_an_unreachable_server_are_said_plainly(qtbot, on_server, memory_keyring):  # noqa: F811
    d = make_dialog(qtbot)
    fill(qtbot, d, on_server.host, str(on_server.port), "no_such_db", DESK, DESK_PASSWORD)
    click(qtbot, d.connect_button)
    wait_call(qtbot, d)
    assert d.status.text().startswith("There is no database \u201cno_such_db\u201d on 127.0.0.1:")
    assert d.focusWidget() is d.database and d.isVisible() and d.opened is None
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    type_over(qtbot, d.port, str(closed))
    click(qtbot, d.connect_button)
    wait_call(qtbot, d)
    assert d.status.text().startswith(f"The server at 127.0.0.1:{closed} could not be reached.")
    assert memory_keyring.secrets == {}


def test_without_a_keyring_the_dialog_says_so(qtbot, no_keyring):  # noqa: F811
    d = make_dialog(qtbot)
    assert d.keyring_banner.isVisible()
    assert d.keyring_banner.text().startswith("This computer has no password store")
    assert "ask for the server's password each time" in d.keyring_banner.text()


# -- from the main window -----------------------------------------------------------------------------------

def test_connect_from_the_file_menu_sign_in_and_reconnect_from_open_recent(qtbot, window, qsettings, on_server,
                                                                           memory_keyring):  # noqa: F811
    def fill_and_connect(d):
        fill(qtbot, d, on_server.host, str(on_server.port), on_server.database, DESK, DESK_PASSWORD)
        click(qtbot, d.connect_button)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=20_000)

    dialogs = when_up(qtbot, "serverConnectionDialog", fill_and_connect)
    seen = sign_in_when_asked(qtbot, SERVER_ADMIN, SERVER_ADMIN_PASSWORD)
    choose_from_menu(qtbot, window, "menuFile", window.act_connect_server)
    qtbot.waitUntil(lambda: window.successor is not None, timeout=20_000)
    new = window.successor
    qtbot.addWidget(new)
    assert dialogs and seen
    assert new.practice.path is None and ps.ServerAddress.of_engine(new.practice.engine) == on_server
    assert new.user.username == SERVER_ADMIN and new.windowTitle() == f"{NAME} \u2014 Practice Desk"
    # the password: in the keyring, and nowhere in the settings of this computer
    assert memory_keyring.secrets == {(keyring_store.SERVICE, on_server.keyring_name): DESK_PASSWORD}
    assert RecentPractices(qsettings).entries()[0] == on_server
    qsettings.sync()
    stored = Path(qsettings.fileName()).read_text(encoding="utf-8")
    assert on_server.entry in stored and DESK_PASSWORD not in stored
    assert DESK_PASSWORD.split()[0] not in stored

    # another desk's day: the practice file window, then File ▸ Open Recent ▸ the server
    new.close()
    new.practice.close()
    other = MainWindow(window.practice, users.first_admin(window.practice), date(2026, 11, 24), settings=qsettings,
                       auto_backup=False)
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    menu = other.findChild(QMenu, "menuRecent")
    choose_from_menu(qtbot, other, "menuFile", menu.menuAction())
    qtbot.waitUntil(menu.isVisible)
    entry = next(a for a in menu.actions() if a.objectName() == "actionRecent1")
    assert entry.text() == f"&1 {on_server.database}   \u2014 on 127.0.0.1:{on_server.port} as {DESK}"
    assert DESK_PASSWORD not in entry.toolTip()
    typed = []
    again = when_up(qtbot, "serverConnectionDialog", lambda d: typed.append(d.password.text()))
    seen = sign_in_when_asked(qtbot, SERVER_ADMIN, SERVER_ADMIN_PASSWORD)
    click(qtbot, menu, menu.actionGeometry(entry).center())
    qtbot.waitUntil(lambda: other.successor is not None, timeout=20_000)
    qtbot.addWidget(other.successor)
    assert again and typed == [""] and seen  # nothing typed: the password came from the keyring
    assert ps.ServerAddress.of_engine(other.successor.practice.engine) == on_server
    other.successor.close()
    other.successor.practice.close()


def test_a_server_without_the_saved_password_asks_for_it_in_the_dialog(qtbot, window, qsettings, on_server,
                                                                       memory_keyring):  # noqa: F811
    RecentPractices(qsettings).add(on_server)  # opened here before; its password not kept

    said = []

    def read_then_cancel(d):
        qtbot.waitUntil(lambda: d.call is not None and not d.call.running and d.status.isVisible(), timeout=20_000)
        said.append((d.status.text(), d.host.text(), d.database.text(), d.user.text(), d.focusWidget() is d.password))
        click(qtbot, d.findChild(QPushButton, "serverCancel"))

    when_up(qtbot, "serverConnectionDialog", read_then_cancel)
    menu = window.findChild(QMenu, "menuRecent")
    choose_from_menu(qtbot, window, "menuFile", menu.menuAction())
    qtbot.waitUntil(menu.isVisible)
    entry = next(a for a in menu.actions() if a.objectName() == "actionRecent1")
    click(qtbot, menu, menu.actionGeometry(entry).center())
    qtbot.waitUntil(lambda: bool(said), timeout=20_000)
    assert said == [(f"The server asks for a password for the user \u201c{DESK}\u201d. Type it in the Password box.",
                     on_server.host, on_server.database, DESK, True)]
    assert window.successor is None and window.isVisible()


# -- a practice file on a network share ----------------------------------------------------------------------

@pytest.fixture
def share(tmp_path, monkeypatch):
    """``tmp_path/share`` is a CIFS mount, as /proc/mounts would say."""
    folder = tmp_path / "share"
    folder.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\n//nas/practice {str(folder.resolve()).replace(' ', chr(92) + '040')} "
                      "cifs rw,vers=3.1.1 0 0\n")
    monkeypatch.setattr(network_share, "MOUNTS_FILE", str(mounts))
    return folder


@pytest.mark.sqlite_only(reason="opens practice files")
def test_a_file_on_a_network_share_opens_only_after_a_warning(qtbot, window, qsettings, share):
    shared = other_practice(share, folder="")
    said = []

    def read_then(button):
        def act(box):
            said.append(" ".join((box.text(), box.informativeText())))
            click(qtbot, box.findChild(QPushButton, button))
        return act

    when_up(qtbot, "networkShareWarning", read_then("networkShareCancel"))
    window.open_practice(shared)
    assert said and window.successor is None and window.isVisible()
    assert RecentPractices(qsettings).paths() == []
    text = said[0]
    assert text.startswith(f"\u201c{shared.name}\u201d is on a network share (cifs).")
    assert "two desks use one practice file on a network drive" in text and "bookings can be lost" in text
    assert "File \u25b8 Connect to Practice Server\u2026" in text

    when_up(qtbot, "networkShareWarning", read_then("networkShareOpen"))
    sign_in_when_asked(qtbot, "greta", "greta-password")
    window.open_practice(shared)
    qtbot.waitUntil(lambda: window.successor is not None, timeout=10_000)
    qtbot.addWidget(window.successor)
    assert len(said) == 2 and Path(window.successor.practice.path) == shared
    window.successor.practice.close()


@pytest.mark.sqlite_only(reason="opens practice files")
def test_a_local_file_opens_without_the_warning(qtbot, window, tmp_path, share):
    local = other_practice(tmp_path, folder="local")
    warned = when_up(qtbot, "networkShareWarning", lambda box: box.reject())
    sign_in_when_asked(qtbot, "greta", "greta-password")
    window.open_practice(local)
    qtbot.waitUntil(lambda: window.successor is not None, timeout=10_000)
    qtbot.addWidget(window.successor)
    assert warned == []
    window.successor.practice.close()


@pytest.mark.sqlite_only(reason="opens practice files")
def test_at_start_a_file_on_a_network_share_is_warned_about_and_can_be_left_closed(qtbot, share, app_settings):  # noqa: F811
    shared = other_practice(share, folder="")
    warned = when_up(qtbot, "networkShareWarning",
                     lambda box: click(qtbot, box.findChild(QPushButton, "networkShareCancel")))
    assert start.main(["--db", str(shared)]) == 0
    deleted_later()
    assert len(warned) == 1
    assert not [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible()]


# -- at start -------------------------------------------------------------------------------------------------

def test_first_start_offers_a_practice_server_then_it_opens_again_at_the_next_start(qtbot, app_settings, on_server,  # noqa: F811
                                                                                    memory_keyring):  # noqa: F811
    def choose_server(w):
        click(qtbot, w.findChild(QPushButton, "openServer"))

    def fill_and_connect(d):
        fill(qtbot, d, on_server.host, str(on_server.port), on_server.database, DESK, DESK_PASSWORD)
        click(qtbot, d.connect_button)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=20_000)

    wizards = when_up(qtbot, "newPracticeWizard", choose_server)
    dialogs = when_up(qtbot, "serverConnectionDialog", fill_and_connect)
    logins = sign_in_when_asked(qtbot, SERVER_ADMIN, SERVER_ADMIN_PASSWORD)
    windows = close_main_window_when_up(qtbot)
    assert start.main([]) == 0
    deleted_later()
    assert wizards and dialogs and logins
    assert windows == [(f"{NAME} \u2014 Practice Desk", SERVER_ADMIN)]
    assert RecentPractices().last() == on_server

    # the next start: the same server, its password from the keyring, nothing typed but the sign-in
    typed = []
    dialogs = when_up(qtbot, "serverConnectionDialog", lambda d: typed.append(d.password.text()))
    logins = sign_in_when_asked(qtbot, SERVER_ADMIN, SERVER_ADMIN_PASSWORD)
    windows = close_main_window_when_up(qtbot)
    assert start.main([]) == 0
    deleted_later()
    assert typed == [""] and logins
    assert windows == [(f"{NAME} \u2014 Practice Desk", SERVER_ADMIN)]
    hints = [label.text() for label in logins[0][0].findChildren(QLabel) if label.objectName() == "loginHint"]
    assert hints == [f"On the practice server: {on_server.label}"]


def test_from_a_window_on_a_server_a_practice_file_can_be_opened(qtbot, qsettings, tmp_path, on_server,
                                                                 memory_keyring):  # noqa: F811
    """File ▸ Open Practice… there used to fail on the server practice's missing path."""
    opened = ps.connect(on_server, DESK_PASSWORD)
    w = MainWindow(opened.practice, users.first_admin(opened.practice), date(2026, 11, 24), settings=qsettings,
                   auto_backup=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    second = other_practice(tmp_path)
    sign_in_when_asked(qtbot, "greta", "greta-password")
    w.open_practice(second)
    qtbot.waitUntil(lambda: w.successor is not None, timeout=10_000)
    qtbot.addWidget(w.successor)
    assert Path(w.successor.practice.path) == second
    assert RecentPractices(qsettings).entries()[0] == second
    w.successor.practice.close()


@pytest.mark.sqlite_only(reason="creates practice files")
def test_a_new_practice_file_on_a_network_share_is_made_only_after_the_warning(qtbot, tmp_path, share):
    from PySide6.QtWidgets import QWizard

    from tests.views.test_new_practice_wizard import (
        fill_admin_page,
        fill_practice_page,
        fill_zone_page,
        make_wizard,
        next_page,
        type_into,
    )

    w = make_wizard(qtbot, tmp_path)
    fill_practice_page(qtbot, w)
    next_page(qtbot, w)
    fill_zone_page(qtbot, w)
    next_page(qtbot, w)
    fill_admin_page(qtbot, w)
    next_page(qtbot, w)
    path = share / "Harbour Street Therapy.sqlite"
    type_into(qtbot, w.path, str(path))
    warned = when_up(qtbot, "networkShareWarning",
                     lambda box: click(qtbot, box.findChild(QPushButton, "networkShareCancel")))
    click(qtbot, w.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: bool(warned))
    assert not path.exists() and w.isVisible() and w.currentId() == w.FILE  # nothing made: choose another place
    warned = when_up(qtbot, "networkShareWarning",
                     lambda box: click(qtbot, box.findChild(QPushButton, "networkShareOpen")))
    click(qtbot, w.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: w.practice is not None, timeout=10_000)
    assert warned and path.is_file()
    w.practice.close()


def test_at_start_a_server_that_cannot_be_opened_leads_to_the_other_ways_in(qtbot, app_settings, on_server,  # noqa: F811
                                                                            memory_keyring):  # noqa: F811
    from PySide6.QtCore import QCoreApplication

    from app.paths import APP_NAME, ORG_NAME

    QCoreApplication.setOrganizationName(ORG_NAME)  # as main() names them (app_settings puts them back)
    QCoreApplication.setApplicationName(APP_NAME)
    RecentPractices().add(on_server)  # its password not kept on this computer
    said = []

    def read_then_cancel(d):
        qtbot.waitUntil(lambda: d.call is not None and not d.call.running and d.status.isVisible(), timeout=20_000)
        said.append(d.status.text())
        click(qtbot, d.findChild(QPushButton, "serverCancel"))

    when_up(qtbot, "serverConnectionDialog", read_then_cancel)
    offered = []

    def look_then_cancel(w):
        offered.append([b.objectName() for b in w.findChildren(QPushButton) if b.objectName().startswith("open")])
        w.reject()

    when_up(qtbot, "newPracticeWizard", look_then_cancel)
    assert start.main([]) == 0
    deleted_later()
    assert said and said[0].startswith("The server asks for a password")
    assert offered and sorted(offered[0]) == ["openDemo", "openExisting", "openServer"]


def test_clearing_the_recent_list_forgets_the_servers_saved_passwords(qtbot, window, qsettings, tmp_path,
                                                                      memory_keyring):  # noqa: F811
    # SPEC 0.6: a password is kept only as long as this computer keeps the practice in its list
    other = ps.ServerAddress("db.lan", 5432, "practice", "anna")
    keyring_store.set_secret(other.keyring_name, "kept secret")
    recent = RecentPractices(qsettings)
    recent.add(other)
    recent.add(tmp_path / "old.sqlite")
    menu = window.findChild(QMenu, "menuRecent")
    choose_from_menu(qtbot, window, "menuFile", menu.menuAction())
    qtbot.waitUntil(menu.isVisible)
    clear = next(a for a in menu.actions() if a.objectName() == "actionRecentClear")
    click(qtbot, menu, menu.actionGeometry(clear).center())
    assert RecentPractices(qsettings).entries() == []
    assert memory_keyring.secrets == {}

"""Live refresh on PostgreSQL (issue 17 item 2, done-when: two app instances): a booking made at one
desk appears in the other's week view without user action, told by the server (LISTEN/NOTIFY) —
two main windows on two connections to the same database, and a main window with a second process
that books through the service API."""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import pytest

from app.services.people import clients, practitioners, users
from app.services.scheduling import catalog, sessions
from tests.races import open_again, where

pytestmark = pytest.mark.postgres_only


def _book(desk, actor, hour):
    svc = catalog.list_services(desk, actor)[0]
    pr = practitioners.list_practitioners(desk, actor)[0]
    cl = clients.list_clients(desk, actor)[0]
    [s] = sessions.add_session(desk, actor, sessions.SessionInput(
        datetime(2026, 11, 25, hour), datetime(2026, 11, 25, hour, 50), svc.id, pr.id, (cl.id,)), confirm=True)
    return s.id


def _shown(window) -> set[int]:
    return {s.id for s in window.calendar.sessions}


def test_two_windows_on_two_connections(qtbot, window, qsettings, tmp_path):
    from PySide6.QtCore import QSettings

    from app.views.main_window import MainWindow

    desk2 = open_again(window.practice)
    other = MainWindow(desk2, users.first_admin(desk2), date(2026, 11, 24),
                       settings=QSettings(str(tmp_path / "ui2.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(other)
    try:
        other.show()
        qtbot.waitExposed(other)
        for w in (window, other):
            w.calendar.show_range(view="week")
            assert w.live.timer.isActive() and w.live.watcher.listening
        made = _book(desk2, other.actor, 15)  # saved at the second desk
        assert made not in _shown(window)
        qtbot.waitUntil(lambda: made in _shown(window), timeout=5000)
        made_here = _book(window.practice, window.actor, 16)  # and the other way round
        qtbot.waitUntil(lambda: made_here in _shown(other), timeout=5000)
    finally:
        other.close()
        desk2.close()


def test_a_booking_made_by_another_process(qtbot, window):
    window.calendar.show_range(view="week")
    assert window.live.watcher.listening
    before = _shown(window)
    done = subprocess.run([sys.executable, "-m", "tests.views.test_live_refresh_postgres", where(window.practice)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    made = int(done.stdout.split()[-1])
    assert made not in before
    qtbot.waitUntil(lambda: made in _shown(window), timeout=5000)


def main(url: str) -> None:
    """The second app instance: connects to the practice and books a session (prints its id)."""
    from app.services.practice import Practice

    desk = Practice.connect(url)
    try:
        print(_book(desk, users.first_admin(desk).actor, 14))
    finally:
        desk.close()


if __name__ == "__main__":
    main(sys.argv[1])

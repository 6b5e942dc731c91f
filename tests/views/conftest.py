"""View fixtures: a practice with a few sessions and a main window with its own QSettings file."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QSettings

from app.services.people import users
from app.services.scheduling import completion


@pytest.fixture
def qsettings(tmp_path):
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def busy_practice(practice, make, admin):
    """November 2026: three sessions on the 24th (one a group), one completed on the 3rd, and
    nine on the 12th (more than a month cell can list)."""
    sv = make.service("Therapy 50 min", cost=12000, wage=6000)
    ana = make.practitioner("Dr. Ana Ruiz", color="#3182ce")
    ben = make.practitioner("Ben Ode", color="#d53f8c")
    alice, bob, carla = make.client("Alice", "Smith"), make.client("Bob", "Jones"), make.client("Carla", "Diaz")
    make.session(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 9, 50), sv, ana, [alice])
    make.session(datetime(2026, 11, 24, 11), datetime(2026, 11, 24, 12), sv, ben, [bob])
    make.session(datetime(2026, 11, 24, 17), datetime(2026, 11, 24, 18), sv, ana, [alice, bob, carla], confirm=True)
    [done] = make.session(datetime(2026, 11, 3, 10), datetime(2026, 11, 3, 11), sv, ben, [carla])
    completion.complete_session(practice, admin, done.id, completion.type_by_key(practice, "completed").id)
    for h in range(8, 17):
        make.session(datetime(2026, 11, 12, h), datetime(2026, 11, 12, h, 45), sv, ana if h % 2 else ben,
                     [alice if h % 2 else bob], confirm=True)
    return practice


@pytest.fixture
def window(qtbot, busy_practice, qsettings):
    from app.views.main_window import MainWindow

    w = MainWindow(busy_practice, users.first_admin(busy_practice), date(2026, 11, 24), settings=qsettings)
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def open_settings(qtbot, practice, admin):
    """Settings opened on one page: ``open_settings("services") -> (dialog, panel)``."""
    from app.views.settings.settings_dialog import SettingsDialog

    def _open(page: str):
        d = SettingsDialog(practice, admin, page=page)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d, d.panels[page]
    return _open

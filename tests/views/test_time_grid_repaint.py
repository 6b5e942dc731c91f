"""A new day or week in the time grid repaints only the rows its blocks change (issue 17: a day step
painted the whole grid in view again, a third of it evening rows no block ever reaches). What a person
sees, read back from the window's backing store, must always be what the grid would paint now: blocks
that go, blocks that come lower or higher, a day without any, a closed day, today with its now line,
a change of the day's hours between two steps."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt

from app.services import practice_settings
from app.services.people import users
from app.services.scheduling import closures
from tests.views.backing_store import on_screen, painted_now

MON = date(2026, 11, 16)
TODAY = date(2026, 11, 27)  # a Friday


class PaintRects(QObject):
    """The rectangles the grid was asked to paint."""

    def __init__(self, widget):
        super().__init__()
        self.rects = []
        widget.installEventFilter(self)

    def eventFilter(self, _obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


@pytest.fixture
def window(qtbot, practice, make, qsettings, admin):
    from app.views.main_window import MainWindow

    sv = make.service("Therapy 50 min", cost=12000, wage=6000, default_minutes=50)
    people = [make.practitioner(name) for name in ("Elena Alvarez", "Ben Ode", "Carla Diaz")]
    clients = [make.client(f"Client{i}", "Smith") for i in range(6)]

    def at(day: date, hour: int, minute: int, minutes: int, who: int, client: int) -> None:
        start = datetime(day.year, day.month, day.day, hour, minute)
        make.session(start, start + timedelta(minutes=minutes), sv, people[who], [clients[client]], confirm=True)

    # each day of two weeks unlike the one before: morning only, a long afternoon, nothing, an evening
    # session, a closed day (then today: its now line at 11:00 above its blocks and the evening's
    # before and after), an early one before the day's hours and back to back sessions
    for week in (0, 7):
        mon = MON + timedelta(days=week)
        at(mon, 9, 0, 50, 0, 0)
        at(mon, 10, 0, 50, 1, 1)
        at(mon + timedelta(days=1), 13, 5, 240, 2, 2)
        at(mon + timedelta(days=1), 9, 0, 30, 0, 3)
        at(mon + timedelta(days=3), 19, 30, 60, 1, 4)
        at(mon + timedelta(days=4), 14, 0, 50, 2, 5)  # today (11:00 by the window's clock) in the second week
        at(mon + timedelta(days=5), 19, 0, 45, 0, 0)
        at(mon + timedelta(days=6), 6, 0, 45, 0, 0)
        at(mon + timedelta(days=6), 9, 0, 50, 1, 1)
        at(mon + timedelta(days=6), 9, 50, 50, 1, 2)
        at(mon + timedelta(days=6), 10, 40, 5, 1, 3)
    closures.add_closure(practice, admin, MON + timedelta(days=4), MON + timedelta(days=4), "Staff training")
    w = MainWindow(practice, users.first_admin(practice), TODAY, settings=qsettings, view="day")
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    w.calendar.show_range(anchor=MON - timedelta(days=1))
    qtbot.mouseClick(w.by_practitioner, Qt.MouseButton.LeftButton, pos=QPoint(6, w.by_practitioner.height() // 2))
    return w


def _steps_match_a_fresh_paint(qtbot, w, panel, days: int) -> list:
    """Step ``days`` times with the Next key; after each, the part of the grid in view is what painting
    it afresh gives. The rectangles painted at each step."""
    view = panel.scroll.viewport()
    painted = PaintRects(panel.grid)
    assert on_screen(w, view) == painted_now(view)
    rects = []
    for _ in range(days):
        painted.rects.clear()
        qtbot.keyClick(w, Qt.Key.Key_PageDown)
        shown = on_screen(w, view)
        rects.append(list(painted.rects))  # (before painted_now paints it all)
        assert shown == painted_now(view), w.calendar.anchor
    return rects


def test_a_day_step_shows_what_a_fresh_paint_of_the_day_shows(qtbot, window):
    w = window
    panel = w.calendar.day
    rects = _steps_match_a_fresh_paint(qtbot, w, panel, 14)
    full = panel.grid.visibleRegion().boundingRect()

    def whole(painted) -> bool:
        return any(r.contains(full) for r in painted)

    # Sunday to Monday (nothing, then the morning), Tuesday to Wednesday (the afternoon, then nothing):
    # only the rows of the blocks that come and go were painted again
    assert rects[0] and not whole(rects[0]) and max(r.height() for r in rects[0]) < full.height() / 2
    assert rects[2] and not whole(rects[2])
    assert whole(rects[4]) and whole(rects[5])  # the closed Friday comes and goes: its shading
    assert whole(rects[11]) and whole(rects[12])  # today comes and goes: its now line


def test_a_week_step_shows_what_a_fresh_paint_of_the_week_shows(qtbot, window):
    w = window
    w.calendar.show_range("week", MON - timedelta(days=7))
    _steps_match_a_fresh_paint(qtbot, w, w.calendar.week, 3)


def test_new_day_hours_repaint_the_grid_whole_on_the_next_step(qtbot, window, practice, admin):
    # the shading of the hours outside the day changes with the settings: the rows no block reaches too
    w = window
    panel = w.calendar.day
    _steps_match_a_fresh_paint(qtbot, w, panel, 1)
    practice_settings.update_settings(practice, admin, day_start_hour=7, day_end_hour=18)
    w.calendar.set_day_hours(7, 18)  # as the window does once the settings dialog closes
    w.calendar.reload()
    view = panel.scroll.viewport()
    assert on_screen(w, view) == painted_now(view)
    _steps_match_a_fresh_paint(qtbot, w, panel, 2)

"""Moving or resizing a recurring session by drag asks this / following / all, like the Edit
dialog; cancelling the question puts the block back (SPEC 3.4)."""
from datetime import date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt

from app.services.scheduling import sessions
from app.services.scheduling.recurrence import RecurrenceInput
from tests.views.modal import answer_modal


@pytest.fixture
def weekly(busy_practice, make):
    """Thursdays 14:00-15:00 from 2026-11-26, three of them, with a new client."""
    made = make.session(datetime(2026, 11, 26, 14), datetime(2026, 11, 26, 15), make.service(),
                        make.practitioner("Dr Weekly"), [make.client("Wes", "Weekly")],
                        recurrence=RecurrenceInput((3,), count=3))
    return [s.id for s in made]


def _grid(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_W)
    grid = window.calendar.week.grid
    qtbot.waitUntil(lambda: any(b.session.series_id for b in grid.blocks))
    return grid


def _drag_down_one_hour(qtbot, grid, session_id, edge=False):
    b = next(b for b in grid.blocks if b.session.id == session_id)
    x = int(b.rect.center().x())
    y = int(b.rect.bottom() - 2) if edge else int(b.rect.top() + 8)
    a, z = QPoint(x, y), QPoint(x, y + int(grid.grid().y(60)))
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(grid, QPoint(x, (a.y() + z.y()) // 2))
    qtbot.mouseMove(grid, z)
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=z)


def _hours(window, ids):
    return [(s.start.hour, s.end.hour) for s in (sessions.get_session(window.practice, window.actor, i) for i in ids)]


def test_dragging_a_recurring_session_asks_the_scope_and_this_moves_one(window, weekly, qtbot):
    grid = _grid(window, qtbot)
    seen = answer_modal(qtbot, "scopeDialog", "scopeThis", "scopeOk")
    _drag_down_one_hour(qtbot, grid, weekly[0])
    assert seen, "the scope question was not asked"
    assert _hours(window, weekly) == [(15, 16), (14, 15), (14, 15)]
    assert window.undo_stack.count() == 1
    window.act_undo.trigger()
    assert _hours(window, weekly) == [(14, 15)] * 3


def test_cancelling_the_scope_question_moves_nothing(window, weekly, qtbot):
    grid = _grid(window, qtbot)
    seen = answer_modal(qtbot, "scopeDialog", "scopeCancel")
    _drag_down_one_hour(qtbot, grid, weekly[0])
    assert seen
    assert _hours(window, weekly) == [(14, 15)] * 3
    assert window.undo_stack.count() == 0
    assert grid.ghost is None
    assert next(b for b in grid.blocks if b.session.id == weekly[0]).session.start.hour == 14  # back in place


def test_resizing_for_the_whole_series_and_undo(window, weekly, qtbot):
    grid = _grid(window, qtbot)
    answer_modal(qtbot, "scopeDialog", "scopeAll", "scopeOk")
    _drag_down_one_hour(qtbot, grid, weekly[0], edge=True)
    assert _hours(window, weekly) == [(14, 16)] * 3
    window.act_undo.trigger()
    assert _hours(window, weekly) == [(14, 15)] * 3


def test_a_single_session_is_moved_without_asking(window, qtbot):
    grid = _grid_plain(window, qtbot)
    b = next(b for b in grid.blocks if b.session.start.date() == date(2026, 11, 24) and b.session.start.hour == 11)
    _drag_down_one_hour(qtbot, grid, b.session.id)
    assert sessions.get_session(window.practice, window.actor, b.session.id).start.hour == 12


def _grid_plain(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_W)
    grid = window.calendar.week.grid
    qtbot.waitUntil(lambda: grid.blocks != [])
    return grid

"""Week and day views driven by real mouse events: drag to move, drag the bottom edge to
resize, undo, drag to select a new session's times, and no two blocks drawn on top of each other."""
from datetime import date, datetime

from PySide6.QtCore import QPoint, Qt

from app.services.scheduling import sessions
from tests.views.modal import answer_modal


def _week(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_W)
    grid = window.calendar.week.grid
    qtbot.waitUntil(lambda: grid.blocks != [])
    return grid


def _point(grid, day: date, hour: float, dx: float = 0.5) -> QPoint:
    g = grid.grid()
    col = next(i for i, c in enumerate(grid.columns) if c.day == day)
    return QPoint(int(g.gutter + (col + dx) * g.column_width), int(g.y(hour * 60)))


def _block(grid, hour: int, day: date):
    return next(b for b in grid.blocks if b.session.start.date() == day and b.session.start.hour == hour)


def _drag(qtbot, widget, a: QPoint, b: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=a)
    mid = QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2)
    qtbot.mouseMove(widget, mid)
    qtbot.mouseMove(widget, b)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=b)


def test_week_shows_the_sessions_of_its_days(window, qtbot):
    grid = _week(window, qtbot)
    assert [c.day for c in grid.columns] == [date(2026, 11, 23 + i) for i in range(7)]
    assert sorted(b.session.start.hour for b in grid.blocks) == [9, 11, 17]


def test_dragging_a_session_moves_it_and_undo_puts_it_back(window, qtbot):
    grid = _week(window, qtbot)
    b = _block(grid, 11, date(2026, 11, 24))
    start = QPoint(int(b.rect.center().x()), int(b.rect.top() + 8))
    # one hour and a half later, one day later (Wednesday)
    target = _point(grid, date(2026, 11, 25), 0) + QPoint(0, start.y() + int(grid.grid().y(90)))
    _drag(qtbot, grid, start, QPoint(target.x(), target.y()))
    moved = sessions.get_session(window.practice, window.actor, b.session.id)
    assert (moved.start.replace(tzinfo=None), moved.end.replace(tzinfo=None)) == (
        datetime(2026, 11, 25, 12, 30), datetime(2026, 11, 25, 13, 30))
    assert window.undo_stack.count() == 1
    window.act_undo.trigger()
    back = sessions.get_session(window.practice, window.actor, b.session.id)
    assert back.start.replace(tzinfo=None) == datetime(2026, 11, 24, 11, 0)


def test_dragging_the_bottom_edge_changes_the_length(window, qtbot):
    grid = _week(window, qtbot)
    b = _block(grid, 11, date(2026, 11, 24))
    edge = QPoint(int(b.rect.center().x()), int(b.rect.bottom() - 2))
    _drag(qtbot, grid, edge, _point(grid, date(2026, 11, 24), 12.5))
    s = sessions.get_session(window.practice, window.actor, b.session.id)
    assert s.end.replace(tzinfo=None) == datetime(2026, 11, 24, 12, 30)
    assert s.start.replace(tzinfo=None) == datetime(2026, 11, 24, 11, 0)


def test_a_plain_click_on_a_session_does_not_move_it(window, qtbot):
    grid = _week(window, qtbot)
    b = _block(grid, 11, date(2026, 11, 24))
    with qtbot.waitSignal(grid.session_clicked) as sig:
        qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=b.rect.center().toPoint())
    assert sig.args[0] == b.session.id
    assert window.undo_stack.count() == 0


def test_drag_over_empty_time_selects_a_range_snapped_to_15_minutes(window, qtbot):
    # SPEC 2.3: click-and-drag pre-fills start and end, snapped to 15 minutes
    grid = _week(window, qtbot)
    grid.create_requested.disconnect()  # look at the signal alone; the dialog has its own tests
    with qtbot.waitSignal(grid.create_requested) as sig:
        _drag(qtbot, grid, _point(grid, date(2026, 11, 26), 14.1), _point(grid, date(2026, 11, 26), 15.4))
    assert sig.args[:2] == [datetime(2026, 11, 26, 14, 0), datetime(2026, 11, 26, 15, 30)]
    assert grid.selection is None


def test_overlapping_sessions_are_side_by_side_never_on_top(window, make, qtbot):
    sv, pr = make.service(), make.practitioner()
    for h in (9, 9, 10):
        make.session(datetime(2026, 11, 24, h, 15), datetime(2026, 11, 24, h + 1, 30), sv, pr, [make.client()],
                     confirm=True)
    grid = _week(window, qtbot)
    day_blocks = [b for b in grid.blocks if b.session.start.date() == date(2026, 11, 24)]
    assert len(day_blocks) == 6
    for i, a in enumerate(day_blocks):
        for b in day_blocks[i + 1:]:
            assert not a.rect.intersects(b.rect), (a.session.id, b.session.id)


def test_day_view_can_show_one_column_per_practitioner(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_D)
    window.by_practitioner.setChecked(True)
    grid = window.calendar.day.grid
    assert [c.title for c in grid.columns] == ["Ben Ode", "Dr. Ana Ruiz"]
    by_col = {grid.columns[b.column].title: b.session.start.hour for b in grid.blocks if b.session.start.hour == 11}
    assert by_col == {"Ben Ode": 11}


def test_moving_onto_a_booked_slot_warns_and_cancel_keeps_the_session(window, qtbot):
    # SPEC 2.5 on a drag: Bob's 11:00 dropped onto 17:00, where Bob is in a group session
    grid = _week(window, qtbot)
    b = _block(grid, 11, date(2026, 11, 24))
    start = QPoint(int(b.rect.center().x()), int(b.rect.top() + 8))
    target = QPoint(start.x(), start.y() + int(grid.grid().y(6 * 60)))
    seen = answer_modal(qtbot, "confirmWarnings", "confirmCancel")
    _drag(qtbot, grid, start, target)
    assert seen and "Bob Jones already has a session" in seen[0]
    s = sessions.get_session(window.practice, window.actor, b.session.id)
    assert s.start.replace(tzinfo=None) == datetime(2026, 11, 24, 11, 0)
    assert window.undo_stack.count() == 0  # the declined move left nothing to undo
    answer_modal(qtbot, "confirmWarnings", "confirmYes")
    _drag(qtbot, grid, start, target)
    s = sessions.get_session(window.practice, window.actor, b.session.id)
    assert s.start.replace(tzinfo=None) == datetime(2026, 11, 24, 17, 0)

"""From a click on the calendar to the database and back (SPEC 4.2: complete from the pop-up)."""
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt

from app.services.money import ledger
from app.services.scheduling import completion, sessions


@pytest.fixture(autouse=True)
def _after_the_sessions(clock):
    """Stand after the sessions these tests complete: completing one before its end asks first
    (SPEC 4.7, tested in test_calendar_fixes.py)."""
    from datetime import UTC as _UTC
    from datetime import datetime as _dt
    clock.at = _dt(2027, 1, 1, tzinfo=_UTC)



def _open_popup_on(window, qtbot, hour: int, day: date):
    qtbot.keyClick(window, Qt.Key.Key_W)
    grid = window.calendar.week.grid
    b = next(b for b in grid.blocks if b.session.start.date() == day and b.session.start.hour == hour)
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=b.rect.center().toPoint())
    qtbot.waitUntil(lambda: getattr(window, "popup", None) is not None and window.popup.isVisible())
    return b.session


def test_completing_from_the_popup_charges_the_client(window, qtbot):
    # SPEC 4.2 / 4.1: the pop-up's Complete link -> completion dialog -> Completed charges the full cost
    s = _open_popup_on(window, qtbot, 11, date(2026, 11, 24))
    client = s.clients[0].id
    before = ledger.client_balance(window.practice, window.actor, client)
    qtbot.mouseClick(window.popup.complete_link, Qt.MouseButton.LeftButton)
    dialog = window.active_dialog
    qtbot.waitUntil(dialog.isVisible)
    done = completion.type_by_key(window.practice, "completed")
    radio = dialog.radios[done.id]
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert dialog.submit.isEnabled()
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    assert ledger.client_balance(window.practice, window.actor, client) == before - 12000
    assert sessions.get_session(window.practice, window.actor, s.id).status == "completed"
    # the calendar refreshed itself and shows the new status
    b = next(b for b in window.calendar.week.grid.blocks if b.session.id == s.id)
    assert b.session.label == "Completed"


def test_popup_of_a_saved_session_has_no_complete_link(window, qtbot):
    window.calendar.show_range(view="week", anchor=date(2026, 11, 3))
    grid = window.calendar.week.grid
    b = next(b for b in grid.blocks if b.session.start.date() == date(2026, 11, 3))
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=b.rect.center().toPoint())
    qtbot.waitUntil(lambda: getattr(window, "popup", None) is not None and window.popup.isVisible())
    assert window.popup.complete_link is None
    window.popup.close()


def _empty_point_in_cell(view, day):
    """A point in the empty lower part of a month cell (below its listed sessions)."""
    cell = next(c for c in view.cells() if c.day == day)
    return QPoint(int(cell.x + cell.w / 2), int(cell.y + cell.h - 4))


def test_a_click_on_an_empty_month_cell_opens_the_dialog_on_that_date(window, qtbot):
    # SPEC 2.3: a click on a day cell in month view pre-fills that date
    view = window.month_view
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=_empty_point_in_cell(view, date(2026, 11, 19)))
    dialog = window.active_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.date.date().toPython() == date(2026, 11, 19)
    dialog.reject()


def test_a_drag_in_the_week_view_creates_a_session_with_the_dragged_times(window, qtbot):
    # SPEC 2.3: click-and-drag over a time range pre-fills start and end (15-minute snaps)
    qtbot.keyClick(window, Qt.Key.Key_W)
    grid = window.calendar.week.grid
    g = grid.grid()
    col = next(i for i, c in enumerate(grid.columns) if c.day == date(2026, 11, 26))
    x = int(g.gutter + (col + 0.5) * g.column_width)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=QPoint(x, int(g.y(14 * 60 + 3))))
    qtbot.mouseMove(grid, QPoint(x, int(g.y(14 * 60 + 40))))
    qtbot.mouseMove(grid, QPoint(x, int(g.y(15 * 60 + 32))))
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=QPoint(x, int(g.y(15 * 60 + 32))))
    dialog = window.active_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.start.time().toString("HH:mm") == "14:00" and dialog.end.time().toString("HH:mm") == "15:30"
    dialog.clients.set_selected([window.calendar.sessions[0].clients[0].id])
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    made = [s for s in window.calendar.sessions if s.start.date() == date(2026, 11, 26)]
    assert [(s.start.hour, s.start.minute, s.end.hour, s.end.minute) for s in made] == [(14, 0, 15, 30)]


def test_deleted_sessions_menu_recovers_and_the_calendar_shows_it_again(window, qtbot):
    # SPEC 5.2 from the main window: Sessions > Deleted Sessions… > select > Recover
    from app.services.scheduling import deletion

    s = window.calendar.sessions[0]
    deletion.delete_sessions(window.practice, window.actor, [s.id])
    window.events.sessions_changed.emit()
    assert s.id not in [x.id for x in window.calendar.sessions]
    window.act_deleted.trigger()
    dialog = window.active_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
    dialog.reject()
    qtbot.waitUntil(lambda: s.id in [x.id for x in window.calendar.sessions])

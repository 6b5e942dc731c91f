"""From a click on the calendar to the database and back (SPEC 4.2: complete from the pop-up)."""
from datetime import date

from PySide6.QtCore import QPoint, Qt

from app.services import completion, ledger, sessions


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
    assert window.popup.complete_link is None
    window.popup.close()

"""The main window driven by real mouse and key events (pytest-qt)."""
from datetime import date

from PySide6.QtCore import QPoint, Qt

from app.services import users
from app.views.main_window import MainWindow


def _cell_center(view, day):
    cell = next(c for c in view.cells() if c.day == day)
    return QPoint(int(cell.x + cell.w / 2), int(cell.y + cell.h - 5))


def test_month_shows_the_sessions_of_its_days(window):
    view = window.month_view
    assert [s.start.hour for s in view.sessions_on(date(2026, 11, 24))] == [9, 11, 17]
    assert view.sessions_on(date(2026, 11, 24))[2].title == "Group: 3 clients"  # SPEC 2.2 detected
    assert window.month_label.text() == "November 2026"
    assert window.status_count.text() == "13 sessions this month"


def test_clicking_a_day_cell_lists_its_sessions_in_the_agenda(window, qtbot):
    view = window.month_view
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=_cell_center(view, date(2026, 11, 3)))
    assert view.selected == date(2026, 11, 3)
    assert window.agenda.title.text() == "Tue 03 Nov 2026"
    assert window.agenda.list.count() == 1
    assert "Status: Completed" in window.agenda.list.item(0).text()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=_cell_center(view, date(2026, 11, 5)))
    assert window.agenda.list.count() == 0 and not window.agenda.empty.isHidden()


def test_page_keys_move_between_months_and_t_returns_to_today(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert (window.month_view.year, window.month_view.month) == (2026, 12)
    assert window.month_label.text() == "December 2026"
    assert window.status_count.text() == "No sessions this month"
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert (window.month_view.year, window.month_view.month) == (2026, 10)
    qtbot.keyClick(window, Qt.Key.Key_T)
    assert (window.month_view.year, window.month_view.month) == (2026, 11)
    assert window.month_view.selected == date(2026, 11, 24)


def test_a_crowded_day_says_how_many_more(window):
    view = window.month_view
    image = view.grab().toImage()
    assert not image.isNull()
    cell = next(c for c in view.cells() if c.day == date(2026, 11, 12))
    from app.views.calendar.month_layout import fit_lines
    from app.views.calendar.month_view import DAY_LABEL_H, LINE_H

    shown, hidden = fit_lines(9, cell.h - DAY_LABEL_H - 4, LINE_H)
    assert hidden > 0 and shown + hidden == 9


def test_window_geometry_is_remembered(busy_practice, qsettings, qtbot):
    user = users.first_admin(busy_practice)
    w = MainWindow(busy_practice, user, date(2026, 11, 24), settings=qsettings)
    qtbot.addWidget(w)
    w.resize(761, 543)  # inside the offscreen screen, which clamps restored geometry
    w.show()
    qtbot.waitExposed(w)
    w.close()
    again = MainWindow(busy_practice, user, date(2026, 11, 24), settings=qsettings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (761, 543)


def test_practitioner_cannot_open_the_client_list(busy_practice, make, qsettings, qtbot):
    # SPEC 1.1: clients are front-desk work; the service refuses too (tests/services)
    pid = busy_practice and make.practitioner("Cy Lo").id
    actor = make.user("practitioner", practitioner_id=pid)
    user = users.UserView(actor.user_id, "p", "Cy Lo", "practitioner", pid, True)
    w = MainWindow(busy_practice, user, date(2026, 11, 24), settings=qsettings)
    qtbot.addWidget(w)
    assert not w.act_clients.isEnabled()
    assert w.month_view.visible_count() == 0  # sees only their own sessions

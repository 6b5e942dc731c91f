"""The calendar stumbles of issue 13, each driven by real clicks and keys: the drag selection on
today's week, double-click to open, charged cancellations drawn apart from free ones, a service's
own length and price in the session form, typing times, Ctrl+N late in the evening, completing a
session before it ends (SPEC 4.7), error lines that go once the field is fixed, plain undo texts,
and the sign-in dialog's first line."""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from app.services.people import users
from app.services.scheduling import completion, sessions
from app.views import style
from app.views.closure_dialog import ClosureDialog
from app.views.completion_dialog import CompletionDialog
from app.views.login_dialog import LoginDialog
from tests.conftest import ADMIN_PASSWORD
from tests.views.modal import answer_modal
from tests.views.test_session_form_fixes import _form_setup
from tests.views.test_time_grid import _block, _drag, _point, _week

TUE = date(2026, 11, 24)  # the window fixture's today (11:00)
WED = date(2026, 11, 25)


def _is_now_red(c: QColor) -> bool:
    n = style.NOW_LINE
    return abs(c.red() - n.red()) < 30 and abs(c.green() - n.green()) < 30 and abs(c.blue() - n.blue()) < 30


def test_drag_selection_in_the_current_week_is_light_not_a_red_block(window, qtbot):
    grid = _week(window, qtbot)
    grid.create_requested.disconnect()
    a, b = _point(grid, WED, 14), _point(grid, WED, 16)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(grid, QPoint(a.x(), a.y() + 30))
    qtbot.mouseMove(grid, b)
    image = grid.grab().toImage()
    inside = QPoint(b.x() + 20, (a.y() + b.y()) // 2 + 10)  # away from the times written at the top
    assert grid.selection is not None
    assert not _is_now_red(image.pixelColor(inside)), image.pixelColor(inside).name()
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=b)


def test_double_click_on_a_block_opens_the_session_view(window, qtbot):
    grid = _week(window, qtbot)
    b = _block(grid, 11, TUE)
    # the first click of a double-click: no pop-up may open yet, or it takes the second click
    # (under X11 a pop-up swallows it; offscreen Qt replays it, so the cause is what is checked)
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=b.rect.center().toPoint())
    assert QApplication.activePopupWidget() is None
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=b.rect.center().toPoint())
    qtbot.waitUntil(lambda: getattr(window, "active_dialog", None) is not None
                    and window.active_dialog.objectName() == "sessionViewDialog"
                    and window.active_dialog.isVisible())
    popup = getattr(window, "popup", None)
    assert popup is None or not popup.isVisible()
    window.active_dialog.close()


def test_a_single_click_still_shows_the_popup(window, qtbot):
    grid = _week(window, qtbot)
    b = _block(grid, 11, TUE)
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=b.rect.center().toPoint())
    qtbot.waitUntil(lambda: getattr(window, "popup", None) is not None and window.popup.isVisible())
    assert window.popup.session.id == b.session.id
    window.popup.close()


def _late_cancel(practice, admin):
    return completion.create_completion_type(practice, admin, completion.CompletionTypeInput(
        "canceled", "Late Cancel", modifier_type="percentage", client_modifier=50, practitioner_modifier=50))


def test_a_charged_cancellation_is_drawn_apart_from_a_free_one(window, qtbot, admin):
    p = window.practice
    late = _late_cancel(p, admin)
    grid = _week(window, qtbot)
    charged_id, free_id = _block(grid, 9, TUE).session.id, _block(grid, 11, TUE).session.id
    completion.complete_session(p, admin, charged_id, late.id, confirm=True)
    completion.complete_session(p, admin, free_id, completion.type_by_key(p, "canceled").id)
    window.calendar.reload()
    charged, free = _block(grid, 9, TUE), _block(grid, 11, TUE)
    assert charged.session.clients[0].charge_cents == 6000
    from app.views.calendar.time_grid import block_look

    a, b = block_look(charged.session), block_look(free.session)
    assert b.strike and b.symbol == style.STATUS_SYMBOLS["canceled"]
    assert not a.strike  # the client pays: not crossed out like a free cancellation
    assert a.symbol != b.symbol and a.fill != b.fill


def test_the_closure_error_goes_once_the_date_is_fixed(qtbot, practice, admin):
    d = ClosureDialog(practice, admin, date(2026, 3, 10))
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.first.setDate(QDate(2026, 3, 12))
    qtbot.keyClicks(d.label, "Snow")
    qtbot.mouseClick(d.findChild(QPushButton, "closureSave"), Qt.MouseButton.LeftButton)
    assert d.error.isVisible() and d.error.text()
    d.last.setFocus()
    for _ in range(3):
        qtbot.keyClick(d.last, Qt.Key.Key_Up)
    assert d.last.date() == QDate(2026, 3, 13)
    assert not d.error.isVisible()


# --- completing before the end (SPEC 4.7) -----------------------------------------------------------

def _future(make, practice):
    s = _form_setup(make)
    [fut] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9, 50), s.therapy, s.pract, [s.alice])
    return fut


def _completion_dialog(qtbot, practice, admin, view):
    d = CompletionDialog(practice, admin, view, lambda c: f"${c / 100:,.2f}")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def test_completing_a_session_that_has_not_ended_asks_first(qtbot, practice, admin, make):
    # SPEC 4.7; the fixture clock stands at 1 January 2026, the session is on the 5th
    fut = _future(make, practice)
    d = _completion_dialog(qtbot, practice, admin, fut)
    from PySide6.QtWidgets import QRadioButton
    qtbot.mouseClick(next(r for r in d.findChildren(QRadioButton) if r.text().startswith("Completed")),
                     Qt.MouseButton.LeftButton, pos=QPoint(6, 8))
    seen = answer_modal(qtbot, "confirmEarlyCompletion", "confirmNo")
    qtbot.mouseClick(d.findChild(QPushButton, "completionSubmit"), Qt.MouseButton.LeftButton)
    assert seen and "not ended" in seen[0]
    assert sessions.get_session(practice, admin, fut.id).status == "open"
    seen = answer_modal(qtbot, "confirmEarlyCompletion", "confirmYes")
    qtbot.mouseClick(d.findChild(QPushButton, "completionSubmit"), Qt.MouseButton.LeftButton)
    assert seen
    assert sessions.get_session(practice, admin, fut.id).status == "completed"


# --- plain words ---------------------------------------------------------------------------------------

def test_undo_names_the_move_by_its_time_and_a_resize_as_a_resize(window, qtbot):
    grid = _week(window, qtbot)
    b = _block(grid, 11, TUE)
    edge = QPoint(int(b.rect.center().x()), int(b.rect.bottom() - 2))
    _drag(qtbot, grid, edge, _point(grid, TUE, 12.5))
    text = window.act_undo.text()
    assert "#" not in text
    assert text.startswith("Undo Resize session") and "Tue 24 Nov 11:00" in text
    b = _block(grid, 9, TUE)
    start = QPoint(int(b.rect.center().x()), int(b.rect.top() + 8))
    _drag(qtbot, grid, start, QPoint(start.x(), start.y() + int(grid.grid().y(60))))
    text = window.act_undo.text()
    assert text.startswith("Undo Move session") and "#" not in text


def test_the_sign_in_dialog_shows_its_whole_first_line(qtbot, practice):
    d = LoginDialog(practice, "Harbour Street Therapy")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    title = d.findChild(type(d.error), "loginTitle")
    assert title is not None
    assert title.height() >= title.heightForWidth(title.width()) if title.wordWrap() else \
        title.height() >= title.sizeHint().height()
    assert title.width() >= title.fontMetrics().horizontalAdvance("Sign in to continue.")
    # and it still signs in
    qtbot.keyClicks(d.username, "admin")
    qtbot.keyClicks(d.password, ADMIN_PASSWORD)
    qtbot.keyClick(d.password, Qt.Key.Key_Return)
    assert d.user is not None and d.user.id == users.first_admin(practice).id
    assert QApplication.activeModalWidget() is None


def test_a_charged_cancellation_has_its_own_symbol_in_the_legend_agenda_and_popup(window, qtbot, admin):
    """SPEC 4.4: a Late Cancel that charged the client reads apart from a free cancellation wherever
    a status is shown, and the status bar's legend explains its symbol."""
    from app.views.calendar.status_look import CHARGED_CANCEL_SYMBOL
    from app.views.session_popup import status_html

    p = window.practice
    late = _late_cancel(p, admin)
    grid = _week(window, qtbot)
    charged_id, free_id = _block(grid, 9, TUE).session.id, _block(grid, 11, TUE).session.id
    completion.complete_session(p, admin, charged_id, late.id, confirm=True)
    completion.complete_session(p, admin, free_id, completion.type_by_key(p, "canceled").id)
    legend = window.findChild(QLabel, "statusLegend").text()
    assert CHARGED_CANCEL_SYMBOL in legend and "charged" in legend.lower()
    charged, free = sessions.get_session(p, admin, charged_id), sessions.get_session(p, admin, free_id)
    assert CHARGED_CANCEL_SYMBOL in status_html(charged) and CHARGED_CANCEL_SYMBOL not in status_html(free)
    window.agenda.show_day(TUE, [charged, free])
    texts = [window.agenda.list.item(i).text() for i in range(window.agenda.list.count())]
    assert f"{CHARGED_CANCEL_SYMBOL} Late Cancel" in texts[0]
    assert f"{style.STATUS_SYMBOLS['canceled']} Canceled" in texts[1]

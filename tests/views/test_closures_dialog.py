"""Closures and the cancellation tool (SPEC 7.1, 7.3), with real clicks: a new closure over booked
sessions offers the tool on its days; Sessions ▸ Closures… lists the closures, opens the tool on the
chosen one's days and removes one after asking."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services.scheduling import closures
from tests.views.keys import click
from tests.views.modal import answer_modal


def _tool(parent):
    from app.views.cancellations_dialog import CancellationsDialog

    return next((w for w in parent.findChildren(CancellationsDialog) if w.isVisible()), None)


def test_spec_7_1_a_new_closure_over_booked_sessions_offers_the_cancellation_tool(qtbot, window):
    window.add_closure()  # the calendar stands on Tue 24 Nov 2026: three sessions are booked
    d = window.active_dialog
    qtbot.waitExposed(d)
    qtbot.keyClicks(d.label, "Snow day")
    asked = answer_modal(qtbot, "closureOfferCancel", "closureOfferYes")
    qtbot.keyClick(d.label, Qt.Key.Key_Return)  # Add closure is the default button
    qtbot.waitUntil(lambda: _tool(window) is not None, timeout=5000)

    assert asked == ["3 open sessions are booked on Snow day. Open the cancellation tool to notify the clients and "
                     "cancel them?"]
    tool = _tool(window)
    assert tool.first.date().toPython() == date(2026, 11, 24) == tool.last.date().toPython()
    assert len(tool.affected) == 3
    tool.close()


def test_spec_7_3_closures_list_opens_the_tool_on_a_closure_and_removes_one(qtbot, busy_practice):
    from app.services.people import users
    from app.views.closures_dialog import ClosuresDialog

    admin = users.first_admin(busy_practice).actor
    closures.add_closure(busy_practice, admin, date(2026, 11, 12), date(2026, 11, 13), "Flood")
    closures.add_closure(busy_practice, admin, date(2026, 12, 24), None, "Christmas Eve")
    busy_practice.clock.at = busy_practice.clock.at.replace(year=2026, month=11, day=1)
    d = ClosuresDialog(busy_practice, admin)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert [c.label for c in d.model.rows] == ["Flood", "Christmas Eve"]  # the soonest first
    assert not d.cancel_button.isEnabled() and not d.remove_button.isEnabled()

    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=d.table.visualRect(d.model.index(0, 3)).center())
    assert d.cancel_button.isEnabled()
    click(qtbot, d.cancel_button)
    tool = _tool(d)
    qtbot.waitExposed(tool)
    assert (tool.first.date().toPython(), tool.last.date().toPython()) == (date(2026, 11, 12), date(2026, 11, 13))
    assert len(tool.affected) == 9  # the nine sessions of the 12th
    tool.close()

    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=d.table.visualRect(d.model.index(1, 3)).center())
    asked = answer_modal(qtbot, "closuresRemoveConfirm", "closuresRemoveYes")
    click(qtbot, d.remove_button)
    assert asked[0].startswith("Remove the closure \u201cChristmas Eve\u201d (24 Dec 2026)?")
    assert [c.label for c in d.model.rows] == ["Flood"]
    assert [c.label for c in closures.list_closures(busy_practice, admin, date(2026, 1, 1), date(2027, 1, 1))] == [
        "Flood"]


def test_closures_list_says_what_a_closure_is_when_there_is_none(qtbot, practice, admin):
    from app.views.closures_dialog import ClosuresDialog

    d = ClosuresDialog(practice, admin)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert d.empty.isVisible() and not d.table.isVisible()
    assert QApplication.activeModalWidget() is None

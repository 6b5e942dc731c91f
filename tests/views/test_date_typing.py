"""Come into a date field that shows the weekday first and type the day: the day changes. Found driving
the real window under a virtual display: a click into the field selected the weekday name, where
digits did nothing. Offscreen a click lands where the mouse is, so these tests come in by Tab, which
selects the first section (the weekday) exactly as that click did; they fail without the fix."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit

from app.views.widgets.date_typing import typing_skips_weekday


def _click_and_type(qtbot, edit, text):
    """Focus comes into the field with its weekday selected, then the keys, as a person types them."""
    edit.window().activateWindow()
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    assert edit.currentSectionIndex() == 0  # the weekday name
    qtbot.keyClicks(edit, text)


def _shown(qtbot, w):
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_typing_a_day_after_a_click_changes_the_day(qtbot):
    e = typing_skips_weekday(QDateEdit(QDate(2026, 3, 17)))
    e.setDisplayFormat("ddd d MMM yyyy")
    e.resize(220, 30)
    _shown(qtbot, e)
    _click_and_type(qtbot, e, "20")
    assert e.date().toPython() == date(2026, 3, 20)


def test_a_date_and_time_field_too(qtbot):
    e = typing_skips_weekday(QDateTimeEdit(QDate(2026, 3, 17).startOfDay()))
    e.setDisplayFormat("ddd d MMM yyyy  HH:mm")
    e.resize(260, 30)
    _shown(qtbot, e)
    _click_and_type(qtbot, e, "9")
    assert e.date().toPython() == date(2026, 3, 9)


def test_the_tool_and_closure_date_fields_take_typed_days(qtbot, practice, admin):
    from app.views.cancellations_dialog import CancellationsDialog
    from app.views.closure_dialog import ClosureDialog

    closure = _shown(qtbot, ClosureDialog(practice, admin, date(2026, 3, 17)))
    tool = _shown(qtbot, CancellationsDialog(practice, admin, first_day=date(2026, 3, 17)))
    for edit in (closure.first, closure.last, tool.first, tool.last):
        _click_and_type(qtbot, edit, "21")
        assert edit.date().toPython() == date(2026, 3, 21), edit.objectName()

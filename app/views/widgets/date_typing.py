"""Typing a day into a date field that starts with the weekday ("Tue 17 Mar 2026").

A click into such a field selects its first section, the weekday name, where digits do nothing: a
person who clicks the field and types "20" saw nothing happen (found driving the real window under
a virtual display). ``typing_skips_weekday(edit)`` makes the first digit typed there go to the day
number instead, so click-and-type works as people expect; arrows and the calendar pop-up are
unchanged. Works for QDateEdit and QDateTimeEdit."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDateTimeEdit


class _SkipWeekday(QObject):
    def __init__(self, edit: QDateTimeEdit):
        super().__init__(edit)
        self.edit = edit

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and event.text().isdigit():
            e = self.edit
            if e.currentSectionIndex() == 0 and e.displayFormat().startswith("ddd") and e.sectionCount() > 1:
                e.setCurrentSectionIndex(1)  # the day number, right after the weekday name
                e.setSelectedSection(e.sectionAt(1))
        return False


def typing_skips_weekday(edit: QDateTimeEdit) -> QDateTimeEdit:
    """Install the behaviour on ``edit`` (and its text field, which gets the keys too); returns it."""
    f = _SkipWeekday(edit)
    edit.installEventFilter(f)
    edit.lineEdit().installEventFilter(f)
    return edit

"""The Repeat panel of the session form: its settings and the live list of dates (SPEC 3.1-3.3)."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionGroupBox

from app.services.scheduling.recurrence import RecurrenceInput
from app.views.widgets.recurrence_panel import RecurrencePanel


def click_repeat(qtbot, panel: RecurrencePanel) -> None:
    """Click the check box in the group box's title."""
    opt = QStyleOptionGroupBox()
    panel.initStyleOption(opt)
    rect = panel.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, opt,
                                        QStyle.SubControl.SC_GroupBoxCheckBox, panel)
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=rect.center())


def click(qtbot, box) -> None:
    """Click a check box or radio button on its indicator (a wide one ignores clicks past its text)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def type_number(qtbot, spin, text: str) -> None:
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, text)


def preview_texts(panel: RecurrencePanel) -> list[str]:
    return [panel.preview.item(i).text() for i in range(panel.preview.count())]


@pytest.fixture
def panel(qtbot):
    p = RecurrencePanel(date(2026, 1, 5))  # a Monday
    qtbot.addWidget(p)
    p.resize(640, 220)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_unticked_it_does_not_repeat_and_folds_away(panel):
    assert not panel.isChecked()
    assert panel.recurrence() is None
    assert not panel.body.isVisible()


def test_ticking_repeat_shows_the_settings_and_picks_the_first_sessions_weekday(qtbot, panel):
    with qtbot.waitSignal(panel.changed):
        click_repeat(qtbot, panel)
    assert panel.isChecked() and panel.body.isVisible()
    assert panel.day_boxes[0].isChecked()  # Monday, the first session's day
    assert panel.recurrence() == RecurrenceInput((0,), "weekly", 1, 10, None, True)
    assert panel.preview.count() == 10


def test_weekly_mon_and_wed_ten_sessions_spec_example(qtbot, panel):
    # SPEC 3.2: first Mon 2026-01-05, days Mon+Wed, 10 sessions -> Jan 5, 7, 12, 14, ..., Feb 4
    click_repeat(qtbot, panel)
    click(qtbot, panel.findChild(QCheckBox, "repeatDay2"))
    type_number(qtbot, panel.count, "10")
    assert panel.recurrence() == RecurrenceInput((0, 2), "weekly", 1, 10, None, True)
    assert panel.preview_dates() == [date(2026, 1, d) for d in (5, 7, 12, 14, 19, 21, 26, 28)] + \
        [date(2026, 2, 2), date(2026, 2, 4)]
    assert preview_texts(panel)[0] == "1. Mon 5 Jan 2026"
    assert preview_texts(panel)[-1] == "10. Wed 4 Feb 2026"
    assert panel.summary.text() == "Creates 10 sessions:"


def test_monthly_spec_example(qtbot, panel):
    # SPEC 3.3: first Tue 2026-01-13, days Tue+Thu, 4 sessions -> Jan 13, Jan 15, Feb 10, Feb 19
    panel.set_first_date(date(2026, 1, 13))
    click_repeat(qtbot, panel)
    assert panel.day_boxes[1].isChecked()
    click(qtbot, panel.day_boxes[3])
    panel.freq.setFocus()
    qtbot.keyClick(panel.freq, Qt.Key.Key_Down)
    assert panel.freq.currentData() == "monthly"
    assert panel.interval.suffix() == " month"
    type_number(qtbot, panel.count, "4")
    assert panel.preview_dates() == [date(2026, 1, 13), date(2026, 1, 15), date(2026, 2, 10), date(2026, 2, 19)]


def test_every_other_week(qtbot, panel):
    click_repeat(qtbot, panel)
    type_number(qtbot, panel.interval, "2")
    type_number(qtbot, panel.count, "3")
    assert panel.interval.suffix() == " weeks"
    assert panel.preview_dates() == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)]


def test_last_date_instead_of_a_number(qtbot, panel):
    # SPEC 3.1: the number of sessions OR the last date, exactly one
    click_repeat(qtbot, panel)
    assert panel.count.isEnabled() and not panel.until.isEnabled()
    click(qtbot, panel.by_until)
    assert not panel.count.isEnabled() and panel.until.isEnabled()
    panel.until.setDate(QDate(2026, 1, 26))
    rec = panel.recurrence()
    assert rec.count is None and rec.until == date(2026, 1, 26)
    assert panel.preview_dates() == [date(2026, 1, d) for d in (5, 12, 19, 26)]


def test_a_rejected_setting_shows_its_message_instead_of_dates(qtbot, panel):
    click_repeat(qtbot, panel)
    click(qtbot, panel.day_boxes[0])  # no day left
    assert panel.preview_dates() == []
    assert preview_texts(panel) == ["Days of the week: choose at least one day"]
    assert panel.error == "Days of the week: choose at least one day"
    click(qtbot, panel.by_until)
    click(qtbot, panel.day_boxes[4])
    panel.until.setDate(QDate(2025, 12, 1))
    assert preview_texts(panel) == ["Last date: is before the first session"]


def test_not_enabled_is_saved_but_only_the_first_session_is_made(qtbot, panel):
    # SPEC 3.1
    click_repeat(qtbot, panel)
    click(qtbot, panel.enabled)
    assert panel.recurrence().enabled is False
    assert "only the first session" in panel.summary.text()
    assert panel.preview.count() == 10  # still shows what enabling will make


def test_the_last_date_follows_the_first_session_until_edited(qtbot, panel):
    assert panel.until.date() == QDate(2026, 4, 5)
    panel.set_first_date(date(2026, 3, 2))
    assert panel.until.date() == QDate(2026, 6, 2)


def test_unticking_repeat_gives_none_again(qtbot, panel):
    click_repeat(qtbot, panel)
    click_repeat(qtbot, panel)
    assert panel.recurrence() is None
    assert panel.preview.count() == 0


def test_object_names(panel):
    names = {w.objectName() for w in panel.findChildren(object) if hasattr(w, "objectName")}
    assert {f"repeatDay{i}" for i in range(7)} <= names
    assert {"repeatPreview", "repeatCount", "repeatUntil", "repeatByCount", "repeatByUntil", "repeatType",
            "repeatInterval", "repeatEnabled"} <= names

"""Readable at any size (issue 13 item 6): with 20 practitioners the week view shows one of them
(a picker, remembered), never slivers; a block narrower than its text shows the time and the
client's initials, the rest in its tooltip; the main window works from 1024x700 up."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from app.services.people import users
from app.views.calendar.time_grid import block_tooltip

WED = date(2026, 11, 25)


@pytest.fixture
def crowded(practice, make):
    """20 practitioners, each with a session at 10:00 and 14:00 on Wednesday 25 November 2026."""
    sv = make.service("Therapy 50 min", cost=12000, wage=6000, default_minutes=50)
    people = []
    for i in range(20):
        pr = make.practitioner(f"Practitioner {i + 1:02d}", color=f"#{(i * 37) % 200 + 40:02x}6699")
        cl = make.client(f"Client{i + 1:02d}", "Zephyr")
        for h in (10, 14):
            make.session(datetime(2026, 11, 25, h), datetime(2026, 11, 25, h, 50), sv, pr, [cl], confirm=True)
        people.append(pr)
    return people


def _window(qtbot, practice, qsettings, size=(1300, 850)):
    from app.views.main_window import MainWindow

    w = MainWindow(practice, users.first_admin(practice), WED, settings=qsettings, view="week")
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_twenty_practitioners_open_on_one_practitioners_week_and_it_is_remembered(qtbot, practice, crowded,
                                                                                  qsettings):
    w = _window(qtbot, practice, qsettings)
    grid = w.calendar.week.grid
    qtbot.waitUntil(lambda: grid.blocks != [])
    picker = w.week_picker
    assert picker.isVisible()
    assert {b.session.practitioner_id for b in grid.blocks} == {crowded[0].id}
    assert min(b.rect.width() for b in grid.blocks) > 80  # a block, not a sliver
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    assert {b.session.practitioner_id for b in grid.blocks} == {crowded[2].id}
    w.close()
    again = _window(qtbot, practice, qsettings)
    qtbot.waitUntil(lambda: again.calendar.week.grid.blocks != [])
    assert again.week_picker.currentData() == crowded[2].id
    assert {b.session.practitioner_id for b in again.calendar.week.grid.blocks} == {crowded[2].id}


def test_everyone_shows_narrow_blocks_in_a_compact_form_with_the_full_text_in_the_tooltip(qtbot, practice, crowded,
                                                                                           qsettings):
    w = _window(qtbot, practice, qsettings)
    picker = w.week_picker
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Home)  # "Week: everyone"
    grid = w.calendar.week.grid
    qtbot.waitUntil(lambda: len(grid.blocks) == 40)
    narrow = min(grid.blocks, key=lambda b: b.rect.width())
    texts = grid.block_texts(narrow)
    assert texts and not any("\u2026" in t for t in texts)  # nothing cut to "Cli…"
    assert "10:00" in " ".join(texts) or "14:00" in " ".join(texts) or texts[0].isdigit()
    client = narrow.session.clients[0].name
    assert client in block_tooltip(narrow.session, False)


def test_the_window_works_at_1024_by_700(qtbot, practice, crowded, qsettings):
    w = _window(qtbot, practice, qsettings, size=(1024, 700))
    assert w.minimumSizeHint().width() <= 1024 and w.minimumSizeHint().height() <= 700
    assert (w.width(), w.height()) == (1024, 700)
    grid = w.calendar.week.grid
    qtbot.waitUntil(lambda: grid.blocks != [])
    # the toolbar's controls are all on screen, none pushed into an overflow menu
    for widget in (w.title_label, w.week_picker, w.filter_bar):
        assert widget.isVisible()
        right = widget.mapTo(w, widget.rect().topRight()).x()
        assert right <= w.width(), widget.objectName()
    # the day columns have room for a session's time
    assert grid.grid().column_width >= 90

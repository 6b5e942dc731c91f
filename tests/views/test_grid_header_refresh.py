"""The row of names above the day by practitioner is painted again only when what it shows changes
(issue 17: a day step repainted twenty unchanged names, a tenth of the step). What is on screen, read
back from the window's backing store, must always be what the header would paint now: a closed day's
tint (SPEC 7.3) comes and goes, today's tint comes and goes, and a busier day's wider columns move
the names."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication

from app.services.people import users
from app.services.scheduling import closures
from app.views import style
from tests.views.backing_store import on_screen, painted_now

MON = date(2026, 11, 23)  # a plain day; Tuesday plain too, Wednesday busy, Thursday closed, Friday today
TODAY = date(2026, 11, 27)


class PaintCount(QObject):
    def __init__(self, widget):
        super().__init__()
        self.n = 0
        widget.installEventFilter(self)

    def eventFilter(self, _obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.n += 1
        return False


@pytest.fixture
def day_window(qtbot, practice, make, qsettings, admin):
    from app.views.main_window import MainWindow

    sv = make.service("Therapy 50 min", cost=12000, wage=6000, default_minutes=50)
    people = [make.practitioner(name) for name in ("Elena Alvarez", "Ben Ode", "Carla Diaz")]
    client = make.client("Alice", "Smith")
    make.session(datetime(2026, 11, 23, 10), datetime(2026, 11, 23, 11), sv, people[0], [client])
    make.session(datetime(2026, 11, 24, 10), datetime(2026, 11, 24, 11), sv, people[1], [client])
    for i in range(12):  # Wednesday: twelve at once for one practitioner, wider than the window
        make.session(datetime(2026, 11, 25, 9), datetime(2026, 11, 25, 10), sv, people[2], [make.client(f"C{i}", "Zed")],
                     confirm=True)
    closures.add_closure(practice, admin, date(2026, 11, 26), date(2026, 11, 26), "Staff training")
    w = MainWindow(practice, users.first_admin(practice), TODAY, settings=qsettings, view="day")
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    w.calendar.show_range(anchor=MON)
    qtbot.mouseClick(w.by_practitioner, Qt.MouseButton.LeftButton, pos=QPoint(6, w.by_practitioner.height() // 2))
    assert len(w.calendar.day.grid.columns) == 3
    # a name is drawn by drawText the first time and from its laid-out QStaticText after (a pixel apart
    # here and there): painted twice first, the screen and a fresh paint are drawn alike
    header = w.calendar.day.header
    header.grab()
    header.grab()
    header.update()
    QGuiApplication.processEvents()
    return w


def test_a_day_step_repaints_the_practitioners_names_only_when_they_change(qtbot, day_window):
    w = day_window
    header = w.calendar.day.header
    assert on_screen(w, header) == painted_now(header)
    paints = PaintCount(header)
    qtbot.keyClick(w, Qt.Key.Key_PageDown)  # Tuesday: the same three names, nothing tinted
    qtbot.waitUntil(lambda: w.calendar.anchor == date(2026, 11, 24))
    QGuiApplication.processEvents()
    assert paints.n == 0
    assert on_screen(w, header) == painted_now(header)

    qtbot.keyClick(w, Qt.Key.Key_PageDown)  # Wednesday: twelve side by side widen the grid, the names move
    qtbot.waitUntil(lambda: w.calendar.anchor == date(2026, 11, 25))
    qtbot.waitUntil(lambda: header.column_width() > 600)
    assert on_screen(w, header) == painted_now(header)

    qtbot.keyClick(w, Qt.Key.Key_PageDown)  # Thursday, closed: every column tinted, the grid narrow again
    qtbot.waitUntil(lambda: w.calendar.anchor == date(2026, 11, 26))
    qtbot.waitUntil(lambda: header.column_width() < 500)
    shown = on_screen(w, header)
    assert shown == painted_now(header)
    middle = int(header.column_width() * 1.5 + w.calendar.day.grid.grid().gutter)
    assert shown.pixelColor(middle, 2) == style.CLOSED_FILL

    qtbot.keyClick(w, Qt.Key.Key_PageDown)  # Friday, today: tinted as today
    qtbot.waitUntil(lambda: w.calendar.anchor == TODAY)
    shown = on_screen(w, header)
    assert shown == painted_now(header)
    assert shown.pixelColor(middle, 2) == style.TODAY_FILL

    before = paints.n
    qtbot.keyClick(w, Qt.Key.Key_PageDown)  # Saturday: the today tint goes
    qtbot.waitUntil(lambda: w.calendar.anchor == date(2026, 11, 28))
    shown = on_screen(w, header)
    assert paints.n > before and shown == painted_now(header)
    assert shown.pixelColor(middle, 2) == style.HEADER_FILL



def test_the_header_ends_where_the_grid_in_view_ends_by_the_scroll_bar(qtbot, day_window):
    """The header's columns stop at the vertical bar, as the grid's do (its right margin is the bar's
    width as laid out), on the day and on the week, before and after a step."""
    w = day_window
    for view in ("day", "week", "day"):
        w.calendar.show_range(view=view)
        qtbot.keyClick(w, Qt.Key.Key_PageDown)
        panel = w.calendar.day if view == "day" else w.calendar.week
        QGuiApplication.processEvents()
        bar = panel.scroll.verticalScrollBar()
        assert bar.isVisible() and bar.width() == bar.sizeHint().width()
        assert panel.header.contentsMargins().right() == bar.width()
        header_end = panel.header.width() - panel.header.contentsMargins().right()
        frame = panel.scroll.frameWidth()  # the scroll area's frame, right of the bar
        assert header_end == bar.mapTo(panel, QPoint(0, 0)).x() + frame

"""The calendar: month, week and day views in one place, with navigation and remembered state.

It asks its owner for data through callables, so it never touches the database:
``fetch(first_day, last_day) -> (sessions, {date: closure label})``, one call per visible range;
the month asks ``fetch_month(first_day, last_day, per_day, whole_day) -> (sessions, {date: count},
closures)`` for the sessions its cells have room for and the selected day whole (MonthView);
the week of one practitioner asks ``fetch(first_day, last_day, practitioner_id=...)``, so only their
sessions are read (a practice of 20 practitioners: 19 rows rather than 380 for a week).
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from .month_view import MonthView
from .time_grid import GridColumn
from .time_grid_panel import TimeGridPanel

VIEWS = ("month", "week", "day")


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


class CalendarPanel(QWidget):
    create_requested = Signal(object, object, object)  # start, end (naive local) or (date, None, None); practitioner
    move_requested = Signal(int, object, object, object)
    session_clicked = Signal(int, QPoint)
    session_activated = Signal(int)
    day_selected = Signal(object)
    range_changed = Signal()

    def __init__(self, fetch, fetch_month, now_fn, practitioners, parent=None):
        super().__init__(parent)
        self.setObjectName("calendarPanel")
        self._fetch, self._now = fetch, now_fn
        self.practitioners = practitioners
        self.view = "month"
        self.anchor = self.today()
        self.by_practitioner = False
        self.week_practitioner: int | None = None  # the week view shows one practitioner, or everyone (None)
        self.sessions = []  # what the view shows (the month: what its cells list)
        self.session_count = 0  # sessions in the month, week or day shown (the month's are not all listed)
        self.month = MonthView(fetch, fetch_month, self.today())
        self.week = TimeGridPanel(now_fn, "weekView")
        self.day = TimeGridPanel(now_fn, "dayView")
        self.stack = QStackedWidget(objectName="calendarStack")
        for w in (self.month, self.week, self.day):
            self.stack.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.month.create_requested.connect(lambda d: self.create_requested.emit(d, None, None))
        self.month.day_opened.connect(lambda d: self.show_range(view="day", anchor=d))
        self.month.session_clicked.connect(self.session_clicked)
        self.month.day_selected.connect(self.day_selected)
        for panel in (self.week, self.day):
            panel.grid.create_requested.connect(self.create_requested)
            panel.grid.move_requested.connect(self.move_requested)
            panel.grid.session_clicked.connect(self.session_clicked)
            panel.grid.session_activated.connect(self.session_activated)

    def today(self) -> date:
        return self._now().date()

    def set_day_hours(self, start: int, end: int) -> None:
        self.week.grid.day_hours = self.day.grid.day_hours = (start, end)

    # navigation --------------------------------------------------------------
    def show_range(self, view: str | None = None, anchor: date | None = None) -> None:
        if view is not None:
            if view not in VIEWS:
                raise ValueError(view)
            self.view = view
        if anchor is not None:
            self.anchor = anchor
        self.reload()

    def step(self, n: int) -> None:
        a = self.anchor
        if self.view == "month":
            m = a.month - 1 + n
            self.anchor = date(a.year + m // 12, m % 12 + 1, 1)
        else:
            self.anchor = a + timedelta(days=n * (7 if self.view == "week" else 1))
        self.reload()

    def go_today(self) -> None:
        self.month.selected = self.today()
        self.show_range(anchor=self.today())

    def set_by_practitioner(self, on: bool) -> None:
        self.by_practitioner = on
        if self.view == "day":
            self.reload()

    def set_week_practitioner(self, practitioner_id: int | None) -> None:
        """One practitioner's week (readable with 20 practitioners), or everyone's (None)."""
        self.week_practitioner = practitioner_id
        if self.view == "week":
            self.reload()

    def visible_days(self) -> tuple[date, date]:
        if self.view == "week":
            first = week_start(self.anchor)
            return first, first + timedelta(days=6)
        return self.anchor, self.anchor

    # data ----------------------------------------------------------------------
    def reload(self) -> None:
        today = self.today()
        self.month.today = today
        if self.view == "month":
            self.stack.setCurrentWidget(self.month)
            self.month.set_month(self.anchor.year, self.anchor.month)
            self.sessions = [s for s in self.month.shown_sessions() if s.start.month == self.anchor.month]
            self.session_count = self.month.count_in_month()
        else:
            first, last = self.visible_days()
            one = self.week_practitioner if self.view == "week" else None
            self.sessions, closed = (self._fetch(first, last) if one is None
                                     else self._fetch(first, last, practitioner_id=one))
            panel = self.week if self.view == "week" else self.day
            days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
            if self.view == "day" and self.by_practitioner and self.practitioners:
                new = tuple.__new__  # GridColumn's own __new__ costs a Python call per column (twenty a day step)
                columns = [new(GridColumn, (first, p.id, p.name)) for p in self.practitioners]
            elif self.view == "week" and self.week_practitioner is not None:
                pid = self.week_practitioner  # a drag here books this practitioner
                self.sessions = [s for s in self.sessions if s.practitioner_id == pid]
                columns = [GridColumn(d, pid) for d in days]
            else:
                columns = [GridColumn(d) for d in days]
            self.session_count = len(self.sessions)
            self.stack.setCurrentWidget(panel)
            panel.set_content(columns, self.sessions, closed, today)
        self.range_changed.emit()

    def title(self) -> str:
        if self.view == "month":
            return f"{self.anchor:%B %Y}"
        first, last = self.visible_days()
        if self.view == "day":
            return day_title(first)
        if first.month == last.month:
            return f"{first:%d}\u2013{last:%d %B %Y}"
        return f"{first:%d %b}\u2013{last:%d %b %Y}"


@cache
def _names(weekday_or_month: str, n: int) -> str:
    """strftime's name of a weekday (``"A"``, 0 = Monday) or of a month (``"B"``, 1 = January), asked once."""
    d = date(2024, 1, 1 + n) if weekday_or_month == "A" else date(2024, n, 1)  # 1 January 2024 was a Monday
    return d.strftime(f"%{weekday_or_month}")


def day_title(d: date) -> str:
    """'Wednesday 17 March 2021': f"{d:%A %d %B %Y}" without strftime on every step of the day view."""
    return f"{_names('A', d.weekday())} {d.day:02d} {_names('B', d.month)} {d.year}"

"""The day view's title is made without strftime on each step (issue 17): the same text as strftime's."""
from __future__ import annotations

from datetime import date, timedelta

from app.views.calendar.calendar_panel import day_title


def test_the_day_title_is_strftimes_for_every_day_of_a_leap_year_and_the_next():
    day = date(2024, 1, 1)
    while day < date(2026, 1, 1):
        assert day_title(day) == f"{day:%A %d %B %Y}"
        day += timedelta(days=1)
    assert day_title(date(2026, 12, 3)) == "Thursday 03 December 2026"

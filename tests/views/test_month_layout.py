"""The month grid's pure geometry: 42 days from the Monday on or before the 1st, cells tiling the
area exactly, and the "+N more" rule."""
from datetime import date

from app.views.calendar.month_layout import cell_at, fit_lines, month_cells, month_days


def test_month_days_start_on_monday_and_cover_six_weeks():
    days = month_days(2026, 11)
    assert days[0] == date(2026, 10, 26) and days[0].weekday() == 0
    assert len(days) == 42 and days[-1] == date(2026, 12, 6)
    assert date(2026, 11, 1) in days and date(2026, 11, 30) in days


def test_month_starting_on_monday_begins_with_its_first():
    assert month_days(2026, 6)[0] == date(2026, 6, 1)


def test_cells_tile_the_widget_without_gaps():
    cells = month_cells(2026, 11, 700, 626, 26)
    assert cells[0].x == 0 and cells[0].y == 26
    assert cells[6].x + cells[6].w == 700
    assert cells[-1].y + cells[-1].h == 626
    assert [c.in_month for c in cells].count(True) == 30


def test_hit_testing_finds_the_cell_under_a_point():
    cells = month_cells(2026, 11, 700, 626, 26)
    assert cell_at(cells, 150, 30).day == date(2026, 10, 27)
    assert cell_at(cells, 10, 10) is None  # weekday header


def test_fit_lines_shows_all_when_they_fit_and_keeps_a_line_for_more():
    assert fit_lines(3, 60, 17) == (3, 0)
    assert fit_lines(9, 60, 17) == (2, 7)  # room for 3 lines: 2 sessions + "+7 more"
    assert fit_lines(0, 5, 17) == (0, 0)

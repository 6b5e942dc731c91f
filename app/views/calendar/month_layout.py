"""Month grid geometry as pure functions (no painting, no Qt): tested on their own,
used by MonthView for painting and hit-testing alike."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

WEEKS = 6


@dataclass(frozen=True)
class Cell:
    day: date
    x: float
    y: float
    w: float
    h: float
    in_month: bool

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.x + self.w and self.y <= py < self.y + self.h


def month_days(year: int, month: int, first_weekday: int = 0) -> list[date]:
    """The 42 days shown for a month: from the week containing the 1st (weeks start on
    ``first_weekday``, 0 = Monday)."""
    first = date(year, month, 1)
    start = first - timedelta(days=(first.weekday() - first_weekday) % 7)
    return [start + timedelta(days=i) for i in range(WEEKS * 7)]


@lru_cache(maxsize=8)
def month_cells(year: int, month: int, width: float, height: float, header_h: float,
                first_weekday: int = 0) -> tuple[Cell, ...]:
    """The 42 cells of a month at a size; made once per month and size (a step paints and hit-tests
    with the same cells several times; 42 frozen dataclasses cost ~0.1 ms)."""
    cw, ch = width / 7, (height - header_h) / WEEKS
    return tuple(Cell(d, (i % 7) * cw, header_h + (i // 7) * ch, cw, ch, d.month == month)
                 for i, d in enumerate(month_days(year, month, first_weekday)))


def fit_lines(count: int, available_h: float, line_h: float) -> tuple[int, int]:
    """(lines to show, sessions hidden). When not all fit, the last line says "+N more"."""
    room = max(0, int(available_h // line_h))
    if count <= room:
        return count, 0
    shown = max(0, room - 1)
    return shown, count - shown


def cell_at(cells: Sequence[Cell], x: float, y: float) -> Cell | None:
    for c in cells:
        if c.contains(x, y):
            return c
    return None

"""Week/day grid geometry as pure functions (no Qt): overlapping sessions packed side by side,
minutes <-> pixels, 15-minute snapping. Painting and hit-testing both use these results.

A day's layout is always recomputed whole (never one block at a time): a block's width depends
on every block it overlaps, directly or through others.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

SNAP_MINUTES = 15
DAY_MINUTES = 24 * 60


class Placed(NamedTuple):  # a tuple: a busy month makes thousands, a frozen dataclass costs 5x more
    key: Hashable
    start: int  # minutes after local midnight
    end: int
    column: int  # 0-based column inside its overlap cluster
    columns: int  # columns the cluster needs


def pack_day(items: Iterable[tuple[Hashable, int, int]]) -> list[Placed]:
    """Place (key, start_minute, end_minute) items so that overlapping ones sit in separate columns.

    Items are grouped into clusters of transitively overlapping items; inside a cluster each goes
    into the first column that is free at its start; every item of a cluster gets the cluster's
    column count, so their widths match. Touching items (one ends when the next starts) don't overlap.
    Earliest first, then longest first, then by key (as text: keys of any kind sort).
    """
    spans = [(start, -end, key) for key, start, end in items]
    spans.sort(key=_order)
    return _pack_sorted(spans)


def _order(span: tuple[int, int, Hashable]) -> tuple:
    return span[0], span[1], str(span[2])


def _pack_sorted(spans: Iterable[tuple[int, int, Hashable]]) -> list[Placed]:
    """``pack_day`` on (start, -end, key) spans already in the order they are placed."""
    new = tuple.__new__
    placed: list[Placed] = []
    append = placed.append
    cluster: list[tuple[Hashable, int, int, int]] = []
    column_ends: list[int] = []
    cluster_end = -1
    for start, end, key in spans:
        end = -end
        if end <= start:
            end = start + 1
        if start >= cluster_end and cluster:  # the cluster so far is closed: its width is known
            n = len(column_ends)
            for k, s, e, c in cluster:
                append(new(Placed, (k, s, e, c, n)))
            cluster, column_ends = [], []
        for col, col_end in enumerate(column_ends):
            if col_end <= start:
                column_ends[col] = end
                break
        else:
            col = len(column_ends)
            column_ends.append(end)
        cluster.append((key, start, end, col))
        if end > cluster_end:
            cluster_end = end
    n = len(column_ends)
    for k, s, e, c in cluster:
        append(new(Placed, (k, s, e, c, n)))
    return placed


def pack_columns(columns: Sequence[tuple[date, int | None]], sessions) -> tuple[dict[int, tuple[dict, list[Placed]]], int]:
    """A week or day grid's layout: each session in the first of ``columns`` (day, practitioner id or
    None for everyone's) that takes it, each column's sessions packed as ``pack_day`` packs them on
    their minutes after local midnight (a session past midnight ends at 24:00), sessions that start
    and end together in id order. Sessions need ``id`` (an int), ``start`` and ``end`` (aware,
    practice zone), ``practitioner_id`` and ``minutes``. Returns {column index: ({session id:
    session}, placed)} and the most sessions any column sets side by side."""
    everyone: dict[date, int] = {}  # day -> its first column for everyone's sessions
    own_columns: dict[date, dict[int, int]] = {}  # day -> {practitioner id: its first column}
    for i, (day, pid) in enumerate(columns):
        if pid is None:
            everyone.setdefault(day, i)
        else:
            own_columns.setdefault(day, {}).setdefault(pid, i)
    by_practitioner = bool(own_columns)
    per_column: dict[int, tuple[dict, list]] = {}  # column -> ({id: session}, [(start, -end, id)])
    last_day = last_zone = steady = day_column = None  # steady: one UTC offset all day (no clock change)
    owns: dict[int, int] = {}
    for s in sessions:
        t, e = s.start, s.end
        day, zone = t.date(), t.tzinfo
        if day != last_day or zone is not last_zone:  # sessions come in time order: once a day
            last_day, last_zone, day_column, owns = day, zone, everyone.get(day), own_columns.get(day, {})
            steady = zone is not None and (datetime.combine(day, time(), zone).utcoffset()
                                           == datetime.combine(day + timedelta(days=1), time(), zone).utcoffset())
        col = day_column
        if by_practitioner:
            own = owns.get(s.practitioner_id)
            if own is not None and (col is None or own < col):
                col = own
        if col is None:
            continue
        start = t.hour * 60 + t.minute
        # on a day without a clock change the wall-clock difference is the length (s.minutes works it
        # out from two timestamps: ~1 us a session)
        if steady and e.tzinfo is zone and e >= t:
            end = start + (e - t).seconds // 60 if e.date() == day else DAY_MINUTES
        else:
            end = min(start + s.minutes, DAY_MINUTES)
        column = per_column.get(col)
        if column is None:
            column = per_column[col] = ({}, [])
        column[0][s.id] = s
        column[1].append((start, -end, s.id))
    packed = {}
    side_by_side = 1
    for col, (by_id, spans) in per_column.items():
        spans.sort()  # earliest first, then longest, then by id: in C, the spans already nearly in order
        placed = _pack_sorted(spans)
        packed[col] = (by_id, placed)
        for p in placed:
            if p[4] > side_by_side:
                side_by_side = p[4]
    return packed, side_by_side


def snap(minute: float, step: int = SNAP_MINUTES) -> int:
    """Nearest multiple of ``step`` minutes, kept inside the day."""
    return int(min(DAY_MINUTES, max(0, round(minute / step) * step)))


def snap_down(minute: float, step: int = SNAP_MINUTES) -> int:
    return int(min(DAY_MINUTES - step, max(0, int(minute // step) * step)))


@dataclass(frozen=True)
class Grid:
    """Pixel geometry of a time grid: ``columns`` day (or practitioner) columns after a gutter."""

    width: float
    px_per_hour: float
    gutter: float
    columns: int

    @property
    def height(self) -> float:
        return 24 * self.px_per_hour

    @property
    def column_width(self) -> float:
        return (self.width - self.gutter) / max(1, self.columns)

    def y(self, minute: float) -> float:
        return minute * self.px_per_hour / 60

    def minute(self, y: float) -> float:
        return y * 60 / self.px_per_hour

    def column_at(self, x: float) -> int | None:
        if x < self.gutter or x >= self.width:
            return None
        return min(self.columns - 1, int((x - self.gutter) // self.column_width))

    def block_rect(self, column: int, p: Placed, pad: float = 2) -> tuple[float, float, float, float]:
        """(x, y, w, h) of a placed item in a grid column."""
        sub = self.column_width / p.columns
        x = self.gutter + column * self.column_width + p.column * sub
        return (x + pad / 2, self.y(p.start), sub - pad, max(self.y(p.end) - self.y(p.start), 14))

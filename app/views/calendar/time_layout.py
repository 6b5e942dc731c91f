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
    spans = [(0, start, -end, key) for key, start, end in items]
    spans.sort(key=_order)
    return _pack_sorted(spans)[0].get(0, [])


def _order(span: tuple[int, int, int, Hashable]) -> tuple:
    return span[1], span[2], str(span[3])


def _pack_sorted(spans: Iterable[tuple[Hashable, int, int, Hashable]]) -> tuple[dict[Hashable, list[Placed]], int]:
    """``pack_day`` on (group, start, -end, key) spans, each group's together and in the order its
    items are placed: each group packed on its own, in one pass over all of them (a day by practitioner
    has twenty groups of a few sessions). Returns {group: placed} and the most columns any cluster needs.

    Most sessions overlap no other: a cluster is held as its first item alone until a second one
    overlaps it, and only then as a list of items with the end of each column."""
    new = tuple.__new__
    out: dict[Hashable, list[Placed]] = {}
    widest = 1
    placed: list[Placed] = []
    group: object = out  # no group yet (out is never a group)
    cluster_end = -1
    first: tuple | None = None  # the open cluster's first item (key, start, end), while it is alone
    cluster: list[tuple[Hashable, int, int, int]] | None = None  # its items, once a second overlaps
    column_ends: list[int] = []
    for g, start, end, key in spans:
        end = -end
        if end <= start:
            end = start + 1
        if start < cluster_end and g == group:  # overlaps the open cluster
            if cluster is None:
                cluster, column_ends = [(*first, 0)], [first[2]]
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
            continue
        # the open cluster is closed: its width is known
        if cluster is not None:
            widest = _place_cluster(cluster, len(column_ends), placed, widest)
            cluster = None
        elif first is not None:
            placed.append(new(Placed, (*first, 0, 1)))
        if g != group:
            group, placed = g, []
            out[g] = placed
        first, cluster_end = (key, start, end), end
    if cluster is not None:
        widest = _place_cluster(cluster, len(column_ends), placed, widest)
    elif first is not None:
        placed.append(new(Placed, (*first, 0, 1)))
    return out, widest


def _place_cluster(cluster: list[tuple[Hashable, int, int, int]], n: int, placed: list[Placed], widest: int) -> int:
    """Append a closed cluster's items, each ``n`` columns wide, to ``placed``; the new widest."""
    new = tuple.__new__
    for k, s, e, c in cluster:
        placed.append(new(Placed, (k, s, e, c, n)))
    return max(widest, n)


def pack_columns(columns: Sequence[tuple[date, int | None]], sessions) -> tuple[dict[int, tuple[dict, list[Placed]]], int]:
    """A week or day grid's layout: each session in the first of ``columns`` (day, practitioner id or
    None for everyone's) that takes it, each column's sessions packed as ``pack_day`` packs them on
    their minutes after local midnight (a session past midnight ends at 24:00), sessions that start
    and end together in id order. Sessions need ``id`` (an int), ``start`` and ``end`` (aware,
    practice zone), ``practitioner_id`` and ``minutes``. Returns {column index: ({session id:
    session}, placed)} (one dict of every session laid out, shared by the columns) and the most
    sessions any column sets side by side."""
    everyone: dict[date, int] = {}  # day -> its first column for everyone's sessions
    own_columns: dict[date, dict[int, int]] = {}  # day -> {practitioner id: its first column}
    for i, (day, pid) in enumerate(columns):
        if pid is None:
            everyone.setdefault(day, i)
        else:
            own_columns.setdefault(day, {}).setdefault(pid, i)
    by_practitioner = bool(own_columns)
    by_id: dict[int, object] = {}
    spans: list[tuple[int, int, int, int]] = []  # (column, start, -end, id)
    append = spans.append
    last_day = last_zone = steady = day_column = None  # steady: one UTC offset all day (no clock change)
    owns: dict[int, int] = {}
    for s in sessions:
        t = s.start
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
        e = s.end
        start = t.hour * 60 + t.minute
        # on a day without a clock change the wall-clock difference is the length (s.minutes works it
        # out from two timestamps: ~1 us a session)
        if steady and e.tzinfo is zone and e >= t:
            end = start + (e - t).seconds // 60 if e.date() == day else DAY_MINUTES
        else:
            end = min(start + s.minutes, DAY_MINUTES)
        sid = s.id
        by_id[sid] = s
        append((col, start, -end, sid))
    # by column, earliest first, then longest, then by id: sorted in C, then packed in one pass
    spans.sort()
    placed, side_by_side = _pack_sorted(spans)
    return {col: (by_id, column) for col, column in placed.items()}, side_by_side


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

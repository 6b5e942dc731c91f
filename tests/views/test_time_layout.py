"""Packing overlapping sessions into columns (the calendar never draws one block over another).

Diagrams: each letter's row shows when it runs, one character = 15 minutes from 09:00.
"""
from app.views.calendar.time_layout import Grid, pack_day, snap, snap_down


def _items(diagram: str):
    out = []
    for line in diagram.strip().splitlines():
        key, bar = line.split(":")
        first = bar.index("#")
        last = bar.rindex("#") + 1
        out.append((key.strip(), 540 + first * 15, 540 + last * 15))
    return out


def _cols(placed):
    return {p.key: (p.column, p.columns) for p in placed}


def test_separate_sessions_take_the_full_width():
    placed = pack_day(_items("""
        a:####....
        b:....####
    """))
    assert _cols(placed) == {"a": (0, 1), "b": (0, 1)}  # touching is not overlapping


def test_two_overlapping_sessions_sit_side_by_side():
    assert _cols(pack_day(_items("""
        a:####..
        b:..####
    """))) == {"a": (0, 2), "b": (1, 2)}


def test_a_freed_column_is_reused_and_the_cluster_shares_one_count():
    assert _cols(pack_day(_items("""
        a:########
        b:##......
        c:...##...
        d:......##
    """))) == {"a": (0, 2), "b": (1, 2), "c": (1, 2), "d": (1, 2)}


def test_a_column_is_free_again_when_its_session_ends_as_the_next_starts():
    assert _cols(pack_day(_items("""
        a:########
        b:##......
        c:..##....
    """))) == {"a": (0, 2), "b": (1, 2), "c": (1, 2)}


def test_three_at_once_need_three_columns():
    assert _cols(pack_day(_items("""
        a:####
        b:.###
        c:..##
    """))) == {"a": (0, 3), "b": (1, 3), "c": (2, 3)}


def test_no_two_placed_blocks_overlap_on_screen():
    items = [(i, 540 + (i * 37) % 300, 540 + (i * 37) % 300 + 30 + (i * 13) % 90) for i in range(40)]
    grid = Grid(width=800, px_per_hour=48, gutter=50, columns=1)
    rects = [grid.block_rect(0, p) for p in pack_day(items)]
    for i, (x1, y1, w1, h1) in enumerate(rects):
        for x2, y2, w2, h2 in rects[i + 1:]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1


def test_snapping_to_fifteen_minutes():
    assert snap(7) == 0 and snap(8) == 15 and snap(600) == 600 and snap(1439) == 1440
    assert snap_down(14) == 0 and snap_down(1439) == 1425


def test_grid_maps_pixels_and_minutes_both_ways():
    g = Grid(width=750, px_per_hour=48, gutter=50, columns=7)
    assert g.column_width == 100 and g.height == 1152
    assert g.y(600) == 480 and g.minute(480) == 600
    assert g.column_at(49) is None and g.column_at(50) == 0 and g.column_at(749) == 6


def test_sessions_that_start_and_end_together_sit_in_the_order_they_were_booked():
    """pack_columns puts sessions of the same times side by side by id (id 9 left of id 10, as they
    were booked), a longer one first; a session past midnight ends at 24:00 of its day."""
    from datetime import date, datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from app.views.calendar.time_layout import pack_columns

    tz = ZoneInfo("Europe/London")

    def s(id_, start, end):
        return SimpleNamespace(id=id_, start=start, end=end, practitioner_id=1,
                               minutes=int((end - start).total_seconds()) // 60)

    day = date(2026, 3, 3)
    nine, ten = datetime(2026, 3, 3, 9, tzinfo=tz), datetime(2026, 3, 3, 10, tzinfo=tz)
    sessions = [s(9, nine, ten), s(10, nine, ten), s(11, nine, datetime(2026, 3, 3, 11, tzinfo=tz)),
                s(12, datetime(2026, 3, 3, 23, tzinfo=tz), datetime(2026, 3, 4, 1, tzinfo=tz))]
    packed, side_by_side = pack_columns([(day, None)], sessions)
    by_key = {p.key: (p.column, p.columns, p.start, p.end) for p in packed[0][1]}
    assert by_key == {11: (0, 3, 540, 660), 9: (1, 3, 540, 600), 10: (2, 3, 540, 600), 12: (0, 1, 1380, 1440)}
    assert side_by_side == 3 and set(packed[0][0]) == {9, 10, 11, 12}


def _spans():
    """Sessions of a week by practitioner: (practitioner 1-4, day 0-6, start slot, length in minutes),
    ids of three digits (so pack_day's key order, as text, is the id order)."""
    from hypothesis import strategies as st

    return st.lists(st.tuples(st.integers(1, 4), st.integers(0, 6), st.integers(0, 95),
                              st.sampled_from((0, 15, 30, 45, 60, 90, 240))), max_size=60)


def test_pack_columns_lays_out_each_column_as_pack_day_does():
    """The day view by practitioner and the week: pack_columns (every column packed in one pass) puts
    each session in the first column that takes it, at the place pack_day gives it among that column's
    sessions alone, and reports the most columns any cluster needs."""
    from datetime import date, datetime, timedelta
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from app.views.calendar.time_layout import pack_columns

    tz, monday = ZoneInfo("America/New_York"), date(2026, 3, 2)  # clocks change on Sunday the 8th

    @settings(max_examples=300, deadline=None)
    @given(_spans(), st.sampled_from(("week", "practitioners", "practitioners and everyone")))
    def check(spans, shape):
        sessions = []
        for i, (pid, day, slot, length) in enumerate(spans):
            start = datetime.combine(monday + timedelta(days=day), datetime.min.time(), tz) + timedelta(minutes=15 * slot)
            end = start + timedelta(minutes=length)
            sessions.append(SimpleNamespace(id=100 + i, start=start, end=end, practitioner_id=pid,
                                            minutes=int((end - start).total_seconds()) // 60))
        sessions.sort(key=lambda s: (s.start, s.id))
        if shape == "week":
            columns = [(monday + timedelta(days=d), None) for d in range(7)]
        else:
            columns = [(monday, p) for p in (1, 2, 3)] + ([(monday, None)] if shape.endswith("everyone") else [])
        packed, side_by_side = pack_columns(columns, sessions)

        want: dict[int, list] = {}
        for s in sessions:  # the first column that takes it
            col = next((i for i, (d, p) in enumerate(columns)
                        if d == s.start.date() and p in (None, s.practitioner_id)), None)
            if col is not None:
                start = s.start.hour * 60 + s.start.minute
                want.setdefault(col, []).append((s.id, start, min(start + s.minutes, 24 * 60)))
        assert {col: placed for col, (_by_id, placed) in packed.items()} == {
            col: pack_day(items) for col, items in want.items()}
        assert side_by_side == max([p.columns for _b, placed in packed.values() for p in placed], default=1)
        for by_id, placed in packed.values():
            assert all(by_id[p.key].id == p.key for p in placed)

    check()

"""The week grid's cheaper painting (issue 17) draws what it drew before: a session's length across a
clock change, blocks made only when painted, a struck-through name kept on a repaint (a text drawn
again comes from a cached QStaticText, which can drop a strike-through), the lines of a block, and
a grid width kept from a week to a slightly quieter one."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRect
from PySide6.QtGui import QFont, QFontMetrics, QImage

from app.services.scheduling.calendar_rows import CalendarClient, CalendarRow
from app.views.calendar.time_grid import GUTTER, MIN_BLOCK_W, PX_PER_HOUR, GridColumn, TimeGridView

NY = ZoneInfo("America/New_York")


def _row(i: int, start: datetime, end: datetime, status: str = "open", client: str = "Alice Smith") -> CalendarRow:
    return CalendarRow(i, start, end, 1, "Dr. Ana Ruiz", "#3182ce", 1, "Therapy 50 min", None, "", status, None, "",
                       None, (CalendarClient(i, client, None),))


def _grid(qtbot, monday: date, rows, closed=None, width=1400) -> TimeGridView:
    grid = TimeGridView(lambda: datetime.combine(monday, time(7), tzinfo=NY))
    qtbot.addWidget(grid)
    grid.resize(width, grid.minimumHeight())
    grid.set_content([GridColumn(monday + timedelta(days=i)) for i in range(7)], rows, closed or {})
    return grid


def _render(grid: TimeGridView, ratio: int = 1) -> QImage:
    """The grid painted into an image, at ``ratio`` device pixels per pixel (2: a high-density screen)."""
    img = QImage(grid.size() * ratio, QImage.Format.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(ratio)
    grid.render(img)
    return img


def test_a_session_over_the_clock_change_is_as_long_as_it_lasts(qtbot):
    # SPEC 0.2: times in the practice's zone; 01:00-04:00 on the spring change lasts 2 hours, on the
    # autumn change 4; an ordinary day's 3 hours stay 3
    days = (date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 10))
    rows = [_row(i, datetime.combine(d, time(1), NY), datetime.combine(d, time(4), NY)) for i, d in enumerate(days)]
    by_day = {}
    for monday in (date(2026, 3, 2), date(2026, 3, 9), date(2026, 10, 26)):
        grid = _grid(qtbot, monday, rows)
        by_day |= {b.session.start.date(): b.rect.height() for b in grid.blocks}
    assert by_day == {date(2026, 3, 8): 2 * PX_PER_HOUR, date(2026, 11, 1): 4 * PX_PER_HOUR,
                      date(2026, 3, 10): 3 * PX_PER_HOUR}


def test_blocks_made_for_a_paint_are_the_blocks_of_the_grid(qtbot):
    monday = date(2026, 11, 23)
    rows = [_row(i, datetime.combine(monday + timedelta(days=i % 7), time(8 + i % 10), NY),
                 datetime.combine(monday + timedelta(days=i % 7), time(8 + i % 10, 50), NY)) for i in range(60)]
    lazy = _grid(qtbot, monday, rows)
    first = _render(lazy)  # the paint works out what it draws from the packed columns: no Block made
    assert lazy._blocks is None
    eager = _grid(qtbot, monday, rows)
    assert len(eager.blocks) == 60  # all made at once (as hit-testing does), then painted
    assert _render(eager) == first
    made = [(b.session.id, b.rect) for b in eager.blocks]
    assert [(look.session.id, look.rect) for look in _painted(lazy)] == made  # drawn where a click finds them
    assert [(b.session.id, b.rect) for b in lazy.blocks] == made
    assert len({id(b) for b in lazy.blocks}) == 60 and lazy.blocks is lazy.blocks  # one block per session, kept


def test_a_canceled_session_keeps_its_struck_name_when_painted_again(qtbot):
    # SPEC 4.4: a free cancellation is crossed out; its name line is drawn the same on every paint
    # (drawStaticText drops the strike-through of a text far to the right of a wide grid, as in
    # everyone's week: a struck name is always drawn by drawText)
    monday = date(2026, 11, 23)
    start = datetime.combine(monday + timedelta(days=6), time(9), NY)
    name = "Quentin Strikeworth"  # a name no other test draws: drawText first, then from the cache
    grid = _grid(qtbot, monday, [_row(1, start, start + timedelta(hours=1), status="canceled", client=name)],
                 width=5000)
    b = grid.blocks[0]
    assert b.rect.x() > 4000
    name_line = QRect(int(b.rect.x()) + 6, int(b.rect.y()) + 14, int(b.rect.width()) - 10, 13)
    first, again = grid.grab().toImage().copy(name_line), grid.grab().toImage().copy(name_line)
    assert first == again
    assert grid.block_texts(b)[:2] == ["\u2715 09:00\u201310:00", f"{name} \u00b7 Therapy 50 min \u00b7 Dr. Ana Ruiz"]


def test_a_narrow_block_and_a_wide_one_show_their_lines(qtbot):
    monday = date(2026, 11, 23)
    start = datetime.combine(monday, time(9), NY)
    rows = [_row(i, start, start + timedelta(hours=1), client=f"Client Number{i}") for i in range(12)]
    rows.append(_row(99, start + timedelta(days=1), start + timedelta(days=1, hours=2), client="Bob Jones"))
    grid = _grid(qtbot, monday, rows)
    narrow = next(b for b in grid.blocks if b.session.id == 0)
    wide = next(b for b in grid.blocks if b.session.id == 99)
    assert grid.block_texts(narrow) == ["09:00", "CN"]  # the compact form: the tooltip has the rest
    assert grid.grid().column_width > 300  # twelve side by side widen the grid: a lone block has room
    assert grid.block_texts(wide) == ["\u25cb 09:00\u201311:00", "Bob Jones \u00b7 Therapy 50 min \u00b7 Dr. Ana Ruiz",
                                      "Therapy 50 min", "Open"]


def test_a_slightly_quieter_week_keeps_the_grid_width_a_much_quieter_one_does_not(qtbot):
    # stepping through everyone's weeks the width changes only when it must (a new width lays out and
    # repaints the scroll area's bars): a week needing 80% or more of it keeps it, blocks a little wider
    monday = date(2026, 11, 23)

    def week(n: int) -> list[CalendarRow]:  # n sessions at once on Monday 09:00
        start = datetime.combine(monday, time(9), NY)
        return [_row(i, start, start + timedelta(hours=1), client=f"Client Number{i}") for i in range(n)]

    grid = _grid(qtbot, monday, week(10))
    busy = grid.minimumWidth()
    assert busy == GUTTER + 7 * 10 * MIN_BLOCK_W
    grid.set_content(grid.columns, week(9), {})  # needs 90% of it
    assert grid.minimumWidth() == busy
    assert min(b.rect.width() for b in grid.blocks) > MIN_BLOCK_W  # the room kept goes to the blocks
    grid.set_content(grid.columns, week(5), {})  # needs half: narrower
    assert grid.minimumWidth() == GUTTER + 7 * 5 * MIN_BLOCK_W
    grid.set_content(grid.columns, week(11), {})  # needs more: wider at once
    assert grid.minimumWidth() == GUTTER + 7 * 11 * MIN_BLOCK_W
    one = [GridColumn(c.day, 1) for c in grid.columns]  # other columns (one practitioner's): as needed
    grid.set_content(one, week(10), {})
    assert grid.minimumWidth() == GUTTER + 7 * 10 * MIN_BLOCK_W


def _painted(grid: TimeGridView) -> list:
    """What the grid's blocks draw, as its paints worked it out, in painting order."""
    return list(grid._looks_made.values())


def _drawn_in_turn(qtbot, monday: date, rows, closed, ratio: int = 1, width: int = 1400) -> QImage:
    """The grid as painted one block whole after another (fill, stripe, outline, text), each over the
    ones before: what a paint a part at a time must equal."""
    from PySide6.QtGui import QPainter

    from app.views.calendar import time_grid

    grid = _grid(qtbot, monday, rows, closed, width)
    _render(grid)  # works out what each block draws
    empty = _grid(qtbot, monday, [], closed, width)
    img = _render(empty, ratio)
    p = QPainter(img)
    looks = _painted(grid)
    assert len(looks) == len(grid.blocks)
    for look in looks:
        time_grid._draw_block(p, look)
    p.end()
    return img


def _row_of(i: int, day: date, start: time, minutes: int, practitioner: int, status: str = "open",
            client: str = "Alice Smith") -> CalendarRow:
    colors = ("#3182ce", "#d53f8c", "#38a169")
    begin = datetime.combine(day, start, NY)
    return CalendarRow(i, begin, begin + timedelta(minutes=minutes), practitioner, f"Dr. Number{practitioner}",
                       colors[practitioner % 3], 1, "Therapy", None, "", status, None, "", None,
                       (CalendarClient(i, client, None),))


def test_blocks_painted_part_by_part_are_the_blocks_painted_one_after_another(qtbot):
    # issue 17: the week draws every fill, then every stripe, outline and text (fewer pen and font
    # changes); the picture is the same as drawing each block whole in turn: sessions of different
    # practitioners one right after another (their edges meet), side by side, struck out, on a closed day,
    # a block whose two lines fill it to its bottom edge (35 minutes) right above another
    monday = date(2026, 11, 23)
    rows, i = [], 0
    for d in range(7):
        day = monday + timedelta(days=d)
        for k, (h, m, minutes) in enumerate(((8, 0, 30), (8, 30, 45), (9, 15, 60), (9, 15, 50), (11, 0, 90),
                                             (11, 30, 30), (14, 0, 25), (14, 25, 35), (15, 0, 30))):
            status = ("open", "completed", "canceled", "missed")[(i + d) % 4]
            rows.append(_row_of(i, day, time(h, m), minutes, (k + d) % 3, status, f"Peggy Quigley{i}"))
            i += 1
    closed = {monday + timedelta(days=2): "Training day"}
    grid = _grid(qtbot, monday, rows, closed)
    assert not _painted(grid)
    assert _render(grid) == _drawn_in_turn(qtbot, monday, rows, closed)
    # every block but those on the closed day (their dashed outlines let the edge above show) kept to
    # itself: drawn part by part; the week with the closed day is drawn a block at a time
    assert {look.session.start.date() for look in _painted(grid) if not look.apart} == set(closed)
    assert _render(grid) == _drawn_in_turn(qtbot, monday, rows, closed)
    open_week = _grid(qtbot, monday, rows, {})
    assert _render(open_week) == _drawn_in_turn(qtbot, monday, rows, {})
    assert all(look.apart for look in _painted(open_week))
    # on a high-density screen (two device pixels a pixel: outlines two pixels wide) alike
    assert _render(open_week, 2) == _drawn_in_turn(qtbot, monday, rows, {}, 2)


def test_a_blocks_lines_sit_on_whole_pixels_inside_the_block(qtbot):
    # issue 17: a text at a fraction of a pixel has its glyphs drawn and kept once per fraction, and a
    # QStaticText is drawn at whole pixels in one call: every line is placed on whole pixels, right of the
    # practitioner's stripe, below the top edge, and (a block kept to itself) ending above the bottom edge
    monday = date(2026, 11, 23)
    rows = [_row_of(i, monday + timedelta(days=i % 7), time(8 + i % 9, (i * 5) % 60), 20 + (i * 7) % 70, i % 3,
                    ("open", "completed", "canceled", "missed")[i % 4], f"Peggy Quigley{i}") for i in range(60)]
    for width in (1400, 1137):  # columns of a whole and of a fractional width
        grid = _grid(qtbot, monday, rows, width=width)
        _render(grid)
        looks = _painted(grid)
        assert len(looks) == len(rows)
        line_h = grid._small_fonts()[1].line_height
        for look in looks:
            r = look.rect
            for _fit, _color, x, y, _text in look.lines:
                assert type(x) is int and type(y) is int
                assert r.left() + look.stripe_width < x and r.top() < y
            if look.apart:
                assert look.lines[-1][3] + line_h <= r.bottom()


def test_blocks_drawn_as_whole_pixel_boxes_are_the_pixels_of_their_fill_stripe_and_outline(qtbot):
    # issue 17: at one device pixel a pixel a block is three filled whole-pixel rectangles (its outline's box,
    # the inside, the stripe's part of it) instead of a fill, a stripe and a stroked outline at fractions of
    # a pixel: the same pixels, on columns of whole and fractional widths, for blocks alone and two or three
    # side by side, from 20 minutes to an hour and a half, one right after another
    monday = date(2026, 11, 23)
    rows, i = [], 0
    for d in range(7):
        day = monday + timedelta(days=d)
        minute = 8 * 60 + d * 7  # after the now line (7:00 on the Monday)
        for k, minutes in enumerate((20, 30, 25, 35, 50, 60, 95)):
            for side in range(1 + (k + d) % 3):  # one, two or three starting together
                rows.append(_row_of(i, day, time(minute // 60, minute % 60), max(20, minutes - side * 5), (i + side) % 3,
                                    ("open", "completed", "canceled", "missed")[i % 4], f"Peggy Quigley{i}"))
                i += 1
            minute += minutes + (k % 2) * 13  # some right after the one before, some with a gap
    for width in (1400, 1523, 1611, 1777):  # no narrower than the three side by side need
        grid = _grid(qtbot, monday, rows, width=width)
        shown = _render(grid)
        assert all(look.apart for look in _painted(grid))  # drawn part by part, in whole pixels
        assert shown == _drawn_in_turn(qtbot, monday, rows, {}, width=width), width


def test_a_short_session_drawn_taller_than_it_lasts_is_painted_over_by_the_next(qtbot):
    # a 5-minute session is drawn 14 px tall (the least a block is), reaching into the session right
    # after it: the blocks are then drawn whole one after the other, the later one over the earlier
    monday = date(2026, 11, 23)
    rows = [_row_of(1, monday, time(9), 5, 0, client="Shorty Short"),
            _row_of(2, monday, time(9, 5), 60, 1, client="Bob Jones"),
            _row_of(3, monday, time(10, 5), 60, 2, client="Carl Long")]
    grid = _grid(qtbot, monday, rows)
    picture = _render(grid)
    assert [look.apart for look in _painted(grid)] == [False, True, True]
    assert picture == _drawn_in_turn(qtbot, monday, rows, {})


def _lines_measured(s, width: int, room: int, bold, closed: bool, symbol: str) -> list[str]:
    """What a block shows, the plain way: every text measured and shortened by QFontMetrics itself."""
    from PySide6.QtCore import Qt

    from app.views.calendar.time_grid import initials

    m = bold.metrics
    start, end = f"{s.start:%H:%M}", f"{s.end:%H:%M}"
    full_time = f"{symbol} {start}\u2013{end}"
    if m.horizontalAdvance(full_time) > width or (room < 2 and width < 120):
        short = initials(s)
        if room >= 2 and m.horizontalAdvance(start) <= width:
            lines = [start, short]
        elif m.horizontalAdvance(f"{start} {short}") <= width:
            lines = [f"{start} {short}"]
        else:
            lines = [short] if m.horizontalAdvance(short) <= width else [f"{s.start:%H}"]
    elif room < 2:
        lines = [f"{symbol} {start} {s.title}"]
    else:
        title = s.title
        if width > 300:
            title = " \u00b7 ".join(x for x in (s.title, s.service_name, s.location_name, s.practitioner_name) if x)
        lines = [full_time, title, s.service_name, s.label + ("  \u26a0 closed" if closed else "")]
    return [m.elidedText(x, Qt.TextElideMode.ElideRight, width) for x in lines[:room]]


def test_a_blocks_lines_are_what_measuring_each_text_gives(qtbot):
    # issue 17: a block's lines are worked out from remembered widths (each "HH:MM", the least any time
    # range takes, a text a pixel narrower than the block kept as it is): the same lines as measuring and
    # shortening every text with QFontMetrics, for every width from a sliver to a wide day column
    import random

    from app.views.calendar import time_grid
    from app.views.calendar.status_look import look_of

    grid = _grid(qtbot, date(2026, 11, 23), [])
    bold = time_grid.BlockFonts(time_grid.small_font(grid.font())).key
    rnd = random.Random(17)
    names = ["Alice Smith", "Bo Li", "Maximilian Wolfeschlegelstein", "Zoë Ångström", "Jo", "Ann Marie Quigley-Wu"]
    checked = 0
    for _ in range(60):
        day = date(2026, 11, 23) + timedelta(days=rnd.randrange(7))
        begin = datetime.combine(day, time(rnd.randrange(24), rnd.randrange(60)), NY)
        status = rnd.choice(["open", "completed", "missed", "canceled"])
        clients = tuple(CalendarClient(k, rnd.choice(names), None) for k in range(rnd.choice([1, 1, 1, 3])))
        s = CalendarRow(1, begin, begin + timedelta(minutes=rnd.choice([5, 30, 50, 90, 600])), 1, "Dr. Ana Ruiz",
                        "#3182ce", 1, rnd.choice(["Therapy 50 min", "Intake"]), None, rnd.choice(["", "Room 2"]), status,
                        None, "", None, clients)
        symbol = look_of(status, False).symbol
        closed = rnd.random() < 0.2
        for width in list(range(1, 130)) + [rnd.randrange(130, 420) for _ in range(20)]:
            for room in (1, 2, 4):
                assert time_grid._texts(s, width, room, bold, closed, symbol) == \
                    _lines_measured(s, width, room, bold, closed, symbol), (width, room, s)
                checked += 1
    assert checked > 25_000


def test_a_larger_font_measures_the_blocks_again(qtbot):
    # the blocks' fonts are kept between paints (issue 17) and made again when the grid's font changes:
    # the lines are measured in the new font, the picture painted with it
    monday = date(2026, 11, 23)
    start = datetime.combine(monday, time(9), NY)
    grid = _grid(qtbot, monday, [_row(1, start, start + timedelta(hours=3), client="Bartholomew Featherstonehaugh")])
    before = _render(grid)
    b = grid.blocks[0]
    lines = grid.block_texts(b)
    assert lines[1].startswith("Bartholomew Feather") and lines[1].endswith("\u2026")
    font = grid.font()
    before_font = grid._small_fonts()[0]
    font.setPointSizeF(font.pointSizeF() * 2)
    grid.setFont(font)
    after = _render(grid)
    assert after != before
    assert grid._looks_font is grid._small_fonts()[1].key  # measured again in the new font
    bold = grid._small_fonts()[1].key
    assert bold.metrics.height() > 1.5 * QFontMetrics(QFont(before_font)).height()
    bigger = grid.block_texts(b)
    assert bigger != lines
    assert bigger == _lines_measured(b.session, int(b.rect.width()) - 10, int((b.rect.height() - 2) // bold.metrics.height()),
                                     bold, False, "\u25cb")


def test_a_grid_rendered_at_twice_the_pixels_keeps_its_hour_labels_sharp(qtbot):
    # the still background kept in a pixmap is kept per device pixel ratio of what is painted on: a grid
    # shown at one pixel per pixel, then rendered into an image of two (a high-density copy), paints its
    # background at two, not the kept one scaled up (blurred hour labels)
    monday = date(2026, 11, 23)
    start = datetime.combine(monday, time(9), NY)
    rows = [_row(1, start, start + timedelta(hours=1))]
    shown = _grid(qtbot, monday, rows)
    _render(shown), _render(shown)  # the second paint alike keeps the background in a pixmap
    fresh = _grid(qtbot, monday, rows)
    assert _render(shown, 2) == _render(fresh, 2)


def test_a_text_drawn_again_lands_on_the_same_pixels_as_the_first_time(qtbot):
    # a block's text is drawn by drawText the first time and from a kept QStaticText after: at a
    # position between pixels (Tuesday 09:01 on a grid 1401 px wide) both put its glyphs on the same pixels
    # (the kept one was drawn at the position cut to whole pixels, up to a pixel up and left of the first)
    monday = date(2026, 11, 23)
    start = datetime.combine(monday + timedelta(days=1), time(9, 1), NY)
    grid = _grid(qtbot, monday, [_row(1, start, start + timedelta(hours=1), client="Wendell Quaysworth")], width=1401)
    b = grid.blocks[0]
    assert b.rect.x() % 1 and b.rect.y() % 1  # between pixels
    first, second, third = _render(grid), _render(grid), _render(grid)  # drawText, then the QStaticText
    assert first == second == third

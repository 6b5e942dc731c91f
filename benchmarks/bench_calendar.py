"""Calendar range switches on a big practice, side by side with the bare-sqlite floor of the same run.

Measures, with time.perf_counter over many random ranges (median, min, max):

  week switch      calendar_days for 7 days (the light rows the calendar reads since issue 17, aware
                   datetimes in the practice zone, and the days' closures, in one transaction) + the
                   week's layout (time_layout.pack_columns, as the week view lays it out)
  month switch     month_rows for the 42-day month grid, as MonthView.reload asks: each day's first
                   8 sessions and its count, the 1st of the month whole + grouping by day
  day by practitioner  calendar_days for one day + pack_columns, a column per practitioner
  practitioner's week  calendar_days for 7 days filtered to one practitioner + pack_columns, a column a day

and, in the same run and interleaved with them, the floor: ``build`` and the RANGE_SQL week (7 d)
and month (42 d) queries of ../shared/bench/floors.py on its own synthetic file, exactly as
floors.py runs them (the 1-day floor is the same RANGE_SQL over one day; and, since the big practice
works six days a week and the floor file seven, over the span that holds as many sessions as the
product's median day). Each product figure is printed next to its floor with the ratio. Each floor
is timed in turn with the product, one run of each (the day, with two floors, is timed twice: once
beside each floor): a product run right after two floor runs finds its caches colder, the day read
measured 0.38 ms so against 0.33 ms after one, with the floors' own figures unchanged, which
no other figure's product suffers. It also counts the SQL statements one week switch issues
(SQLite's own trace callback, tests/statement_count.py; it must be 3: the sessions, the token of the
names the calendar keeps (scheduling.calendar_names), the closures) and prints the query plan of the
week statement.

Painting: the busiest of 20 random weeks rendered again and again in the real ``TimeGridView``
(as a repaint does: scrolling, hovering, dragging), next to a bare QWidget painting the same
number of labelled rectangles; and the same with the view's text and colour caches emptied before
each paint (the worst case of a week's first paint: no text of it measured before).

Honesty: every run picks a new random range; nothing is cached between runs except what the app
keeps too (SQLAlchemy's compiled-statement cache, SQLite's page cache on the connection the window's
thread keeps for its reads, the practice settings, the names of clients, practitioners, services and
locations while their token is unchanged). The process's garbage collector is set as the app sets it
(``app/gc_tuning.py``); the floor runs in the same process. The first 3 runs of each kind are
warm-up and not counted.

Usage (from the project root, in the project's venv):
    python benchmarks/bench_calendar.py                       # builds 200,000 sessions in a temp dir
    python benchmarks/bench_calendar.py --db /tmp/big.sqlite  # builds it there once, reuses it after
    python benchmarks/bench_calendar.py --runs 100 --floors ../shared/bench/floors.py
    python benchmarks/bench_calendar.py --db /tmp/big.sqlite --profile   # + cProfile of week switches
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time as _time
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if __package__ in (None, ""):  # run as a script: make the project and this folder importable
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))

import sqlalchemy  # noqa: E402
from build_big_practice import build  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from timing import interleaved  # noqa: E402

from app.models import PracticeSession, Practitioner  # noqa: E402
from app.services.people import users  # noqa: E402
from app.services.practice import Actor, Practice  # noqa: E402
from app.services.scheduling import sessions  # noqa: E402
from app.services.scheduling.calendar_rows import calendar_days, calendar_rows  # noqa: E402
from app.services.scheduling.calendar_rows import range_statement as calendar_statement  # noqa: E402
from app.services.scheduling.month_rows import month_rows  # noqa: E402
from app.services.scheduling.sessions import SessionFilter  # noqa: E402
from app.views.calendar.month_layout import month_days  # noqa: E402
from app.views.calendar.time_layout import pack_columns  # noqa: E402
from tests.statement_count import statements  # noqa: E402

WARMUP = 3
# sessions read per day by the month view of a 1400 x 880 main window (bench_window_step.py's): cells
# of ~122 px list 5 lines, and MonthView reads SPARE_LINES (3) more
MONTH_PER_DAY = 8
DEFAULT_FLOORS = ROOT.parent / "shared" / "bench" / "floors.py"


# ---- what a view does with the sessions it gets ---------------------------------------------
def week_layout(views, first: date, days: int = 7) -> dict:
    """The week view's layout, as TimeGridView lays it out (time_layout.pack_columns: a column a day)."""
    return pack_columns([(first + timedelta(days=i), None) for i in range(days)], views)[0]


def day_by_practitioner(views, day: date, practitioner_ids) -> dict:
    """The day view by practitioner's layout, as TimeGridView lays it out (a column each)."""
    return pack_columns([(day, p) for p in practitioner_ids], views)[0]


def month_grouping(views) -> dict:
    by_day = defaultdict(list)
    for s in views:
        by_day[s.start.date()].append(s)
    return dict(by_day)


def load_floors(path: Path):
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("floors", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---- main -----------------------------------------------------------------------------------
def paint_figures(practice, actor, bounds, random_monday, runs: int) -> None:
    """Paint the busiest of 20 random weeks in the real week view, next to the floor: a bare
    QWidget filling and labelling the same number of rectangles (as floors.py does)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication, QWidget

    from app.views.calendar import time_grid
    from app.views.calendar.time_grid import GridColumn, TimeGridView

    app = QApplication.instance() or QApplication([])
    weeks = []
    for _ in range(20):
        monday = random_monday()
        weeks.append((monday, calendar_rows(practice, actor, *bounds(monday, 7))))
    monday, views = max(weeks, key=lambda w: len(w[1]))
    grid = TimeGridView(lambda: datetime.combine(monday, time(11), tzinfo=practice.tz))
    grid.resize(1600, grid.minimumHeight())
    grid.set_content([GridColumn(monday + timedelta(days=i)) for i in range(7)], views, {})
    img = QImage(grid.size(), QImage.Format.Format_ARGB32_Premultiplied)
    rnd = random.Random(3)
    blocks = [(rnd.randrange(7), rnd.randrange(40), rnd.randrange(2, 6), f"{9 + i % 9}:00 Client {i:05d}")
              for i in range(len(views))]

    class Bare(QWidget):
        def paintEvent(self, _ev):  # noqa: N802 (Qt name)
            p = QPainter(self)
            w, h = self.width() / 7, self.height() / 48
            for d, slot, length, text in blocks:
                r = QRectF(d * w + 2, slot * h, w - 4, length * h)
                p.fillRect(r, QColor(90, 140, 200))
                p.drawText(r, Qt.TextFlag.TextWordWrap, text)
            p.end()

    bare = Bare()
    bare.resize(grid.size())
    def cold() -> int:  # as the first paint of a week never seen: no text measured yet
        time_grid._text_fits.clear()
        grid._fonts = None  # the grid keeps its fonts (and their measures) between paints: made again
        time_grid._block_look.cache_clear()
        time_grid._paint_colors.cache_clear()
        grid.render(img)
        return len(views)

    res = interleaved({"product": lambda: grid.render(img) or len(views), "cold": cold,
                       "floor": lambda: bare.render(img) or len(views)}, runs)
    p, c, f = res["product"], res["cold"], res["floor"]
    label = f"paint busiest week ({len(views)} blocks)"
    print(f"{label:42s} {p.text()}")
    print(f"  floor {'bare QWidget, same blocks':34s} {f.text()}   ratio x{p.median / f.median:.1f}")
    print(f"  {'(same, text/colour caches emptied first)':40s} {c.text()}   ratio x{c.median / f.median:.1f}")
    del app


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Calendar range switches on a big practice vs the floors.")
    ap.add_argument("--sessions", type=int, default=200_000, help="sessions to build (default 200,000)")
    ap.add_argument("--db", help="practice file: built there if missing, reused if present")
    ap.add_argument("--runs", type=int, default=60, help="measured runs per figure (default 60)")
    ap.add_argument("--floors", default=str(DEFAULT_FLOORS), help="path of floors.py (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the random ranges")
    ap.add_argument("--profile", action="store_true", help="also cProfile 50 week switches")
    a = ap.parse_args(argv)
    from app.gc_tuning import tune_garbage_collector

    tune_garbage_collector()  # the collector as the app sets it first thing (app/__main__.py)

    print(f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, "
          f"SQLite {sqlite3.sqlite_version}, {a.runs} runs per figure after {WARMUP} warm-up runs")
    tmp = tempfile.TemporaryDirectory(prefix="bench_calendar_")
    path = Path(a.db) if a.db else Path(tmp.name) / "big.sqlite"
    if path.exists():
        print(f"reusing practice file {path}")
    else:
        print(build(path, sessions=a.sessions).summary())

    practice = Practice.open(path)
    actor = users.first_admin(practice).actor
    tz = practice.tz
    with practice.read() as tx:
        first_start, last_start, n_sessions = tx.execute(
            select(func.min(PracticeSession.start_at), func.max(PracticeSession.start_at), func.count())).one()
        practitioner_ids = list(tx.scalars(select(Practitioner.id)))
    first_day, last_day = first_start.astimezone(tz).date(), last_start.astimezone(tz).date()

    floors = load_floors(Path(a.floors))
    if floors is None:
        print(f"floors.py not found at {a.floors}: printing the product figures alone")
    else:
        fpath = os.path.join(tmp.name, "floors.sqlite")
        t = _time.perf_counter()
        fcon, t0, span = floors.build(fpath, n_sessions, 3000, 20)
        print(f"floor file: {n_sessions:,} sessions built by {a.floors} in {_time.perf_counter() - t:.1f} s")
        frnd = random.Random(1)  # as floors.py

        def floor_range(days: float):
            seconds = round(days * 86400)

            def run() -> int:
                s = t0 + frnd.randrange(span - seconds)
                return len(fcon.execute(floors.RANGE_SQL, (s, s + seconds)).fetchall())
            return run

    rnd = random.Random(a.seed)

    def bounds(first: date, days: int) -> tuple[datetime, datetime]:
        return (datetime.combine(first, time(), tzinfo=tz),
                datetime.combine(first + timedelta(days=days), time(), tzinfo=tz))

    def random_monday() -> date:
        d = first_day + timedelta(days=rnd.randrange((last_day - first_day).days - 7))
        return d - timedelta(days=d.weekday())

    counted_monday: list[date] = []

    def week() -> int:
        monday = random_monday()
        counted_monday.append(monday)
        views = calendar_days(practice, actor, monday, monday + timedelta(days=6)).rows
        week_layout(views, monday)
        return len(views)

    def month() -> int:  # as the month view asks: each day's first MONTH_PER_DAY, the 1st whole
        d = first_day + timedelta(days=31 + rnd.randrange((last_day - first_day).days - 62))
        days = month_days(d.year, d.month)
        views = month_rows(practice, actor, days[0], days[-1], MONTH_PER_DAY, whole_day=date(d.year, d.month, 1)).rows
        month_grouping(views)
        return len(views)

    def day() -> int:
        d = first_day + timedelta(days=rnd.randrange((last_day - first_day).days))
        views = calendar_days(practice, actor, d, d).rows
        day_by_practitioner(views, d, practitioner_ids)
        return len(views)

    def practitioner_week() -> int:
        monday, pid = random_monday(), rnd.choice(practitioner_ids)
        views = calendar_days(practice, Actor(None, "practitioner", pid), monday, monday + timedelta(days=6)).rows
        week_layout(views, monday)
        return len(views)

    # The big practice works Monday to Saturday, the floor file every day: the product's median day
    # holds ~72 sessions, a random 24 hours of the floor file ~55. Besides RANGE_SQL over 1 d, the day
    # is set beside RANGE_SQL over the span of the floor file that holds as many sessions as the
    # product's median day (its length worked out here from 101 random days of each file).
    day_floors = []
    if floors is not None:
        sample = random.Random(a.seed + 1)
        product_day = statistics.median(
            len(calendar_days(practice, actor, d, d).rows)
            for d in (first_day + timedelta(days=sample.randrange((last_day - first_day).days)) for _ in range(101)))
        floor_day = statistics.median(  # its own random days: the floors' ranges stay those of floors.py
            len(fcon.execute(floors.RANGE_SQL, (s, s + 86400)).fetchall())
            for s in (t0 + sample.randrange(span - 86400) for _ in range(101)))
        matched = product_day / floor_day if floor_day else 1.0
        day_floors = [("RANGE_SQL 1 d", floor_range(1)),
                      (f"RANGE_SQL {matched:.2f} d (as many sessions)", floor_range(matched))]

    figures = [  # (label, product fn, [(floor label, floor fn)])
        ("week switch (7 d + layout of 7 days)", week, floors and [("RANGE_SQL 7 d", floor_range(7))]),
        ("month switch (42 d, 8 a day + by day)", month, floors and [("RANGE_SQL 42 d", floor_range(42))]),
        ("day by practitioner (1 d + layout/column)", day, day_floors),
        ("practitioner's own week (7 d)", practitioner_week, []),
    ]
    print()
    for label, fn, floor_fns in figures:
        floor_fns = floor_fns or []
        # each floor in turn with the product alone, one run of each (see the docstring)
        pairs = [interleaved({"product": fn, flabel: ffn}, a.runs, WARMUP) for flabel, ffn in floor_fns] or [
            interleaved({"product": fn}, a.runs, WARMUP)]
        p = pairs[0]["product"]
        print(f"{label:42s} {p.text()}   {statistics.median(p.rows):5.0f} sessions")
        for i, ((flabel, _ffn), res) in enumerate(zip(floor_fns, pairs, strict=False)):
            f, pp = res[flabel], res["product"]
            p_rows, f_rows = statistics.median(pp.rows), statistics.median(f.rows)
            again = f" (product {pp.median:.2f} ms beside it)" if i else ""
            print(f"  floor {flabel:34s} {f.text()}   {f_rows:5.0f} sessions"
                  f"   ratio x{pp.median / f.median:.2f}{again}")
            if p_rows and f_rows and fn is not month and i == 0:  # the two files' ranges need not hold as many sessions
                # (a day: 72 against 55, the big practice works Monday to Saturday); the month reads
                # only what its cells show, so per session it means nothing there
                p_each, f_each = pp.median / p_rows * 1000, f.median / f_rows * 1000
                print(f"  {'(for information: per session shown)':40s} {p_each:6.2f} us against the floor's"
                      f" {f_each:5.2f} us   x{p_each / f_each:.2f}")
        if not floor_fns and floors is not None:
            print("  (no floor query for a practitioner filter)")
    paint_figures(practice, actor, bounds, random_monday, a.runs)

    # statements per switch (counted by SQLite's own trace: the calendar reads on the driver's cursor),
    # and the plan of the week statement
    with statements(practice) as seen:
        week()
    n_switch, (stmt, _) = len(seen), seen[0]  # the sessions' statement (its values written in); token, closures
    with practice.uow():  # any write (a save, a drag) ends in a unit of work
        pass
    with statements(practice) as seen:
        week()
    n_after_write = len(seen)
    print(f"\nSQL statements per week switch (its sessions, the names' token, its closures): {n_switch}"
          f"   (first switch after a write: {n_after_write})")
    with practice.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt).fetchall()
    print("query plan of the week statement:")
    for row in plan:
        print(f"  {row[-1]}")

    if a.profile:
        import cProfile
        import pstats

        # where a week switch's time goes: each part timed on its own random weeks, interleaved
        week_select = calendar_statement("sqlite", False, SessionFilter())

        def statement_alone() -> int:  # in a read transaction, as calendar_rows runs it (driver's cursor)
            start, end = bounds(random_monday(), 7)
            with practice.snapshot() as tx:
                return len(week_select.rows(tx, {"start": start, "end": end}))

        def sqlalchemy_rows() -> int:  # the same statement through SQLAlchemy's execute, for comparison
            start, end = bounds(random_monday(), 7)
            with practice.read() as tx:
                return len(tx.connection().execute(week_select.statement, {"start": start, "end": end}).fetchall())

        def rows_only() -> int:
            return len(calendar_rows(practice, actor, *bounds(random_monday(), 7)))

        def full_views() -> int:
            return len(sessions.list_sessions(practice, actor, *bounds(random_monday(), 7)))

        laid_out = []

        def layout_only() -> int:
            monday = random_monday()
            views = calendar_rows(practice, actor, *bounds(monday, 7))
            t = _time.perf_counter()
            week_layout(views, monday)
            laid_out.append((_time.perf_counter() - t) * 1000)
            return len(views)

        res = interleaved({"sql": statement_alone, "execute": sqlalchemy_rows, "light": rows_only,
                           "layout": layout_only, "full": full_views}, a.runs)
        sql_ms, light_ms = res["sql"].median, res["light"].median
        layout_ms = statistics.median(laid_out[WARMUP:])
        print(f"\nbreakdown of a week switch (medians over {a.runs} random weeks each):")
        print(f"  the sessions' statement in a read transaction        {sql_ms:6.2f} ms"
              f"   ({statistics.median(res['sql'].rows):.0f} rows: one per session and client; driver's cursor)")
        print(f"  + the names' token, CalendarRow building             {light_ms - sql_ms:6.2f} ms"
              f"   = {light_ms:.2f} ms for calendar_rows")
        print(f"  + week layout (pack_columns, 7 days)                 {layout_ms:6.2f} ms")
        print(f"  (for reference: the statement through SQLAlchemy's execute {res['execute'].median:6.2f} ms;"
              f" full SessionViews, list_sessions {res['full'].median:6.2f} ms, the pop-up reads one)")

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(50):
            week()
        prof.disable()
        print("\ncProfile of 50 week switches (top 25 by own time):")
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    practice.close()
    if floors is not None:
        fcon.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()

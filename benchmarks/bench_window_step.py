"""The real main window stepped a week and a month at a time (key press to painted window), next to
the sum of the query floor and the paint floor measured in the same run (issue 17 item 3).

One step, as a person sees it, offscreen: ``QTest.keyClick(window, PageDown)`` (the window's own
shortcut, the same path as a real key), then ``processEvents()``: whatever the step posted (layout
requests, the title, the status bar, the agenda beside the month) and the paint of every part it
changed into the window's backing store, as on a screen (the benchmark checks that the calendar got
its paint event there). Then as many steps again, each followed by ``window.grab()``, which paints
the whole window again (menus, toolbars, filters, status bar) into a pixmap: printed as a second
figure, the way the issue first measured it. (Until the eighth session these steps alternated with
the measured ones, so that every measured step came right after a grab of the whole window: the
step then ran on caches emptied by it, ~40 % slower than after a step, while the floors did not;
the day read x2.1-2.2 that way against x1.8 with the grabs apart.) The window starts on a week (or month) in the middle
of the practice's ten years and steps forward, so every step shows a range not shown before.
Views: ``week`` as it opens on a practice of 20 practitioners (one practitioner's week, see
week_picker.MANY), ``week-everyone`` (everyone's week), ``month`` and ``day`` (a day with one column
per practitioner, stepped a day at a time).

Floors, interleaved with the product (one floor run per product run, so machine noise hits both):

  query   floors.py's RANGE_SQL over 7 (42, 1) random days on its own synthetic file: the least a
          range switch can cost in bare sqlite3
  paint   a bare QWidget of the window's size filling and labelling as many rectangles as the step
          just timed shows (the week's or day's sessions, on as many columns; the month's listed lines
          and "+N more"), grabbed the same way. (Until the eighth session it painted the median count
          of the warm-up steps whatever each step showed: with --runs 150 the day's warm-up fell on a
          quiet weekend and the floor painted 15 blocks against the 69 of a median step.)

The figure is the product's median against the sum of the two floors' medians (target: x1.5 or
less, so no glue cost hides between the query and the paint). A fresh window measures its caches
filling too: a day step draws a text seen for the first time by drawText and lays it out as a
QStaticText the second time, and measures widths it has not measured yet; over the first ~100 days of
the big practice the day step gets ~10 % quicker (x1.55-1.61 for the first 30 steps, x1.30-1.42 from
the 120th on). ``--warmup 200`` steps that many days unmeasured first: the steady state.

Usage (from the project root, in the project's venv):
    python benchmarks/bench_window_step.py --db /tmp/big.sqlite            # built there if missing
    python benchmarks/bench_window_step.py --db /tmp/big.sqlite --runs 40 --profile   # + cProfile
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time as _time
from datetime import timedelta
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_calendar import DEFAULT_FLOORS, WARMUP, load_floors  # noqa: E402
from build_big_practice import build  # noqa: E402
from timing import Timings  # noqa: E402

WINDOW_SIZE = (1400, 880)


def bare_painter(n_blocks: int, size: tuple[int, int], month: bool, columns: int = 7):
    """A bare QWidget painting ``shown`` labelled rectangles (``n_blocks`` until told otherwise): a
    week's (or day's) blocks on ``columns`` columns of 48 half hours, or a month's lines on 7 x 6 cells
    of ``n_blocks`` / 42 lines (as floors.py paints its week). The rectangles are the same from one paint
    to the next: the first ``shown`` of one list, made longer when a paint needs more."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtWidgets import QWidget

    rnd = random.Random(3)
    per_cell = max(1, -(-n_blocks // 42))
    blocks: list[tuple] = []

    def first(n: int) -> list[tuple]:
        for i in range(len(blocks), n):
            if month:
                blocks.append((i % 7, (i // 7) % 6, (i // 42) % per_cell, f"\u25cb {9 + i % 9}:00 Client {i:05d}"))
            else:
                blocks.append((rnd.randrange(columns), rnd.randrange(40), rnd.randrange(2, 6),
                               f"{9 + i % 9}:00 Client {i:05d}"))
        return blocks[:n]

    class Bare(QWidget):
        shown = n_blocks

        def paintEvent(self, _ev):  # noqa: N802 (Qt name)
            p = QPainter(self)
            if month:
                w, h = self.width() / 7, self.height() / 6
                for col, row, line, text in first(self.shown):
                    r = QRectF(col * w + 3, row * h + 20 + line * 17, w - 6, 16)
                    p.fillRect(r, QColor(90, 140, 200))
                    p.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            else:
                w, h = self.width() / columns, self.height() / 48
                for d, slot, length, text in first(self.shown):
                    r = QRectF(d * w + 2, slot * h, w - 4, length * h)
                    p.fillRect(r, QColor(90, 140, 200))
                    p.drawText(r, Qt.TextFlag.TextWordWrap, text)
            p.end()

    bare = Bare()
    bare.resize(*size)  # never shown: the main window stays the active one (its shortcuts need that)
    return bare


class PaintCounter:
    """Counts the paint events the calendar's views receive (to check a step was painted)."""

    def __init__(self, *widgets):
        from PySide6.QtCore import QEvent, QObject

        paint = QEvent.Type.Paint
        counter = self

        class Filter(QObject):
            def eventFilter(self, _obj, event):  # noqa: N802 (Qt name)
                if event.type() == paint:
                    counter.count += 1
                return False

        self.count = 0
        self._filter = Filter()
        for w in widgets:
            w.installEventFilter(self._filter)


def grab_floor(bare, n_blocks: int) -> int:
    """The bare widget painting ``n_blocks`` rectangles, grabbed."""
    bare.shown = n_blocks
    bare.grab()
    return n_blocks


class Stepper:
    """Steps the window a week, a month or a day forward by its own key and checks it was painted."""

    def __init__(self, app, window):
        self.app, self.window = app, window
        cal = window.calendar
        self.painted = PaintCounter(cal.month, cal.week.grid, cal.day.grid)
        self.counts: list[int] = []  # sessions shown after each step
        self.grabbed: list[float] = []  # ms of a step followed by window.grab()

    def step(self, grab: bool = False) -> int:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        window = self.window
        before, paints = window.calendar.anchor, self.painted.count
        QTest.keyClick(window, Qt.Key.Key_PageDown)
        self.app.processEvents()
        if grab:
            window.grab()
        if window.calendar.anchor == before:
            sys.exit("the key press did not step the calendar (is the main window the active one?)")
        if self.painted.count == paints:
            sys.exit("the calendar was not painted while the events were processed")
        self.counts.append(shown_blocks(window))
        return self.counts[-1]

    def step_and_grab(self) -> None:
        t = _time.perf_counter()
        self.step(grab=True)
        self.grabbed.append((_time.perf_counter() - t) * 1000)


def shown_blocks(window) -> int:
    """How many sessions the calendar shows after a step: a week's sessions, or the lines (and
    "+N more") listed in the month's cells."""
    cal = window.calendar
    if cal.view == "month":
        view = cal.month
        return sum(len(view.cell_lines(c)) for c in view.cells())
    return len(cal.sessions)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Main window week/month steps vs query + paint floors.")
    ap.add_argument("--db", help="practice file: built there if missing, reused if present")
    ap.add_argument("--sessions", type=int, default=200_000, help="sessions to build (default 200,000)")
    ap.add_argument("--runs", type=int, default=30, help="measured steps per figure (default 30)")
    ap.add_argument("--warmup", type=int, default=WARMUP,
                    help=f"steps before the measured ones (default {WARMUP}; a fresh window's text caches fill over "
                         "its first ~100 days: --warmup 200 measures the steady state)")
    ap.add_argument("--floors", default=str(DEFAULT_FLOORS), help="path of floors.py (default %(default)s)")
    ap.add_argument("--views", default="week,week-everyone,month,day",
                    help="views to step (default %(default)s; 'week' opens on one practitioner when the "
                         "practice has more than six, as the window does)")
    ap.add_argument("--profile", action="store_true", help="also cProfile the steps of each view")
    a = ap.parse_args(argv)
    from app.gc_tuning import tune_garbage_collector

    tune_garbage_collector()  # the collector as the app sets it first thing (app/__main__.py)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import func, select

    from app.models import PracticeSession
    from app.services.people import users
    from app.services.practice import Practice
    from app.views.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    tmp = tempfile.TemporaryDirectory(prefix="bench_window_step_")
    path = Path(a.db) if a.db else Path(tmp.name) / "big.sqlite"
    if path.exists():
        print(f"reusing practice file {path}")
    else:
        print(build(path, sessions=a.sessions).summary())
    practice = Practice.open(path)
    with practice.read() as tx:
        first_start, last_start, n_sessions = tx.execute(
            select(func.min(PracticeSession.start_at), func.max(PracticeSession.start_at), func.count())).one()
    tz = practice.tz
    first_day, last_day = first_start.astimezone(tz).date(), last_start.astimezone(tz).date()

    floors = load_floors(Path(a.floors))
    if floors is None:
        sys.exit(f"floors.py not found at {a.floors}")
    t = _time.perf_counter()
    fcon, t0, span = floors.build(os.path.join(tmp.name, "floors.sqlite"), n_sessions, 3000, 20)
    print(f"floor file: {n_sessions:,} sessions built by {a.floors} in {_time.perf_counter() - t:.1f} s")
    frnd = random.Random(1)

    def floor_query(days: int):
        def run() -> int:
            s = t0 + frnd.randrange(span - days * 86400)
            return len(fcon.execute(floors.RANGE_SQL, (s, s + days * 86400)).fetchall())
        return run

    user = users.first_admin(practice)
    settings = QSettings(os.path.join(tmp.name, "ui.ini"), QSettings.Format.IniFormat)
    results = []
    for view in a.views.split(","):
        steps = a.runs + a.warmup
        span_days = (last_day - first_day).days
        weekly = view.startswith("week")
        days_a_step = 7 if weekly else 1 if view == "day" else 31
        need = steps * days_a_step + 62
        start = first_day + timedelta(days=max(31, (span_days - need) // 2))
        if view == "week-everyone":
            settings.setValue("calendar/week_practitioner", "everyone")
        else:
            settings.remove("calendar/week_practitioner")  # as on a first start
        window = MainWindow(practice, user, start, settings=settings, view="week" if weekly else view,
                            auto_backup=False)
        if view == "day":
            window.by_practitioner.setChecked(True)  # a column per practitioner, as the front desk reads a day
        window.live.stop()  # nobody else writes here: no polling between steps
        window.resize(*WINDOW_SIZE)
        window.show()
        window.activateWindow()
        app.processEvents()
        window.grab()
        stepper = Stepper(app, window)
        for _ in range(a.warmup):
            stepper.step()
        # the bare widget paints as many rectangles as the step before it showed (a day step shows a busy
        # weekday or a quiet Sunday); the month's cells hold as many lines as the warm-up steps listed
        n_blocks = int(statistics.median(stepper.counts))
        bare = bare_painter(n_blocks, WINDOW_SIZE, month=view == "month",
                            columns=len(window.calendar.practitioners) if view == "day" else 7)
        app.processEvents()
        fq = floor_query(42 if view == "month" else days_a_step)
        for _ in range(WARMUP):
            fq()
            bare.grab()
        prod, fquery, fpaint = Timings(), Timings(), Timings()
        stepper.counts.clear()
        for _ in range(a.runs):
            prod.run(stepper.step)
            fquery.run(fq)
            fpaint.run(partial(grab_floor, bare, stepper.counts[-1]))
        for _ in range(a.runs):  # then as many steps each followed by a grab of the whole window
            stepper.step_and_grab()
        counts, grab_ms = prod.rows, statistics.median(stepper.grabbed)  # shown by each measured step
        floor_sum = fquery.median + fpaint.median
        ratio = prod.median / floor_sum
        results.append((view, prod.median, fquery.median, fpaint.median, ratio, grab_ms))
        print(f"\n{view} step (key press to painted window, {WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}) "
              f"{prod.text()}   {statistics.median(counts):5.0f} shown")
        print(f"  floor query  RANGE_SQL {42 if view == 'month' else days_a_step} d            {fquery.text()}")
        print(f"  floor paint  bare QWidget, as many blocks, grab   {fpaint.text()}")
        print(f"  floor sum {floor_sum:7.2f} ms   ratio x{ratio:.2f}")
        print(f"  (a step then window.grab(), which paints the whole window again: median {grab_ms:.2f} ms,"
              f" x{grab_ms / floor_sum:.2f})")
        if a.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            for _ in range(20):
                stepper.step()
            prof.disable()
            print(f"\ncProfile of 20 {view} steps (top 30 by cumulative time):")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
            print(f"cProfile of 20 {view} steps (top 20 by own time):")
            pstats.Stats(prof).sort_stats("tottime").print_stats(20)
        bare.close()
        window.close()
        window.deleteLater()
        app.processEvents()

    print("\nsummary: view, step ms, floor query ms, floor paint ms, ratio to their sum; step + grab ms, ratio")
    for view, p, q, pt, r, g in results:
        print(f"  {view:14s} {p:8.2f} {q:8.2f} {pt:8.2f}   x{r:.2f}   {g:8.2f}   x{g / (q + pt):.2f}")
    practice.close()
    fcon.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()

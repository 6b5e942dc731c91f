"""Sessions ▸ Sessions List on a big practice, side by side with bare-sqlite floors of the same run.

Measures, with time.perf_counter, or with ``--clock cpu`` time.process_time (the CPU time of this
process: steadier when other work shares the machine) (median, min, max over ``--runs`` runs after
one warm-up run):

  open            SessionsListDialog built and shown on its opening range (this month, in date
                  order: count + first keyset page of 200) and its first rows painted (``grab()``
                  of the whole dialog)
  all dates       on an open list, a click on All dates: count of every session + first page,
                  painted
  scroll to 100k  from a freshly opened list with All dates clicked, pages fetched (``fetchMore``,
                  as scrolling does) until row 100,000 exists, then ``scrollTo`` it and paint
  sort by client  all dates, a click on the Client(s) header: count + first page by client name,
                  painted

Floors, on the synthetic file of ../shared/bench/floors.py (``build``, same sizes), with raw
sqlite3 and no Qt:

  open            floors.LIST_SQL: the first 200 rows newest first with client names
  all dates       the same
  scroll to 100k  the same query as keyset pages of 200 (``(start_utc, id) < (?, ?)``) until
                  100,000 rows are read
  sort by client  the clients in name order, then each one's sessions by date until 200 rows, with
                  the names of each session's clients

and floors with Qt too: for the opening ("+ paint"), LIST_SQL's 200 rows put in a
QStandardItemModel, in a new bare dialog of the list's size holding only a QTableView, shown and
painted (``grab()``): what opening a window with a table of 200 rows costs with bare libraries,
before any filter bar, count, check box or action bar; for the click ("+ repaint"), the same rows
as a new model of that table, already shown, painted.

Each product figure is printed next to its floor with the ratio. Runs of product and floor are
interleaved so that machine noise hits both alike.

Usage (from the project root, in the project's venv):
    python benchmarks/bench_sessions_list.py --db /tmp/big.sqlite       # builds it once, reuses after
    python benchmarks/bench_sessions_list.py --db /tmp/big.sqlite --runs 5 --rows 100000
    python benchmarks/bench_sessions_list.py --db /tmp/big.sqlite --clock cpu     # on a busy machine
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if __package__ in (None, ""):  # run as a script: make the project and this folder importable
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))

import sqlalchemy  # noqa: E402
from bench_calendar import DEFAULT_FLOORS, load_floors  # noqa: E402
from build_big_practice import build  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QTableView, QVBoxLayout  # noqa: E402
from timing import CLOCK, interleaved  # noqa: E402

from app.services.people import users  # noqa: E402
from app.services.practice import Practice  # noqa: E402
from app.services.scheduling import session_lists  # noqa: E402
from app.views.sessions_list_dialog import SessionsListDialog  # noqa: E402

PAGE_SQL = """WITH w AS (SELECT id, start_utc, end_utc, practitioner_id, status FROM session
        WHERE deleted_at IS NULL AND (start_utc, id) < (?, ?) ORDER BY start_utc DESC, id DESC LIMIT 200)
    SELECT w.*, (SELECT group_concat(c.name, ', ') FROM participant p JOIN client c ON c.id = p.client_id
                 WHERE p.session_id = w.id) FROM w ORDER BY w.start_utc DESC, w.id DESC"""
CLIENTS_SQL = "SELECT id FROM client ORDER BY name, id"
CLIENT_SESSIONS_SQL = """SELECT s.id, s.start_utc, s.end_utc, s.practitioner_id, s.status FROM participant p
    JOIN session s ON s.id = p.session_id WHERE p.client_id = ? AND s.deleted_at IS NULL ORDER BY s.start_utc, s.id"""
NAMES_SQL = """SELECT group_concat(c.name, ', ') FROM participant p JOIN client c ON c.id = p.client_id
    WHERE p.session_id = ?"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Sessions list on a big practice vs bare-sqlite floors.")
    ap.add_argument("--db", help="practice file: built there if missing (200,000 sessions), reused if present")
    ap.add_argument("--runs", type=int, default=5, help="measured runs per figure (default 5)")
    ap.add_argument("--rows", type=int, default=100_000, help="the row to scroll to (default 100,000)")
    ap.add_argument("--floors", default=str(DEFAULT_FLOORS), help="path of floors.py (default %(default)s)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall: time.perf_counter (default); cpu: time.process_time, this process only")
    a = ap.parse_args(argv)
    CLOCK[0] = time.process_time if a.clock == "cpu" else time.perf_counter

    print(f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, SQLite {sqlite3.sqlite_version},"
          f" {a.runs} runs per figure after 1 warm-up run, {a.clock} clock")
    tmp = tempfile.TemporaryDirectory(prefix="bench_sessions_list_")
    path = Path(a.db) if a.db else Path(tmp.name) / "big.sqlite"
    if path.exists():
        print(f"reusing practice file {path}")
    else:
        print(build(path).summary())
    practice = Practice.open(path)
    actor = users.first_admin(practice).actor
    n_sessions = session_lists.count(practice, actor)

    floors = load_floors(Path(a.floors))
    if floors is None:
        sys.exit(f"floors.py not found at {a.floors}")
    fpath = os.path.join(tmp.name, "floors.sqlite")
    t = time.perf_counter()
    fcon, _t0, _span = floors.build(fpath, n_sessions, 3000, 20)
    print(f"floor file: {n_sessions:,} sessions built by {a.floors} in {time.perf_counter() - t:.1f} s")

    app = QApplication.instance() or QApplication([])
    dialogs: list[SessionsListDialog] = []

    def gone() -> None:
        """Delete what deleteLater() was asked to now (processEvents() alone leaves it, and each
        list of 100,000 rows would stay in memory)."""
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        app.processEvents()

    def click(widget, pos: QPoint | None = None) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         pos if pos is not None else QPoint(8, widget.height() // 2))

    def open_list(all_dates: bool = False) -> SessionsListDialog:
        for old in dialogs:
            old.close()
            old.deleteLater()
        dialogs.clear()
        gone()
        d = SessionsListDialog(practice, actor)
        d.resize(1280, 800)
        d.show()
        if all_dates:
            click(d.all_dates)
        d.grab()  # the first rows painted
        dialogs.append(d)
        return d

    def all_dates() -> float:
        """A click on All dates in a list opened on this month (the opening is off the clock)."""
        d = open_list()
        t = CLOCK[0]()
        click(d.all_dates)
        d.grab()
        ms = (CLOCK[0]() - t) * 1000
        assert d.first_day.text() == "Any date"
        return ms

    def scroll_far() -> None:
        d = open_list(all_dates=True)
        d.model.fetch_until(a.rows - 1)
        d.table.scrollTo(d.model.index(a.rows - 1, 1))
        d.grab()
        assert d.model.rowCount() >= a.rows, d.model.rowCount()

    def sort_by_client() -> None:
        """A click on Client(s): by client name (a second click reverses it: the same work)."""
        d = dialogs[-1] if dialogs else open_list(all_dates=True)
        header = d.table.horizontalHeader()
        x = header.sectionViewportPosition(2) + header.sectionSize(2) // 2
        click(header.viewport(), QPoint(x, header.height() // 2))
        d.grab()
        assert d.list.sort[0] == "client"

    def floor_open() -> None:
        fcon.execute(floors.LIST_SQL).fetchall()

    bare: list[QDialog] = []

    def bare_model() -> QStandardItemModel:
        rows = fcon.execute(floors.LIST_SQL).fetchall()
        model = QStandardItemModel(len(rows), len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                model.setItem(r, c, QStandardItem(str(value)))
        return model

    def floor_open_painted() -> None:
        """LIST_SQL's rows in a QStandardItemModel, in a new bare dialog of the list's size holding
        only a QTableView, shown and painted: opening a table of 200 rows with bare libraries."""
        for old in bare:
            old.close()
            old.deleteLater()
        bare.clear()
        gone()
        dialog = QDialog()
        table = QTableView(dialog, objectName="table")
        table.setModel(bare_model())
        QVBoxLayout(dialog).addWidget(table)
        dialog.resize(1280, 800)
        dialog.show()
        dialog.grab()
        bare.append(dialog)

    def floor_repaint() -> None:
        """The same rows as a new model of the bare table already shown, painted."""
        if not bare:
            floor_open_painted()
        bare[0].findChild(QTableView, "table").setModel(bare_model())
        bare[0].grab()

    def floor_scroll() -> None:
        rows = fcon.execute(floors.LIST_SQL).fetchall()
        read = len(rows)
        while read < a.rows and rows:
            rows = fcon.execute(PAGE_SQL, (rows[-1][1], rows[-1][0])).fetchall()
            read += len(rows)

    def floor_sort() -> None:
        """Clients in name order (3,000, sorted), then each one's sessions by date until 200 rows."""
        rows = []
        for (cid,) in fcon.execute(CLIENTS_SQL).fetchall():
            rows += fcon.execute(CLIENT_SESSIONS_SQL, (cid,)).fetchall()
            if len(rows) >= 200:
                break
        for r in rows[:200]:
            fcon.execute(NAMES_SQL, (r[0],)).fetchone()

    print()
    for label, fn, floors_of in (
            ("open (this month), first rows painted", open_list,
             (("LIST_SQL first 200", floor_open), ("LIST_SQL first 200 + paint", floor_open_painted))),
            ("All dates click, first rows painted", all_dates,
             (("LIST_SQL first 200", floor_open), ("LIST_SQL first 200 + repaint", floor_repaint))),
            (f"scroll to row {a.rows:,} (fetchMore x{a.rows // 200})", scroll_far,
             ((f"keyset pages of 200 to {a.rows:,}", floor_scroll),)),
            ("sort by client (header click)", sort_by_client, (("first 200 by client name", floor_sort),))):
        runs = max(1, a.runs // 2) if fn is scroll_far else a.runs
        if fn is sort_by_client:
            open_list(all_dates=True)
        res = interleaved({"product": fn, **{flabel: ffn for flabel, ffn in floors_of}}, runs)
        p = res["product"]
        print(f"{label:44s} {p.text(9, 1)}")
        for flabel, _ffn in floors_of:
            f = res[flabel]
            print(f"  floor {flabel:36s} {f.text(9, 1)}   ratio x{p.median / f.median:.1f}")
    d = dialogs[-1]
    print(f"\nlist of {n_sessions:,} sessions; sorted by client: {d.model.rowCount()} rows loaded, "
          f"first {d.model.rows[0].clients[0].name!r}")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB "
          f"(after holding {a.rows:,} rows)")
    for old in dialogs:
        old.close()
    practice.close()
    fcon.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()

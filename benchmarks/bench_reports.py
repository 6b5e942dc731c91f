"""Accounting reports on a big practice (SPEC 9.4), side by side with the bare-sqlite floor of the
same run.

Measures, with time.perf_counter (median, min, max over ``--runs`` runs after one warm-up run):

  balances   reports.balances: every client's balance, open charges, available and unallocated
             credit (3,000 clients), through the service as the Balances tab calls it
  ageing     reports.ageing as of the file's "today": issued invoices by days past due, less what
             was allocated by then, with unallocated credit apart

Floor, on the synthetic file of ../shared/bench/floors.py (``build``, same number of sessions,
3,000 clients, 20 practitioners), with raw sqlite3: "all client balances (GROUP BY)", i.e.
``SELECT client_id, SUM(cents) FROM ledger WHERE client_id IS NOT NULL GROUP BY client_id``.
Runs of product and floor are interleaved so that machine noise hits both alike.

The big practice file (benchmarks/build_big_practice.py) has no invoices. The first run adds
``--invoices`` (3,000) issued invoices through the models, once: each of a random client, issued
in the year before the file's today and due 30 days later, some cancelled later, and about half
with payments of that client allocated to them (part or whole); they stay in the file for the
next runs (numbered B-YYYY-NNNNN, so they are found again).

Usage (from the project root, in the project's venv):
    python benchmarks/bench_reports.py --db /tmp/big.sqlite       # builds it once, reuses after
    python benchmarks/bench_reports.py --db /tmp/big.sqlite --runs 20 --profile
"""
from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if __package__ in (None, ""):  # run as a script: make the project and this folder importable
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))

import sqlalchemy  # noqa: E402
from bench_calendar import DEFAULT_FLOORS, load_floors  # noqa: E402
from build_big_practice import build  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from timing import interleaved  # noqa: E402

from app.models import Allocation, Client, Invoice, LedgerEntry, PracticeSession  # noqa: E402
from app.services.money import reports  # noqa: E402
from app.services.people import users  # noqa: E402
from app.services.practice import Practice  # noqa: E402

SERIES = "B"


def file_today(practice: Practice) -> date:
    """The big file's "now": the builder stands its clock at 90 % of the sessions' span."""
    with practice.read() as tx:
        first, last = tx.execute(select(func.min(PracticeSession.start_at), func.max(PracticeSession.start_at))).one()
    return (first + (last - first) * 0.9).astimezone(practice.tz).date()


def add_invoices(practice: Practice, n: int, today: date, seed: int = 11) -> int:
    """Adds up to ``n`` issued invoices (and allocations) once; returns how many the file holds."""
    with practice.read() as tx:
        have = tx.scalar(select(func.count()).select_from(Invoice).where(Invoice.number.like(f"{SERIES}-%")))
    if have >= n:
        return have
    rnd = random.Random(seed)
    t = time.perf_counter()
    with practice.uow() as tx:
        client_ids = list(tx.scalars(select(Client.id)))
        payments: dict[int, list[int]] = {}
        for pid, cid in tx.execute(select(LedgerEntry.id, LedgerEntry.client_id).where(LedgerEntry.kind == "payment")):
            payments.setdefault(cid, []).append(pid)
        seq: dict[int, int] = {}
        for year, top in tx.execute(select(Invoice.year, func.max(Invoice.seq)).group_by(Invoice.year)):
            if year is not None:
                seq[year] = top or 0
        invoices, plans = [], []
        for _ in range(n - have):
            issue = today - timedelta(days=rnd.randrange(365))
            seq[issue.year] = seq.get(issue.year, 0) + 1
            total = rnd.choice((6000, 8000, 12000, 18000, 24000, 36000, 48000))
            at = datetime.combine(issue, datetime.min.time(), tzinfo=UTC) + timedelta(hours=15)
            cancelled = rnd.random() < 0.05
            inv = Invoice(client_id=rnd.choice(client_ids), status="cancelled" if cancelled else "issued",
                          number=f"{SERIES}-{issue.year}-{seq[issue.year]:05d}", year=issue.year,
                          seq=seq[issue.year], issue_date=issue, due_date=issue + timedelta(days=30),
                          period_first=issue - timedelta(days=30), period_last=issue, total_cents=total,
                          created_at=at, issued_at=at,
                          cancelled_at=at + timedelta(days=rnd.randrange(1, 60)) if cancelled else None)
            invoices.append(inv)
            if not cancelled and rnd.random() < 0.5:
                part = total if rnd.random() < 0.6 else total // 2
                plans.append((inv, part, at + timedelta(days=rnd.randrange(0, 45))))
        tx.add_all(invoices)
        tx.flush()
        allocations = [Allocation(payment_id=rnd.choice(payments[inv.client_id]), invoice_id=inv.id,
                                  amount_cents=part, created_at=when)
                       for inv, part, when in plans if payments.get(inv.client_id)]
        tx.add_all(allocations)
    print(f"added {n - have:,} issued invoices ({len(allocations):,} with allocations) in "
          f"{time.perf_counter() - t:.1f} s, kept in the file")
    return n


def statements(practice: Practice, fn) -> list[tuple[str, object]]:
    """The SELECT statements (and parameters) one call of ``fn`` sends, but the settings' read."""
    seen: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT") and "FROM setting" not in statement:
            seen.append((statement, parameters))

    sqlalchemy.event.listen(practice.engine, "before_cursor_execute", grab)
    try:
        fn()
    finally:
        sqlalchemy.event.remove(practice.engine, "before_cursor_execute", grab)
    return seen


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Balances and ageing reports on a big practice vs the floor.")
    ap.add_argument("--db", help="practice file: built there if missing (200,000 sessions), reused if present")
    ap.add_argument("--runs", type=int, default=15, help="measured runs per figure (default 15)")
    ap.add_argument("--invoices", type=int, default=3000, help="issued invoices the file should hold (default 3,000)")
    ap.add_argument("--floors", default=str(DEFAULT_FLOORS), help="path of floors.py (default %(default)s)")
    ap.add_argument("--profile", action="store_true", help="also cProfile 5 runs of each report")
    a = ap.parse_args(argv)

    print(f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, SQLite {sqlite3.sqlite_version},"
          f" {a.runs} runs per figure after 1 warm-up run")
    tmp = tempfile.TemporaryDirectory(prefix="bench_reports_")
    path = Path(a.db) if a.db else Path(tmp.name) / "big.sqlite"
    if path.exists():
        print(f"reusing practice file {path}")
    else:
        print(build(path).summary())
    practice = Practice.open(path)
    actor = users.first_admin(practice).actor
    today = file_today(practice)
    n_invoices = add_invoices(practice, a.invoices, today)
    with practice.read() as tx:
        n_sessions = tx.scalar(select(func.count()).select_from(PracticeSession))
        n_entries = tx.scalar(select(func.count()).select_from(LedgerEntry))

    floors = load_floors(Path(a.floors))
    if floors is None:
        sys.exit(f"floors.py not found at {a.floors}")
    fpath = os.path.join(tmp.name, "floors.sqlite")
    t = time.perf_counter()
    fcon, _t0, _span = floors.build(fpath, n_sessions, 3000, 20)
    f_entries = fcon.execute("SELECT count(*) FROM ledger").fetchone()[0]
    print(f"floor file: {n_sessions:,} sessions, {f_entries:,} ledger rows, built by {a.floors} in "
          f"{time.perf_counter() - t:.1f} s")
    print(f"practice file: {n_sessions:,} sessions, {n_entries:,} ledger entries, {n_invoices:,} invoices;"
          f" ageing as of {today}")

    balance_rows, ageing_rows = reports.balances(practice, actor), reports.ageing(practice, actor, today)
    totals = [sum(r.balance_cents for r in balance_rows), sum(r.open_charges_cents for r in balance_rows),
              sum(r.unallocated_cents for r in balance_rows)]
    print(f"balances: {len(balance_rows):,} clients; balances {totals[0] / 100:,.2f}, open charges "
          f"{totals[1] / 100:,.2f}, unallocated credit {totals[2] / 100:,.2f}")
    buckets = [sum(r.buckets_cents[i] for r in ageing_rows) / 100 for i in range(5)]
    print(f"ageing: {sum(1 for r in ageing_rows if r.total_cents):,} clients owe; by bucket "
          + ", ".join(f"{name} {v:,.2f}" for name, v in zip(reports.AGEING_BUCKETS, buckets, strict=True)))

    def floor_balances() -> None:
        fcon.execute("SELECT client_id, SUM(cents) FROM ledger WHERE client_id IS NOT NULL GROUP BY client_id").fetchall()

    # references: the same GROUP BY on the practice file's own ledger, and each report's own SQL
    # statements replayed through bare sqlite3 on the practice file (what the service adds is the rest)
    own = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    sent = {name: statements(practice, fn) for name, fn in (
        ("balances", lambda: reports.balances(practice, actor)), ("ageing", lambda: reports.ageing(practice, actor, today)))}

    def bare(name):
        return lambda: [own.execute(sql, params).fetchall() for sql, params in sent[name]]

    got = interleaved({
        "floor": floor_balances,
        "same file": lambda: own.execute("SELECT client_id, SUM(amount_cents) FROM ledger_entry WHERE client_id IS NOT NULL"
                                         " GROUP BY client_id").fetchall(),
        "balances SQL": bare("balances"),
        "ageing SQL": bare("ageing"),
        "balances": lambda: reports.balances(practice, actor),
        "ageing": lambda: reports.ageing(practice, actor, today),
    }, a.runs)
    floor = got["floor"].median
    print()
    print(f"floor     all client balances (GROUP BY)  {got['floor'].text(8, 1)}")
    for name in ("balances", "ageing"):
        print(f"product   reports.{name:<24s} {got[name].text(8, 1)}   ratio {got[name].median / floor:5.2f}x")
    print("reference (not the target: the same work without the service)")
    print(f"  the floor's GROUP BY on this file's ledger {got['same file'].text(8, 1)}   ratio "
          f"{got['same file'].median / floor:5.2f}x  ({n_entries:,} entries against the floor's {f_entries:,})")
    for name in ("balances", "ageing"):
        print(f"  reports.{name} SQL in bare sqlite3 {'':8s}{got[name + ' SQL'].text(8, 1)}   ratio "
              f"{got[name + ' SQL'].median / floor:5.2f}x  ({len(sent[name])} statements)")
    own.close()

    if a.profile:
        for name, fn in (("balances", lambda: reports.balances(practice, actor)),
                         ("ageing", lambda: reports.ageing(practice, actor, today))):
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(5):
                fn()
            prof.disable()
            print(f"\ncProfile, 5 runs of reports.{name}:")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(14)
    practice.close()


if __name__ == "__main__":
    main()

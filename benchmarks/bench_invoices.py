"""3,000 invoices with their PDFs in one batch on the big practice file (issue 14, Done when).

What is timed, on a copy of the big file (``build_big_practice.py``; the original is never written):

  pick     one query per month finds each client's saved sessions with a charge that are on no
           invoice, month by month back from the file's "now" until there are ``--invoices``
           (client, month) pairs. The big file has about 1,400 billable clients a month, so 3,000
           invoices span the last two or three months: each client gets one invoice per month.
  write    ``invoices.issue_batch`` of all the pairs: each drafted and issued with the steps and checks
           of ``create_draft`` and ``issue_invoice`` (sessions checked inside the write lock, the
           next gap-free number, due date, ledger charges for tax, audit), one unit of work per
           ``--chunk`` invoices. ``--one-by-one``: instead, for each pair, the services the Invoices
           window calls, ``invoices.create_draft`` then ``invoices.issue_invoice``, one unit of
           work each (the figure before the batch service)
  render   ``invoice_documents.save_invoice_pdf`` of every issued invoice into a temporary folder,
           in a process pool of ``--workers`` (2: the target is two cores) that starts on the first
           chunk committed, so rendering runs beside the writing; the workers run at a lower
           priority (nice 10), so the writer, which the batch waits for, keeps its core
  total    wall time from the first pick to the last PDF on disk (the target: under 30 s)

Then the per-invoice PDF time: ``invoice_pdf.render`` of documents of the batch (their own 1-3
lines) interleaved with the bare ReportLab table floor of ``../shared/bench/floors.py`` (as in
``bench_invoice_pdf.py``, median of ``--runs``) and the ratio.

Usage (from the project root, in the project's venv):
    python benchmarks/bench_invoices.py                          # /tmp/work/big2.sqlite, built if missing
    python benchmarks/bench_invoices.py --db /tmp/big.sqlite --invoices 3000 --workers 2
    python benchmarks/bench_invoices.py --keep /tmp/pdfs         # keep the PDFs there
    python benchmarks/bench_invoices.py --one-by-one             # create_draft + issue_invoice per invoice
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if __package__ in (None, ""):  # run as a script: make the project and this folder importable
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))

from bench_calendar import DEFAULT_FLOORS, interleaved  # noqa: E402
from bench_invoice_pdf import floor, floor_is_current  # noqa: E402
from sqlalchemy import and_, exists, func, select  # noqa: E402

from app.documents import invoice_pdf  # noqa: E402
from app.models import InvoiceLine, Participant, PracticeSession  # noqa: E402
from app.services.clock import FixedClock  # noqa: E402
from app.services.money import invoice_documents, invoices  # noqa: E402
from app.services.people import users  # noqa: E402
from app.services.practice import Practice  # noqa: E402

DEFAULT_DB = Path("/tmp/work/big2.sqlite")
S, P = PracticeSession, Participant


# ---- the file's "now" and the sessions to invoice ---------------------------------------------
def file_now(practice: Practice) -> datetime:
    """Noon of the day after the last completed session: the big file's "now" (later sessions are
    open, or cancelled ahead)."""
    with practice.read() as tx:
        last = tx.scalar(select(func.max(S.start_at)).where(S.status == "completed", S.deleted_at.is_(None)))
    day = last.astimezone(practice.tz).date() + timedelta(days=1)
    return datetime.combine(day, dtime(12), tzinfo=practice.tz).astimezone(UTC)


def month_before(d: date) -> tuple[date, date]:
    last = d.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def pick(practice: Practice, today: date, wanted: int) -> list[tuple[int, date, date, list[int]]]:
    """(client id, first day, last day, session ids) for ``wanted`` invoices, month by month back
    from the month before ``today``: one GROUP BY query per month."""
    out: list[tuple[int, date, date, list[int]]] = []
    first, last = month_before(today)
    tz = practice.tz
    while len(out) < wanted:
        lo = datetime.combine(first, dtime(), tzinfo=tz)
        hi = datetime.combine(last + timedelta(days=1), dtime(), tzinfo=tz)
        on_invoice = exists().where(InvoiceLine.session_id == S.id, InvoiceLine.client_id == P.client_id,
                                    InvoiceLine.live.is_(True))
        q = (select(P.client_id, func.group_concat(S.id))
             .join(S, and_(S.id == P.session_id, S.start_at >= lo, S.start_at < hi, S.deleted_at.is_(None),
                           S.status != "open"))
             .where(P.status == "booked", P.charge_cents > 0, ~on_invoice)
             .group_by(P.client_id).order_by(P.client_id))
        with practice.read() as tx:
            rows = tx.execute(q).all()
        if not rows and first.year < 1990:
            break
        out += [(cid, first, last, sorted(int(i) for i in ids.split(","))) for cid, ids in rows]
        first, last = month_before(first)
    return out[:wanted]


# ---- rendering in worker processes ------------------------------------------------------------
_W: dict = {}


def _worker_start(path: str, now_iso: str) -> None:
    os.nice(10)  # rendering yields to the writing, which holds the write lock and paces the batch
    practice = Practice.open(path, clock=FixedClock(datetime.fromisoformat(now_iso)))
    _W.update(practice=practice, actor=users.first_admin(practice).actor)


def _render(invoice_id: int, folder: str) -> float:
    t = time.perf_counter()
    invoice_documents.save_invoice_pdf(_W["practice"], _W["actor"], invoice_id, f"{folder}/{invoice_id}.pdf")
    return time.perf_counter() - t


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="3,000 invoices with PDFs in one batch on the big practice file.")
    ap.add_argument("--db", default=str(DEFAULT_DB), help="big practice file (copied; built there if missing)")
    ap.add_argument("--invoices", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2,
                    help="processes rendering PDFs (default 2; 0: in this process, after the writing)")
    ap.add_argument("--runs", type=int, default=60, help="runs of the per-invoice PDF figure")
    ap.add_argument("--floors", default=str(DEFAULT_FLOORS), help="floors.py to check (default %(default)s)")
    ap.add_argument("--keep", help="keep the PDFs in this folder (default: a temporary one, removed)")
    ap.add_argument("--chunk", type=int, default=250, help="invoices per unit of work of issue_batch (default 250)")
    ap.add_argument("--one-by-one", action="store_true",
                    help="create_draft + issue_invoice per invoice instead of issue_batch")
    a = ap.parse_args(argv)

    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {a.workers} rendering processes")
    source = Path(a.db)
    if not source.exists():
        from build_big_practice import build
        print(build(source).summary())
    tmp = tempfile.TemporaryDirectory(prefix="bench_invoices_")
    work = Path(tmp.name) / "big.sqlite"
    t = time.perf_counter()
    shutil.copy(source, work)
    print(f"copied {source} ({source.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s (not timed)")
    folder = Path(a.keep) if a.keep else Path(tmp.name) / "pdf"
    folder.mkdir(parents=True, exist_ok=True)

    probe = Practice.open(work)
    now = file_now(probe)
    probe.close()
    practice = Practice.open(work, clock=FixedClock(now))
    actor = users.first_admin(practice).actor
    today = now.astimezone(practice.tz).date()
    pool = None
    if a.workers:
        pool = ProcessPoolExecutor(a.workers, initializer=_worker_start, initargs=(str(work), now.isoformat()))
        list(pool.map(abs, range(a.workers)))  # the workers start (and open the file) before the clock runs
    else:  # --workers 0: everything in this process, the PDFs after the writing (the writer's time alone)
        _W.update(practice=practice, actor=actor)

    t0 = time.perf_counter()
    pairs = pick(practice, today, a.invoices)
    t_pick = time.perf_counter() - t0
    futures: list = []

    def render_later(invoice_ids) -> None:
        futures.extend(pool.submit(_render, i, str(folder)) for i in invoice_ids) if pool else futures.extend(
            invoice_ids)

    if a.one_by_one:
        for client_id, first, last, ids in pairs:
            draft = invoices.create_draft(practice, actor, client_id, ids, first, last)
            render_later([invoices.issue_invoice(practice, actor, draft.id).id])
        how = "create_draft + issue_invoice, one unit of work each"
    else:
        result = invoices.issue_batch(practice, actor, [invoices.BatchRequest(c, ids, f, la) for c, f, la, ids in pairs],
                                      chunk_size=a.chunk, on_chunk=lambda done: render_later([d.invoice_id for d in done]))
        if result.refused:
            sys.exit(f"{len(result.refused)} refused, the first: {result.refused[0]}")
        how = f"issue_batch, {a.chunk} invoices per unit of work"
    t_write = time.perf_counter() - t0 - t_pick
    render_s = [f.result() for f in futures] if pool else [_render(i, str(folder)) for i in futures]
    total = time.perf_counter() - t0
    if pool:
        pool.shutdown()
    n = len(pairs)
    months = sorted({(p[1].year, p[1].month) for p in pairs})
    pdfs = list(folder.glob("*.pdf"))
    with practice.read() as tx:
        lines = tx.scalar(select(func.count()).select_from(InvoiceLine))
    print(f"\n{n:,} invoices ({lines:,} lines) for {len({p[0] for p in pairs}):,} clients over {len(months)} months "
          f"({months[0][0]}-{months[0][1]:02d} .. {months[-1][0]}-{months[-1][1]:02d}), issued {today}; "
          f"{len(pdfs):,} PDFs, {sum(p.stat().st_size for p in pdfs) / 1e6:.1f} MB")
    print(f"  pick    {t_pick:6.2f} s   one query per month")
    print(f"  write   {t_write:6.2f} s   {how}, {t_write / n * 1000:.1f} ms per invoice")
    where = f"in {a.workers} processes beside the writing" if pool else "in this process after the writing"
    print(f"  render  {sum(render_s):6.2f} s   of work {where}, "
          f"{sum(render_s) / n * 1000:.1f} ms per invoice (read + PDF + write), done {total - t_pick - t_write:.2f} s "
          f"after the last issue")
    verdict = "within" if total < 30 else "OVER"
    print(f"  TOTAL   {total:6.2f} s   ({verdict} the 30 s target)")

    current = floor_is_current(Path(a.floors))
    if current is False:
        print(f"WARNING: {a.floors} no longer builds its ReportLab floor as bench_invoice_pdf.py does")
    docs = [invoice_documents.invoice_document(practice, actor, i) for i in
            [int(p.stem) for p in sorted(pdfs)[: min(50, len(pdfs))]]]
    k = [0]

    def product() -> None:
        k[0] = (k[0] + 1) % len(docs)
        invoice_pdf.render(docs[k[0]], BytesIO())

    timings = interleaved({"product": product, "floor": floor}, a.runs)
    p, f = timings["product"], timings["floor"]
    print(f"\nper-invoice PDF ({sum(len(d.lines) for d in docs) / len(docs):.1f} lines on average, from the batch)")
    print(f"  {'invoice_pdf.render':40s} {p.text()}")
    print(f"  floor {'bare ReportLab 30-line table PDF':34s} {f.text()}   ratio x{p.median / f.median:.2f}")
    practice.close()
    if not a.keep:
        tmp.cleanup()


if __name__ == "__main__":
    main()

"""Where a billing run's time goes (issue 16): runs benchmarks/bench_auto_invoicing.py with its
arguments and prints, per phase, the SQL statements that took longest (timed with SQLAlchemy's
before/after_cursor_execute events), the CPU and wall time of each charge and of its parts (thread
CPU time), and with ``--profile`` cProfile of the charge threads and of the sender threads (cProfile
sees only the thread it is enabled in: it is enabled inside auto_billing._charge_one and
outbox._sender_thread). Use ``--charge-workers 1`` for a charge's own times.

    .venv/bin/python benchmarks/profile_auto_invoicing.py --cards --clients 300 --sessions 3600 --charge-workers 1
    .venv/bin/python benchmarks/profile_auto_invoicing.py --cards --profile      # full size, ~3 min

The PDF workers are spawned processes that import this script again: hence the __main__ guard.
"""
from __future__ import annotations

import collections
import cProfile
import pstats
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str]) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import benchmarks.bench_auto_invoicing as bench
    from app.integrations import card_gateway
    from app.services.billing import auto_billing, cards
    from app.services.messaging import outbox
    from app.services.money import payments

    profile = "--profile" in argv
    argv = [a for a in argv if a != "--profile"]
    lock = threading.Lock()
    phase = {"now": "invoicing"}  # the file's build counts here too (its few big inserts)
    parts: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])
    profiles: dict[str, list[cProfile.Profile]] = collections.defaultdict(list)

    def timed(module, name, phase_name=None, prof=None):
        original = getattr(module, name)

        def wrapper(*a, **k):
            if phase_name:
                phase["now"] = phase_name
            p = cProfile.Profile() if prof and profile else None
            t, c = time.perf_counter(), time.thread_time()
            if p is not None:
                p.enable()
            try:
                return original(*a, **k)
            finally:
                if p is not None:
                    p.disable()
                with lock:
                    x = parts[name]
                    x[0] += 1
                    x[1] += time.perf_counter() - t
                    x[2] += time.thread_time() - c
                    if p is not None:
                        profiles[prof].append(p)
        setattr(module, name, wrapper)

    timed(auto_billing, "_charge_one", "charging", "charging")
    timed(outbox, "_sender_thread", "sending", "sending")
    for module, name in ((cards, "_begin_charge"), (payments, "record_payment_in"), (card_gateway, "charge"),
                         (cards, "_receipt_draft"), (cards, "_queue_receipts")):
        timed(module, name)
    sql: dict[tuple[str, str], list[float]] = collections.defaultdict(lambda: [0, 0.0])

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, params, context, executemany):
        conn.info.setdefault("started", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, params, context, executemany):
        took = time.perf_counter() - conn.info["started"].pop()
        with lock:
            s = sql[(phase["now"], " ".join(statement.split())[:200])]
            s[0] += 1
            s[1] += took

    bench.main(argv)
    print("\n-- a charge and its parts (ms per call: wall, CPU of its thread)")
    for name, (n, wall, cpu) in sorted(parts.items(), key=lambda kv: -kv[1][2]):
        print(f"{name:28s} {int(n):6d} calls  wall {1000 * wall / n:7.2f}  cpu {1000 * cpu / n:7.2f}")
    for ph in ("invoicing", "charging", "sending"):
        rows = sorted(((v[1], v[0], k[1]) for k, v in sql.items() if k[0] == ph), reverse=True)[:15]
        print(f"\n-- SQL while {ph}: {sum(r[0] for r in rows):.2f} s in its 15 slowest statements")
        for took, n, text in rows:
            print(f"{took:7.2f} s {int(n):7d} x {1000 * took / n:7.3f} ms  {text}")
    for name, ps in profiles.items():
        stats = pstats.Stats(ps[0])
        for p in ps[1:]:
            stats.add(p)
        print(f"\n-- cProfile of the {name} threads")
        stats.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main(sys.argv[1:])

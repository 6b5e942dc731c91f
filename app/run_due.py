"""``practice-desk run-due --db PATH`` (or ``python -m app run-due --db PATH``): run the automatic
invoicing that is due, without a window, for cron or the Windows Task Scheduler (SPEC 10.2).

It acts as the system (``auto_invoicing.SYSTEM``: the audit entries have no user and say "system"),
runs every cycle due (catch-up included) and sends the e-mails they queued, prints a summary, and
exits 0 when all went well, 1 when a client could not be invoiced or an e-mail failed (the history
in the app says which and why), 2 when the practice file cannot be opened (left as it was). No Qt is
imported. Running it while the app or another run-due works on the same file is safe: a cycle is
recorded before it starts and is never run twice.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_args(argv) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="practice-desk run-due",
                                 description="Run the automatic invoicing that is due (for cron or Task Scheduler).")
    ap.add_argument("--db", type=Path, required=True, help="the practice file")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from .db import PracticeFileError
    from .services.billing import auto_invoicing
    from .services.errors import ServiceError
    from .services.practice import Practice

    if not args.db.exists():
        print(f"No practice file at {args.db}.", file=sys.stderr)
        return 2
    try:
        practice = Practice.open(args.db)
    except PracticeFileError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    try:
        summary = auto_invoicing.run_due(practice, auto_invoicing.SYSTEM, auto_invoicing.COMMAND)
        conf = practice.settings()
        for line in summary.lines(conf["currency"], conf["locale"]):
            print(line)
    except ServiceError as exc:  # e.g. the file stayed busy longer than the wait: nothing was lost
        print(f"Automatic invoicing did not run: {exc}", file=sys.stderr)
        return 1
    finally:
        practice.close()
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())

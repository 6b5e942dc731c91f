"""``practice-desk run-due --db PATH`` and ``python -m app run-due --db PATH`` (SPEC 10.2): run what is
due headless as the system, print a summary, exit non-zero on failures; two at once invoice each
client once. Real subprocesses on a real practice file, standing on the machine's real clock."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, BillingRun, Invoice
from app.services.billing import settings as auto_settings
from app.services.money.amounts import max_amount
from app.services.scheduling import completion, participants

pytestmark = pytest.mark.sqlite_only(reason="the run-due command takes a practice file (--db FILE)")

SCRIPT = Path(sys.executable).with_name("practice-desk")


def _prepare(practice, admin, make, clock, clients=1, too_large=False):
    """Weekly invoicing of completed (and with ``too_large`` scheduled) sessions from three weeks ago;
    ``clients`` clients with a session saved ten days ago (with ``too_large`` the first has two more
    in two days' time at the largest price each)."""
    clock.at = datetime.now(UTC)
    today = clock.at.astimezone(practice.tz).date()
    pr, svc = make.practitioner(), make.service("Therapy", cost=8000, wage=4000)
    made = []
    for n in range(clients):
        c = make.client("Cli", f"Client{n:02d}")
        day = today - timedelta(days=10)
        [s] = make.session(datetime.combine(day, time(8 + n % 10)), datetime.combine(day, time(9 + n % 10)), svc, pr,
                           [c], confirm=True)
        completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
        made.append(c)
    if too_large:  # two sessions in the coming week at the largest price each: an invoice too large
        for hour in (10, 12):
            day = today + timedelta(days=2)
            [s] = make.session(datetime.combine(day, time(hour)), datetime.combine(day, time(hour + 1)), svc, pr,
                               [made[0]], confirm=True)
            participants.set_participant_price(practice, admin, s.id, made[0].id, max_amount("USD"))
    auto_settings.update_auto_invoicing(practice, admin, auto_settings.AutoInvoiceInput(
        enabled=True, interval="weekly", weekday=(today - timedelta(days=1)).weekday(), run_time=time(0, 0),
        completed=True, scheduled=too_large, email=False, start_date=today - timedelta(days=21)))
    practice.close()
    return made


def run(*args, script=False):
    cmd = [str(SCRIPT)] if script else [sys.executable, "-m", "app"]
    return subprocess.run([*cmd, "run-due", *args], capture_output=True, text=True, timeout=180)


def test_run_due_runs_what_is_due_as_the_system_and_says_so(practice, admin, make, clock):
    # SPEC 10.2: headless for cron or Task Scheduler; a summary; the audit names the system as actor
    _prepare(practice, admin, make, clock)
    first = run("--db", str(practice.path), script=True)  # the installed practice-desk command
    assert first.returncode == 0, first.stderr
    assert "cycles run" in first.stdout and "Invoices issued: 1, total $80.00." in first.stdout
    again = run("--db", str(practice.path))  # python -m app run-due: the same cycles are done
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Automatic invoicing: nothing was due."
    p = type(practice).open(practice.path)
    try:
        with p.read() as tx:
            assert tx.scalar(select(func.count()).select_from(Invoice)) == 1
            runs = list(tx.scalars(select(BillingRun)))
            assert runs and all(r.source == "command line" and r.started_by is None and r.finished_at for r in runs)
            starts = list(tx.scalars(select(AuditEntry).where(AuditEntry.action == "auto_invoicing.start")))
            assert starts and all(a.user_id is None and json.loads(a.detail)["by"] == "system" for a in starts)
            issued = tx.scalar(select(AuditEntry).where(AuditEntry.action == "invoice.issue"))
            assert issued.user_id is None
    finally:
        p.close()


def test_run_due_exits_non_zero_when_a_client_fails(practice, admin, make, clock):
    _prepare(practice, admin, make, clock, clients=2, too_large=True)
    r = run("--db", str(practice.path))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Clients that could not be invoiced: 1" in r.stdout and "Invoices issued: 2, total $160.00." in r.stdout


def test_run_due_refuses_a_missing_or_foreign_file(tmp_path):
    missing = run("--db", str(tmp_path / "nope.sqlite"))
    assert missing.returncode == 2 and "No practice file at" in missing.stderr
    other = tmp_path / "other.sqlite"
    import sqlite3

    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    before = other.read_bytes()
    foreign = run("--db", str(other))
    assert foreign.returncode == 2 and foreign.stderr.strip() and "Traceback" not in foreign.stderr
    assert other.read_bytes() == before
    usage = run()
    assert usage.returncode == 2 and "--db" in usage.stderr


def test_two_run_due_processes_at_once_invoice_each_client_once(practice, admin, make, clock, tmp_path):
    # SPEC 10.2, 0.4: two scheduled tasks (or a task and a desk) at the same moment
    _prepare(practice, admin, make, clock, clients=25)
    cmd = [sys.executable, "-m", "app", "run-due", "--db", str(practice.path)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    issued = sum(int(line.split(":")[1].split(",")[0]) for out, _ in outs for line in out.splitlines()
                 if line.startswith("Invoices issued:"))
    assert issued == 25
    shutil.copy(practice.path, tmp_path / "after.sqlite")  # read a copy: nothing holds the file any more
    p = type(practice).open(tmp_path / "after.sqlite")
    try:
        with p.read() as tx:
            per_client = tx.execute(select(Invoice.client_id, func.count()).group_by(Invoice.client_id)).all()
            assert len(per_client) == 25 and all(n == 1 for _, n in per_client)
            keys = list(tx.scalars(select(BillingRun.cycle_key)))
            assert len(keys) == len(set(keys))
    finally:
        p.close()

"""Two (or more) workstations at once: real processes on one practice file.

Each worker opens the file itself, as a second app window or a second desk would, and makes the
same service calls in step with the others (a barrier before each call), so the calls collide
as often as they can. A worker returns a tally of how its calls ended: ``ok``, the name of a typed
service error, or ``raw: ...`` for anything else (which the tests treat as a defect).

The processes come from a fork server that has imported the app once, so starting one costs
milliseconds, and no process inherits the test runner's Qt or open database connections.
"""
from __future__ import annotations

import multiprocessing as mp
import sqlite3
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

_CTX = None


def context():
    global _CTX
    if _CTX is None:
        _CTX = mp.get_context("forkserver")
        _CTX.set_forkserver_preload(["tests.races", "app.services.scheduling.completion",
                                     "app.services.scheduling.deletion", "app.services.people.users"])
    return _CTX


def where(practice) -> str:
    """Where a worker finds the practice: its file, or its database URL (PRACTICE_DB=postgres)."""
    if practice.path is not None:
        return str(practice.path)
    return practice.engine.url.render_as_string(hide_password=False)


def open_again(practice, clock=None, busy_timeout_ms: int = 5000):
    """The same practice opened by a second workstation (its own engine and connections)."""
    return _open(where(practice), busy_timeout_ms, clock or practice.clock)


def _open(path: str, busy_timeout_ms: int, clock=None):
    from app.db import is_server_url, make_engine, sqlite_url
    from app.services.practice import Practice

    if is_server_url(path):
        return Practice(make_engine(path, busy_timeout_ms=busy_timeout_ms), clock=clock)
    return Practice(make_engine(sqlite_url(path), busy_timeout_ms=busy_timeout_ms), clock=clock, path=Path(path))


def _call(tally: Counter, fn, *args, **kw):
    from app.services.errors import ServiceError

    try:
        fn(*args, **kw)
        tally["ok"] += 1
    except ServiceError as exc:
        tally[type(exc).__name__] += 1
        if type(exc).__name__ == "LoginFailed":
            tally["locked" if "locked" in str(exc) else "wrong password"] += 1
    except Exception as exc:  # noqa: BLE001 - any other exception is what the tests look for
        tally[f"raw: {type(exc).__name__}: {str(exc)[:120]}"] += 1


# -- what one workstation does -----------------------------------------------------------------

def complete_each(practice, actor, session_ids, type_id, barrier, tally):
    from app.services.scheduling import completion

    for sid in session_ids:
        barrier.wait()
        _call(tally, completion.complete_session, practice, actor, sid, type_id)


def delete_each(practice, actor, session_ids, _type_id, barrier, tally):
    from app.services.scheduling import deletion

    for sid in session_ids:
        barrier.wait()
        _call(tally, deletion.delete_sessions, practice, actor, [sid])


def book_each(practice, actor, slots, booking, barrier, tally):
    """``booking`` = (service_id, practitioner_id, client_id); ``slots`` = ISO start/end pairs."""
    from app.services.scheduling import sessions

    service_id, practitioner_id, client_id = booking
    for start, end in slots:
        barrier.wait()
        data = sessions.SessionInput(datetime.fromisoformat(start), datetime.fromisoformat(end), service_id,
                                     practitioner_id, (client_id,))
        _call(tally, sessions.add_session, practice, actor, data)


def create_users(practice, actor, names, _unused, barrier, tally):
    from app.services.people import users

    for name in names:
        barrier.wait()
        _call(tally, users.create_user, practice, actor, name, name.title(), "staff", "password123")


def guess_passwords(practice, _actor, guesses, username, barrier, tally):
    from app.services.people import users

    for guess in guesses:
        barrier.wait()
        _call(tally, users.login, practice, username, guess)


def allocate_each(practice, actor, allocations, _unused, barrier, tally):
    """``allocations`` = (payment id, invoice id, cents) for each try."""
    from app.services.money import payments

    for payment_id, invoice_id, cents in allocations:
        barrier.wait()
        _call(tally, payments.allocate, practice, actor, payment_id, invoice_id, cents)


WORKERS = {f.__name__: f for f in (complete_each, delete_each, book_each, create_users, guess_passwords,
                                   allocate_each)}


def _worker(index, path, busy_timeout_ms, actor, job, items, extra, barrier, out):
    from app.services.people import passwords

    passwords.PARAMS = passwords.ScryptParams(n=2**10, r=8, p=1)  # as tests/conftest.py: cheap new hashes
    tally: Counter = Counter()
    practice = _open(path, busy_timeout_ms)
    try:
        WORKERS[job](practice, actor, items, extra, barrier, tally)
    except Exception as exc:  # noqa: BLE001 - reported to the test, never swallowed
        tally[f"raw: {type(exc).__name__}: {str(exc)[:120]}"] += 1
    finally:
        practice.close()
        out.put((index, dict(tally)))


def race(path, actor, *jobs, busy_timeout_ms: int = 5000, timeout: float = 120) -> list[Counter]:
    """Runs each job = (worker name, items, extra) in its own process, all in step. -> tallies.
    ``path``: the practice (file or database server) or its file."""
    if hasattr(path, "engine"):
        path = where(path)
    ctx = context()
    barrier = ctx.Barrier(len(jobs), timeout=timeout)
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(i, str(path), busy_timeout_ms, actor, job, items, extra, barrier, out))
             for i, (job, items, extra) in enumerate(jobs)]
    for p in procs:
        p.start()
    tallies = dict(out.get(timeout=timeout) for _ in procs)
    for p in procs:
        p.join(timeout)
    return [Counter(tallies[i]) for i in range(len(jobs))]


def raw_errors(*tallies: Counter) -> list[str]:
    return [k for t in tallies for k in t if k.startswith("raw")]


@contextmanager
def other_desk_saving(path):
    """Another workstation's long write: it holds the practice's write lock until the block ends.
    ``path``: the practice (file or database server) or its file."""
    if hasattr(path, "engine"):
        path = where(path)
    from app.db import is_server_url

    if is_server_url(path):
        from app.db import make_engine

        engine = make_engine(path)
        try:
            with engine.begin():  # takes the practice's write lock first (app.db)
                yield
        finally:
            engine.dispose()
        return
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def issue_each(practice, actor, invoice_ids, _unused, barrier, tally):
    """Issues each draft invoice in turn (SPEC 9.1: two desks never share or skip a number)."""
    from app.services.money import invoices

    for invoice_id in invoice_ids:
        barrier.wait()
        _call(tally, invoices.issue_invoice, practice, actor, invoice_id)


WORKERS[issue_each.__name__] = issue_each  # defined apart from the others, with the invoices


def queue_reminders(practice, actor, nows, _unused, barrier, tally):
    """Runs the reminder queue at each given time (ISO, aware) in step with another desk (SPEC 7.4:
    each session and client is reminded once, however many desks run it at once)."""
    from app.services.messaging import reminders

    for now in nows:
        barrier.wait()
        _call(tally, reminders.queue_due_reminders, practice, actor, datetime.fromisoformat(now))


WORKERS[queue_reminders.__name__] = queue_reminders


# -- a workstation killed in the middle of its work ---------------------------------------------

def busy_desk(path: str, log_path: str, setup: dict, start_at: int) -> None:
    """Saves without pause until killed: payments, bookings, completions, re-saves and deletes.
    ``path``: the practice file, or its database URL (PRACTICE_DB=postgres).
    After each call returns, one line goes to ``log_path`` (flushed to disk): what the desk was
    told was saved, which the file must still hold after the kill."""
    import json
    import os

    from app.db import is_server_url
    from app.services.errors import ServiceError
    from app.services.money import ledger
    from app.services.practice import Actor, Practice
    from app.services.scheduling import completion, deletion, sessions

    practice = Practice.connect(path) if is_server_url(path) else Practice.open(path)
    admin = Actor(setup["admin_id"], "admin")
    first = datetime.fromisoformat(setup["first_slot"])
    done, missed = setup["completed_type"], setup["missed_type"]
    log = open(log_path, "a", buffering=1)

    def note(**entry):
        log.write(json.dumps(entry) + "\n")
        log.flush()
        os.fsync(log.fileno())

    n = start_at
    while True:
        n += 1
        client = setup["client_ids"][n % len(setup["client_ids"])]
        try:
            ledger.record_payment(practice, admin, client, 1000 + n, "cash", memo=f"pay {n}")
            note(op="payment", memo=f"pay {n}", client=client, cents=1000 + n)
            start = first + timedelta(minutes=70 * n)
            data = sessions.SessionInput(start, start + timedelta(minutes=50), setup["service_id"],
                                         setup["practitioner_id"], (client,), public_note=f"booking {n}")
            [s] = sessions.add_session(practice, admin, data, confirm=True)
            note(op="session", note=f"booking {n}", id=s.id)
            completion.complete_session(practice, admin, s.id, done)
            note(op="completed", id=s.id)
            if n % 3 == 0:
                completion.complete_session(practice, admin, s.id, missed)
                note(op="missed", id=s.id)
            if n % 5 == 0:
                deletion.delete_sessions(practice, admin, [s.id])
                note(op="deleted", id=s.id)
        except ServiceError as exc:  # Busy cannot happen with one desk; anything else is logged
            note(op="error", error=str(exc))

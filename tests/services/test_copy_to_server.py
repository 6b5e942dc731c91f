"""``practice-desk copy-to-server --db FILE --url URL`` (issue 17 item 1): the demo practice copied to
an empty PostgreSQL database has every balance, wage and invoice equal after, and opens there as a
practice; a database that is not empty is refused untouched; a copy that would differ is rolled
back whole. Runs under PRACTICE_DB=postgres (``make test-postgres``), which starts the server."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from app import copy_to_server as copier
from app.demo import build_demo
from app.services.money import invoices, reports
from app.services.people import users
from app.services.practice import Practice

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def empty_db(pg_databases):
    name = pg_databases.next_name()
    url = pg_databases.create(name)
    yield url
    pg_databases.drop(name)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo practice with three of its clients invoiced (one invoice paid, one cancelled)."""
    from app.services.money import payments
    from app.services.people import clients

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    p = build_demo(path, date(2026, 3, 15))
    admin = users.first_admin(p).actor
    made = []
    for c in clients.list_clients(p, admin):
        found = invoices.uninvoiced_sessions(p, admin, c.id, date(2026, 1, 1), date(2026, 3, 15))
        if found and len(made) < 3:
            d = invoices.create_draft(p, admin, c.id, [s.session_id for s in found], date(2026, 1, 1),
                                      date(2026, 3, 15))
            made.append(invoices.issue_invoice(p, admin, d.id, date(2026, 3, 15)))
    payments.record_payment(p, admin, made[0].client_id, made[0].total_cents, "card", allocate=[(made[0].id,
                                                                                               made[0].total_cents)])
    invoices.cancel_invoice(p, admin, made[1].id, "wrong period")
    p.close()
    return path


def _tables(url) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def _money(practice: Practice):
    admin = users.first_admin(practice).actor
    return (reports.balances(practice, admin, include_zero=True),
            reports.wages(practice, admin, date(2025, 1, 1), date(2026, 12, 31)),
            [(i.number, i.status, i.total_cents, i.amount_due_cents)
             for i in invoices.list_invoices(practice, admin, limit=invoices.MAX_PAGE)])


def test_the_demo_copied_to_a_server_has_every_balance_wage_and_invoice_equal(demo_file, empty_db):
    done = subprocess.run([sys.executable, "-m", "app", "copy-to-server", "--db", str(demo_file), "--url", empty_db],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "matches the file" in done.stdout and "password" not in done.stdout
    assert done.stdout.startswith(f"Copying {demo_file} to ")  # said before the minutes a big practice takes
    assert "  practice session: " in done.stdout and "  Checking every balance" in done.stdout

    file, server = Practice.open(demo_file), Practice.connect(empty_db)
    try:
        before, after = _money(file), _money(server)
        assert [r for r in before[0] if r not in after[0]] == []  # every balance, open charge and credit
        assert before == after and before[0] and len(before[2]) == 3
        # the copy is a working practice: a new id follows the copied ones
        from app.services.people import clients

        admin = users.first_admin(server).actor
        made = clients.create_client(server, admin, clients.ClientInput("New", "Client"))
        assert made.id > max(r.client_id for r in before[0])
    finally:
        file.close()
        server.close()


def test_a_database_that_is_not_empty_is_refused_untouched(demo_file, empty_db):
    copier.copy_to_server(demo_file, empty_db)
    tables = _tables(empty_db)
    done = subprocess.run([sys.executable, "-m", "app", "copy-to-server", "--db", str(demo_file), "--url", empty_db],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "not empty" in done.stderr
    assert _tables(empty_db) == tables


def test_a_copy_that_would_differ_is_rolled_back_whole(demo_file, empty_db, monkeypatch):
    real = copier._figures
    calls = []

    def lying(conn):
        figures = real(conn)
        calls.append(1)
        if len(calls) == 2:  # the server's figures: one balance off by a cent
            figures["balances"] = [(c, total + 1) for c, total in figures["balances"]]
        return figures

    monkeypatch.setattr(copier, "_figures", lying)
    with pytest.raises(copier.CopyMismatch, match="balances"):
        copier.copy_to_server(demo_file, empty_db)
    assert _tables(empty_db) == []


def test_the_copy_says_how_far_it_got_table_by_table(demo_file, empty_db, monkeypatch):
    """Ten years of sessions take minutes to copy: each table says how many rows it copied, a long one
    how far it got on the way, then the check; an empty table says nothing."""
    import sqlite3

    monkeypatch.setattr(copier, "CHUNK", 50)
    monkeypatch.setattr(copier, "SAY_EVERY", 100)
    with sqlite3.connect(demo_file) as con:
        sessions = con.execute("SELECT count(*) FROM practice_session").fetchone()[0]
        empty = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                 if con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == 0]
    assert sessions > 300 and empty
    lines = []
    copier.copy_to_server(demo_file, empty_db, progress=lines.append)
    on_the_way = [line for line in lines if line.startswith("practice session: ") and " of " in line]
    assert on_the_way == [f"practice session: {n:,} of {sessions:,} rows" for n in range(100, sessions, 100)]
    assert f"practice session: {sessions:,} rows" in lines
    assert lines.index(f"practice session: {sessions:,} rows") > lines.index(on_the_way[-1])
    assert not [line for line in lines if line.split(":")[0] in {n.replace("_", " ") for n in empty}]
    assert lines[-1] == "Checking every balance, wage and invoice against the file…"

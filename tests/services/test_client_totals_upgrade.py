"""Migration of the kept client totals (issue 14): a file of the release before, with sessions open and
saved, payments, an invoice and an allocation, is upgraded with client_total filled from its ledger and
sessions, and the triggers keep it after the upgrade."""
from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import app.db
from app.migrations import HEAD_REVISION
from app.models import ClientTotal
from app.services.clock import FixedClock
from app.services.money import invoices, payments, reports
from app.services.people import clients, users
from app.services.people.clients import ClientInput
from app.services.people.practitioners import PractitionerInput, create_practitioner
from app.services.practice import Practice
from app.services.scheduling import catalog, completion, sessions
from app.services.scheduling.catalog import ServiceInput

from .practice_files import downgrade, revision, tables

pytestmark = pytest.mark.sqlite_only(reason="migrates SQLite files (test_postgres.py checks the PostgreSQL schema)")


def _revisions() -> tuple[str, str]:
    """(this migration, the one before it), whatever their numbers."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(app.db.MIGRATIONS_DIR))
    [script] = [s for s in ScriptDirectory.from_config(cfg).walk_revisions() if s.revision.endswith("_client_totals")]
    return script.revision, script.down_revision


def _kept_and_recomputed(p: Practice):
    with p.read() as tx:
        kept = {c: (b, o, u) for c, b, o, u in tx.execute(select(
            ClientTotal.client_id, ClientTotal.balance_cents, ClientTotal.open_charges_cents,
            ClientTotal.unallocated_cents))}
        return kept, reports.recomputed_totals(tx, p)


def test_an_older_file_gets_its_client_totals_filled_and_kept(template_db, tmp_path):  # SPEC 6, 9.4 (issue 14)
    path = tmp_path / "practice.sqlite"
    shutil.copy(template_db, path)
    clock = FixedClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    p = Practice.open(path, clock=clock)
    admin = users.first_admin(p).actor
    pr = create_practitioner(p, admin, PractitionerInput("P")).id
    fixed = catalog.create_service(p, admin, ServiceInput("Fixed", "fixed", 8000, 4000)).id
    hourly = catalog.create_service(p, admin, ServiceInput("Hourly", "hourly", 6001, 3000)).id
    ann, bo, cy = (clients.create_client(p, admin, ClientInput(n, "X")).id for n in ("Ann", "Bo", "Cy"))
    start = datetime(2026, 2, 2, 9)
    [past] = sessions.add_session(p, admin, sessions.SessionInput(start, start + timedelta(hours=1), fixed, pr,
                                                                  (ann, bo)))
    completion.complete_session(p, admin, past.id, completion.type_by_key(p, "completed").id)
    ahead = datetime(2026, 4, 1, 9)
    sessions.add_session(p, admin, sessions.SessionInput(ahead, ahead + timedelta(minutes=50), hourly, pr, (ann, cy)))
    pay = payments.record_payment(p, admin, ann, 20000, "cash", allocate="none").payment
    draft = invoices.create_draft(p, admin, ann, [past.id], date(2026, 2, 1), date(2026, 2, 28))
    inv = invoices.issue_invoice(p, admin, draft.id)
    payments.allocate(p, admin, pay.id, inv.id, 3000)
    before = _kept_and_recomputed(p)[1]
    p.close()

    _this, previous = _revisions()
    downgrade(path, previous)
    assert revision(path) == previous and "client_total" not in tables(path)

    p = Practice.open(path, clock=clock)  # upgraded: the file as it was is backed up first
    try:
        assert revision(path) == HEAD_REVISION  # this migration and any after it
        kept, want = _kept_and_recomputed(p)
        assert kept == want == before
        assert kept[ann] == (20000 - 8000, 5001, 20000 - 3000)  # 50 min of 60.01/h = 50.01 (half up)
        assert kept[bo] == (-8000, 0, 0) and kept[cy] == (0, 5001, 0)
        payments.record_payment(p, users.first_admin(p).actor, cy, 700, "cash", allocate="none")  # kept after it
        kept, want = _kept_and_recomputed(p)
        assert kept == want and kept[cy] == (700, 5001, 700)
    finally:
        p.close()

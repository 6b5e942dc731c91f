"""A practice full of data, as an older release left it, is upgraded whole (SPEC 0.7).

The other migration tests start from nearly empty files, where rebuilding a table (Alembic's batch
mode on SQLite: copy, DROP, rename) cannot trip over rows that point at it. Here every table
has rows that refer to others (sessions -> services, participants -> clients, ledger -> sessions),
so a migration that drops a referenced table with the foreign keys on fails, as it did on the
demo practice when migration 0005 rebuilt `service`.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime

import pytest

import app.db
from app.migrations import HEAD_REVISION
from app.services.money import ledger
from app.services.practice import Practice
from app.services.scheduling import completion

from .practice_files import downgrade

pytestmark = pytest.mark.sqlite_only(reason="upgrades practice files written by older versions")

TABLES = ("service", "practitioner", "client", "practice_session", "participant", "ledger_entry", "user_account")


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.db._alembic_config())
    return [s.revision for s in script.walk_revisions() if s.revision != HEAD_REVISION]


def _counts(path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def full(practice, admin, make):
    svc, other = make.service(cost=8000, wage=4000), make.service(cost=5000, wage=2500)
    pr, clients = make.practitioner(), [make.client() for _ in range(3)]
    for day in range(5, 12):
        [s] = make.session(datetime(2026, 1, day, 10), datetime(2026, 1, day, 11), svc if day % 2 else other, pr,
                           clients[: 1 + day % 3])
        if day < 9:
            completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    ledger.record_payment(practice, admin, clients[0].id, 12345, "cash")
    balances = {c.id: ledger.client_balance(practice, admin, c.id) for c in clients}
    practice.close()
    return practice.path, balances


@pytest.mark.parametrize("older", _revisions())
def test_spec_0_7_an_older_practice_full_of_data_upgrades_whole(full, admin, older):
    path, balances = full
    if older == "0001_initial":
        pytest.skip("0001 has no downgrade below it to test from; 0002 covers its upgrade")
    before = _counts(path)
    downgrade(path, older)

    upgraded = Practice.open(path)
    try:
        assert {c: ledger.client_balance(upgraded, admin, c) for c in balances} == balances
        with upgraded.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # switched back on
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").first() is None
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            triggers = {n for (n,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}
            assert {"ledger_entry_no_update", "ledger_entry_no_delete"} <= triggers
    finally:
        upgraded.close()
    assert _counts(path) == before

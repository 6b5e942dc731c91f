"""SPEC 0.7: a schema upgrade, and the creation of a new practice, happen whole or not at all."""
from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date

import pytest

from app import demo
from app.db import PracticeFileError, UpgradeFailed, current_revision, open_practice
from app.migrations import HEAD_REVISION
from app.services import audit
from app.services.errors import ValidationError
from app.services.people import users
from app.services.practice import Practice

from .practice_files import practice_at, revision, sha, side_files, tables

pytestmark = pytest.mark.sqlite_only(reason="builds and upgrades practice files (test_postgres.py: the same on a server)")

# 0003_ledger_append_only creates this trigger; a file at 0001 that already holds one makes 0002
# succeed and 0003 fail, half-way through the upgrade.
CLASH = ("CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry "
         "BEGIN SELECT RAISE(ABORT, 'someone else''s trigger'); END")


def test_spec_0_7_an_upgrade_failing_half_way_leaves_the_file_at_its_old_revision(tmp_path):
    path = practice_at(tmp_path / "practice.sqlite", "0001_initial")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(CLASH)
        conn.commit()
    before = sha(path)

    with pytest.raises(UpgradeFailed) as failed:
        open_practice(path)
    message = failed.value.message
    assert str(path) in message and "could not be upgraded" in message and "left as it was" in message
    assert "already exists" in failed.value.detail  # the cause, for the details of the message box
    assert isinstance(failed.value, PracticeFileError)

    assert revision(path) == "0001_initial"
    assert "closure" not in tables(path)  # 0002's table was rolled back with the rest
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    assert sha(path) == before and side_files(path) == []
    (backup,) = path.parent.glob(f"{path.name}.0001_initial.*.bak")  # the copy taken before trying stays
    assert revision(backup) == "0001_initial"

    with closing(sqlite3.connect(path)) as conn:  # the cause removed, the file opens and upgrades
        conn.execute("DROP TRIGGER ledger_entry_no_delete")
        conn.commit()
    engine = open_practice(path)
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()
    assert "closure" in tables(path)


# --- creating a new practice ------------------------------------------------------------------------
def test_spec_0_7_create_practice_refuses_an_existing_file(template_db, tmp_path):
    path = tmp_path / "practice.sqlite"
    shutil.copy(template_db, path)
    before = sha(path)
    with pytest.raises(ValidationError, match="already exists"):
        users.create_practice(path, "Second", "UTC", "boss", "long enough password")
    assert sha(path) == before


def test_spec_0_7_a_practice_that_fails_while_being_created_leaves_nothing(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(audit, "record", fail)  # the last step of create_practice
    with pytest.raises(RuntimeError, match="power cut"):
        users.create_practice(tmp_path / "new.sqlite", "New", "UTC", "boss", "long enough password")
    assert list(tmp_path.iterdir()) == []  # no practice, no temporary file left behind


def test_spec_0_7_a_new_practice_stands_alone_and_its_admin_signs_in(tmp_path):
    path = tmp_path / "new.sqlite"
    p = users.create_practice(path, "New", "UTC", "boss", "long enough password")
    p.close()
    assert [f.name for f in tmp_path.iterdir()] == ["new.sqlite"]  # WAL folded in: nothing beside it
    again = Practice.open(path)
    try:
        assert users.login(again, "boss", "long enough password").role == "admin"
        assert again.settings()["practice_name"] == "New"
    finally:
        again.close()


def test_spec_0_7_a_demo_that_fails_half_way_leaves_nothing(tmp_path, monkeypatch):
    def fail(self):
        raise RuntimeError("killed while adding payments")

    monkeypatch.setattr(demo._Demo, "plan_payments", fail)  # after the practice and its sessions exist
    with pytest.raises(RuntimeError, match="killed"):
        demo.build_demo(tmp_path / "demo.sqlite", date(2026, 3, 11))
    assert list(tmp_path.iterdir()) == []

"""SPEC 0.7 "nothing lost": automatic and manual backups of the practice file, and restoring one
after checking it. Real files in tmp_path; the practice fixture's clock decides the backups' names."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import paths
from app.migrations import HEAD_REVISION
from app.services import audit, backups
from app.services.errors import PermissionDenied, ValidationError
from app.services.money import ledger
from app.services.scheduling import completion

from .practice_files import downgrade

pytestmark = pytest.mark.sqlite_only(reason="backups are copies of the practice file (a server is backed up with its own tools)")


@pytest.fixture(autouse=True)
def user_data(tmp_path, monkeypatch):
    """The user data folder (the fallback place for backups) inside the test's tmp_path."""
    folder = tmp_path / "user data"
    monkeypatch.setattr(paths, "data_dir", lambda: folder)
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def live_files(practice) -> dict[str, str]:
    """The practice file and its -wal, byte for byte."""
    return {p.name: sha(p) for p in (practice.path, practice.path.with_name(practice.path.name + "-wal"))}


def rows(path: Path, sql: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def world(practice, make, admin):
    """Two clients: Alice paid $200 and had one $80 session saved; Bob has a $50 payment."""
    pr, svc = make.practitioner(), make.service(cost=8000, wage=4000)
    alice, bob = make.client("Alice"), make.client("Bob")
    [s] = make.session(datetime(2025, 12, 29, 10), datetime(2025, 12, 29, 11), svc, pr, [alice])
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    ledger.record_payment(practice, admin, alice.id, 20000, "cash")
    ledger.record_payment(practice, admin, bob.id, 5000, "card")
    return dict(pr=pr, svc=svc, alice=alice, bob=bob)


def balances(practice, admin, world) -> tuple[int, int]:
    return (ledger.client_balance(practice, admin, world["alice"].id),
            ledger.client_balance(practice, admin, world["bob"].id))


# --- making backups ---------------------------------------------------------------------------------
def test_spec_0_7_backup_includes_what_is_still_in_the_wal_and_is_one_file(practice, admin, world):
    wal = practice.path.with_name(practice.path.name + "-wal")
    assert wal.stat().st_size > 0  # the payments are not yet checkpointed into the main file
    info = backups.backup_now(practice, admin)
    assert info.kind == "manual" and info.path.parent == practice.path.parent / "practice backups"
    assert info.path.name == "practice 2026-01-01 0700-00 manual.sqlite"  # 12:00 UTC in New York
    assert info.size_bytes == info.path.stat().st_size > 0
    assert rows(info.path, "SELECT amount_cents FROM ledger_entry WHERE kind = 'payment' ORDER BY id") == [
        (20000,), (5000,)]
    assert rows(info.path, "PRAGMA journal_mode") == [("delete",)]
    assert sorted(p.name for p in info.path.parent.iterdir()) == [info.path.name]  # no -wal, no partial
    assert backups.check_backup(info.path).revision == HEAD_REVISION


def test_spec_0_7_backups_are_listed_newest_first_and_other_files_ignored(practice, admin, clock):
    first = backups.auto_backup(practice)
    clock.advance(hours=3)
    second = backups.backup_now(practice, admin)
    again = backups.backup_now(practice, admin)  # same second: its own name, not an overwrite
    (first.path.parent / "notes.txt").write_text("mine")
    (first.path.parent / "practice old copy.sqlite").write_bytes(first.path.read_bytes())
    listed = backups.list_backups(practice, admin)
    assert [b.path for b in listed] == [again.path, second.path, first.path]
    assert again.path.name == "practice 2026-01-01 1000-00 manual 2.sqlite"
    assert [b.kind for b in listed] == ["manual", "manual", "auto"]
    assert listed[-1].taken_at == datetime(2026, 1, 1, 7, 0, tzinfo=practice.tz)


def test_spec_0_7_daily_backup_is_due_24_hours_after_the_last_automatic_one(practice, admin, clock):
    assert backups.daily_backup_due(practice)
    backups.auto_backup(practice)
    assert not backups.daily_backup_due(practice)
    clock.advance(hours=23, minutes=59)
    backups.backup_now(practice, admin)  # a manual backup does not reset the daily one
    assert backups.auto_backup_if_due(practice) is None
    clock.advance(minutes=1)
    made = backups.auto_backup_if_due(practice)
    assert made is not None and made.kind == "auto"
    assert not backups.daily_backup_due(practice)


def test_spec_0_7_automatic_backup_rotates_the_folder(practice, clock):
    folder = backups.backup_folder(practice.path)
    template = backups.auto_backup(practice).path.read_bytes()
    # a month of daily automatic backups before today, plus a file that is not ours
    for days in range(1, 31):
        t = (clock.now() - timedelta(days=days)).astimezone(practice.tz)
        (folder / f"practice {t:%Y-%m-%d %H%M-%S} auto.sqlite").write_bytes(template)
    (folder / "my notes.sqlite").write_bytes(b"keep me")
    cut_off, copying = folder / ".practice 2025-11-02 0900-00 auto.sqlite.partial", folder / ".now.partial"
    for half_written, hours_ago in ((cut_off, 7), (copying, 1)):
        half_written.write_bytes(template[:4096])
        os.utime(half_written, (time.time() - hours_ago * 3600,) * 2)
    backups.auto_backup(practice)
    names = sorted(p.name for p in folder.iterdir())
    assert "my notes.sqlite" in names
    assert not cut_off.exists() and copying.exists()  # a crash's leftover goes, a copy under way stays
    dated = sorted(n[len("practice "):len("practice 2026-01-01")] for n in names if " auto" in n)
    # Dec 2025 keeps its newest (the 31st); the 14 days run 19 Dec to 1 Jan (today has two)
    assert dated == [f"2025-12-{d}" for d in range(19, 32)] + ["2026-01-01", "2026-01-01"]


def test_spec_0_7_backups_go_to_the_user_data_folder_when_beside_is_not_writable(practice, admin, user_data):
    (practice.path.parent / "practice backups").write_text("a file in the way: no folder can be made here")
    info = backups.backup_now(practice, admin)
    assert info.path.parent.parent == user_data / "backups"
    assert info.path.parent.name.startswith("practice-")
    assert backups.list_backups(practice, admin) == [info]


# --- checking ------------------------------------------------------------------------------------------
def test_spec_0_7_check_refuses_damaged_foreign_empty_and_newer_files(practice, admin, tmp_path):
    good = backups.backup_now(practice, admin).path
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(good.read_bytes())
    data[4096 * 2:4096 * 4] = b"\x5a" * 8192  # two pages of the tables overwritten
    damaged.write_bytes(bytes(data))
    foreign = tmp_path / "foreign.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    text = tmp_path / "letter.sqlite"
    text.write_text("Dear Sir or Madam, " * 300)
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    newer = tmp_path / "newer.sqlite"
    shutil.copy(good, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    expected = {damaged: "damaged", foreign: "not a Practice Desk practice file",
                text: "not a Practice Desk practice file", empty: "not a Practice Desk practice file",
                newer: "newer version of Practice Desk", tmp_path / "gone.sqlite": "no longer there"}
    for path, words in expected.items():
        with pytest.raises(ValidationError) as caught:
            backups.check_backup(path)
        assert caught.value.field == "backup"
        assert words in caught.value.message and path.name in caught.value.message, caught.value.message
        assert "Traceback" not in caught.value.message and "sqlite3" not in caught.value.message


@pytest.mark.parametrize("kind", ["damaged", "foreign", "newer"])
def test_spec_0_7_a_refused_restore_leaves_the_practice_untouched(practice, admin, world, tmp_path, kind):
    good = backups.backup_now(practice, admin).path
    bad = tmp_path / f"{kind}.sqlite"
    if kind == "damaged":
        data = bytearray(good.read_bytes())
        data[4096 * 2:4096 * 4] = b"\x00\xff" * 4096
        bad.write_bytes(bytes(data))
    elif kind == "foreign":
        bad.write_bytes(b"SQLite format 3\x00 but not really" * 100)
    else:
        shutil.copy(good, bad)
        conn = sqlite3.connect(bad)
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
        conn.commit()
        conn.close()
    before, listed = live_files(practice), backups.list_backups(practice, admin)
    with pytest.raises(ValidationError):
        backups.restore_backup(practice, admin, bad)
    assert live_files(practice) == before
    assert backups.list_backups(practice, admin) == listed  # not even a before-restore copy was taken
    assert balances(practice, admin, world) == (12000, 5000)


# --- restoring -----------------------------------------------------------------------------------------
def test_spec_0_7_restore_brings_back_the_same_balances_and_keeps_the_current_state(
        practice, admin, world, make, clock):
    assert balances(practice, admin, world) == (12000, 5000)
    saved = backups.backup_now(practice, admin)
    # the day goes on: another session saved, another payment, a new client
    [s] = make.session(datetime(2026, 1, 2, 10), datetime(2026, 1, 2, 11), world["svc"], world["pr"],
                       [world["bob"]])
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "missed").id)
    ledger.record_payment(practice, admin, world["alice"].id, 3000, "cash")
    carol = make.client("Carol")
    clock.advance(hours=2)
    assert balances(practice, admin, world) == (15000, -3000)

    result = backups.restore_backup(practice, admin, saved.path)

    assert balances(practice, admin, world) == (12000, 5000)
    assert result.sign_in_again and not result.restored.needs_upgrade
    assert result.restored.taken_at == saved.taken_at  # read back from the name, in the practice zone
    assert result.kept.kind == "before-restore" and result.kept.path.exists()
    with pytest.raises(ValidationError):
        ledger.record_payment(practice, admin, carol.id, 100, "cash")  # Carol came after the backup
    [entry] = audit.list_audit(practice, admin, entity="practice")
    assert entry.action == "backup.restore" and entry.detail["backup"] == saved.path.name
    # the practice still works and keeps its rules: writes go through, the ledger is append-only
    ledger.record_payment(practice, admin, world["bob"].id, 1000, "cash")
    assert balances(practice, admin, world) == (12000, 6000)
    conn = sqlite3.connect(practice.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM ledger_entry")
    conn.close()
    # and the state it replaced is one restore away
    backups.restore_backup(practice, admin, result.kept.path)
    assert balances(practice, admin, world) == (15000, -3000)


def test_spec_0_7_restoring_an_older_backup_brings_its_schema_up_to_date(practice, admin, world):
    older = backups.backup_now(practice, admin).path
    downgrade(older, "0002_closures")  # as a file from an earlier release: before migration 0003
    ledger.record_payment(practice, admin, world["bob"].id, 700, "cash")  # after the backup: undone
    result = backups.restore_backup(practice, admin, older)
    assert result.restored.needs_upgrade and result.restored.revision == "0002_closures"
    assert rows(practice.path, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    triggers = {name for (name,) in rows(practice.path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"ledger_entry_no_update", "ledger_entry_no_delete"} <= triggers  # the ledger is append-only again
    assert balances(practice, admin, world) == (12000, 5000)


def test_spec_0_7_the_practice_file_itself_is_not_a_backup(practice, admin):
    before = live_files(practice)
    with pytest.raises(ValidationError, match="practice file itself"):
        backups.restore_backup(practice, admin, practice.path)
    assert live_files(practice) == before


# --- who may --------------------------------------------------------------------------------------------
def test_spec_0_7_practitioners_cannot_back_up_and_only_admins_restore(practice, admin, make):
    saved = backups.backup_now(practice, admin)
    staff = make.user("staff")
    pract = make.user("practitioner", practitioner_id=make.practitioner().id)
    for call in (lambda: backups.backup_now(practice, pract), lambda: backups.list_backups(practice, pract),
                 lambda: backups.restore_backup(practice, pract, saved.path),
                 lambda: backups.restore_backup(practice, staff, saved.path)):
        with pytest.raises(PermissionDenied):
            call()
    assert backups.backup_now(practice, staff).kind == "manual"
    assert len(backups.list_backups(practice, staff)) == 2
    assert [backups.can_back_up(a) for a in (admin, staff, pract)] == [True, True, False]
    assert [backups.can_restore(a) for a in (admin, staff, pract)] == [True, False, False]


def test_spec_0_7_opening_an_older_file_keeps_it_among_the_backups_first(practice, admin, world):
    # the file as the previous release left it (before migration 0003), then opened by this one
    older = practice.path.with_name("older.sqlite")
    backups.backup_now(practice, admin).path.rename(older)
    downgrade(older, "0002_closures")
    ledger_before = rows(older, "SELECT * FROM ledger_entry ORDER BY id")

    upgraded = type(practice).open(older)
    try:
        assert rows(older, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
        [kept] = [b for b in backups.list_backups(upgraded, admin) if b.kind == backups.BEFORE_UPGRADE]
        assert kept.path.parent == older.parent / "older backups"
        # the file as it was: the old revision, without the new triggers, the same money
        assert rows(kept.path, "SELECT version_num FROM alembic_version") == [("0002_closures",)]
        assert rows(kept.path, "SELECT name FROM sqlite_master WHERE type = 'trigger'") == []
        assert rows(kept.path, "SELECT * FROM ledger_entry ORDER BY id") == ledger_before
        assert not list(older.parent.glob("*.bak"))
        check = backups.check_backup(kept.path)
        assert check.needs_upgrade and check.revision == "0002_closures"
    finally:
        upgraded.close()

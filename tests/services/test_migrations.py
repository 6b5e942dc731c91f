"""Schema versions (ARCHITECTURE "Data"): Alembic migrations run at start-up, a current file opens
without importing Alembic, a newer file is refused untouched, an older one is backed up first."""
from __future__ import annotations

import gc
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

import app.db
from app.db import NewerSchemaError, current_revision, make_engine, open_practice, sqlite_url
from app.migrations import HEAD_REVISION

from ..schema_compare import schema_diff
from .practice_files import practice_at

pytestmark = pytest.mark.sqlite_only(reason="migrates SQLite files (test_postgres.py checks the PostgreSQL schema)")

ROOT = Path(__file__).resolve().parents[2]


def _script_head(directory: Path) -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(directory))
    return ScriptDirectory.from_config(cfg).get_current_head()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def migrated(template_db, tmp_path) -> Path:
    path = tmp_path / "practice.sqlite"
    shutil.copy(template_db, path)  # made by create_practice: closed, so the WAL is in the file
    return path


def test_head_revision_constant_matches_the_scripts():
    # start-up compares the file against HEAD_REVISION to skip Alembic: it must be the real head
    assert HEAD_REVISION == _script_head(app.db.MIGRATIONS_DIR)


def test_migrated_schema_equals_the_models(migrated):
    engine = make_engine(sqlite_url(migrated))
    with engine.connect() as conn:
        diff = schema_diff(conn)
        # the calendar's covering index is made on SQLite (issue 17)
        assert "ix_practice_session_calendar" in {i["name"] for i in inspect(conn).get_indexes("practice_session")}
    engine.dispose()
    assert diff == []


def test_sqlite_pragmas_are_on(migrated):
    engine = open_practice(migrated)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() > 0
    engine.dispose()


def test_migration_seeds_the_three_default_completion_types(migrated):  # SPEC 4.5
    engine = open_practice(migrated)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT key, base_status, label, enabled, modifier_type, deleted_at "
                                 "FROM completion_type ORDER BY key")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("canceled", "canceled", "Canceled", 1, None, None),
                                        ("completed", "completed", "Completed", 1, None, None),
                                        ("missed", "missed", "Missed", 1, None, None)]


def test_a_file_from_a_newer_version_is_refused_and_left_alone(migrated):
    with sqlite3.connect(migrated) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    before = _sha(migrated)
    with pytest.raises(NewerSchemaError, match="newer version"):
        open_practice(migrated)
    gc.collect()  # drop the refused engine's pooled connections
    assert _sha(migrated) == before
    assert not list(migrated.parent.glob("*.bak"))
    with sqlite3.connect(migrated) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999_from_the_future",)
    conn.close()


_OPEN_AND_REPORT = textwrap.dedent("""
    import sys
    from app.db import current_revision, open_practice
    engine = open_practice(sys.argv[1])
    print(current_revision(engine), "alembic" in sys.modules)
""")


def _open_in_fresh_interpreter(path: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _OPEN_AND_REPORT, str(path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    return out.stdout.split()


def test_opening_a_current_file_does_not_import_alembic(migrated, tmp_path):  # STACK trap 11: cold start
    assert _open_in_fresh_interpreter(migrated) == [HEAD_REVISION, "False"]
    # the check can see Alembic: an older file does need it
    older = practice_at(tmp_path / "older.sqlite", "0002_closures")
    assert _open_in_fresh_interpreter(older) == [HEAD_REVISION, "True"]


# --- upgrading an older file ------------------------------------------------------------------------
# The app has one revision so far, so no real file is "older". To exercise the real upgrade path we
# copy the real script directory, add a second revision on top of it, and point app.db at the copy:
# the file at today's head is then one revision behind, exactly like a file from the previous release.
_NEXT_REVISION = '''
"""test-only: a revision after the real head"""
import sqlalchemy as sa
from alembic import op

revision = "9000_next"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("upgrade_probe", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("upgrade_probe")
'''


@pytest.fixture
def next_release(tmp_path, monkeypatch) -> Path:
    scripts = tmp_path / "migrations"
    shutil.copytree(app.db.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9000_next.py").write_text(_NEXT_REVISION.format(head=HEAD_REVISION))
    monkeypatch.setattr(app.db, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(app.db, "HEAD_REVISION", "9000_next")
    return scripts


def test_an_older_file_is_backed_up_then_upgraded(migrated, next_release):
    with sqlite3.connect(migrated) as conn:
        conn.execute("UPDATE setting SET value = '\"Before upgrade\"' WHERE key = 'practice_name'")
    conn.close()
    engine = open_practice(migrated)
    assert current_revision(engine) == "9000_next"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM upgrade_probe")).scalar() == 0
        assert conn.execute(text("SELECT value FROM setting WHERE key = 'practice_name'")).scalar() == '"Before upgrade"'
    engine.dispose()
    (backup,) = migrated.parent.glob(f"{migrated.name}.{HEAD_REVISION}.*.bak")
    with sqlite3.connect(backup) as conn:  # the file as it was before the upgrade
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
        assert conn.execute("SELECT value FROM setting WHERE key = 'practice_name'").fetchall() == [('"Before upgrade"',)]
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'upgrade_probe'").fetchall()
    conn.close()


def test_the_backup_holds_transactions_still_in_the_wal(migrated, next_release):
    """A practice last closed by a crash has its newest transactions only in the -wal file; the
    backup taken before upgrading must hold them too (copying the main file alone loses them)."""
    crash = textwrap.dedent("""
        import os, sqlite3, sys
        conn = sqlite3.connect(sys.argv[1])
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("UPDATE setting SET value = '\\"Only in the WAL\\"' WHERE key = 'practice_name'")
        conn.commit()
        os._exit(0)  # no close, no checkpoint
    """)
    subprocess.run([sys.executable, "-c", crash, str(migrated)], check=True, timeout=60)
    assert Path(f"{migrated}-wal").stat().st_size > 0
    open_practice(migrated).dispose()
    (backup,) = migrated.parent.glob(f"{migrated.name}.{HEAD_REVISION}.*.bak")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT value FROM setting WHERE key = 'practice_name'").fetchone() == (
            '"Only in the WAL"',)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
    conn.close()

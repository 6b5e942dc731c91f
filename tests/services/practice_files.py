"""Test helpers for practice files on disk: a file at any schema revision, hashes, side files."""
from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import app.db
from app.db import make_engine, sqlite_url


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[Path]:
    """-wal, -shm or -journal files left beside ``path``."""
    return [p for p in (Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal")) if p.exists()]


def tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as conn:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def revision(path: Path) -> str:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def practice_at(path: Path, target: str, with_user: bool = True) -> Path:
    """A practice file made by an older release: the real migrations up to ``target``, and (unless
    ``with_user`` is false) one admin row, as create_practice of that release would have left it."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(app.db.MIGRATIONS_DIR))
    engine = make_engine(sqlite_url(path))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
        if with_user:
            conn.exec_driver_sql(
                "INSERT INTO user_account (username, display_name, role, password_hash, failed_logins, active, "
                "created_at) VALUES ('admin', 'Administrator', 'admin', 'x', 0, 1, '2026-01-01 00:00:00.000000')")
    engine.dispose()  # the last connection closed: the WAL is folded into the file and removed
    return path


def downgrade(path: Path, target: str) -> None:
    """What an older release's file looks like: the real migrations run backwards on ``path``, as
    SQLite's recipe for schema changes says (foreign keys off around one transaction)."""
    from alembic import command

    engine = make_engine(sqlite_url(path))
    try:
        with engine.connect() as conn:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
            with conn.begin():
                cfg = app.db._alembic_config()
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, target)
    finally:
        engine.dispose()

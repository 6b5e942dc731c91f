"""Opening a practice file: engine with SQLite pragmas, and schema upgrade at start-up."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine

from .migrations import HEAD_REVISION

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class NewerSchemaError(RuntimeError):
    """The file was written by a newer Practice Desk; we refuse to open it rather than damage it."""


BUSY_TIMEOUT_MS = 5000
READ_ONLY = "practice_read_only"  # execution option: a transaction that only shows data


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """The engine for a practice. On SQLite every transaction is a real one (STACK.md trap 0):

    pysqlite would start a transaction only at the first write, so a service's reads would run
    outside it and decide on rows another workstation is changing. Here pysqlite emits no
    BEGIN/COMMIT of its own; each transaction starts with ``BEGIN IMMEDIATE`` (the write lock
    is taken before the first read), except those opened with the ``READ_ONLY`` execution option,
    which start a plain deferred ``BEGIN``. DDL is transactional too, so a migration that fails
    half-way rolls back whole.
    """
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        def _connect(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        def _begin(conn) -> None:
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        event.listen(engine, "connect", _connect)
        event.listen(engine, "begin", _begin)
    return engine


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _backup(engine: Engine, dest: Path) -> None:
    """Copy the database with SQLite's online backup: unlike copying the file, it includes the
    transactions still in the -wal file (a practice last closed by a crash has some there)."""
    import sqlite3

    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(dest)
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        raw.close()


def upgrade(engine: Engine, db_path: Path | None = None) -> None:
    """Bring the schema to HEAD_REVISION. Cheap when it already is (no Alembic import).

    An existing file on an older revision is copied next to itself before the upgrade.
    """
    rev = current_revision(engine)
    if rev == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
    if rev is not None and rev not in known:
        raise NewerSchemaError(
            f"This practice file was made by a newer version of Practice Desk (schema {rev}). "
            "Please update the application to open it.")
    if rev is not None and db_path is not None and db_path.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        _backup(engine, db_path.with_name(f"{db_path.name}.{rev}.{stamp}.bak"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_practice(path: str | Path) -> Engine:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(sqlite_url(path))
    upgrade(engine, path)
    return engine

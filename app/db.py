"""Opening a practice file: engine with SQLite pragmas, and schema upgrade at start-up.

A file is checked before anything writes to it (``practice_file.check_practice_file``); the
upgrade runs whole or not at all, in one transaction; a new practice is built in a temporary file
and appears at its path only when complete (SPEC 0.7). Every refusal is a ``PracticeFileError``.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine

from .migrations import HEAD_REVISION
from .practice_file import (
    LEFT_AS_IT_WAS,
    NewerSchemaError,
    PracticeFileError,
    UpgradeFailed,
    busy,
    check_practice_file,
    put_in_place,
    remove_with_sidecars,
    temporary_sibling,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


BUSY_TIMEOUT_MS = 5000
READ_ONLY = "practice_read_only"  # execution option: a transaction that only shows data


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """The engine for a practice. On SQLite every transaction is a real one (STACK.md trap 0):

    pysqlite would start a transaction only at the first write, so a service's reads would run
    outside it and decide on rows another workstation is changing. Here pysqlite emits no
    BEGIN/COMMIT of its own; each transaction starts with ``BEGIN IMMEDIATE`` (the write lock
    is taken before the first read), except those opened with the ``READ_ONLY`` execution option,
    which start a plain deferred ``BEGIN``. DDL is transactional too, so a migration that fails
    half-way rolls back whole. On PostgreSQL (``postgresql+psycopg://``) the same rules with an
    advisory lock: ``_serialize_writes_on_postgresql``.
    """
    engine = _create(url, busy_timeout_ms)
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
    elif engine.dialect.name == "postgresql":
        _serialize_writes_on_postgresql(engine)
    return engine


def _create(url: str, busy_timeout_ms: int) -> Engine:
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() == "postgresql":
        # the busy timeout as the connection's lock_timeout, a start-up parameter (no statement); a
        # pooled connection the server dropped (a restart, a network cut) is tested and replaced at
        # checkout instead of failing the next action (the URL of practice_server carries libpq's
        # connect_timeout)
        return create_engine(url, pool_pre_ping=True,
                             connect_args={"options": f"-c lock_timeout={int(busy_timeout_ms)}"})
    return create_engine(url)


# Every write on PostgreSQL takes this transaction-level advisory lock first (the key is arbitrary:
# 'PDsk' in ASCII). See _serialize_writes_on_postgresql.
PRACTICE_WRITE_LOCK = 0x5044736B


def _serialize_writes_on_postgresql(engine: Engine) -> None:
    """SPEC 0.4 on PostgreSQL with the same semantics as SQLite's ``BEGIN IMMEDIATE``: one writer at
    a time for the whole practice, holding the lock from before its first read.

    Each transaction not marked ``READ_ONLY`` starts with ``pg_advisory_xact_lock(PRACTICE_WRITE_LOCK)``
    (released by its COMMIT or ROLLBACK, also when the connection dies). The connection's
    ``lock_timeout`` is the busy timeout: waiting longer for another workstation fails with SQLSTATE
    55P03, which ``practice._is_busy`` turns into ``Busy`` ("try again"), as SQLite's "database is
    locked". Under the lock, READ COMMITTED reads see every earlier write committed and nothing can
    change them before this one commits, so a service decides only on what it read inside its own
    transaction, exactly as on SQLite; and ids are handed out in commit order (the change watcher
    relies on it). Chosen over SERIALIZABLE with retry because the services are written for a single
    writer (a retry would run a service body twice, with side effects such as e-mail and Stripe calls)
    and a practice saves a few times a second at most. Reads (``READ_ONLY``) take no lock and run
    REPEATABLE READ, READ ONLY: one consistent snapshot, as a deferred ``BEGIN`` in SQLite's WAL mode
    (set on the driver's connection, so psycopg says it in its own BEGIN: no extra statement).
    """
    from psycopg import IsolationLevel

    lock = f"SELECT pg_advisory_xact_lock({PRACTICE_WRITE_LOCK})"

    def _begin(conn) -> None:
        read_only = bool(conn.get_execution_options().get(READ_ONLY, False))
        driver = conn.connection.driver_connection
        driver.read_only = read_only
        driver.isolation_level = IsolationLevel.REPEATABLE_READ if read_only else None  # None: the server's
        if not read_only:
            conn.exec_driver_sql(lock)

    event.listen(engine, "begin", _begin)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _backup(engine: Engine, dest: Path) -> None:
    """Copy the database with SQLite's online backup: unlike copying the file, it includes the
    transactions still in the -wal file (a practice last closed by a crash has some there).
    Written under a temporary name and renamed, so a half-written copy never looks like a backup;
    one self-contained file (journal mode DELETE)."""
    import sqlite3

    partial = temporary_sibling(dest)
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        os.replace(partial, dest)
    finally:
        raw.close()
        remove_with_sidecars(partial)


def _alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _newer(path, rev: str) -> NewerSchemaError:
    return NewerSchemaError(path, f"{path} was made by a newer version of Practice Desk. Please update the "
                                  f"application to open it. {LEFT_AS_IT_WAS}", f"schema {rev}")


def upgrade(engine: Engine, db_path: Path | None = None,
            backup_to: Callable[[Path], Path] | None = None) -> None:
    """Bring the schema to HEAD_REVISION. Cheap when it already is (no Alembic import).

    Every pending revision runs in ONE transaction (the engine's BEGIN IMMEDIATE; Alembic sees it
    as an external transaction and commits nothing itself), so a failure part-way leaves the file
    at its old revision. An existing file on an older revision is copied first: to
    ``backup_to(db_path)`` (the practice's backups folder, given by the services), or next to
    itself as ``<name>.<revision>.<time>.bak`` when no such place is given or it cannot be made."""
    rev = current_revision(engine)
    if rev == HEAD_REVISION:
        return
    where = db_path or engine.url.database
    if rev is not None and rev not in known_revisions():
        raise _newer(where, rev)
    if rev is not None and db_path is not None and db_path.exists():
        _backup(engine, _before_upgrade_path(db_path, rev, backup_to))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Batch mode rebuilds a table (copy, DROP, rename). With foreign keys on, the DROP of a
            # table other rows point at fails, and the switch has no effect inside a transaction:
            # so it is switched off before the transaction and every reference is checked before
            # the commit (SQLite's own recipe for schema changes), then switched back on.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                _migrate(conn)
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _migrate(conn) -> None:
    """Every pending revision on ``conn``, inside the transaction it is already in (SQLite's BEGIN
    IMMEDIATE, or PostgreSQL's, whose DDL is transactional too); Alembic commits nothing itself."""
    from alembic import command

    whole = conn.get_transaction()
    cfg = _alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
    if conn.get_transaction() is not whole or not whole.is_active:  # transaction_per_migration
        raise RuntimeError("a migration committed part of the upgrade on its own")
    if conn.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
        raise RuntimeError("the upgrade left rows pointing at nothing (foreign_key_check)")


def _before_upgrade_path(db_path: Path, rev: str, backup_to: Callable[[Path], Path] | None) -> Path:
    if backup_to is not None:
        try:
            return backup_to(db_path)
        except Exception:  # noqa: BLE001 - no backups folder: the copy still goes beside the file
            pass
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return db_path.with_name(f"{db_path.name}.{rev}.{stamp}.bak")


def open_practice(path: str | Path, backup_to: Callable[[Path], Path] | None = None) -> Engine:
    """The engine of an existing practice file, upgraded to this version's schema.

    Refuses (``PracticeFileError``, file untouched) anything that is not a practice this version
    can open; an upgrade that fails raises ``UpgradeFailed`` with the file at its old revision."""
    path = Path(path)
    rev = check_practice_file(path)
    if rev != HEAD_REVISION and rev not in known_revisions():
        raise _newer(path, rev)
    engine = make_engine(sqlite_url(path))
    if rev == HEAD_REVISION:
        return engine
    try:
        upgrade(engine, path, backup_to)
    except PracticeFileError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()  # the last connection closed: SQLite removes the -wal and -shm files
        detail = str(getattr(exc, "orig", None) or exc)
        if "locked" in detail or "busy" in detail:
            raise busy(path, detail) from exc
        raise UpgradeFailed(path, f"{path} could not be upgraded to this version of Practice Desk; it has "
                                  "been left as it was. Please contact support.", detail) from exc
    return engine


@contextmanager
def new_practice_file(path: str | Path) -> Iterator[Engine]:
    """Build a new practice file at ``path`` whole or not at all (SPEC 0.7).

    Yields an engine on a temporary file in the same folder with the whole schema; the body fills
    it. When the body returns, the engine is closed and the finished file appears at ``path`` in one
    step (``put_in_place``). If the body raises, or the process dies, nothing is at ``path``.
    Refuses a ``path`` that exists (``FileExistsError``)."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    building = temporary_sibling(path)
    engine = make_engine(sqlite_url(building))
    try:
        upgrade(engine)
        yield engine
        engine.dispose()
        put_in_place(building, path)
    finally:
        engine.dispose()
        remove_with_sidecars(building)


# -- a practice on a database server (PostgreSQL 15+, psycopg 3) ------------------------------------

def is_server_url(where: str | Path) -> bool:
    """A database URL (``postgresql+psycopg://user@host:port/db``) rather than a practice file."""
    return isinstance(where, str) and "://" in where and not where.startswith("sqlite")


def shown_url(url) -> str:
    """The URL as it may be shown to people and written in logs: never its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def open_server(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """The engine of a practice on a database server, upgraded to this version's schema in one
    transaction (under the practice's write lock, so two desks starting at once upgrade once).

    Refuses (``PracticeFileError``) a database that holds no practice (empty, or another program's)
    or one made by a newer version. There are no backup copies before an upgrade here: the server's
    own backups are the administrator's (pg_dump)."""
    where = shown_url(url)
    engine = make_engine(url, busy_timeout_ms)
    try:
        with engine.connect() as conn:  # a read: it waits for no other desk's write
            conn.execution_options(**{READ_ONLY: True})
            rev = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                   if inspect(conn).has_table("alembic_version") else None)
        if rev is None:
            raise PracticeFileError(where, f"The database {where} holds no practice. {WRONG_DATABASE}",
                                    reason="not_practice")
        if rev != HEAD_REVISION and rev not in known_revisions():
            raise _newer(where, rev)
        if rev != HEAD_REVISION:
            try:
                upgrade(engine)
            except Exception as exc:
                raise UpgradeFailed(where, f"The practice on {where} could not be upgraded to this version of "
                                           "Practice Desk; it has been left as it was. Please contact support.",
                                    str(getattr(exc, "orig", None) or exc)) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


WRONG_DATABASE = "Nothing has been changed in it. Please check the server and database name."


@contextmanager
def new_practice_on_server(url: str) -> Iterator[Connection]:
    """Build a new practice in an EMPTY database on a server, whole or not at all (SPEC 0.7).

    Yields a connection inside one transaction (holding the practice's write lock) in which the
    whole schema has just been created; the body fills it on that connection. The transaction
    commits when the body returns; if the body raises, nothing is left in the database. A database
    that already has tables is refused (``PracticeFileError``), untouched."""
    where = shown_url(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            if inspect(conn).get_table_names():
                raise PracticeFileError(where, f"The database {where} is not empty; a new practice needs an "
                                               f"empty database. {WRONG_DATABASE}", reason="not_empty")
            _migrate(conn)
            yield conn
    finally:
        engine.dispose()

"""The open practice: its database, clock and time zone, and the unit of work."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..models import Setting
from ..models.enums import Role
from .clock import SystemClock
from .driver_select import on_driver
from .errors import Busy

LOGO_KEY = "logo"  # the logo's image, stored apart (practice_logo.py): not one of the settings below
DEFAULT_SETTINGS = {
    "practice_name": "My Practice",
    "practice_address": "",
    "timezone": "UTC",
    "currency": "USD",
    "locale": "en_US",
    "day_start_hour": 8,
    "day_end_hour": 20,
    "prepayment_mode": "open",  # SPEC 6: open | threshold | credit
    "threshold_cents": 0,
    # invoices and credit notes (SPEC 9.1, 9.2): numbers, terms and what every invoice prints
    "invoice_number_format": "{year}-{seq:04d}",  # 2026-0001
    "credit_note_number_format": "CN-{year}-{seq:04d}",  # CN-2026-0001
    "payment_terms_days": 14,  # due date = issue date + this
    "payment_instructions": "",  # e.g. the bank account to pay into
    "tax_note": "",  # the practice's tax id, or its tax exemption note
}

# Live refresh on PostgreSQL (changes.py): the channel every desk LISTENs on (one per database, so
# per practice), and the key of a unit of work's Session.info where audit.record notes record types.
CHANGES_CHANNEL = "practice_desk_changes"
AUDITED = "practice_audited"
_NOTIFY = text("SELECT pg_notify(:channel, :what)")


@dataclass(frozen=True)
class Actor:
    """Who is acting. Every service call takes one and checks it (SPEC 0.3)."""

    user_id: int | None
    role: str  # admin | staff | practitioner
    practitioner_id: int | None = None

    @property
    def is_front_desk(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF)


class Practice:
    """One practice file opened. Cheap to pass around; holds no ORM objects."""

    def __init__(self, engine: Engine, clock=None, path: Path | None = None):
        self.engine = engine
        self.path = path
        self.clock = clock or SystemClock()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        from ..db import READ_ONLY

        self._read_sessions = sessionmaker(engine.execution_options(**{READ_ONLY: True}),
                                           expire_on_commit=False)
        event.listen(self._read_sessions, "before_flush", _refuse_writes)
        self._notifies = engine.dialect.name == "postgresql"
        self._settings_cache: dict | None = None
        # what a service derives from the database and keeps between calls, each under its key with
        # what proves it still holds (scheduling.calendar_names: the names, with their token)
        self.kept: dict[str, tuple] = {}
        # this process's threads take the write lock in turn, queued here (see uow)
        self._writers = threading.RLock()
        from ..db import BUSY_TIMEOUT_MS

        self._busy_seconds = BUSY_TIMEOUT_MS / 1000
        # the main thread's snapshot connection on SQLite, kept checked out of the pool (see snapshot)
        self._kept_reader = None

    @classmethod
    def open(cls, path: str | Path, clock=None) -> Practice:
        """Open a practice file (checked, and upgraded if older: the file as it was is kept first
        among its backups, see ``backups.before_upgrade_path``)."""
        from ..db import open_practice
        from .backups import before_upgrade_path

        return cls(open_practice(path, backup_to=before_upgrade_path), clock=clock, path=Path(path))

    @classmethod
    def connect(cls, url: str, clock=None) -> Practice:
        """Open a practice on a database server (``postgresql+psycopg://user@host:port/database``),
        upgraded if older; ``path`` is None (no file: backups and file checks do not apply)."""
        from ..db import open_server

        return cls(open_server(url), clock=clock)

    @contextmanager
    def uow(self) -> Iterator[Session]:
        """One transaction per user action: commits once at the end, or not at all.

        It holds the practice's write lock from before its first read (``BEGIN IMMEDIATE`` on SQLite,
        an advisory lock on PostgreSQL: ``app.db._serialize_writes_on_postgresql``), so
        what the service decides on cannot change under it (SPEC 0.4). Waiting longer than the
        busy timeout for another workstation raises ``Busy``.

        On PostgreSQL a unit of work that recorded audit entries ends with ``pg_notify`` on
        ``CHANGES_CHANNEL`` (payload: their record types), inside the transaction, so the other desks'
        change watchers hear of it when it commits and never of one rolled back (``changes.py``)."""
        # Threads of this process (four card charges at once, a desk's background runs) queue on a lock
        # of their own before asking the database: SQLite's busy handler polls, sleeping 1 to 100 ms
        # between tries, so threads waiting there lost most of their time asleep while the lock was
        # free. Other processes and workstations wait on the database's lock exactly as before.
        if not self._writers.acquire(timeout=self._busy_seconds):
            raise Busy()
        try:
            with self._sessions() as tx, tx.begin():
                yield tx
                audited = tx.info.pop(AUDITED, None)
                if audited and self._notifies:
                    tx.execute(_NOTIFY, {"channel": CHANGES_CHANNEL, "what": ",".join(sorted(audited))})
        except OperationalError as exc:
            if _is_busy(exc):
                raise Busy() from exc
            raise
        finally:
            self._writers.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only shows data: no write lock, a consistent snapshot."""
        try:
            with self._read_sessions() as tx:
                yield tx
        except OperationalError as exc:
            if _is_busy(exc):
                raise Busy() from exc
            raise

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot | Session]:
        """A read transaction for the calendar's hot reads, which run only ``DriverSelect`` statements
        (``tx.connection()`` is all they use). On SQLite, BEGIN and ROLLBACK sent to the driver itself,
        on a connection the main thread (the window's) keeps for its snapshots: a pool checkout and
        check-in with its reset cost 0.012 ms of a 0.4 ms day switch, ``read``'s ORM session 0.067 ms.
        Other threads (and a snapshot inside another) take a pooled connection for the time of the read,
        so none is held by a thread that is gone. A consistent snapshot as ``read``'s; "database is
        locked" raises Busy. Elsewhere it is ``read``."""
        if self.engine.dialect.name != "sqlite":
            with self.read() as tx:
                yield tx
            return
        try:
            kept = None
            if threading.current_thread() is threading.main_thread():
                kept = self._kept_reader
                if kept is None:
                    kept = self._kept_reader = self.engine.connect()
            if kept is None or kept.connection.driver_connection.in_transaction:
                with self.engine.connect() as conn, _begun(conn):
                    yield Snapshot(conn)
                return
            try:
                with _begun(kept):
                    yield Snapshot(kept)
            except DBAPIError as exc:
                if not _is_busy(exc):  # the driver failed: a fresh connection next time
                    self._forget_kept_reader()
                raise
        except OperationalError as exc:
            if _is_busy(exc):
                raise Busy() from exc
            raise

    def _forget_kept_reader(self) -> None:
        kept, self._kept_reader = self._kept_reader, None
        if kept is not None:
            kept.close()

    def settings(self) -> dict:
        if self._settings_cache is None:
            with self.read() as tx:
                stored = {s.key: json.loads(s.value) for s in tx.scalars(select(Setting).where(Setting.key != LOGO_KEY))}
            self._settings_cache = {**DEFAULT_SETTINGS, **stored}
        return self._settings_cache

    def settings_changed(self) -> None:
        """Called by the services that write settings; everything else keeps the cached copy."""
        self._settings_cache = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings()["timezone"])

    def release_connections(self) -> None:
        """Close every connection this practice holds open, the kept snapshot connection too; the next
        read or write opens what it needs again."""
        self._forget_kept_reader()
        self.engine.dispose()

    def close(self) -> None:
        self.release_connections()


@contextmanager
def _begun(conn) -> Iterator[None]:
    """A deferred transaction on ``conn``'s driver connection, rolled back at the end."""
    on_driver(conn, "BEGIN")
    try:
        yield
    finally:
        if conn.connection.driver_connection.in_transaction:
            on_driver(conn, "ROLLBACK")


class Snapshot:
    """What ``Practice.snapshot`` yields on SQLite: the transaction's connection, as an ORM session
    gives it (``connection()``), for ``DriverSelect``."""

    __slots__ = ("_conn",)

    def __init__(self, conn):
        self._conn = conn

    def connection(self):
        return self._conn


# PostgreSQL: lock_not_available (the lock_timeout of app.db passed), serialization_failure,
# deadlock_detected. Each rolled the whole transaction back; the action can simply be tried again.
_BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01"})


def _is_busy(exc: OperationalError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def _refuse_writes(session, _context, _instances) -> None:
    """A read transaction holds no write lock, so a write there could decide on stale rows."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a write inside practice.read(): use practice.uow()")

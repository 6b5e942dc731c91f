"""Seeing what other workstations saved (issue 17, live refresh): a window polls ``ChangeWatcher.poll``
about once a second and refreshes only the views that show what changed.

How it knows, cheaply, on both databases (the same ``poll``/``close`` for both):

- On SQLite, ``PRAGMA data_version`` on one connection of its own changes only when another
  connection has committed to the file (SQLite's documented purpose for it). Most polls stop there,
  costing microseconds.
- On PostgreSQL, every unit of work that recorded audit entries sends ``pg_notify`` on
  ``practice.CHANGES_CHANNEL`` (payload: the record types) inside its transaction, just before its
  COMMIT (``Practice.uow``): the server delivers it to the listeners only when the transaction commits,
  and never for one rolled back. The watcher LISTENs on a psycopg connection of its own (autocommit,
  TCP keepalives), made in a background thread so that connecting never holds up the window; each
  poll takes what has arrived without waiting (``notifies(timeout=0)``: no query, no round trip).
  If that connection is lost (the server restarted, the network dropped) it is made again in the
  background at once, then after 1, 2, 5, 10 and every 30 s while that fails; until then, and
  whenever LISTEN is not possible at all, each poll reads the audit log's newest id instead (one
  index lookup), and once listening again it reads the entries it may have missed.
- Either way the signal only says "something was saved"; the audit log says what: every service
  write records an audit entry naming its record type (session, client, invoice, ...), so the entries
  after the last one seen map to the kinds of data a view shows. A commit with no audit entry (an
  outbox status, a run's heartbeat) refreshes nothing (and on PostgreSQL sends no notification). A
  record type not listed here refreshes everything (``ALL``), to be safe.

No Qt here; the window turns the kinds into its change signals.
"""
from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError

from ..models import AuditEntry
from .practice import CHANGES_CHANNEL, Practice

SESSIONS, CLIENTS, LEDGER, CATALOG, SETTINGS, MESSAGES, USERS = (
    "sessions", "clients", "ledger", "catalog", "settings", "messages", "users")
ALL = frozenset({SESSIONS, CLIENTS, LEDGER, CATALOG, SETTINGS, MESSAGES, USERS})

KINDS_OF = {  # audit record type -> the kinds of data it changes
    "session": {SESSIONS, LEDGER}, "series": {SESSIONS}, "closure": {SESSIONS}, "class": {SESSIONS, LEDGER},
    "client_request": {SESSIONS}, "client": {CLIENTS, LEDGER}, "invoice": {LEDGER}, "ledger_entry": {LEDGER},
    "package": {LEDGER, CATALOG}, "billing_run": {LEDGER}, "practitioner": {CATALOG}, "service": {CATALOG},
    "location": {CATALOG}, "completion_type": {CATALOG}, "setting": {SETTINGS, CATALOG},
    "outbox_message": {MESSAGES}, "user": {USERS}, "practice": {SETTINGS},
}


class ChangeWatcher:
    """``poll() -> frozenset`` of the kinds of data saved elsewhere since the last poll (empty most
    of the time). Starts from now: what was saved before it was made is not reported."""

    def __init__(self, practice: Practice, listen_wait_s: float = 5.0):
        self.practice = practice
        self._con: sqlite3.Connection | None = None
        self._version: int | None = None
        self._listener: _Listener | None = None
        if practice.engine.dialect.name == "sqlite" and practice.path is not None:
            self._con = sqlite3.connect(f"file:{practice.path}?mode=ro", uri=True, check_same_thread=False)
            self._version = self._data_version()
        elif practice.engine.dialect.name == "postgresql":
            self._listener = _Listener(practice.engine, listen_wait_s)
        try:
            self._last_id = self._newest_id()
        except BaseException:
            self.close()  # no watcher: its connections are not left behind
            raise
        self._unread = False  # told of a save whose audit entries have not been read yet

    @property
    def listening(self) -> bool:
        """On PostgreSQL: told of each commit by the server (False: reading the audit log each poll)."""
        return self._listener is not None and self._listener.conn is not None

    def _data_version(self) -> int:
        return self._con.execute("PRAGMA data_version").fetchone()[0]

    def _newest_id(self) -> int:
        with self.practice.read() as tx:
            return tx.scalar(select(func.max(AuditEntry.id))) or 0

    def _told(self) -> bool | None:
        """True: the database says something was saved; False: nothing was; None: it cannot say."""
        if self._con is not None:
            version = self._data_version()
            if version == self._version:
                return False
            self._version = version
            return True
        if self._listener is not None:
            return self._listener.told()
        return None

    def poll(self) -> frozenset[str]:
        """Never raises for a database out of reach (a server restarting): reports nothing then, and
        what was saved meanwhile at a later poll."""
        try:
            told = self._told()
        except sqlite3.Error:
            return frozenset()
        if told is False and not self._unread:
            return frozenset()
        self._unread = self._unread or bool(told)  # kept until the audit log has been read
        try:
            with self.practice.read() as tx:
                if not self._unread and (tx.scalar(select(func.max(AuditEntry.id))) or 0) == self._last_id:
                    return frozenset()
                rows = tx.execute(select(AuditEntry.entity, func.max(AuditEntry.id))
                                  .where(AuditEntry.id > self._last_id).group_by(AuditEntry.entity)).all()
        except (OperationalError, InterfaceError):  # out of reach: read at a later poll
            return frozenset()
        self._unread = False
        if not rows:
            return frozenset()
        self._last_id = max(self._last_id, *(newest for _, newest in rows))
        kinds: set[str] = set()
        for entity, _ in rows:
            kinds |= KINDS_OF.get(entity, ALL)
        return frozenset(kinds)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None


LISTENER_NAME = "Practice Desk live refresh"  # its application_name, as pg_stat_activity shows it
RETRY_AFTER_S = (1, 2, 5, 10, 30)  # pauses after failed tries to make the LISTEN connection, then every 30 s


class _Listener:
    """A psycopg connection of its own that LISTENs on the practice's channel (PostgreSQL).

    ``told()`` never waits: True when a notification has arrived (or the connection has just been made
    again, so something may have been missed), False when listening and nothing arrived, None when not
    listening (the caller reads the audit log instead). Connections are made in a daemon thread."""

    def __init__(self, engine, wait_s: float):
        cargs, cparams = engine.dialect.create_connect_args(engine.url)  # as the engine connects
        cparams.pop("context", None)  # SQLAlchemy's adapters: not needed to hear notifications
        self._args = cargs
        self._kwargs = {**cparams, "autocommit": True, "application_name": LISTENER_NAME, "connect_timeout": 5,
                        "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
        self.conn = None
        self._lock = threading.Lock()
        self._made = None  # a connection the thread has made, not yet taken
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._next_try = 0.0
        self._closed = False
        self._connect_soon()
        self._thread.join(wait_s)  # normally milliseconds; else taken at a later poll
        self._take()

    def _connect_soon(self) -> None:
        if self._thread is not None or self._closed or time.monotonic() < self._next_try:
            return
        self._thread = threading.Thread(target=self._connect, name="practice-listen", daemon=True)
        self._thread.start()

    def _connect(self) -> None:
        conn = None
        try:
            conn = _listen_connection(self._args, self._kwargs)
        except Exception:  # noqa: BLE001 - cannot listen (server down, refused): the audit log is read
            conn = None
        with self._lock:
            if self._closed:
                if conn is not None:
                    conn.close()
                return
            self._made = conn if conn is not None else False

    def _take(self) -> bool:
        """True when a connection made by the thread has just been taken."""
        with self._lock:
            made, self._made = self._made, None
        if made is None:
            return False
        self._thread = None
        if made is False:
            self._next_try = time.monotonic() + RETRY_AFTER_S[min(self._failures, len(RETRY_AFTER_S) - 1)]
            self._failures += 1
            return False
        self.conn, self._failures = made, 0
        return True

    def told(self) -> bool | None:
        import psycopg

        if self.conn is None:
            if self._take():
                return True  # listening again: read what was saved meanwhile
            self._connect_soon()
            return None
        try:
            return bool(list(self.conn.notifies(timeout=0)))  # all that arrived; one is enough to look
        except psycopg.Error:
            self._drop()
            self._connect_soon()
            return None

    def _drop(self) -> None:
        conn, self.conn = self.conn, None
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - already broken
            pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            made, self._made = self._made, None
        if made:
            made.close()
        if self.conn is not None:
            self._drop()


def _listen_connection(args, kwargs):
    import psycopg

    conn = psycopg.connect(*args, **kwargs)
    try:
        conn.execute(f"LISTEN {CHANGES_CHANNEL}")
    except BaseException:
        conn.close()
        raise
    return conn

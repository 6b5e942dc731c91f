"""Seeing what other workstations saved (issue 17, live refresh): a window polls ``ChangeWatcher.poll``
about once a second and refreshes only the views that show what changed.

How it knows, cheaply and without a server:

- On SQLite, ``PRAGMA data_version`` on one connection of its own changes only when another
  connection has committed to the file (SQLite's documented purpose for it). Most polls stop there,
  costing microseconds.
- When it changed, the audit log says what: every service write records an audit entry naming its
  record type (session, client, invoice, ...), so the entries after the last one seen map to the kinds
  of data a view shows. A commit with no audit entry (an outbox status, a run's heartbeat) refreshes
  nothing. A record type not listed here refreshes everything (``ALL``), to be safe.
- On other databases (PostgreSQL) the audit log's newest id is read each poll (one index lookup).

No Qt here; the window turns the kinds into its change signals.
"""
from __future__ import annotations

import sqlite3

from sqlalchemy import func, select

from ..models import AuditEntry
from .practice import Practice

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

    def __init__(self, practice: Practice):
        self.practice = practice
        self._con: sqlite3.Connection | None = None
        self._version: int | None = None
        if practice.engine.dialect.name == "sqlite" and practice.path is not None:
            self._con = sqlite3.connect(f"file:{practice.path}?mode=ro", uri=True, check_same_thread=False)
            self._version = self._data_version()
        self._last_id = self._newest_id()

    def _data_version(self) -> int:
        return self._con.execute("PRAGMA data_version").fetchone()[0]

    def _newest_id(self) -> int:
        with self.practice.read() as tx:
            return tx.scalar(select(func.max(AuditEntry.id))) or 0

    def poll(self) -> frozenset[str]:
        if self._con is not None:
            version = self._data_version()
            if version == self._version:
                return frozenset()
            self._version = version
        with self.practice.read() as tx:
            if self._con is None and (tx.scalar(select(func.max(AuditEntry.id))) or 0) == self._last_id:
                return frozenset()
            rows = tx.execute(select(AuditEntry.entity, func.max(AuditEntry.id)).where(AuditEntry.id > self._last_id)
                              .group_by(AuditEntry.entity)).all()
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

"""A cheap fingerprint of a practice file, read through a plain sqlite3 connection: the row count
of every table, the sum of ledger amounts, the settings and the newest id of each table. Used to
prove that a refused call changed nothing (SPEC 0.5). On PostgreSQL (``PRACTICE_DB=postgres``)
the same figures are read through a connection of its own with SQLAlchemy core."""
from __future__ import annotations

import sqlite3

# the columns a bad call could flip without adding a row, per table (read in id order)
FLAG_COLUMNS = (
    ("client", ("archived_at",)), ("practitioner", ("archived_at",)), ("service", ("archived_at",)),
    ("location", ("archived_at",)), ("practice_session", ("status", "deleted_at", "start_at")),
    ("user_account", ("password_hash", "failed_logins")),
    ("practice_class", ("name", "capacity", "enroll_deadline", "drop_deadline", "archived_at")),
    ("class_session", ("displayed",)), ("enrollment", ("dropped_at",)),
    ("waitlist_entry", ("offered_at", "removed_at")), ("client_request", ("status", "session_id")),
)


def fingerprint(practice) -> tuple:
    if practice.path is None:
        return _server_fingerprint(practice)
    con = sqlite3.connect(f"file:{practice.path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = tuple((t, con.execute(f'SELECT count(*), max(rowid) FROM "{t}"').fetchone()) for t in tables)
        ledger = con.execute("SELECT coalesce(sum(amount_cents), 0) FROM ledger_entry").fetchone()[0]
        settings = tuple(con.execute("SELECT key, value FROM setting ORDER BY key"))
        # columns a bad call could flip without adding a row
        flags = tuple(con.execute(
            "SELECT (SELECT group_concat(coalesce(archived_at, '-')) FROM client),"
            " (SELECT group_concat(coalesce(archived_at, '-')) FROM practitioner),"
            " (SELECT group_concat(coalesce(archived_at, '-')) FROM service),"
            " (SELECT group_concat(coalesce(archived_at, '-')) FROM location),"
            " (SELECT group_concat(status || coalesce(deleted_at, '-') || start_at) FROM practice_session),"
            " (SELECT group_concat(password_hash || failed_logins) FROM user_account),"
            " (SELECT group_concat(name || capacity || enroll_deadline || drop_deadline"
            " || coalesce(archived_at, '-')) FROM practice_class),"
            " (SELECT group_concat(displayed) FROM class_session),"
            " (SELECT group_concat(coalesce(dropped_at, '-')) FROM enrollment),"
            " (SELECT group_concat(coalesce(offered_at, '-') || coalesce(removed_at, '-')) FROM waitlist_entry),"
            " (SELECT group_concat(status || coalesce(session_id, '-')) FROM client_request)"))
        return counts, ledger, settings, flags
    finally:
        con.close()


_reflected: dict = {}


def _server_fingerprint(practice) -> tuple:
    from sqlalchemy import MetaData, create_engine, func, select
    from sqlalchemy.pool import NullPool

    engine = create_engine(practice.engine.url, poolclass=NullPool)
    try:
        with engine.connect() as con:
            meta = _reflected.get("meta")
            if meta is None:  # every test database is a copy of one template: reflected once
                meta = _reflected["meta"] = MetaData()
                meta.reflect(con)
            counts = []
            for name in sorted(meta.tables):
                table = meta.tables[name]
                pk = list(table.primary_key.columns)
                newest = func.max(pk[0]) if len(pk) == 1 and pk[0].type.python_type is int else None
                row = con.execute(select(func.count(), newest) if newest is not None
                                  else select(func.count())).one()
                counts.append((name, tuple(row)))
            ledger = con.scalar(select(func.coalesce(func.sum(meta.tables["ledger_entry"].c.amount_cents), 0)))
            setting = meta.tables["setting"]
            settings = tuple(tuple(r) for r in con.execute(select(setting.c.key, setting.c.value)
                                                           .order_by(setting.c.key)))
            flags = []
            for name, columns in FLAG_COLUMNS:
                table = meta.tables[name]
                flags.append(tuple(tuple(r) for r in con.execute(
                    select(*(table.c[c] for c in columns)).order_by(*table.primary_key.columns))))
        return tuple(counts), ledger, settings, tuple(flags)
    finally:
        engine.dispose()


def stored_bytes(practice) -> bytes:
    """Everything the practice's database holds, to look for a secret in (SPEC 0.6): the file and its
    WAL as written on disk, or on a server (``PRACTICE_DB=postgres``) every row of every table as text."""
    if practice.path is not None:
        wal = practice.path.with_name(practice.path.name + "-wal")
        return practice.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    engine = create_engine(practice.engine.url, poolclass=NullPool)
    try:
        with engine.connect() as con:
            return "\n".join(str(row[0]) for name in inspect(con).get_table_names()
                             for row in con.exec_driver_sql(f'SELECT t::text FROM "{name}" t')).encode()
    finally:
        engine.dispose()

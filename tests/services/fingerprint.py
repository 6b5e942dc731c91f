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
    """The same figures in ONE statement of scalar subqueries (the fuzz tests take one per example)."""
    with _server_engine(practice).connect() as con:
        if "statement" not in _reflected:  # every test database is a copy of one template: built once
            _reflected["statement"] = _statement(con)
        names, statement = _reflected["statement"]
        got = con.execute(statement).one()
    counts = tuple((name, (got[2 * k], got[2 * k + 1])) for k, name in enumerate(names))
    rest = got[2 * len(names):]
    return counts, rest[0], rest[1], tuple(rest[2:])


def _statement(con):
    from sqlalchemy import MetaData, Text, cast, func, literal, select
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    meta = MetaData()
    meta.reflect(con)
    figures, names = [], sorted(meta.tables)
    for name in names:  # the row count and newest id of every table
        table = meta.tables[name]
        pk = list(table.primary_key.columns)
        newest = (select(func.max(pk[0])).scalar_subquery() if len(pk) == 1 and pk[0].type.python_type is int
                  else literal(None))
        figures += [select(func.count()).select_from(table).scalar_subquery(), newest]
    ledger = meta.tables["ledger_entry"]
    figures.append(select(func.coalesce(func.sum(ledger.c.amount_cents), 0)).scalar_subquery())
    setting = meta.tables["setting"]
    figures.append(select(func.string_agg(setting.c.key + "=" + setting.c.value,
                                          aggregate_order_by(literal("\n"), setting.c.key))).scalar_subquery())
    for name, columns in FLAG_COLUMNS:
        table = meta.tables[name]
        row = func.concat_ws("|", *(func.coalesce(cast(table.c[c], Text), "-") for c in columns))
        figures.append(select(func.string_agg(row, aggregate_order_by(
            literal(","), *table.primary_key.columns))).scalar_subquery())
    return names, select(*figures)


def _server_engine(practice):
    """An engine of its own (not the practice's, whose events take the write lock) on the practice's
    database, kept for the next call on the same database: a new PostgreSQL connection costs a
    process on the server, and the fuzz tests take a fingerprint per example."""
    from sqlalchemy import create_engine

    url = practice.engine.url.render_as_string(hide_password=False)
    engine = _reflected.get("engine")
    if engine is None or _reflected.get("url") != url:
        if engine is not None:
            engine.dispose()  # the last test's database, dropped by now
        engine = _reflected["engine"] = create_engine(url, pool_size=1, pool_pre_ping=True)
        _reflected["url"] = url
    return engine


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

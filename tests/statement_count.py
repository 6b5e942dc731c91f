"""Counting the SQL statements a service runs (a calendar step is a fixed few, whatever it shows).

On SQLite, SQLite's own trace callback on each connection the pool hands out inside the block (the
practice's connections are released first, the one kept for snapshots too): it
sees every statement, those SQLAlchemy sends and those a hot read runs on the driver's cursor
(``app.services.driver_select``), each with its values written in (parameters ``()``). On other
databases a ``before_cursor_execute`` listener on the engine (every statement goes through it).
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

_NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK")  # every transaction has those (STACK.md trap 0)


@contextmanager
def statements(practice):
    """Yields the list of (sql, parameters) the practice's database runs inside the block, leaving
    out the transactions' own BEGIN, COMMIT and ROLLBACK."""
    seen: list[tuple[str, object]] = []
    engine = practice.engine
    if engine.dialect.name == "sqlite":
        practice.release_connections()  # every connection the block uses is then checked out in it
        traced = []

        def trace(sql: str) -> None:
            first = sql.split(None, 1)[0].upper() if sql.strip() else ""
            if first not in _NOT_COUNTED and not sql.startswith("--"):  # "-- TRIGGER ...": a trigger's own steps
                seen.append((sql, ()))

        def on_checkout(dbapi_connection, _record, _proxy) -> None:
            dbapi_connection.set_trace_callback(trace)
            traced.append(dbapi_connection)

        event.listen(engine, "checkout", on_checkout)
        try:
            yield seen
        finally:
            event.remove(engine, "checkout", on_checkout)
            for connection in traced:
                connection.set_trace_callback(None)
        return

    def listener(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.split(" ", 1)[0] not in _NOT_COUNTED:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)

"""Hot reads run on SQLite's own cursor: a prebuilt SELECT compiled once, without SQLAlchemy's
per-call work (issue 17: a calendar step near its bare-sqlite floor).

A week step runs three small SELECTs (the sessions, the names, the closures). Through
``Connection.execute`` each one pays for its statement-cache key, an execution context and a ``Row``
per result row: 0.44 ms of a 2.6 ms week read on the 200,000-session practice. ``DriverSelect``
compiles its statement once per dialect; on SQLite it binds the values by the compiled statement's
own rules (``construct_expanded_state`` renders expanding ``IN`` lists; each typed parameter goes
through its type's bind processor, as ``execute`` would) and returns the driver's plain tuples,
inside the caller's transaction. Other databases run the statement through ``Connection.execute``.

SQLAlchemy's ``before_cursor_execute`` listeners do not see these statements; SQLite's own trace
callback does (the tests count statements with it, ``tests/statement_count.py``). A driver error is
raised as ``execute`` raises it (``sqlalchemy.exc.OperationalError`` for "database is locked", which
``Practice.read`` turns into ``Busy``).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DBAPIError

_REQUIRED = object()  # a bind parameter the statement has no value of its own for


class DriverSelect:
    """A SELECT whose rows come back as tuples, in the columns' order."""

    def __init__(self, statement):
        self.statement = statement
        self._compiled: dict[Any, tuple] = {}  # dialect -> what _compile works out

    def _compile(self, dialect) -> tuple:
        """(compiled statement, bind processors by name, when no parameter is an expanding IN list the
        SQL and each positional value's (name, processor, value when not given), and the columns'
        result processors when any has one)."""
        compiled = self.statement.compile(dialect=dialect)
        processors = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)  # as execute binds it
            if process is not None:
                processors[name] = process
        # each column's result processor, as execute applies it (a Date is text in SQLite)
        results = [c.type.dialect_impl(dialect).result_processor(dialect, None)
                   for c in self.statement.selected_columns]
        results = results if any(r is not None for r in results) else None
        plain = None
        if not any(bind.expanding for bind in compiled.binds.values()):
            plain = (compiled.string, [(name, processors.get(name),
                                        _REQUIRED if compiled.binds[name].required else compiled.binds[name].effective_value)
                                       for name in compiled.positiontup or ()])
        done = self._compiled[dialect] = (compiled, processors, plain, results)
        return done

    def rows(self, tx, params: dict | None = None) -> list[tuple]:
        """The rows for ``params`` (the statement's bind parameters by name), read in ``tx`` (an ORM
        session inside its transaction)."""
        conn = tx.connection()
        dialect = conn.dialect
        if dialect.name != "sqlite":
            return [tuple(r) for r in conn.execute(self.statement, params or {})]
        compiled, processors, plain, results = self._compiled.get(dialect) or self._compile(dialect)
        params = params or {}
        if plain is not None:
            sql, slots = plain
            values = []
            for name, process, default in slots:
                value = params.get(name, default)
                if value is _REQUIRED:
                    raise KeyError(f"a value is required for the parameter {name!r}")
                values.append(value if process is None or value is None else process(value))
        else:
            state = compiled.construct_expanded_state(params, escape_names=False)
            sql, given, expanded = state.statement, state.parameters, state.processors
            values = []
            for name in state.positiontup:
                value, process = given[name], processors.get(name) or expanded.get(name)
                values.append(value if process is None or value is None else process(value))
        rows = on_driver(conn, sql, values).fetchall()
        if results is None:
            return rows
        return [tuple(v if process is None or v is None else process(v) for process, v in zip(results, row, strict=True))
                for row in rows]


def on_driver(conn, sql: str, values=()):
    """Execute ``sql`` on the driver's own connection under SQLAlchemy connection ``conn``; a driver
    error is raised as ``execute`` raises it (``OperationalError`` for "database is locked", which
    ``Practice`` turns into ``Busy``)."""
    dialect = conn.dialect
    try:
        return conn.connection.driver_connection.execute(sql, values)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, values, exc, dialect.loaded_dbapi.Error) from exc

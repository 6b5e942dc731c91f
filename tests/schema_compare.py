"""The migrated schema against the models, as Alembic's autogenerate compares them, on either database.

Alembic does not read ``Index.ddl_if``: an index the models make on one database only (the calendar's
covering index, SQLite's alone) is left out of the comparison on the others, as ``create_all`` and the
migrations leave it out of the schema there.
"""
from __future__ import annotations


def schema_diff(conn) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.models import Base

    def made_here(obj, _name, type_, _reflected, _compare_to) -> bool:
        only = getattr(obj, "_ddl_if", None) if type_ == "index" else None
        return only is None or only.dialect in (None, conn.dialect.name)

    return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_object": made_here}),
                            Base.metadata)

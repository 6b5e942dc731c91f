"""Alembic environment: runs on the connection handed in by app.db.upgrade (or a URL)."""
from alembic import context
from sqlalchemy import create_engine

from app.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(conn)


def _run(conn) -> None:
    # conn is already in a transaction (app.db.upgrade's BEGIN IMMEDIATE): Alembic treats it as
    # external and commits nothing itself, so every pending revision runs in that one transaction
    # (SPEC 0.7). Keep transaction_per_migration off; app.db.upgrade checks the transaction survived.
    context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()

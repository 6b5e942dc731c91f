"""names_token: a token the database changes whenever a name the calendar shows changes (SPEC 2.1;
issue 17: a week switch within 1.5x of its floor)

Revision ID: 0017_names_token
Revises: 0016_calendar_indexes
Create Date: 2026-12-02

A week switch joined each booked place to its client for the name: on the 200,000-session practice
0.29 ms of a 1.24 ms statement. The calendar now keeps the names of clients, practitioners (and their
colours), services and locations in memory with the token they were read under
(``scheduling.calendar_names``), and reads only the token with each range. Triggers, on SQLite and on
PostgreSQL alike, give the token a new random value in the same transaction as any insert, delete or
change of one of those names, so every writer (services, imports, the copy to a server, a hand edit)
invalidates the names kept by every desk, and a restored backup brings its own token. Runs inside the
upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_names_token'
down_revision = '0016_calendar_indexes'
branch_labels = None
depends_on = None

# (table, the columns whose change changes a name the calendar shows)
NAMED = (("client", "first_name, last_name"), ("practitioner", "name, color"),
         ("service", "name"), ("location", "name"))
SQLITE_NEW = "UPDATE names_token SET token = lower(hex(randomblob(16)))"


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    op.create_table('names_token',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_names_token'))
    )
    new = "md5(random()::text || clock_timestamp()::text)" if pg else "lower(hex(randomblob(16)))"
    op.execute(f"INSERT INTO names_token (id, token) VALUES (1, {new})")
    if pg:
        op.execute(f"""CREATE FUNCTION names_token_new() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN UPDATE names_token SET token = {new}; RETURN NULL; END $$""")
        for table, columns in NAMED:
            op.execute(f"""CREATE TRIGGER names_token_{table}_change AFTER INSERT OR DELETE ON {table}
                           FOR EACH STATEMENT EXECUTE FUNCTION names_token_new()""")
            op.execute(f"""CREATE TRIGGER names_token_{table}_update AFTER UPDATE OF {columns} ON {table}
                           FOR EACH STATEMENT EXECUTE FUNCTION names_token_new()""")
        return
    for table, columns in NAMED:
        for event in ("INSERT", f"UPDATE OF {columns}", "DELETE"):
            name = event.split()[0].lower()
            op.execute(f"CREATE TRIGGER names_token_{table}_{name} AFTER {event} ON {table} "
                       f"BEGIN {SQLITE_NEW}; END")


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table, _ in NAMED:
        if pg:
            op.execute(f"DROP TRIGGER IF EXISTS names_token_{table}_change ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS names_token_{table}_update ON {table}")
        else:
            for name in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS names_token_{table}_{name}")
    if pg:
        op.execute("DROP FUNCTION names_token_new()")
    op.drop_table('names_token')

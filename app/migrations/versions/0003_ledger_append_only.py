"""ledger entries are append-only in the database itself (SPEC 0.4)

Revision ID: 0003_ledger_append_only
Revises: 0002_closures
Create Date: 2026-12-01

Triggers refuse UPDATE and DELETE of ledger rows, whoever runs them: the services never do, and a
script, an add-on or a mistaken hand edit cannot either. A mistake is undone by a reversal row.
"""
from alembic import op

revision = '0003_ledger_append_only'
down_revision = '0002_closures'
branch_labels = None
depends_on = None

MESSAGE = "ledger entries are append-only: add a reversal instead"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""")
        op.execute("""CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE OR DELETE ON ledger_entry
                      FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()""")
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"""
            CREATE TRIGGER ledger_entry_no_{action.lower()} BEFORE {action} ON ledger_entry
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ledger_entry_no_update ON ledger_entry")
        op.execute("DROP FUNCTION ledger_entry_append_only()")
        return
    op.execute("DROP TRIGGER ledger_entry_no_update")
    op.execute("DROP TRIGGER ledger_entry_no_delete")

"""a partial index of the money clients paid in, for the balances and ageing reports (SPEC 9.4)

Revision ID: 0008_ledger_money_in_index
Revises: 0007_session_status_index
Create Date: 2026-12-02

Unallocated credit is each client's payments, write-offs and refunds (as of a day, for ageing)
less their allocations. Without an index on the entry's kind SQLite read every ledger entry's row
to test it: 0.7-1.5 s on a 200,000-session file (474,000 entries). An index of those entries
alone, (client_id, effective_at, amount_cents, kind) where kind is one of them, answers both sums
from about 106,000 index entries in ~25 ms. Runs inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_ledger_money_in_index'
down_revision = '0007_session_status_index'
branch_labels = None
depends_on = None

MONEY_IN_SQL = "kind IN ('payment', 'writeoff', 'refund')"  # as app.models.ledger.MONEY_IN_SQL, word for word


def upgrade() -> None:
    op.create_index('ix_ledger_money_in', 'ledger_entry', ['client_id', 'effective_at', 'amount_cents', 'kind'],
                    sqlite_where=sa.text(MONEY_IN_SQL), postgresql_where=sa.text(MONEY_IN_SQL))


def downgrade() -> None:
    op.drop_index('ix_ledger_money_in', table_name='ledger_entry')

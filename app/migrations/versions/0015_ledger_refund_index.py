"""an index of refunds by the payment they refund (SPEC 9.3; issue 16: card charges at scale)

Revision ID: 0015_ledger_refund_index
Revises: 0014_client_totals
Create Date: 2026-12-02

What a payment has left (payments.money_left) and a receipt's refunds look up the refunds of one
payment by ``refund_of_id``. With no index SQLite read the whole ledger for each: 6.3 ms a lookup on
a file of 474,000 entries, two per card charge, 42 s of the 90 s a monthly run of 3,000 clients spent
charging. Only refunds have the column set, so the index holds those rows alone (partial). Runs
inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_ledger_refund_index'
down_revision = '0014_client_totals'
branch_labels = None
depends_on = None

WHERE = "refund_of_id IS NOT NULL"  # as app.models.ledger's ix_ledger_refund_of, word for word


def upgrade() -> None:
    op.create_index('ix_ledger_refund_of', 'ledger_entry', ['refund_of_id', 'amount_cents'],
                    sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE))


def downgrade() -> None:
    op.drop_index('ix_ledger_refund_of', table_name='ledger_entry')

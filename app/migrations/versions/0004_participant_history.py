"""participants with history: their own status, price and who/when changed them (SPEC 3.4)

Revision ID: 0004_participant_history
Revises: 0003_ledger_append_only
Create Date: 2026-12-02

A client taken off a session is no longer deleted: the row is marked (removed, canceled by the
client, dropped from a class) with who and when. Existing rows are booked; their "changed" is when
and by whom their session was made. price_cents (None = the session's cost) lets each client carry
their own price before the session is saved. Runs inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0004_participant_history'
down_revision = '0003_ledger_append_only'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='booked', nullable=False))
        batch_op.add_column(sa.Column('price_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('changed_at', app.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('changed_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_participant_changed_by_user_account'), 'user_account',
                                    ['changed_by'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_participant_status'),
            "status IN ('booked','removed','canceled_by_client','dropped')")
    op.execute("""UPDATE participant SET
                    changed_at = (SELECT created_at FROM practice_session s WHERE s.id = participant.session_id),
                    changed_by = (SELECT created_by FROM practice_session s WHERE s.id = participant.session_id)""")


def downgrade() -> None:
    # the history cannot live in the old shape: only the booked rows stay
    op.execute("DELETE FROM participant WHERE status <> 'booked'")
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_participant_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_participant_changed_by_user_account'), type_='foreignkey')
        batch_op.drop_column('changed_by')
        batch_op.drop_column('changed_at')
        batch_op.drop_column('price_cents')
        batch_op.drop_column('status')

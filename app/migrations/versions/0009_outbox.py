"""the outbox: every e-mail and SMS the practice sends, with its status and error (SPEC 7.1, 7.2, 7.4)

Revision ID: 0009_outbox
Revises: 0008_ledger_money_in_index
Create Date: 2026-12-01

One new table, outbox_message. Passwords and tokens are not in it (nor anywhere in the file):
they live in the OS keyring (SPEC 0.6). Runs inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0009_outbox'
down_revision = '0008_ledger_money_in_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachment', sa.LargeBinary(), nullable=True),
    sa.Column('attachment_name', sa.String(length=120), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('last_attempt_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('sent_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("channel IN ('email','sms')", name=op.f('ck_outbox_message_channel')),
    sa.CheckConstraint("status IN ('queued','sending','sent','failed')", name=op.f('ck_outbox_message_status')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_message_attempts')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_outbox_message_client_id_client')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                            name=op.f('fk_outbox_message_created_by_user_account')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_session.id'],
                            name=op.f('fk_outbox_message_session_id_practice_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    op.create_index('ix_outbox_status', 'outbox_message', ['status', 'id'])
    op.create_index('ix_outbox_session', 'outbox_message', ['session_id', 'client_id', 'purpose'])


def downgrade() -> None:
    op.drop_index('ix_outbox_session', table_name='outbox_message')
    op.drop_index('ix_outbox_status', table_name='outbox_message')
    op.drop_table('outbox_message')

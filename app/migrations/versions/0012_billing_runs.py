"""billing runs: automatic invoicing cycles and each client's result (SPEC 10.2, 10.3; issue 16)

Revision ID: 0012_billing_runs
Revises: 0011_client_requests
Create Date: 2026-12-02

New tables billing_run (one per cycle of the schedule, its cycle key unique, recorded before the
run's work starts; interval, periods, start and finish, heartbeat, totals) and billing_result (one
per run and client: invoice, amount, e-mailed, status, error). Nothing existing changes. Runs inside
the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0012_billing_runs'
down_revision = '0011_client_requests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_key', sa.String(length=20), nullable=False),
    sa.Column('interval', sa.String(length=10), nullable=False),
    sa.Column('scheduled_for', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('completed_first', sa.Date(), nullable=True),
    sa.Column('completed_last', sa.Date(), nullable=True),
    sa.Column('scheduled_first', sa.Date(), nullable=True),
    sa.Column('scheduled_last', sa.Date(), nullable=True),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('started_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('heartbeat_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('finished_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('clients', sa.Integer(), nullable=False),
    sa.Column('invoiced', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint("interval IN ('weekly','biweekly','monthly')", name=op.f('ck_billing_run_interval')),
    sa.ForeignKeyConstraint(['started_by'], ['user_account.id'], name=op.f('fk_billing_run_started_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_run')),
    sa.UniqueConstraint('cycle_key', name=op.f('uq_billing_run_cycle_key'))
    )
    op.create_index('ix_billing_run_scheduled', 'billing_run', ['scheduled_for'])
    op.create_table('billing_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('emailed', sa.Boolean(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('invoiced','failed')", name=op.f('ck_billing_result_status')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_billing_result_client_id_client')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_billing_result_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'],
                            name=op.f('fk_billing_result_message_id_outbox_message')),
    sa.ForeignKeyConstraint(['run_id'], ['billing_run.id'], name=op.f('fk_billing_result_run_id_billing_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_result')),
    sa.UniqueConstraint('run_id', 'client_id', name=op.f('uq_billing_result_run_id'))
    )
    op.create_index('ix_billing_result_client', 'billing_result', ['client_id'])


def downgrade() -> None:
    op.drop_index('ix_billing_result_client', table_name='billing_result')
    op.drop_table('billing_result')
    op.drop_index('ix_billing_run_scheduled', table_name='billing_run')
    op.drop_table('billing_run')

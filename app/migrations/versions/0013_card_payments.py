"""card payments: links to save a card, the card on file, charge attempts and refunds (SPEC 10.4, 9.3;
issue 16 items 4-5)

Revision ID: 0013_card_payments
Revises: 0012_billing_runs
Create Date: 2026-12-02

New tables card_link (a Stripe-hosted page sent to a client to save a card or pay an invoice, polled), card_on_file
(Stripe's customer and payment method ids, brand, last four, expiry; one live row per client),
card_charge (each attempt to charge an invoice, its idempotency key written before Stripe is called)
and card_refund (a refund of a card payment told to Stripe, keyed by its ledger entry). Nothing
existing changes. Runs inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0013_card_payments'
down_revision = '0012_billing_runs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('card_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.String(length=80), nullable=True),
    sa.Column('checkout_session_id', sa.String(length=120), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('finished_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('creating','open','complete','expired','failed')", name=op.f('ck_card_link_status')),
    sa.CheckConstraint("purpose IN ('card','payment')", name=op.f('ck_card_link_purpose')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_card_link_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['payment_id'], ['ledger_entry.id'], name=op.f('fk_card_link_payment_id_ledger_entry')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_card_link_client_id_client')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_card_link_created_by_user_account')),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_card_link_message_id_outbox_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_link')),
    sa.UniqueConstraint('checkout_session_id', name=op.f('uq_card_link_checkout_session_id'))
    )
    op.create_index('ix_card_link_client', 'card_link', ['client_id', 'id'], unique=False)
    op.create_index('ix_card_link_status', 'card_link', ['status'], unique=False)
    op.create_table('card_on_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=80), nullable=False),
    sa.Column('payment_method_id', sa.String(length=80), nullable=False),
    sa.Column('brand', sa.String(length=20), nullable=False),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('exp_month', sa.Integer(), nullable=False),
    sa.Column('exp_year', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('removed_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('removed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_card_on_file_client_id_client')),
    sa.ForeignKeyConstraint(['link_id'], ['card_link.id'], name=op.f('fk_card_on_file_link_id_card_link')),
    sa.ForeignKeyConstraint(['removed_by'], ['user_account.id'], name=op.f('fk_card_on_file_removed_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_on_file'))
    )
    op.create_index('ix_card_on_file_client', 'card_on_file', ['client_id', 'removed_at'], unique=False)
    op.create_table('card_refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_entry_id', sa.Integer(), nullable=False),
    sa.Column('payment_intent_id', sa.String(length=80), nullable=False),
    sa.Column('amount_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('stripe_refund_id', sa.String(length=80), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('finished_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending','sent','failed')", name=op.f('ck_card_refund_status')),
    sa.ForeignKeyConstraint(['refund_entry_id'], ['ledger_entry.id'], name=op.f('fk_card_refund_refund_entry_id_ledger_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_refund')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_card_refund_idempotency_key')),
    sa.UniqueConstraint('refund_entry_id', name=op.f('uq_card_refund_refund_entry_id'))
    )
    op.create_table('card_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('amount_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('payment_intent_id', sa.String(length=80), nullable=True),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('finished_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending','succeeded','declined','needs_authentication','failed')", name=op.f('ck_card_charge_status')),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_card_charge_amount')),
    sa.ForeignKeyConstraint(['card_id'], ['card_on_file.id'], name=op.f('fk_card_charge_card_id_card_on_file')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_card_charge_client_id_client')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_card_charge_created_by_user_account')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_card_charge_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['payment_id'], ['ledger_entry.id'], name=op.f('fk_card_charge_payment_id_ledger_entry')),
    sa.ForeignKeyConstraint(['run_id'], ['billing_run.id'], name=op.f('fk_card_charge_run_id_billing_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_charge')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_card_charge_idempotency_key'))
    )
    op.create_index('ix_card_charge_invoice', 'card_charge', ['invoice_id', 'attempt'], unique=True)
    op.create_index('ix_card_charge_status', 'card_charge', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_card_charge_status', table_name='card_charge')
    op.drop_index('ix_card_charge_invoice', table_name='card_charge')
    op.drop_table('card_charge')
    op.drop_table('card_refund')
    op.drop_index('ix_card_on_file_client', table_name='card_on_file')
    op.drop_table('card_on_file')
    op.drop_index('ix_card_link_status', table_name='card_link')
    op.drop_index('ix_card_link_client', table_name='card_link')
    op.drop_table('card_link')

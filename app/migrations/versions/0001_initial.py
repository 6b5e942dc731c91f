"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24 19:31:31.899683
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

DEFAULT_TYPES = [
    {"key": "completed", "base_status": "completed", "label": "Completed",
     "description": "Full cost and wages applied."},
    {"key": "canceled", "base_status": "canceled", "label": "Canceled",
     "description": "No cost and no wages applied."},
    {"key": "missed", "base_status": "missed", "label": "Missed",
     "description": "Full cost and wages applied."},
]


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('notify_by', sa.String(length=8), nullable=False),
    sa.Column('may_cancel', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('archived_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("notify_by IN ('email','sms','both','none')", name=op.f('ck_client_notify_by')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client'))
    )
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_last_name'), ['last_name'], unique=False)

    op.create_table('completion_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=16), nullable=True),
    sa.Column('base_status', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=15), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('modifier_type', sa.String(length=10), nullable=True),
    sa.Column('client_modifier', sa.Integer(), nullable=False),
    sa.Column('practitioner_modifier', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("base_status IN ('completed','canceled','missed')", name=op.f('ck_completion_type_base_status')),
    sa.CheckConstraint("modifier_type IS NULL OR modifier_type IN ('percentage','fixed')", name=op.f('ck_completion_type_modifier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_type')),
    sa.UniqueConstraint('key', name=op.f('uq_completion_type_key'))
    )
    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('client_booking', sa.Boolean(), nullable=False),
    sa.Column('archived_at', app.models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location'))
    )
    op.create_table('practitioner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('color', sa.String(length=7), nullable=False),
    sa.Column('archived_at', app.models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practitioner'))
    )
    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('cost_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('wage_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('visibility', sa.String(length=8), nullable=False),
    sa.Column('client_booking', sa.Boolean(), nullable=False),
    sa.Column('archived_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('fixed','hourly')", name=op.f('ck_service_kind')),
    sa.CheckConstraint('cost_cents >= 0 AND wage_cents >= 0', name=op.f('ck_service_money')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('custom_wage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('wage_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint('wage_cents >= 0', name=op.f('ck_custom_wage_money')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_custom_wage_practitioner_id_practitioner')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_custom_wage_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_wage')),
    sa.UniqueConstraint('practitioner_id', 'service_id', name=op.f('uq_custom_wage_practitioner_id'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("role IN ('admin','staff','practitioner')", name=op.f('ck_user_account_role')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_user_account_practitioner_id_practitioner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_audit_entry_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=20), nullable=False),
    sa.Column('freq', sa.String(length=8), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("freq IN ('weekly','monthly')", name=op.f('ck_series_freq')),
    sa.CheckConstraint('(count IS NULL) <> (until IS NULL)', name=op.f('ck_series_count_xor_until')),
    sa.CheckConstraint('interval BETWEEN 1 AND 12', name=op.f('ck_series_interval')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_series_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series'))
    )
    op.create_table('practice_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('start_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('end_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('public_note', sa.Text(), nullable=False),
    sa.Column('private_note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('completion_type_id', sa.Integer(), nullable=True),
    sa.Column('completion_label', sa.String(length=15), nullable=True),
    sa.Column('cost_override', sa.Boolean(), nullable=False),
    sa.Column('wage_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('saved_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('saved_by', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('deleted_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('deleted_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open','completed','canceled','missed')", name=op.f('ck_practice_session_status')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_practice_session_ends_after_start')),
    sa.ForeignKeyConstraint(['completion_type_id'], ['completion_type.id'], name=op.f('fk_practice_session_completion_type_id_completion_type')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_practice_session_created_by_user_account')),
    sa.ForeignKeyConstraint(['deleted_by'], ['user_account.id'], name=op.f('fk_practice_session_deleted_by_user_account')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_practice_session_location_id_location')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_practice_session_practitioner_id_practitioner')),
    sa.ForeignKeyConstraint(['saved_by'], ['user_account.id'], name=op.f('fk_practice_session_saved_by_user_account')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_practice_session_series_id_series')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_practice_session_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_session'))
    )
    with op.batch_alter_table('practice_session', schema=None) as batch_op:
        batch_op.create_index('ix_practice_session_practitioner', ['practitioner_id', 'start_at'], unique=False)
        batch_op.create_index('ix_practice_session_range', ['deleted_at', 'start_at'], unique=False)
        batch_op.create_index('ix_practice_session_series', ['series_id', 'start_at'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=10), nullable=True),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('effective_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('charge','wage','payment','refund')", name=op.f('ck_ledger_entry_kind')),
    sa.CheckConstraint('(client_id IS NULL) <> (practitioner_id IS NULL)', name=op.f('ck_ledger_entry_one_party')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_ledger_entry_client_id_client')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_ledger_entry_created_by_user_account')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'], name=op.f('fk_ledger_entry_practitioner_id_practitioner')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entry.id'], name=op.f('fk_ledger_entry_reverses_id_ledger_entry')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_session.id'], name=op.f('fk_ledger_entry_session_id_practice_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_entry_reverses_id'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_client', ['client_id', 'amount_cents'], unique=False)
        batch_op.create_index('ix_ledger_practitioner', ['practitioner_id', 'effective_at', 'amount_cents'], unique=False)
        batch_op.create_index('ix_ledger_session', ['session_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('charge_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_participant_client_id_client')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_session.id'], name=op.f('fk_participant_session_id_practice_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('session_id', 'client_id', name=op.f('uq_participant_session_id'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index('ix_participant_client', ['client_id', 'session_id'], unique=False)

    # ### end Alembic commands ###
    types = sa.table("completion_type", sa.column("key"), sa.column("base_status"), sa.column("label"),
                     sa.column("description"), sa.column("client_modifier"), sa.column("practitioner_modifier"),
                     sa.column("enabled"))
    op.bulk_insert(types, [dict(t, client_modifier=0, practitioner_modifier=0, enabled=True) for t in DEFAULT_TYPES])


def downgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index('ix_participant_client')

    op.drop_table('participant')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_session')
        batch_op.drop_index('ix_ledger_practitioner')
        batch_op.drop_index('ix_ledger_client')

    op.drop_table('ledger_entry')
    with op.batch_alter_table('practice_session', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_session_series')
        batch_op.drop_index('ix_practice_session_range')
        batch_op.drop_index('ix_practice_session_practitioner')

    op.drop_table('practice_session')
    op.drop_table('series')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entity')

    op.drop_table('audit_entry')
    op.drop_table('user_account')
    op.drop_table('custom_wage')
    op.drop_table('setting')
    op.drop_table('service')
    op.drop_table('practitioner')
    op.drop_table('location')
    op.drop_table('completion_type')
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_last_name'))

    op.drop_table('client')
    # ### end Alembic commands ###

"""client requests: sessions a client asked for, recorded by the front desk (SPEC 1.4; issue 15 item 5)

Revision ID: 0011_client_requests
Revises: 0010_classes
Create Date: 2026-12-02

New table client_request (client, service, location, optional practitioner, requested start and end
in UTC, note, status pending/accepted/declined, who recorded it and when, who decided it and when,
the decline reason and the session made on acceptance). Nothing existing changes. Runs inside the
upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0011_client_requests'
down_revision = '0010_classes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('client_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('start_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('end_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending','accepted','declined')", name=op.f('ck_client_request_status')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_client_request_ends_after_start')),
    sa.CheckConstraint("(status = 'accepted') = (session_id IS NOT NULL)",
                       name=op.f('ck_client_request_accepted_has_session')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_client_request_client_id_client')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_client_request_service_id_service')),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_client_request_location_id_location')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioner.id'],
                            name=op.f('fk_client_request_practitioner_id_practitioner')),
    sa.ForeignKeyConstraint(['recorded_by'], ['user_account.id'],
                            name=op.f('fk_client_request_recorded_by_user_account')),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'],
                            name=op.f('fk_client_request_decided_by_user_account')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_session.id'],
                            name=op.f('fk_client_request_session_id_practice_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_request'))
    )
    op.create_index('ix_client_request_status', 'client_request', ['status', 'start_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_client_request_status', table_name='client_request')
    op.drop_table('client_request')

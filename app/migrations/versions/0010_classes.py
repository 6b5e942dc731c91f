"""classes: a series or one session that clients enroll in as a whole (SPEC 11; issue 15 item 4)

Revision ID: 0010_classes
Revises: 0009_outbox
Create Date: 2026-12-01

New tables: practice_class (name, fixed service, capacity, enrollment and drop deadlines, made from
a series or one session, archived), class_session (its sessions, each with its display flag for the
published group-sessions list, SPEC 11.2), enrollment (kept after a drop, as history) and
waitlist_entry. Nothing existing changes. Runs inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0010_classes'
down_revision = '0009_outbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('practice_class',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('enroll_deadline', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('drop_deadline', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('archived_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint('capacity BETWEEN 1 AND 1000', name=op.f('ck_practice_class_capacity')),
    sa.CheckConstraint('(series_id IS NULL) <> (session_id IS NULL)',
                       name=op.f('ck_practice_class_series_xor_session')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_practice_class_created_by_user_account')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_practice_class_series_id_series')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_practice_class_service_id_service')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_session.id'],
                            name=op.f('fk_practice_class_session_id_practice_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_class'))
    )
    op.create_table('class_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('displayed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['practice_class.id'], name=op.f('fk_class_session_class_id_practice_class')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_session.id'],
                            name=op.f('fk_class_session_session_id_practice_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_session')),
    sa.UniqueConstraint('class_id', 'session_id', name=op.f('uq_class_session_class_id'))
    )
    op.create_index('ix_class_session_session', 'class_session', ['session_id'])
    op.create_table('enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('enrolled_by', sa.Integer(), nullable=True),
    sa.Column('overridden', sa.Boolean(), nullable=False),
    sa.Column('dropped_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('dropped_by', sa.Integer(), nullable=True),
    sa.Column('drop_overridden', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['practice_class.id'], name=op.f('fk_enrollment_class_id_practice_class')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_enrollment_client_id_client')),
    sa.ForeignKeyConstraint(['dropped_by'], ['user_account.id'], name=op.f('fk_enrollment_dropped_by_user_account')),
    sa.ForeignKeyConstraint(['enrolled_by'], ['user_account.id'], name=op.f('fk_enrollment_enrolled_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment'))
    )
    op.create_index('ix_enrollment_class', 'enrollment', ['class_id', 'dropped_at'])
    op.create_table('waitlist_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('added_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('offered_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('removed_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('removed_by', sa.Integer(), nullable=True),
    sa.Column('removed_reason', sa.String(length=10), nullable=True),
    sa.CheckConstraint("removed_reason IS NULL OR removed_reason IN ('enrolled','declined','removed')",
                       name=op.f('ck_waitlist_entry_reason')),
    sa.ForeignKeyConstraint(['added_by'], ['user_account.id'], name=op.f('fk_waitlist_entry_added_by_user_account')),
    sa.ForeignKeyConstraint(['class_id'], ['practice_class.id'], name=op.f('fk_waitlist_entry_class_id_practice_class')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_waitlist_entry_client_id_client')),
    sa.ForeignKeyConstraint(['removed_by'], ['user_account.id'],
                            name=op.f('fk_waitlist_entry_removed_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entry'))
    )
    op.create_index('ix_waitlist_entry_class', 'waitlist_entry', ['class_id', 'removed_at', 'added_at'])


def downgrade() -> None:
    op.drop_index('ix_waitlist_entry_class', table_name='waitlist_entry')
    op.drop_table('waitlist_entry')
    op.drop_index('ix_enrollment_class', table_name='enrollment')
    op.drop_table('enrollment')
    op.drop_index('ix_class_session_session', table_name='class_session')
    op.drop_table('class_session')
    op.drop_table('practice_class')

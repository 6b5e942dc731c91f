"""closures

Revision ID: 0002_closures
Revises: 0001_initial
Create Date: 2026-11-24 19:49:11.806077
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0002_closures'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('deleted_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint('last_day >= first_day', name=op.f('ck_closure_range')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_closure_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure'))
    )
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.create_index('ix_closure_days', ['deleted_at', 'first_day', 'last_day'], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.drop_index('ix_closure_days')

    op.drop_table('closure')
    # ### end Alembic commands ###

"""services get a default length in minutes (SPEC 1.3; issue 13 item 2)

Revision ID: 0005_service_default_length
Revises: 0004_participant_history
Create Date: 2026-12-10

The length a new session of the service is given when it is chosen. Existing services get 60.
Runs inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_service_default_length'
down_revision = '0004_participant_history'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_minutes', sa.Integer(), server_default='60', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_service_length'), "default_minutes BETWEEN 5 AND 720")


def downgrade() -> None:
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_service_length'), type_='check')
        batch_op.drop_column('default_minutes')

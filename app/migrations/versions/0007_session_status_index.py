"""an index of sessions by status, for the open-sessions list (issue 13 item 3)

Revision ID: 0007_session_status_index
Revises: 0006_money_documents
Create Date: 2026-12-01

Sessions ▸ Open Sessions counts and reads the past sessions whose status is open. With only the
date index SQLite tested every past session's status: counting them in a 200,000-session file
took 65 ms and a page 5 ms. (status, deleted_at, start_at, id, end_at) answers the count from the
index alone and hands a page over in (start_at, id) order, the list's own, without a sort (about
0.5 ms); so does a sessions list filtered by status. Runs inside the upgrade's one transaction
(app.db).
"""
from alembic import op

revision = '0007_session_status_index'
down_revision = '0006_money_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_practice_session_status', 'practice_session', ['status', 'deleted_at', 'start_at', 'id', 'end_at'])


def downgrade() -> None:
    op.drop_index('ix_practice_session_status', table_name='practice_session')

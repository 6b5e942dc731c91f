"""indexes that cover the calendar's range read (SPEC 2.1; issue 17: a week switch near its floor)

Revision ID: 0016_calendar_indexes
Revises: 0015_ledger_refund_index
Create Date: 2026-12-02

A week switch reads every session of the week with its booked clients (scheduling.calendar_rows).
With only ``ix_practice_session_range`` (deleted_at, start_at) SQLite fetched each session's whole
table row (notes, who saved it, ...) and each participant's row for its status and charge: on the
200,000-session practice 1.72 ms of the statement's 1.41 ms with these two indexes. On PostgreSQL
only the participant index is made: a public note (up to 5,000 characters) can be longer than a
B-tree entry may be there, so the session index is SQLite's alone (``ddl_if`` in app.models.sessions).
Runs inside the upgrade's one transaction (app.db).
"""
from alembic import op

revision = '0016_calendar_indexes'
down_revision = '0015_ledger_refund_index'
branch_labels = None
depends_on = None

# as app.models.sessions.CALENDAR_COLUMNS, word for word (a migration keeps its own copy)
CALENDAR_COLUMNS = ["deleted_at", "start_at", "id", "end_at", "practitioner_id", "service_id", "location_id",
                    "status", "completion_label", "series_id", "public_note"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index('ix_practice_session_calendar', 'practice_session', CALENDAR_COLUMNS)
    op.create_index('ix_participant_session_booked', 'participant',
                    ['session_id', 'status', 'client_id', 'charge_cents'])


def downgrade() -> None:
    op.drop_index('ix_participant_session_booked', table_name='participant')
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index('ix_practice_session_calendar', table_name='practice_session')

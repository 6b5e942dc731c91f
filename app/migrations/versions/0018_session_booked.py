"""practice_session.booked_*: a session's booked clients on its own row, kept by triggers (SPEC 2.1;
issue 17: a day switch within 1.5x of its floor)

Revision ID: 0018_session_booked
Revises: 0017_names_token
Create Date: 2026-12-03

The calendar read each session's booked clients by a seek into ``participant`` per session: on the
200,000-session practice 0.08 ms of a day's 0.18 ms statement (raw sqlite3, 69 sessions). Now each
session row holds them, and the calendar reads the sessions alone:

- ``booked_client_id`` and ``booked_charge_cents``: the booked client and their charge when exactly
  one is booked (nine sessions in ten), else NULL;
- ``booked_group``: when two or more are booked, each as "client id:charge" (the charge empty when
  none), joined by commas, in client id order; else NULL.

Triggers on ``participant`` (insert; update of its session, client, status or charge; delete) work
the three out again from the session's booked places, on SQLite and PostgreSQL alike, in the writer's
own transaction: every writer (services, imports, the copy to a server, a hand edit) keeps them exact.
The rows of existing sessions are filled here; on SQLite the calendar's covering index gets the three
columns. Runs inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_session_booked'
down_revision = '0017_names_token'
branch_labels = None
depends_on = None

# as app.models.sessions.CALENDAR_COLUMNS, word for word (a migration keeps its own copy)
CALENDAR_COLUMNS = ["deleted_at", "start_at", "id", "end_at", "practitioner_id", "service_id", "location_id",
                    "status", "completion_label", "series_id", "public_note",
                    "booked_client_id", "booked_charge_cents", "booked_group"]
OLD_CALENDAR_COLUMNS = CALENDAR_COLUMNS[:11]  # 0016's
WATCHED = "session_id, client_id, status, charge_cents"  # a participant's columns the three depend on


def booked_of(session: str, pg: bool) -> str:
    """The three columns' values for the session ``session`` (an SQL expression), as one row."""
    if pg:
        group = "string_agg(client_id::text || ':' || COALESCE(charge_cents::text, ''), ',' ORDER BY client_id)"
    else:  # the booked-place index gives the rows in client id order
        group = "group_concat(client_id || ':' || COALESCE(charge_cents, ''), ',')"
    return f"""(SELECT CASE WHEN count(*) = 1 THEN max(client_id) END,
                       CASE WHEN count(*) = 1 THEN max(charge_cents) END,
                       CASE WHEN count(*) > 1 THEN {group} END
                FROM participant WHERE session_id = {session} AND status = 'booked')"""


def refresh(session: str, pg: bool) -> str:
    """UPDATE the three columns of practice_session ``session`` (an SQL expression of its id)."""
    return (f"UPDATE practice_session SET (booked_client_id, booked_charge_cents, booked_group) = "
            f"{booked_of('practice_session.id', pg)} WHERE id = {session}")


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    op.add_column('practice_session', sa.Column('booked_client_id', sa.Integer(), nullable=True))
    op.add_column('practice_session', sa.Column('booked_charge_cents', sa.Integer(), nullable=True))
    op.add_column('practice_session', sa.Column('booked_group', sa.Text(), nullable=True))
    op.execute(f"UPDATE practice_session SET (booked_client_id, booked_charge_cents, booked_group) = "
               f"{booked_of('practice_session.id', pg)}")
    if pg:
        op.execute(f"""CREATE FUNCTION session_booked() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN
                         IF TG_OP <> 'INSERT' THEN {refresh('OLD.session_id', pg)}; END IF;
                         IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.session_id <> OLD.session_id) THEN
                           {refresh('NEW.session_id', pg)};
                         END IF;
                         RETURN NULL;
                       END $$""")
        op.execute("""CREATE TRIGGER session_booked_change AFTER INSERT OR DELETE ON participant
                      FOR EACH ROW EXECUTE FUNCTION session_booked()""")
        op.execute(f"""CREATE TRIGGER session_booked_update AFTER UPDATE OF {WATCHED} ON participant
                       FOR EACH ROW EXECUTE FUNCTION session_booked()""")
        return
    op.execute(f"CREATE TRIGGER session_booked_insert AFTER INSERT ON participant "
               f"BEGIN {refresh('NEW.session_id', pg)}; END")
    op.execute(f"CREATE TRIGGER session_booked_update AFTER UPDATE OF {WATCHED} ON participant "
               f"BEGIN {refresh('OLD.session_id', pg)}; {refresh('NEW.session_id', pg)}; END")
    op.execute(f"CREATE TRIGGER session_booked_delete AFTER DELETE ON participant "
               f"BEGIN {refresh('OLD.session_id', pg)}; END")
    op.drop_index('ix_practice_session_calendar', table_name='practice_session')
    op.create_index('ix_practice_session_calendar', 'practice_session', CALENDAR_COLUMNS)


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        op.execute("DROP TRIGGER IF EXISTS session_booked_change ON participant")
        op.execute("DROP TRIGGER IF EXISTS session_booked_update ON participant")
        op.execute("DROP FUNCTION session_booked()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS session_booked_{name}")
        op.drop_index('ix_practice_session_calendar', table_name='practice_session')
        op.create_index('ix_practice_session_calendar', 'practice_session', OLD_CALENDAR_COLUMNS)
    for column in ("booked_group", "booked_charge_cents", "booked_client_id"):  # SQLite 3.35+ and PostgreSQL
        op.execute(f"ALTER TABLE practice_session DROP COLUMN {column}")  # in place: no table rebuilt

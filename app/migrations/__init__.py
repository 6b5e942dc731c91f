"""Alembic migrations. HEAD_REVISION lets start-up skip importing Alembic when the file is current
(tests/services/test_migrations.py checks it equals the script directory's head)."""
HEAD_REVISION = "0018_session_booked"

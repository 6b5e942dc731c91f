"""PostgreSQL mode (issue 17 item 1): the same models and migrations on a server, writes one at a
time as on SQLite (SPEC 0.4), a new practice whole or not at all (SPEC 0.7). Runs under
PRACTICE_DB=postgres (``make test-postgres``); the rest of the suite runs there too."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.pool import NullPool

from app.db import PRACTICE_WRITE_LOCK, is_server_url, make_engine, shown_url
from app.practice_file import PracticeFileError
from app.services.errors import Busy, ServiceError
from app.services.money import ledger
from app.services.people import users
from app.services.practice import Practice

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def empty_db(pg_databases):
    name = pg_databases.next_name()
    url = pg_databases.create(name)
    yield url
    pg_databases.drop(name)


def _tables(url) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_the_migrated_schema_equals_the_models(practice):  # issue 17: the same models and migrations
    from sqlalchemy import inspect

    from tests.schema_compare import schema_diff

    with practice.engine.connect() as conn:
        diff = schema_diff(conn)
        # SQLite's calendar index is not made here: a long public note would not fit an index entry
        assert "ix_practice_session_calendar" not in {i["name"] for i in inspect(conn).get_indexes("practice_session")}
    assert diff == []


def test_a_new_practice_in_an_empty_database(empty_db, clock):  # SPEC 1.5, 0.7
    p = users.create_practice_on_server(empty_db, "Server Practice", "Europe/Paris", "boss", "long enough password",
                                        clock=clock)
    try:
        assert p.path is None and p.settings()["practice_name"] == "Server Practice"
        assert users.login(p, "boss", "long enough password").role == "admin"
    finally:
        p.close()
    again = Practice.connect(empty_db, clock=clock)  # a second workstation connects
    assert again.tz.key == "Europe/Paris"
    again.close()


def test_a_database_that_is_not_empty_is_refused_and_left_alone(empty_db):  # SPEC 0.7
    engine = create_engine(empty_db, poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE other_program (x integer)")
    engine.dispose()
    with pytest.raises(PracticeFileError) as caught:
        users.create_practice_on_server(empty_db, "X", "UTC", "boss", "long enough password")
    assert "not empty" in caught.value.message
    assert _tables(empty_db) == ["other_program"]


def test_a_failed_build_leaves_the_database_empty(empty_db, monkeypatch):  # SPEC 0.7: whole or not at all
    def fail(*_a, **_k):
        raise RuntimeError("the power went out")

    monkeypatch.setattr(users, "_fill_new_practice", fail)
    with pytest.raises(RuntimeError):
        users.create_practice_on_server(empty_db, "X", "UTC", "boss", "long enough password")
    assert _tables(empty_db) == []


def test_a_new_practice_refuses_junk_and_leaves_the_database_empty(empty_db):  # SPEC 0.5, 0.1
    for kwargs in ({"timezone": "Mars/Olympus"}, {"currency": "ZZZ"}, {"locale": "zz_ZZ"}, {"locale": None},
                   {"admin_password": " " * 8}, {"admin_username": ["admin"]}, {"name": "x" * 10_000}):
        values = {**dict(name="P", timezone="UTC", admin_username="admin", admin_password="password123"), **kwargs}
        with pytest.raises(ServiceError):
            users.create_practice_on_server(empty_db, **values)
        assert _tables(empty_db) == []


def test_connecting_to_a_database_without_a_practice_is_refused(empty_db):
    with pytest.raises(PracticeFileError) as caught:
        Practice.connect(empty_db)
    assert "holds no practice" in caught.value.message and caught.value.reason == "not_practice"
    assert _tables(empty_db) == []


def test_the_password_is_never_shown():
    url = "postgresql+psycopg://app:s3cret@db.example:5432/practice"
    assert is_server_url(url) and not is_server_url("/home/me/practice.sqlite")
    assert "s3cret" not in shown_url(url) and "db.example" in shown_url(url)


def test_every_write_holds_the_practice_lock_and_reads_do_not(practice):  # SPEC 0.4
    locked = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND granted")
    watcher = create_engine(practice.engine.url, poolclass=NullPool)
    try:
        with watcher.connect() as look:
            with practice.read() as tx:
                tx.execute(select(1))
                assert look.execute(locked, {"k": PRACTICE_WRITE_LOCK}).scalar() == 0
            with practice.uow() as tx:
                tx.execute(select(1))
                assert look.execute(locked, {"k": PRACTICE_WRITE_LOCK}).scalar() == 1
            assert look.execute(locked, {"k": PRACTICE_WRITE_LOCK}).scalar() == 0  # released at commit
    finally:
        watcher.dispose()


def test_a_lock_timeout_is_busy_not_a_raw_error(practice, clock, admin, make):  # SPEC 0.4
    client = make.client()
    url = practice.engine.url.render_as_string(hide_password=False)
    other = Practice(make_engine(url, busy_timeout_ms=100), clock=clock)
    try:
        with practice.uow() as tx:
            tx.execute(select(1))
            with pytest.raises(Busy) as caught:
                ledger.record_payment(other, admin, client.id, 500, "cash")
        assert "try again" in str(caught.value) and "lock" not in str(caught.value)
        ledger.record_payment(other, admin, client.id, 500, "cash")  # nothing held: it goes through
        assert ledger.client_balance(practice, admin, client.id) == 500
    finally:
        other.close()


def test_a_desk_can_connect_while_another_is_saving(practice, clock):  # SPEC 0.4: opening only reads
    import time

    url = practice.engine.url.render_as_string(hide_password=False)
    with practice.uow() as tx:
        tx.execute(select(1))  # holds the practice's write lock
        started = time.monotonic()
        other = Practice.connect(url, clock=clock)
        assert time.monotonic() - started < 2  # not the 5 s busy timeout
        assert other.settings()["practice_name"] == "Test Practice"
        other.close()

"""File ▸ Connect to Practice Server… (issue 17 item 1; SPEC 0.6 for the password): the fields checked
one by one, the password kept in the keyring only, plain-language refusals, against a real PostgreSQL
server that asks for passwords (tests/password_pg.py; it runs in the SQLite run too, and skips where
PostgreSQL is not installed)."""
from __future__ import annotations

import logging
import os
import socket
import threading

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from app.integrations import keyring_store
from app.services import practice_server as ps
from app.services.errors import ValidationError
from app.services.people import users
from tests.messaging_servers import memory_keyring, no_keyring  # noqa: F401
from tests.password_pg import DESK, DESK_PASSWORD

NAME = "Harbour Street Therapy"


# -- what was typed, field by field (no server needed) ---------------------------------------------------

@pytest.mark.parametrize(("fields", "field", "words"), [
    (dict(host=""), "server", "required"),
    (dict(host="http://db.lan"), "server", "computer name"),
    (dict(host="db lan"), "server", "no spaces"),
    (dict(host="db.lan/practice"), "server", "computer name"),
    (dict(host="x" * 300), "server", "too long"),
    (dict(port="abc"), "port", "whole number"),
    (dict(port="0"), "port", "1 to 65535"),
    (dict(port="70000"), "port", "1 to 65535"),
    (dict(port=-1), "port", "1 to 65535"),
    (dict(port=5432.5), "port", "whole number"),
    (dict(database=""), "database", "required"),
    (dict(database="d" * 64), "database", "too long"),
    (dict(database="prac\ttice"), "database", "cannot be used"),
    (dict(database="a\x00b"), "database", "cannot be stored"),
    (dict(user="   "), "user name", "required"),
    (dict(user="\u00e9" * 32), "user name", "too long"),  # 64 bytes
    (dict(user=["anna"]), "user name", "text"),
])
def test_each_field_is_checked_and_named(fields, field, words):
    typed = {**dict(host="db.practice.lan", port="5432", database="practice", user="anna"), **fields}
    with pytest.raises(ValidationError) as caught:
        ps.check_address(**typed)
    assert caught.value.field == field and words in caught.value.message


def test_good_addresses_are_taken_as_typed():
    assert ps.check_address(" db.lan ", "", "practice", "anna") == ps.ServerAddress("db.lan", 5432, "practice", "anna")
    assert ps.check_address("192.168.1.20", " 5433 ", "p", "a").port == 5433
    assert ps.check_address("::1", 5432, "p", "a").host == "::1"
    assert ps.check_address("[fe80::1]", 5432, "p", "a").label == "p on [fe80::1]:5432 (user a)"


def test_a_password_with_a_nul_character_is_refused():
    with pytest.raises(ValidationError) as caught:
        ps.check_password("a\x00b")
    assert caught.value.field == "password"


def test_the_recent_entry_holds_no_password():
    a = ps.ServerAddress("db.lan", 5432, "practice", "anna")
    assert a.entry == "postgresql+psycopg://anna@db.lan:5432/practice"
    assert ps.ServerAddress.from_entry(a.entry) == a
    assert ps.ServerAddress.from_entry("postgresql+psycopg://anna:s3cret@db.lan:5432/practice") == a
    assert "s3cret" not in a.url(None) and "s3cret" in a.url("s3cret")
    assert ps.ServerAddress.from_entry("/home/anna/practice.sqlite") is None
    assert ps.ServerAddress.from_entry("sqlite:///x.sqlite") is None


# -- against the server ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def on_server(password_pg):
    """A practice in its own database on the password server: its address."""
    db = f"pdconn{os.getpid()}_practice"
    url = password_pg.new_database(db)
    users.create_practice_on_server(url, NAME, "Europe/Dublin", "admin", "correct horse").close()
    yield ps.ServerAddress(password_pg.host, password_pg.port, db, DESK)
    password_pg.admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def _refusal(call, *args) -> ps.ServerConnectionError:
    with pytest.raises(ps.ServerConnectionError) as caught:
        call(*args)
    assert "Traceback" not in caught.value.message and DESK_PASSWORD not in caught.value.message
    return caught.value


def test_it_connects_opens_the_practice_and_keeps_the_password_in_the_keyring_only(
        on_server, memory_keyring, caplog, capfd):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    assert ps.try_connection(on_server, DESK_PASSWORD) == f"Connected: the database holds the practice \u201c{NAME}\u201d."
    assert memory_keyring.secrets == {}  # testing keeps nothing
    opened = ps.connect(on_server, DESK_PASSWORD)
    try:
        assert opened.password_saved and opened.note == ""
        assert memory_keyring.secrets == {(keyring_store.SERVICE, on_server.keyring_name): DESK_PASSWORD}
        assert opened.practice.settings()["practice_name"] == NAME and opened.practice.path is None
        assert users.login(opened.practice, "admin", "correct horse").username == "admin"
        assert ps.ServerAddress.of_engine(opened.practice.engine) == on_server
        # nowhere in the practice's tables, in what was logged or printed
        with opened.practice.engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                dump = conn.execute(text(f'SELECT CAST(t AS text) FROM "{table}" AS t')).scalars().all()
                assert not any(DESK_PASSWORD in row for row in dump), table
        out, err = capfd.readouterr()
        assert DESK_PASSWORD not in caplog.text + out + err
        assert DESK_PASSWORD not in on_server.entry and DESK_PASSWORD not in on_server.label
        assert DESK_PASSWORD not in repr(opened.practice.engine)
    finally:
        opened.practice.close()
    again = ps.connect(on_server)  # File ▸ Open Recent: the password from the keyring
    try:
        assert again.password_saved and again.practice.settings()["practice_name"] == NAME
    finally:
        again.practice.close()


def test_a_wrong_password_is_said_plainly(on_server, memory_keyring):  # noqa: F811
    for call in (ps.try_connection, ps.connect):
        e = _refusal(call, on_server, "not the password")
        assert e.reason == "password" and e.field == "password"
        assert e.message == (f"The server refused the password for the user \u201c{DESK}\u201d. Check the user "
                             "name and the password, then try again.")
    assert memory_keyring.secrets == {}  # a refused password is not kept


def test_no_password_typed_and_none_saved_asks_for_it(on_server, memory_keyring):  # noqa: F811
    e = _refusal(ps.connect, on_server, "")
    assert e.reason == "no_password" and "Type it in the Password box" in e.message


def test_a_saved_password_that_no_longer_works_is_refused_like_a_typed_one(on_server, memory_keyring):  # noqa: F811
    keyring_store.set_secret(on_server.keyring_name, "the old password")
    e = _refusal(ps.connect, on_server, None)
    assert e.reason == "password"


def test_a_missing_database_is_named(on_server, memory_keyring):  # noqa: F811
    gone = ps.ServerAddress(on_server.host, on_server.port, "no_such_practice", DESK)
    e = _refusal(ps.connect, gone, DESK_PASSWORD)
    assert e.reason == "no_database" and e.field == "database"
    assert e.message.startswith("There is no database \u201cno_such_practice\u201d on 127.0.0.1:")


def test_a_database_without_a_practice_is_refused_untouched(password_pg, memory_keyring):  # noqa: F811
    db = f"pdconn{os.getpid()}_empty"
    url = password_pg.new_database(db)
    a = ps.ServerAddress(password_pg.host, password_pg.port, db, DESK)
    try:
        for call in (ps.try_connection, ps.connect):
            e = _refusal(call, a, DESK_PASSWORD)
            assert e.reason == "not_practice" and e.field == "database" and "holds no practice" in e.message
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == []
        engine.dispose()
    finally:
        password_pg.admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def test_a_practice_made_by_a_newer_version_is_refused(password_pg, on_server, memory_keyring):  # noqa: F811
    db = f"pdconn{os.getpid()}_newer"
    password_pg.admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)',
                      f'CREATE DATABASE "{db}" TEMPLATE "{on_server.database}" OWNER {DESK}')
    engine = create_engine(password_pg.url(db), poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00000000099'")
    engine.dispose()
    a = ps.ServerAddress(password_pg.host, password_pg.port, db, DESK)
    try:
        for call in (ps.try_connection, ps.connect):
            e = _refusal(call, a, DESK_PASSWORD)
            assert e.reason == "newer" and "newer version of Practice Desk" in e.message
    finally:
        password_pg.admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def test_a_server_that_cannot_be_reached_is_said_plainly(memory_keyring):  # noqa: F811
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    a = ps.ServerAddress("127.0.0.1", port, "practice", "anna")
    for call in (ps.try_connection, ps.connect):
        e = _refusal(call, a, "pw")
        assert e.reason == "unreachable" and e.field == "server"
        assert e.message.startswith(f"The server at 127.0.0.1:{port} could not be reached.")


def test_an_unknown_server_name_is_said_plainly(memory_keyring):  # noqa: F811
    e = _refusal(ps.try_connection, ps.ServerAddress("no-such-host.invalid", 5432, "practice", "anna"), "pw")
    assert e.reason in ("no_host", "unreachable") and e.field == "server"


def test_something_that_is_not_postgresql_on_the_port_is_said_plainly(memory_keyring):  # noqa: F811
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def answer():
        for _ in range(2):
            try:
                conn, _addr = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    t = threading.Thread(target=answer, daemon=True)
    t.start()
    try:
        e = _refusal(ps.try_connection, ps.ServerAddress("127.0.0.1", port, "practice", "anna"), "pw")
        assert e.reason == "not_postgres" and e.field == "port"
    finally:
        listener.close()


def test_without_a_keyring_the_practice_opens_and_says_the_password_was_not_kept(on_server, no_keyring):  # noqa: F811
    assert ps.keyring_state()[0] is False
    opened = ps.connect(on_server, DESK_PASSWORD)
    try:
        assert not opened.password_saved
        assert opened.note.startswith("This computer has no password store") and "next time" in opened.note
        assert DESK_PASSWORD not in opened.note
    finally:
        opened.practice.close()
    e = _refusal(ps.connect, on_server, None)  # nothing was kept anywhere: asked again
    assert e.reason == "no_password"

"""Live refresh on PostgreSQL (issue 17 item 2): every committed write that recorded audit entries
notifies the practice's channel (pg_notify inside the transaction, so only on commit); a desk's
ChangeWatcher LISTENs on a connection of its own and hears a booking made through another desk's
connection at its next poll, without querying the database while nothing is saved; a rolled-back
write notifies nothing; a lost listening connection is made again (what was saved meanwhile still
reported), and a poll while the server is out of reach reports nothing rather than failing; without
LISTEN it reads the audit log each poll, as before."""
from __future__ import annotations

from datetime import datetime

import psycopg
import pytest
from sqlalchemy import event

from app.services import audit, changes
from app.services.messaging import outbox
from app.services.people import clients
from app.services.practice import CHANGES_CHANNEL
from app.services.scheduling import sessions
from tests.races import open_again

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def desk2(practice, clock):
    p = open_again(practice, clock)  # another workstation: its own engine and connections
    yield p
    p.close()


@pytest.fixture
def watcher(practice):
    w = changes.ChangeWatcher(practice)
    yield w
    w.close()


def _book(desk, admin, make, hour=10):
    svc, pr, cl = make.service(), make.practitioner(), make.client()
    [s] = sessions.add_session(desk, admin, sessions.SessionInput(
        datetime(2026, 2, 2, hour), datetime(2026, 2, 2, hour, 50), svc.id, pr.id, (cl.id,)))
    return s


class Heard:
    """What the watcher has reported so far, one poll per call (for qtbot.waitUntil)."""

    def __init__(self, watcher):
        self.watcher, self.kinds = watcher, set()

    def __call__(self, kind):
        self.kinds |= self.watcher.poll()
        return kind in self.kinds


def _count_queries(engine):
    n = [0]

    def count(*_a, **_k):
        n[0] += 1
    event.listen(engine, "before_cursor_execute", count)
    return n, lambda: event.remove(engine, "before_cursor_execute", count)


def test_a_booking_at_another_desk_is_heard_at_the_next_poll(qtbot, practice, desk2, admin, make, request):
    svc, pr, cl = make.service(), make.practitioner(), make.client()
    watcher = request.getfixturevalue("watcher")  # made after those saves: it hears only what follows
    assert watcher.listening
    n, stop = _count_queries(practice.engine)
    try:
        for _ in range(5):
            assert watcher.poll() == frozenset()
        assert n[0] == 0  # nothing saved: the polls asked the database nothing
    finally:
        stop()
    sessions.add_session(desk2, admin, sessions.SessionInput(
        datetime(2026, 2, 2, 10), datetime(2026, 2, 2, 10, 50), svc.id, pr.id, (cl.id,)))
    heard = Heard(watcher)
    qtbot.waitUntil(lambda: heard(changes.SESSIONS), timeout=2000)
    assert heard.kinds == {changes.SESSIONS, changes.LEDGER}
    assert watcher.poll() == frozenset()  # reported once
    clients.create_client(desk2, admin, clients.ClientInput("New", "Person"))
    heard = Heard(watcher)
    qtbot.waitUntil(lambda: heard(changes.CLIENTS), timeout=2000)
    assert changes.SESSIONS not in heard.kinds


def test_a_rolled_back_write_notifies_nothing(qtbot, practice, desk2, admin, make, watcher):
    m = outbox.queue_message(practice, admin, outbox.MessageDraft("email", "a@b.test", "Hi", subject="Hi"))
    watcher.poll()
    args, kwargs = practice.engine.dialect.create_connect_args(practice.engine.url)
    kwargs.pop("context", None)
    with psycopg.connect(*args, **kwargs, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANGES_CHANNEL}")
        with pytest.raises(RuntimeError), desk2.uow() as tx:
            audit.record(tx, desk2, admin, "location.create", "location", 1)
            raise RuntimeError("the action failed: rolled back")
        outbox.send_message(desk2, admin, m.id)  # committed, no audit entry: nobody needs to look
        clients.create_client(desk2, admin, clients.ClientInput("After", "Rollback"))
        got = []
        qtbot.waitUntil(lambda: bool(got.extend(listener.notifies(timeout=0)) or got), timeout=2000)
    # notifications come in commit order: the client's is the first and only one
    assert [n.payload for n in got] == ["client"]
    heard = Heard(watcher)
    qtbot.waitUntil(lambda: heard(changes.CLIENTS), timeout=2000)
    assert changes.CATALOG not in heard.kinds


def _cut_listening(practice):
    with practice.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %(name)s AND datname = current_database()",
            {"name": changes.LISTENER_NAME}).scalar()


def test_a_lost_listening_connection_is_made_again(qtbot, practice, desk2, admin, make, watcher):
    # as when the server restarts: the server ends the watcher's connection
    assert watcher.listening and _cut_listening(practice) == 1
    _book(desk2, admin, make)  # saved while (perhaps) not listening
    heard = Heard(watcher)
    qtbot.waitUntil(lambda: heard(changes.SESSIONS), timeout=3000)

    def listening_again():
        assert watcher.poll() == frozenset()
        return watcher.listening
    qtbot.waitUntil(listening_again, timeout=5000)
    clients.create_client(desk2, admin, clients.ClientInput("While", "Listening"))
    heard = Heard(watcher)
    qtbot.waitUntil(lambda: heard(changes.CLIENTS), timeout=2000)


def test_every_connection_cut_as_by_a_server_restart(qtbot, practice, desk2, admin, make, watcher):
    svc, pr, cl = make.service(), make.practitioner(), make.client()
    watcher.poll()
    practice.settings()  # the desk's pool holds a connection
    with desk2.engine.connect() as conn:  # all of this database's other connections end (the watcher's too)
        cut = conn.exec_driver_sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar()
    assert cut >= 2
    sessions.add_session(desk2, admin, sessions.SessionInput(  # the other desk's connection was spared
        datetime(2026, 2, 2, 10), datetime(2026, 2, 2, 10, 50), svc.id, pr.id, (cl.id,)))
    # no poll raises (a dead connection is met, then new ones are made), and the booking is reported
    heard = Heard(watcher)
    qtbot.waitUntil(lambda: heard(changes.SESSIONS), timeout=5000)


def test_a_desk_whose_connections_the_server_ended_goes_on(practice, desk2, admin):
    # a server restart or a network cut ends the pooled connections: the next action works (each
    # connection is tested when taken from the pool, and a dead one replaced), it does not fail once
    practice.settings_changed()
    practice.settings()  # the desk's pool holds a connection
    with desk2.engine.connect() as conn:
        cut = conn.exec_driver_sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar()
    assert cut >= 1
    made = clients.create_client(practice, admin, clients.ClientInput("After", "Restart"))
    practice.settings_changed()
    assert practice.settings()["timezone"] and clients.get_client(practice, admin, made.id).last_name == "Restart"


def test_without_listen_the_audit_log_is_read_each_poll(monkeypatch, practice, desk2, admin, make):
    def refused(*_a, **_k):
        raise psycopg.OperationalError("LISTEN is not possible here")
    monkeypatch.setattr(changes, "_listen_connection", refused)
    w = changes.ChangeWatcher(practice)
    try:
        assert not w.listening
        assert w.poll() == frozenset()
        _book(desk2, admin, make)
        assert changes.SESSIONS in w.poll()  # read from the audit log at once
        assert w.poll() == frozenset()
    finally:
        w.close()

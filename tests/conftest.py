"""Shared fixtures: a fresh migrated practice file per test, a fixed clock, actors and builders."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists (STACK trap 3)

import shutil
from datetime import UTC, datetime

import pytest

from app.services.clock import FixedClock
from app.services.people import clients, passwords, practitioners, users
from app.services.practice import Actor, Practice
from app.services.scheduling import catalog, sessions
from tests.password_pg import password_pg  # noqa: F401 - a server that asks for passwords (File > Connect to Practice Server)

# Password hashes made during the tests use a cheap work factor: OWASP's (passwords.OWASP, the
# production default) costs ~0.4 s and 128 MiB per hash, and the suite makes thousands. Only new
# hashes are affected (a stored hash is always checked with its own parameters); the production
# default and the upgrade of weak hashes are proved in tests/services/test_sign_in.py. Worker
# processes started by tests/races.py set the same value (they do not import this file).
TEST_SCRYPT = passwords.ScryptParams(n=2**10, r=8, p=1)
passwords.PARAMS = TEST_SCRYPT

TZ = "America/New_York"
ADMIN_PASSWORD = "correct horse"


# PRACTICE_DB=postgres runs the same tests on PostgreSQL (issue 17): each test gets a fresh database
# cloned from a migrated template database, on the server of PRACTICE_PG_URL (an admin URL, database
# "postgres": `python -m tests.pg_server start` prints one), or on one started for this run and
# stopped after it. Tests about the practice FILE itself (backups, file checks, a desk killed
# mid-write, creating and opening files) are marked `sqlite_only` and skipped there, saying why.
ON_POSTGRES = os.environ.get("PRACTICE_DB", "sqlite").lower() in ("postgres", "postgresql", "pg")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): about the SQLite practice file; skipped under "
                                       "PRACTICE_DB=postgres with the reason given")
    config.addinivalue_line("markers", "postgres_only: about PostgreSQL mode; runs under PRACTICE_DB=postgres")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if ON_POSTGRES:
            mark = item.get_closest_marker("sqlite_only")
            if mark is not None:
                reason = mark.kwargs.get("reason") or (mark.args[0] if mark.args else "about the SQLite file")
                item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        elif item.get_closest_marker("postgres_only") is not None:
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only: run with PRACTICE_DB=postgres "
                                                    "(make test-postgres)"))


@pytest.fixture(scope="session")
def pg_server():
    """The admin URL of the PostgreSQL server of this run (only under PRACTICE_DB=postgres)."""
    from tests import pg_server as server

    url = os.environ.get("PRACTICE_PG_URL")
    if url:
        yield url
        return
    started = server._running_folder() is None
    yield server.start()
    if started:
        server.stop()


class PgDatabases:
    """Creates and drops the databases of one run on the server (names unique to this process)."""

    def __init__(self, admin_url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin_url = make_url(admin_url)
        self.engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        self.prefix = f"pd{os.getpid()}"
        self.n = 0
        self.retired: list[str] = []
        self._drop_leftovers()

    def _drop_leftovers(self) -> None:
        """The databases of an earlier run that was killed (its process is gone)."""
        with self.engine.connect() as conn:
            names = conn.exec_driver_sql("SELECT datname FROM pg_database WHERE datname ~ '^pd[0-9]+_'").scalars()
            for name in list(names):
                pid = int(name[2:].split("_")[0])
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except PermissionError:
                    pass

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            # FILE_COPY: ~0.08 s for a practice, against ~0.7 s for PostgreSQL 15's default WAL_LOG
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"'
                                 + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
        return self.url(name)

    def drop(self, name: str) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    LAG = 10  # test databases kept after their test (~9 MB each)

    def retire(self, name: str) -> None:
        """Drop a test's database some tests later: as a practice file outlives its test in pytest's
        tmp_path, a window a view test leaves open (a timer still firing) keeps its database."""
        self.retired.append(name)
        while len(self.retired) > self.LAG:
            self.drop(self.retired.pop(0))

    def next_name(self) -> str:
        self.n += 1
        return f"{self.prefix}_t{self.n}"


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


@pytest.fixture(scope="session")
def pg_databases(pg_server):
    dbs = PgDatabases(pg_server)
    yield dbs
    for name in dbs.retired:
        dbs.drop(name)
    dbs.engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory, request):
    """One migrated practice with its admin; each test gets a copy (migrating is the slow part).
    A file on SQLite; under PRACTICE_DB=postgres, the name of a template database."""
    if ON_POSTGRES:
        dbs = request.getfixturevalue("pg_databases")
        name = f"{dbs.prefix}_template"
        url = dbs.create(name)
        p = users.create_practice_on_server(url, "Test Practice", TZ, "admin", ADMIN_PASSWORD)
        p.close()
        yield name
        dbs.drop(name)
        return
    path = tmp_path_factory.mktemp("template") / "practice.sqlite"
    p = users.create_practice(path, "Test Practice", TZ, "admin", ADMIN_PASSWORD)
    p.close()
    yield path


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 1, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def practice(template_db, tmp_path, clock, request):
    if ON_POSTGRES:
        dbs = request.getfixturevalue("pg_databases")
        name = dbs.next_name()
        p = Practice.connect(dbs.create(name, template=template_db), clock=clock)
        yield p
        p.close()
        dbs.retire(name)
        return
    path = tmp_path / "practice.sqlite"
    shutil.copy(template_db, path)
    p = Practice.open(path, clock=clock)
    yield p
    p.close()


@pytest.fixture
def impatient(practice, clock):
    """The same practice opened by a second desk that waits only 100 ms for the write lock."""
    from app.db import make_engine, sqlite_url

    url = practice.engine.url.render_as_string(hide_password=False) if practice.path is None \
        else sqlite_url(practice.path)
    p = Practice(make_engine(url, busy_timeout_ms=100), clock=clock, path=practice.path)
    yield p
    p.close()


@pytest.fixture
def admin(practice):
    return users.first_admin(practice).actor


class Builder:
    """Makes records with sensible defaults so each test says only what matters."""

    def __init__(self, practice: Practice, admin: Actor):
        self.p, self.admin, self.n = practice, admin, 0

    def _next(self) -> int:
        self.n += 1
        return self.n

    def client(self, first="Client", last=None, **kw):
        last = last or f"Number{self._next()}"
        return clients.create_client(self.p, self.admin, clients.ClientInput(first, last, **kw))

    def practitioner(self, name=None, **kw):
        return practitioners.create_practitioner(
            self.p, self.admin, practitioners.PractitionerInput(name or f"Practitioner {self._next()}", **kw))

    def service(self, name=None, kind="fixed", cost=8000, wage=4000, **kw):
        return catalog.create_service(self.p, self.admin, catalog.ServiceInput(
            name or f"Service {self._next()}", kind, cost, wage, **kw))

    def location(self, name=None, **kw):
        return catalog.create_location(self.p, self.admin, name or f"Room {self._next()}", **kw)

    def user(self, role, practitioner_id=None):
        n = self._next()
        return users.create_user(self.p, self.admin, f"{role}{n}", f"{role.title()} {n}", role, "password123",
                                 practitioner_id=practitioner_id).actor

    def session(self, start, end, service, practitioner, client_list, actor=None, recurrence=None,
                confirm=False, location=None, **kw):
        data = sessions.SessionInput(
            start=start, end=end, service_id=service.id, practitioner_id=practitioner.id,
            client_ids=tuple(c.id for c in client_list), location_id=location.id if location else None, **kw)
        return sessions.add_session(self.p, actor or self.admin, data, recurrence=recurrence, confirm=confirm)


@pytest.fixture
def make(practice, admin):
    return Builder(practice, admin)

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

# Password hashes made during the tests use a cheap work factor: OWASP's (passwords.OWASP, the
# production default) costs ~0.4 s and 128 MiB per hash, and the suite makes thousands. Only new
# hashes are affected (a stored hash is always checked with its own parameters); the production
# default and the upgrade of weak hashes are proved in tests/services/test_sign_in.py. Worker
# processes started by tests/races.py set the same value (they do not import this file).
TEST_SCRYPT = passwords.ScryptParams(n=2**10, r=8, p=1)
passwords.PARAMS = TEST_SCRYPT

TZ = "America/New_York"
ADMIN_PASSWORD = "correct horse"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """One migrated practice file with its admin; each test gets a copy (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "practice.sqlite"
    p = users.create_practice(path, "Test Practice", TZ, "admin", ADMIN_PASSWORD)
    p.close()
    return path


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 1, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def practice(template_db, tmp_path, clock):
    path = tmp_path / "practice.sqlite"
    shutil.copy(template_db, path)
    p = Practice.open(path, clock=clock)
    yield p
    p.close()


@pytest.fixture
def impatient(practice, clock):
    """The same practice file opened by a second desk that waits only 100 ms for the write lock."""
    from app.db import make_engine, sqlite_url

    p = Practice(make_engine(sqlite_url(practice.path), busy_timeout_ms=100), clock=clock, path=practice.path)
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

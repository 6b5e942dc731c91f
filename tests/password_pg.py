"""A PostgreSQL server that asks for passwords (scram-sha-256), for the tests of File ▸ Connect to Practice
Server… (the server of tests/pg_server.py trusts every connection, so a wrong password would pass).

Started once per test run, whichever database the rest of the suite uses, on a free port in its own
temporary folder (as the postgres user when we are root, as tests/pg_server.py does), and stopped at
the end. The tests that need it skip, saying why, where PostgreSQL is not installed.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ADMIN, ADMIN_PASSWORD = "owner", "Adm1n-pw-9f2c"
DESK, DESK_PASSWORD = "desk", "D3sk pw/7c1e@x:#"  # a space, / @ : #: quoted right in the URL (ASCII: typed by QTest)


@dataclass(frozen=True)
class PasswordServer:
    host: str
    port: int

    def url(self, database: str = "postgres", user: str = ADMIN, password: str = ADMIN_PASSWORD) -> str:
        from sqlalchemy.engine import URL

        return URL.create("postgresql+psycopg", username=user, password=password, host=self.host,
                          port=self.port, database=database).render_as_string(hide_password=False)

    def admin(self, *statements: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with engine.connect() as conn:
                for s in statements:
                    conn.exec_driver_sql(s)
        finally:
            engine.dispose()

    def new_database(self, name: str) -> str:
        """An empty database ``name`` the desk user owns (dropped first if it is there)."""
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}" OWNER {DESK}')
        return self.url(name, DESK, DESK_PASSWORD)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def password_pg():
    from tests import pg_server

    bin_dir = pg_server._bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed here (sudo apt-get install -y postgresql, or make test-postgres)")
    folder = Path(tempfile.mkdtemp(prefix="practice-desk-pwpg-"))
    (folder / "pw").write_text(ADMIN_PASSWORD + "\n")
    if os.geteuid() == 0:
        for p in (folder, folder / "pw"):
            shutil.chown(p, "postgres", "postgres")
    port = _free_port()
    as_pg = pg_server._as_postgres
    subprocess.run(as_pg(bin_dir / "initdb", "-D", folder / "data", "-U", ADMIN, "--auth=scram-sha-256",
                         f"--pwfile={folder / 'pw'}", "-E", "UTF8", "--locale=C.UTF-8"),
                   check=True, stdout=subprocess.DEVNULL)
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c full_page_writes=off "
               "-c synchronous_commit=off -c lc_messages=C")
    subprocess.run(as_pg(bin_dir / "pg_ctl", "-D", folder / "data", "-l", folder / "log", "-w", "-o", options,
                         "start"), check=True, stdout=subprocess.DEVNULL)
    server = PasswordServer("127.0.0.1", port)
    try:
        quoted = DESK_PASSWORD.replace("'", "''")
        server.admin(f"CREATE ROLE {DESK} LOGIN PASSWORD '{quoted}'")
        yield server
    finally:
        subprocess.run(as_pg(bin_dir / "pg_ctl", "-D", folder / "data", "-m", "fast", "-w", "stop"),
                       check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)

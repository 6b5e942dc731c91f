"""File ▸ Connect to Practice Server… (issue 17 item 1): a practice on a PostgreSQL server, opened
from the server's name, port, database and user name, without Qt.

The password is kept only in this computer's keyring (``integrations.keyring_store``, SPEC 0.6),
under a name made from the address (``Practice server anna@db.lan:5432/practice``): never in the
practice, a settings file, the recent-practices list or a log. A ``ServerAddress`` has no password
field at all, and its ``entry`` (what the recent list keeps) is the URL without one. Where the
computer has no keyring the practice still opens; the password is asked again next time.

Every refusal is a ``ValidationError`` naming the field, or ``ServerConnectionError`` whose message
says in plain words what is wrong (the password refused, the server not reachable, the database
missing, a database that holds no practice or one made by a newer version) and ``field`` the form
field to look at. Connecting waits at most ``CONNECT_TIMEOUT_S`` for a server that does not answer.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..integrations import keyring_store
from . import validate
from .errors import ServiceError, ValidationError

DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 5  # libpq's connect_timeout: a server that does not answer fails after this
DRIVER = "postgresql+psycopg"
NAME_MAX = 63  # PostgreSQL's longest database or user name (bytes)
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?)$")


class ServerConnectionError(ServiceError):
    """The practice on the server could not be opened. ``str()`` is for people; ``field`` the form
    field it is about ("password", "server", "port", "database", "user name") or "";
    ``reason``: password | no_password | unreachable | no_host | not_postgres | no_database | no_user
    | not_allowed | not_practice | newer | upgrade_failed | busy | other."""

    def __init__(self, message: str, reason: str, field: str = "", detail: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.field = field
        self.detail = detail  # the technical reason (never a password: libpq does not print it)


@dataclass(frozen=True)
class ServerAddress:
    """Where a practice lives on a server. No password: it is in the keyring."""

    host: str
    port: int
    database: str
    user: str

    def url(self, password: str | None = None) -> str:
        """The SQLAlchemy URL, with ``password`` when given: for connecting only, never shown or kept."""
        from sqlalchemy.engine import URL

        query = {"connect_timeout": str(CONNECT_TIMEOUT_S)}
        return URL.create(DRIVER, username=self.user, password=password or None, host=self.host.strip("[]"),
                          port=self.port, database=self.database, query=query).render_as_string(hide_password=False)

    @property
    def entry(self) -> str:
        """What File ▸ Open Recent keeps: the URL without a password (or any option)."""
        from sqlalchemy.engine import URL

        return URL.create(DRIVER, username=self.user, host=self.host.strip("[]"), port=self.port,
                          database=self.database).render_as_string(hide_password=True)

    @property
    def label(self) -> str:
        """For people: ``practice on db.lan:5432 (user anna)``."""
        host = f"[{self.host.strip('[]')}]" if ":" in self.host else self.host
        return f"{self.database} on {host}:{self.port} (user {self.user})"

    @property
    def keyring_name(self) -> str:
        return f"Practice server {self.user}@{self.host.strip('[]')}:{self.port}/{self.database}"

    @classmethod
    def from_entry(cls, entry: str) -> ServerAddress | None:
        """The address of a recent-list entry (or any server URL; a password in it is dropped), or
        None when it is not one."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if not isinstance(entry, str) or "://" not in entry or entry.startswith("sqlite"):
            return None
        try:
            url = make_url(entry)
            return check_address(url.host or "", url.port or DEFAULT_PORT, url.database or "", url.username or "")
        except (ArgumentError, ValueError, ValidationError):
            return None

    @classmethod
    def of_engine(cls, engine) -> ServerAddress | None:
        """The address of an open practice's engine; None for a practice file."""
        if engine.dialect.name != "postgresql":
            return None
        u = engine.url
        return cls(u.host or "", u.port or DEFAULT_PORT, u.database or "", u.username or "")


# -- checking what was typed -----------------------------------------------------------------------------

def _name(field: str, value, what: str) -> str:
    value = validate.text(field, value, 200)
    if len(value.encode("utf-8")) > NAME_MAX:
        raise ValidationError(field, f"is too long (a {what} has at most {NAME_MAX} letters)")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValidationError(field, "contains a character that cannot be used")
    return value


def check_address(host, port, database, user) -> ServerAddress:
    """The address as typed, checked field by field (``ValidationError`` names the first bad one).
    ``port`` may be text as typed ("" means the usual 5432)."""
    host = validate.text("server", host, 253)
    if not _HOST.match(host):
        raise ValidationError("server", "must be a computer name or address, such as db.practice.lan or "
                                        "192.168.1.20 (no spaces, slashes or 'http://')")
    if isinstance(port, str):
        typed = port.strip()
        if not typed:
            port = DEFAULT_PORT
        elif not typed.isdigit():
            raise ValidationError("port", "must be a whole number, usually 5432")
        else:
            port = int(typed)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValidationError("port", "must be a whole number from 1 to 65535, usually 5432")
    database = _name("database", database, "database name")
    user = _name("user name", user, "user name")
    return ServerAddress(host, port, database, user)


def check_password(password) -> str:
    if password is None:
        return ""
    return validate.given_password("password", password)


# -- the password in the keyring ---------------------------------------------------------------------

def keyring_state() -> tuple[bool, str]:
    """(True, "") when this computer can keep the password, else (False, why not in plain words)."""
    return keyring_store.available()


def has_saved_password(address: ServerAddress) -> bool:
    try:
        return bool(keyring_store.get_secret(address.keyring_name))
    except keyring_store.NoKeyring:
        return False


def saved_password(address: ServerAddress) -> str | None:
    """The password kept for ``address`` on this computer, or None (none kept, or no keyring)."""
    try:
        return keyring_store.get_secret(address.keyring_name) or None
    except keyring_store.NoKeyring:
        return None


def forget_password(address: ServerAddress) -> None:
    try:
        keyring_store.delete_secret(address.keyring_name)
    except keyring_store.NoKeyring:
        pass


# -- connecting ----------------------------------------------------------------------------------------

@dataclass
class ServerPractice:
    """A practice opened on a server by ``connect``."""

    practice: object  # services.practice.Practice, open
    address: ServerAddress
    password_saved: bool  # the password is kept in this computer's keyring
    note: str  # why it is not ("" when it is, or when no password was needed)


def _password_to_use(address: ServerAddress, password) -> str:
    password = check_password(password)
    return password or saved_password(address) or ""


def _refused(exc: BaseException, a: ServerAddress, had_password: bool) -> ServerConnectionError:
    """A driver error in plain words (libpq's messages are English, whatever the server's language is
    set to for its own log only when lc_messages is C; the checks below read libpq's own texts)."""
    orig = getattr(exc, "orig", None) or exc
    detail = str(orig).strip()
    low = detail.lower()
    where = f"{a.host.strip('[]')}:{a.port}"
    if "password authentication failed" in low or "authentication failed" in low:
        if had_password:
            return ServerConnectionError(f"The server refused the password for the user \u201c{a.user}\u201d. "
                                         "Check the user name and the password, then try again.", "password",
                                         "password", detail)
        return ServerConnectionError(f"The server asks for a password for the user \u201c{a.user}\u201d. "
                                     "Type it in the Password box.", "no_password", "password", detail)
    if "no password supplied" in low:
        return ServerConnectionError(f"The server asks for a password for the user \u201c{a.user}\u201d. "
                                     "Type it in the Password box.", "no_password", "password", detail)
    if "database" in low and "does not exist" in low:
        return ServerConnectionError(f"There is no database \u201c{a.database}\u201d on {where}. Check the "
                                     "database name with whoever set up the server.", "no_database", "database",
                                     detail)
    if "role" in low and "does not exist" in low:
        return ServerConnectionError(f"The server has no user \u201c{a.user}\u201d. Check the user name.",
                                     "no_user", "user name", detail)
    if "permission denied for database" in low or "not permitted to log in" in low or "pg_hba.conf" in low:
        return ServerConnectionError(f"The user \u201c{a.user}\u201d may not open the database "
                                     f"\u201c{a.database}\u201d on {where}. Ask whoever set up the server to "
                                     "allow it.", "not_allowed", "user name", detail)
    if "resolve host" in low or "translate host name" in low or "name or service not known" in low \
            or "nodename nor servname" in low or "no such host" in low:
        return ServerConnectionError(f"No computer called \u201c{a.host}\u201d was found on the network. "
                                     "Check the server name.", "no_host", "server", detail)
    if "ssl negotiation" in low or "invalid response" in low or "closed the connection unexpectedly" in low \
            or "received invalid" in low or "unsupported frontend protocol" in low:
        return ServerConnectionError(f"Something answered at {where}, but not a PostgreSQL database server. "
                                     f"Check the port (usually {DEFAULT_PORT}).", "not_postgres", "port", detail)
    if "too many clients" in low or "too many connections" in low or "starting up" in low \
            or "shutting down" in low:
        return ServerConnectionError(f"The server at {where} cannot take another connection right now. "
                                     "Please try again in a moment.", "busy", "", detail)
    if "refused" in low or "timeout" in low or "timed out" in low or "unreachable" in low \
            or "no route to host" in low or "could not connect" in low or "connection failed" in low:
        return ServerConnectionError(f"The server at {where} could not be reached. Check the server name and "
                                     "port, that this computer is on the practice's network, and that the "
                                     "database server is running.", "unreachable", "server", detail)
    return ServerConnectionError(f"The practice on {where} could not be opened: {detail.splitlines()[0] if detail else type(orig).__name__}",
                                 "other", "", detail)


def _revision_problem(rev: str | None, a: ServerAddress) -> ServerConnectionError | None:
    from ..db import known_revisions
    from ..migrations import HEAD_REVISION

    where = f"\u201c{a.database}\u201d on {a.host.strip('[]')}"
    if rev is None:
        return ServerConnectionError(f"The database {where} holds no practice (it is empty, or another "
                                     "program's). Nothing has been changed in it. Check the database name; "
                                     "to move a practice file there, use practice-desk copy-to-server.",
                                     "not_practice", "database")
    if rev != HEAD_REVISION and rev not in known_revisions():
        return ServerConnectionError(f"The practice in the database {where} was made by a newer version of "
                                     "Practice Desk. Please update Practice Desk on this computer to open it. "
                                     "Nothing has been changed in it.", "newer", "")
    return None


def try_connection(address: ServerAddress, password: str | None = None) -> str:
    """Connect, read which practice the database holds, and disconnect; changes nothing (an older
    practice is not upgraded here). A plain sentence saying it worked, or ServerConnectionError.
    ``password`` "" or None: the one saved on this computer, if any."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    secret = _password_to_use(address, password)
    engine = create_engine(address.url(secret), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            has = inspect(conn).has_table("alembic_version")
            rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if has else None
            problem = _revision_problem(rev, address)
            if problem is not None:
                raise problem
            raw = conn.execute(text("SELECT value FROM setting WHERE key = 'practice_name'")).scalar()
            conn.rollback()
    except DBAPIError as exc:
        raise _refused(exc, address, bool(secret)) from None
    finally:
        engine.dispose()
    name = json.loads(raw) if raw else "My Practice"
    from ..migrations import HEAD_REVISION

    later = "" if rev == HEAD_REVISION else " It will be brought up to this version of Practice Desk when opened."
    return f"Connected: the database holds the practice \u201c{name}\u201d.{later}"


def connect(address: ServerAddress, password: str | None = None, clock=None) -> ServerPractice:
    """Open the practice at ``address`` (upgraded if older, see ``app.db.open_server``), then keep a
    typed password in this computer's keyring for the next time (replacing the one kept before).
    ``password`` "" or None: the one saved on this computer, if any (File ▸ Open Recent).
    Raises ValidationError or ServerConnectionError; nothing is kept when it fails."""
    from sqlalchemy.exc import DBAPIError

    from ..db import NewerSchemaError, PracticeFileError, UpgradeFailed
    from .practice import Practice

    typed = check_password(password)
    secret = typed or saved_password(address) or ""
    try:
        practice = Practice.connect(address.url(secret), clock=clock)
    except DBAPIError as exc:
        raise _refused(exc, address, bool(secret)) from None
    except NewerSchemaError:
        raise _revision_problem("newer", address) from None  # not a known revision: the newer message
    except UpgradeFailed as exc:
        raise ServerConnectionError(f"The practice in \u201c{address.database}\u201d could not be brought up "
                                    "to this version of Practice Desk; it has been left as it was. Please "
                                    "contact support.", "upgrade_failed", "", exc.detail) from None
    except PracticeFileError as exc:
        if exc.reason == "not_practice":
            raise _revision_problem(None, address) from None
        raise ServerConnectionError(exc.message, exc.reason or "other", "", exc.detail) from None
    saved, note = False, ""
    if typed:
        try:
            keyring_store.set_secret(address.keyring_name, typed)
            saved = True
        except keyring_store.NoKeyring as exc:
            note = f"{exc} Practice Desk will ask for the server's password next time."
        except BaseException:
            practice.close()
            raise
    else:
        saved = bool(secret)
    return ServerPractice(practice, address, saved, note)

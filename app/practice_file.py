"""Is this file a practice? Checked before anything writes to it (SPEC 0.7); and putting a newly
built practice file in place in one step.

Plain ``sqlite3`` and reading only: a file that is refused is left byte for byte as it was, with no
``-wal``/``-shm`` files made beside it. Every refusal is a ``PracticeFileError`` whose message a
person can read (it names the file and says what to do); ``detail`` keeps the technical reason.
"""
from __future__ import annotations

import os
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every practice has had since its first version: another program's database lacks them.
PRACTICE_TABLES = frozenset({"alembic_version", "setting", "user_account", "ledger_entry"})
READ_TIMEOUT_S = 5.0  # how long the check waits for another program holding the file
LEFT_AS_IT_WAS = "It has been left as it was."
WRONG_FILE = f"{LEFT_AS_IT_WAS} Please check that this is the file you meant to open."


class PracticeFileError(RuntimeError):
    """A practice file that cannot be opened or upgraded. ``message`` is for people and names the
    file; the file itself has not been changed."""

    def __init__(self, path: str | Path, message: str, detail: str = "", reason: str = ""):
        super().__init__(message)
        self.path = Path(path)
        self.message = message
        self.detail = detail
        self.reason = reason  # missing | unreadable | not_practice | damaged | unfinished | busy | read_only | ...


class NewerSchemaError(PracticeFileError):
    """The file was written by a newer Practice Desk; we refuse to open it rather than damage it."""


class UpgradeFailed(PracticeFileError):
    """The schema upgrade failed; it was rolled back whole, the file is at its old revision."""


def is_writable(path: Path) -> bool:
    """Can we save to this practice? WAL needs the file and its folder (for ``-wal``/``-shm``)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def check_practice_file(path: str | Path, integrity: bool = True) -> str:
    """The schema revision of the practice at ``path``, or ``PracticeFileError`` saying plainly why
    it is not one we can open: missing, empty, not a database, damaged, another program's
    database, a practice whose setup was never finished, or read-only. Only reads the file.
    ``integrity=False`` leaves out SQLite's ``quick_check`` (the part that reads the whole file,
    ~0.35 s for 200,000 sessions): the quick first look of the start-up, before the sign-in dialog
    (app/startup.py), which the whole check then follows before anything else reads the file."""
    path = Path(path)
    wal_in_use = Path(f"{path}-wal").exists()  # open elsewhere now, or closed by a crash
    if path.is_file() and wal_in_use and not is_writable(path):
        raise _read_only(path)
    revision = read_revision(path, integrity=integrity)
    if not is_writable(path):
        raise _read_only(path)
    return revision


def read_revision(path: str | Path, thorough: bool = False, integrity: bool = True) -> str:
    """What ``check_practice_file`` checks, but for a file that will only be read (a backup, which
    may sit on read-only media): its schema revision, or ``PracticeFileError`` with a ``reason``.
    ``thorough`` runs the full ``integrity_check`` instead of ``quick_check``."""
    path = Path(path)
    if not path.exists():
        raise PracticeFileError(path, f"There is no practice file at {path}.", reason="missing")
    if not path.is_file():
        raise PracticeFileError(path, f"{path} is a folder, not a practice file.", reason="not_practice")
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise PracticeFileError(path, f"{path} could not be read: you may not have permission to open it.",
                                str(exc), reason="unreadable") from exc
    if not header:
        raise PracticeFileError(path, f"{path} is empty (0 bytes), so it is not a practice file. {WRONG_FILE}",
                                reason="not_practice")
    if not header.startswith(SQLITE_HEADER):
        raise PracticeFileError(path, f"{path} is not a practice file (it is not a database at all). "
                                      f"{WRONG_FILE}", reason="not_practice")
    return _read_revision(path, Path(f"{path}-wal").exists(), thorough, integrity)


def _read_revision(path: Path, wal_in_use: bool, thorough: bool = False, integrity: bool = True) -> str:
    # immutable=1 reads without locks or a -shm file, so nothing is created beside the file. It is
    # safe only while nobody else has the file open (no -wal beside it): otherwise a normal read-only
    # open takes the locks and reads the newest pages from the -wal too.
    uri = path.resolve().as_uri() + ("?mode=ro" if wal_in_use else "?mode=ro&immutable=1")
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=READ_TIMEOUT_S)) as conn:
            if integrity:
                check = conn.execute("PRAGMA integrity_check(1)" if thorough else "PRAGMA quick_check(1)").fetchone()
                if check != ("ok",):
                    raise _damaged(path, str(check[0] if check else "no answer from the integrity check"))
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                raise PracticeFileError(path, f"{path} is an empty database, not a practice file. {WRONG_FILE}",
                                        reason="not_practice")
            if not PRACTICE_TABLES <= tables:
                raise PracticeFileError(path, f"{path} is not a practice file: it is another program's database. "
                                              f"{WRONG_FILE}", reason="not_practice")
            versions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            has_users = conn.execute("SELECT EXISTS (SELECT 1 FROM user_account)").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):  # another program held it past the 5 s wait
            raise busy(path, str(exc)) from exc
        raise _damaged(path, str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from exc
    if len(versions) != 1 or not has_users:
        raise PracticeFileError(path, f"{path} is a practice whose setup was never finished (it has no user "
                                      f"accounts), so nobody can sign in. {LEFT_AS_IT_WAS}", reason="unfinished")
    return versions[0][0]


def _damaged(path: Path, detail: str) -> PracticeFileError:
    return PracticeFileError(path, f"{path} is damaged and cannot be opened safely. {LEFT_AS_IT_WAS} "
                                   "Please open a backup copy of it instead.", detail, reason="damaged")


def busy(path: Path, detail: str) -> PracticeFileError:
    return PracticeFileError(path, f"{path} is in use by another program or Practice Desk that did not let go "
                                   f"in time. Please try again in a moment. {LEFT_AS_IT_WAS}", detail, reason="busy")


def _read_only(path: Path) -> PracticeFileError:
    return PracticeFileError(path, f"{path} is read-only: Practice Desk could not save any change to it. "
                                   "Copy it to a folder where you may save files, or ask for permission "
                                   f"to change it. {LEFT_AS_IT_WAS}", reason="read_only")


# --- a new file appears whole ------------------------------------------------------------------------
def temporary_sibling(path: Path) -> Path:
    """A new, hidden file name beside ``path`` (same folder, so the final rename is one step)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")


def remove_with_sidecars(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


def put_in_place(built: Path, path: Path) -> None:
    """Make the finished database ``built`` (every connection to it closed) appear at ``path`` in
    one step: its WAL folded in so it stands alone, flushed to disk, then linked (or renamed) to
    ``path``. Refuses, with ``FileExistsError``, if ``path`` exists meanwhile."""
    wal = Path(f"{built}-wal")
    if wal.exists():
        with closing(sqlite3.connect(built)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if wal.exists() and wal.stat().st_size:
            raise RuntimeError(f"{built}: its write-ahead log could not be folded into it")
    for side in (wal, Path(f"{built}-shm")):
        side.unlink(missing_ok=True)
    with open(built, "rb+") as f:
        os.fsync(f.fileno())
    try:
        os.link(built, path)  # fails if path exists: never replaces someone's file
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system (FAT, some shares): check, then rename
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(built, path)
    else:
        built.unlink()
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is durable enough
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Backups of the practice file and restoring one (SPEC 0.7 "nothing lost").

A backup is a copy made with SQLite's online backup API, so what is still in the -wal file is
included and other workstations may keep working meanwhile. It is written under a temporary name
and renamed into place, so a half-written copy never looks like a backup, and it is one
self-contained file (journal mode DELETE). Names carry the local time and the kind:
``practice 2026-12-01 0441-07 auto.sqlite``.
"""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from .. import paths
from . import audit, validate
from .backup_rotation import backups_to_delete
from .errors import Busy, ValidationError
from .people.capabilities import capabilities
from .people.permissions import require_role
from .practice import Actor, Practice

AUTO, MANUAL, BEFORE_RESTORE, BEFORE_UPGRADE = "auto", "manual", "before-restore", "before-upgrade"
KINDS = (AUTO, MANUAL, BEFORE_RESTORE, BEFORE_UPGRADE)
DAILY = timedelta(hours=24)
SUFFIX = ".sqlite"
_NAME = re.compile(r"^(?P<stem>.+) (?P<day>\d{4}-\d{2}-\d{2}) (?P<hm>\d{4})-(?P<s>\d{2}) "
                   r"(?P<kind>auto|manual|before-restore|before-upgrade)(?: (?P<n>\d+))?\.sqlite$")
_BACK_UP_ROLES = ("admin", "staff")
_RESTORE_ROLES = ("admin",)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # aware, in the practice time zone
    kind: str  # auto | manual | before-restore | before-upgrade
    size_bytes: int


@dataclass(frozen=True)
class BackupCheck:
    path: Path
    revision: str
    needs_upgrade: bool  # made by an older version of the app: brought up to date after restoring
    taken_at: datetime | None = None  # from the file's name, when this app named it


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupCheck
    kept: BackupInfo  # the practice as it was just before, kept as a before-restore backup
    sign_in_again: bool = True  # the restored file has its own users: every window must sign in again


# who may -------------------------------------------------------------------------------------------
def can_back_up(actor: Actor) -> bool:
    return capabilities(actor).back_up


def can_restore(actor: Actor) -> bool:
    return capabilities(actor).restore


# where ---------------------------------------------------------------------------------------------
def _beside(practice_path: Path) -> Path:
    return practice_path.parent / f"{practice_path.stem} backups"


def _in_user_data(practice_path: Path) -> Path:
    digest = hashlib.sha256(str(practice_path.resolve()).encode()).hexdigest()[:8]
    return paths.data_dir() / "backups" / f"{practice_path.stem}-{digest}"


def backup_folder(practice_path: Path) -> Path:
    """Where new backups go: ``<stem> backups/`` beside the practice file, or a folder of its own
    in the user data folder when the file's folder cannot be written. Created if missing."""
    beside = _beside(practice_path)
    try:
        beside.mkdir(exist_ok=True)
        if os.access(beside, os.W_OK):
            return beside
    except OSError:
        pass
    fallback = _in_user_data(practice_path)
    try:
        fallback.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError("backup", f"No folder could be made for the backups, neither beside the practice "
                                        f"file nor in {fallback.parent}.") from exc
    return fallback


def _folders(practice_path: Path) -> list[Path]:
    return [f for f in (_beside(practice_path), _in_user_data(practice_path)) if f.is_dir()]


def _file_of(practice: Practice) -> Path:
    if practice.path is None:
        raise ValidationError("backup", "This practice is not kept in a file, so it has no backups.")
    return Path(practice.path)


def before_upgrade_path(practice_path: Path) -> Path:
    """Where ``Practice.open`` keeps the file as it was before a schema upgrade: with the other
    backups, so File > Restore From Backup lists it. Named in this computer's local time (the
    practice's own zone is inside the file, not yet open); written by ``app.db.upgrade``."""
    practice_path = Path(practice_path)
    local = datetime.now().astimezone().replace(microsecond=0, tzinfo=None)
    return _free_name(backup_folder(practice_path), practice_path.stem, local, BEFORE_UPGRADE)


# reading the folder ----------------------------------------------------------------------------------
def parse_name(path: Path, tz) -> BackupInfo | None:
    """The backup a file name describes, or None for a file this app did not make."""
    m = _NAME.match(path.name)
    if m is None:
        return None
    try:
        local = datetime.strptime(f"{m['day']} {m['hm']}{m['s']}", "%Y-%m-%d %H%M%S")
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupInfo(path, local.replace(tzinfo=tz), m["kind"], size)


def _scan(practice: Practice, folders: list[Path]) -> list[BackupInfo]:
    tz = practice.tz
    found = [info for folder in folders for p in folder.glob(f"*{SUFFIX}") if (info := parse_name(p, tz))]
    return sorted(found, key=_order, reverse=True)


def _order(b: BackupInfo) -> tuple:
    """Time, then the counter that tells apart backups made within one second."""
    return b.taken_at, int(_NAME.match(b.path.name)["n"] or 1)


def list_backups(practice: Practice, actor: Actor) -> list[BackupInfo]:
    """Every backup of this practice, newest first."""
    require_role(actor, *_BACK_UP_ROLES)
    return _scan(practice, _folders(_file_of(practice)))


# making one ------------------------------------------------------------------------------------------
def _free_name(folder: Path, stem: str, local: datetime, kind: str) -> Path:
    base = f"{stem} {local:%Y-%m-%d %H%M-%S} {kind}"
    target, n = folder / f"{base}{SUFFIX}", 1
    while target.exists():
        n += 1
        target = folder / f"{base} {n}{SUFFIX}"
    return target


def _copy_out(practice: Practice, kind: str) -> BackupInfo:
    source_path = _file_of(practice)
    folder = backup_folder(source_path)
    local = practice.clock.now().astimezone(practice.tz).replace(microsecond=0)
    target = _free_name(folder, source_path.stem, local, kind)
    partial = folder / f".{target.name}.partial"
    raw = practice.engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        if _locked(exc):
            raise Busy() from exc
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ValidationError("backup", f"The backup could not be written to {folder} ({reason}).") from exc
    finally:
        raw.close()
    return BackupInfo(target, local, kind, target.stat().st_size)


def _locked(exc: Exception) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower()


STALE_PARTIAL = timedelta(hours=6)  # a copy still unfinished after this long was cut off by a crash


def _rotate(practice: Practice, folder: Path) -> None:
    """Lets go of the backups the rotation does not keep, and of copies a crash left half-written."""
    now = practice.clock.now()
    stale = [p for p in folder.glob(".*.partial")  # file times are the computer's, not the practice clock
             if time.time() - p.stat().st_mtime > STALE_PARTIAL.total_seconds()]
    for old in [b.path for b in backups_to_delete(_scan(practice, [folder]), now.astimezone(practice.tz))] + stale:
        try:
            old.unlink(missing_ok=True)
        except OSError:
            pass  # a file that cannot be deleted is merely kept


def backup_now(practice: Practice, actor: Actor) -> BackupInfo:
    """File > Back Up Now: a manual backup (kept 90 days at least)."""
    require_role(actor, *_BACK_UP_ROLES)
    return _copy_out(practice, MANUAL)


def auto_backup(practice: Practice) -> BackupInfo:
    """The automatic backup (at start, then daily), followed by the rotation."""
    info = _copy_out(practice, AUTO)
    _rotate(practice, info.path.parent)
    return info


def daily_backup_due(practice: Practice) -> bool:
    autos = [b for b in _scan(practice, _folders(_file_of(practice))) if b.kind == AUTO]
    return not autos or practice.clock.now() - autos[0].taken_at >= DAILY


def auto_backup_if_due(practice: Practice) -> BackupInfo | None:
    return auto_backup(practice) if daily_backup_due(practice) else None


# checking and restoring --------------------------------------------------------------------------------
def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _refusal(name: str, reason: str) -> str:
    """The file check's finding, worded for someone choosing a backup to go back to."""
    if reason == "missing":
        return f"{name} is no longer there."
    if reason == "damaged":
        return f"{name} is damaged, so it cannot be restored. Please choose another backup."
    if reason == "unfinished":  # nobody could sign in after restoring it
        return (f"{name} is a practice whose setup was never finished (it has no user accounts), "
                "so it cannot be restored.")
    if reason == "busy":
        return f"{name} is in use by another program. Please try again in a moment."
    if reason == "unreadable":
        return f"{name} could not be opened: you may not have permission to read it."
    return f"{name} is not a Practice Desk practice file."


def check_backup(path: Path, tz=None) -> BackupCheck:
    """Is this file a sound practice this app can open? The same check as opening a practice file
    (``app.practice_file``), but thorough (``integrity_check``) and reading only, so a backup on
    read-only media qualifies. Refuses with a plain message otherwise.
    With the practice time zone ``tz``, ``taken_at`` is read from the file's name."""
    validate.a_path("backup", path)
    if tz is not None and not isinstance(tz, tzinfo):
        raise ValidationError("time zone", "is not a time zone")
    from ..db import known_revisions
    from ..migrations import HEAD_REVISION
    from ..practice_file import PracticeFileError, read_revision

    path = Path(path)
    name = f"\u201c{path.name}\u201d"
    try:
        revision = read_revision(path, thorough=True)
    except PracticeFileError as exc:
        raise ValidationError("backup", _refusal(name, exc.reason)) from exc
    if revision not in known_revisions():
        raise ValidationError("backup", f"{name} was made by a newer version of Practice Desk. "
                                        "Please update the application before restoring it.")
    info = parse_name(path, tz) if tz is not None else None
    return BackupCheck(path, revision, revision != HEAD_REVISION, info.taken_at if info else None)


def restore_backup(practice: Practice, actor: Actor, path: Path) -> RestoreResult:
    """Replace the practice with a checked backup. The current state is kept first as a
    before-restore backup; the copy goes into the live database in one step (online backup API),
    so other connections and the -wal file stay consistent. The desk that restores signs in
    again; other workstations see the restored data at their next refresh and should be restarted."""
    validate.a_path("backup", path)
    require_role(actor, *_RESTORE_ROLES)
    live = _file_of(practice)
    path = Path(path)
    if path.exists() and path.resolve() == live.resolve():
        raise ValidationError("backup", "That is the practice file itself, not a backup of it.")
    check = check_backup(path, practice.tz)
    kept = _copy_out(practice, BEFORE_RESTORE)
    try:
        _copy_in(practice, path)
    except (Busy, ValidationError):  # nothing was changed, so the copy kept for it is not needed
        kept.path.unlink(missing_ok=True)
        raise
    if check.needs_upgrade:
        from ..db import upgrade

        try:
            upgrade(practice.engine)
        except Exception:
            _copy_in(practice, kept.path, give_up_when_busy=False)  # a failed upgrade leaves it as it was
            raise
    practice.settings_changed()
    with practice.uow() as tx:  # after the copy, so this lands in the restored file
        audit.record(tx, practice, actor, "backup.restore", "practice", None, backup=path.name,
                     revision=check.revision, kept_as=kept.path.name)
    return RestoreResult(check, kept)


class _StillBusy(Exception):
    pass


def _give_up_when_busy(status: int, _remaining: int, _total: int) -> None:
    """sqlite3's ``backup()`` retries a busy destination without end; past the busy timeout (the
    destination's busy handler has waited already) it is ``Busy`` like any other save."""
    if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        raise _StillBusy


def _copy_in(practice: Practice, path: Path, give_up_when_busy: bool = True) -> None:
    """One step (all pages), so a copy refused as busy has changed nothing. Putting the practice
    back after a failed upgrade waits as long as it takes instead (``give_up_when_busy=False``)."""
    source = _open_read_only(path)
    raw = practice.engine.raw_connection()
    try:
        source.backup(raw.driver_connection, progress=_give_up_when_busy if give_up_when_busy else None)
    except _StillBusy as exc:
        raise Busy() from exc
    except sqlite3.Error as exc:
        if _locked(exc):
            raise Busy() from exc
        raise ValidationError("backup", f"\u201c{path.name}\u201d could not be restored ({exc}). "
                                        "The practice was not changed.") from exc
    finally:
        raw.close()
        source.close()

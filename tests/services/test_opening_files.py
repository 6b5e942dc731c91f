"""SPEC 0.7: a file that is not a practice we can open is refused with a plain message naming it,
and left byte for byte as it was: no practice tables added, no -wal/-shm files made beside it."""
from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

import app.practice_file
from app.db import NewerSchemaError, PracticeFileError, open_practice
from app.services.practice import Practice

from .practice_files import practice_at, sha, side_files, tables

pytestmark = pytest.mark.sqlite_only(reason="checks and opens practice files")

ROOT = Path(__file__).resolve().parents[2]


def _other_programs_database(path: Path, wal: bool = False) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        if wal:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO contacts (name) VALUES (?)", [("Ada",), ("Grace",)])
        conn.commit()
    return path


def _clashing_table(path: Path) -> Path:
    """Someone's own file that happens to hold a table named like one of ours."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE closure (id INTEGER PRIMARY KEY, day TEXT)")
        conn.commit()
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _empty_database(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 7")  # writes the header page: a valid database, no tables
        conn.commit()
    return path


def _truncated_practice(template: Path, path: Path) -> Path:
    data = template.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _header_then_noise(path: Path) -> Path:
    return _bytes(path, b"SQLite format 3\x00" + random.Random(3).randbytes(8192))


def _newer(template: Path, path: Path) -> Path:
    shutil.copy(template, path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        conn.commit()
    return path


BAD_FILES = {  # name -> (make it, words the message must hold)
    "another program's database": (lambda t, p: _other_programs_database(p), "another program's database"),
    "another program's WAL database": (lambda t, p: _other_programs_database(p, wal=True),
                                       "another program's database"),
    "a table clashing with ours": (lambda t, p: _clashing_table(p), "another program's database"),
    "zero bytes": (lambda t, p: _bytes(p, b""), "empty (0 bytes)"),
    "random bytes": (lambda t, p: _bytes(p, random.Random(7).randbytes(6000)), "not a database at all"),
    "an empty database": (lambda t, p: _empty_database(p), "empty database"),
    "a practice cut off in the middle": (_truncated_practice, "damaged"),
    "a database header then noise": (lambda t, p: _header_then_noise(p), "damaged"),
    "a newer Practice Desk's file": (_newer, "newer version of Practice Desk"),
    "a practice never finished (no users)": (lambda t, p: practice_at(p, "head", with_user=False),
                                             "never finished"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_spec_0_7_a_file_that_is_not_a_practice_is_refused_untouched(kind, template_db, tmp_path):
    make, words = BAD_FILES[kind]
    path = make(template_db, tmp_path / "chosen file.sqlite")
    before, before_tables = sha(path), _tables_or_none(path)
    for opener in (open_practice, Practice.open):
        with pytest.raises(PracticeFileError) as refused:
            opener(path)
        message = refused.value.message
        assert str(path) in message and words in message
        assert "left as it was" in message
        assert not any(w in message for w in ("Traceback", "sqlite3.", "Error", "alembic", "SPEC"))
    assert sha(path) == before
    assert side_files(path) == []
    assert _tables_or_none(path) == before_tables  # no practice tables added


def _tables_or_none(path: Path) -> set[str] | None:
    try:
        return tables(path)
    except sqlite3.DatabaseError:
        return None


def test_spec_0_7_a_newer_file_is_one_kind_of_refusal(template_db, tmp_path):
    path = _newer(template_db, tmp_path / "newer.sqlite")
    with pytest.raises(NewerSchemaError) as refused:
        open_practice(path)
    assert isinstance(refused.value, PracticeFileError) and refused.value.path == path


def test_spec_0_7_a_missing_file_is_not_created(tmp_path):
    path = tmp_path / "nowhere" / "practice.sqlite"
    with pytest.raises(PracticeFileError, match="There is no practice file at"):
        Practice.open(path)
    assert not path.exists() and not path.parent.exists()


def test_spec_0_7_a_folder_is_refused(tmp_path):
    with pytest.raises(PracticeFileError, match="is a folder"):
        open_practice(tmp_path)


# --- read-only files ---------------------------------------------------------------------------------
# Tests run as root, for whom permissions never block a write, so the check is exercised twice: with
# the permission test replaced (in this process), and for real in a child process that runs without
# the capability that lets root ignore permissions (setpriv drops CAP_DAC_OVERRIDE).

def test_spec_0_7_a_read_only_practice_is_refused_untouched(template_db, tmp_path, monkeypatch):
    path = tmp_path / "practice.sqlite"
    shutil.copy(template_db, path)
    before = sha(path)
    monkeypatch.setattr(app.practice_file, "is_writable", lambda p: False)
    with pytest.raises(PracticeFileError, match="is read-only") as refused:
        Practice.open(path)
    assert str(path) in refused.value.message
    assert sha(path) == before and side_files(path) == []


_OPEN_IN_CHILD = textwrap.dedent("""
    import sys
    from app.db import PracticeFileError, open_practice
    try:
        open_practice(sys.argv[1]).dispose()
    except PracticeFileError as exc:
        print(exc.message)
    else:
        print("opened")
""")


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_spec_0_7_read_only_for_real_in_a_child_without_root_powers(read_only, template_db, tmp_path):
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's power to ignore permissions")
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "practice.sqlite"
    shutil.copy(template_db, path)
    before = sha(path)
    path.chmod(0o444 if read_only == "file" else 0o644)
    folder.chmod(0o555)
    try:
        out = subprocess.run([setpriv, "--bounding-set", "-dac_override,-dac_read_search", sys.executable, "-c",
                              _OPEN_IN_CHILD, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert out.returncode == 0, out.stderr
    assert "is read-only" in out.stdout and str(path) in out.stdout
    assert sha(path) == before and side_files(path) == []


def test_spec_0_7_a_file_held_by_another_program_is_busy_not_damaged(template_db, tmp_path, monkeypatch):
    path = tmp_path / "practice.sqlite"
    shutil.copy(template_db, path)
    monkeypatch.setattr(app.practice_file, "READ_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(PracticeFileError, match="in use by another program") as refused:
            Practice.open(path)
        assert "damaged" not in refused.value.message
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    Practice.open(path).close()  # let go of, it opens

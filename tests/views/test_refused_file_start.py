"""SPEC 0.7 at start-up: a file that cannot be opened is one plain line on the terminal (no
traceback), a message box when a person started the app, and a non-zero exit code."""
from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from app import __main__ as start

from .modal import when_modal

pytestmark = pytest.mark.sqlite_only(reason="refuses bad practice files at start")

ROOT = Path(__file__).resolve().parents[2]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _other_programs_database(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
    return path


def _damaged(template: Path, path: Path) -> Path:
    data = template.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


BAD = {
    "zero bytes": (lambda t, p: p.write_bytes(b"") or p, "is empty"),
    "another program's database": (lambda t, p: _other_programs_database(p), "another program's database"),
    "damaged": (_damaged, "is damaged"),
    "missing": (lambda t, p: p, "No practice file at"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_spec_0_7_a_refused_file_is_one_plain_line_and_a_failing_exit(kind, template_db, tmp_path):
    make, words = BAD[kind]
    path = make(template_db, tmp_path / "practice.sqlite")
    before = _sha(path) if path.exists() else None
    shot = tmp_path / "shot.png"
    r = subprocess.run([sys.executable, "-m", "app", "--db", str(path), "--screenshot", str(shot)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and str(path) in lines[0], r.stderr
    assert "Traceback" not in r.stderr and "Error" not in r.stderr
    assert not shot.exists()
    assert (_sha(path) if path.exists() else None) == before


@pytest.fixture
def app_names():
    """main() names the application (QSettings' folder); put the test run's names back."""
    names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    yield
    QCoreApplication.setOrganizationName(names[0])
    QCoreApplication.setApplicationName(names[1])


def test_spec_0_7_started_normally_a_refused_file_shows_a_message_box(qtbot, tmp_path, monkeypatch, app_names):
    """The real main() and a real QMessageBox.exec(); only the click on its OK button comes from the
    test (when_modal), and sys.excepthook is restored afterwards (main installs the crash dialog)."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    path = _other_programs_database(tmp_path / "their data.sqlite")
    before = _sha(path)
    seen = {}

    def read_and_close(box):
        seen["text"], seen["icon"] = f"{box.text()} {box.informativeText()}", box.icon()
        ok = box.findChild(QPushButton, "refusedFileOk")
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    hook = sys.excepthook
    boxes = when_modal(qtbot, read_and_close)
    code = start.main(["--db", str(path)])
    assert code != 0
    assert [b.objectName() for b in boxes] == ["refusedFileBox"]
    assert seen["icon"] == QMessageBox.Icon.Critical
    assert "cannot open \u201ctheir data.sqlite\u201d" in seen["text"]
    assert str(path) in seen["text"] and "another program's database" in seen["text"]
    assert sys.excepthook is not hook  # the crash dialog was ready before the file was opened
    assert _sha(path) == before

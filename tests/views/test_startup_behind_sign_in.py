"""Issue 17 item 3, start-up: the sign-in dialog is shown before SQLAlchemy, the models and the
services are imported, while the practice file is opened and checked behind it (app/startup.py);
SPEC 0.7 holds: a file damaged where only SQLite's quick_check sees it is still refused, with
the same message box, before anyone can sign in or anything is written to it."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app import __main__ as start
from app.practice_file import PracticeFileError, check_practice_file
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.sqlite_only(reason="opens a practice file at start")

ROOT = Path(__file__).resolve().parents[2]

# The driver holds back SQLAlchemy's import in any thread but the main one until the sign-in dialog
# is shown, and notes which threads asked for it: had the dialog needed it, the main thread would
# have imported it before (and a dialog waiting for the opening thread would never show).
DRIVER = """
import os, sys, threading
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
app = QApplication(sys.argv[:1])
seen = set()
shown = threading.Event()
importers = []

class HoldBack:
    def find_spec(self, name, path=None, target=None):
        if name == "sqlalchemy":
            importers.append(threading.current_thread().name)
            if threading.current_thread() is not threading.main_thread():
                shown.wait(60)
        return None

sys.meta_path.insert(0, HoldBack())

class Watch(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.objectName() not in seen:
            name = obj.objectName()
            seen.add(name)
            if name == "loginDialog":
                print("sign-in shown; SQLAlchemy imported by:", " ".join(importers) or "none yet", flush=True)
                shown.set()
                def sign_in():
                    obj.username.setText("admin")
                    obj.password.setText(sys.argv[2])
                    obj.findChild(QPushButton, "loginSubmit").click()
                QTimer.singleShot(0, sign_in)
            elif name == "mainWindow":
                print("main window shown:", obj.windowTitle(), flush=True)
                QTimer.singleShot(0, lambda: os._exit(0))
        return False

watch = Watch()
app.installEventFilter(watch)
from app.__main__ import main
code = main(["--db", sys.argv[1]])
print("main returned", code, flush=True)
os._exit(3)
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_sign_in_dialog_is_up_before_sqlalchemy_is_imported_and_the_window_follows(template_db, tmp_path):
    path = tmp_path / "practice.sqlite"
    shutil.copy(template_db, path)
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    r = subprocess.run([sys.executable, "-c", DRIVER, str(path), ADMIN_PASSWORD], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    lines = r.stdout.splitlines()
    assert r.returncode == 0, r.stdout + r.stderr
    assert lines[0] in ("sign-in shown; SQLAlchemy imported by: none yet",
                        "sign-in shown; SQLAlchemy imported by: practice-opening"), r.stdout
    assert lines[1] == "main window shown: Test Practice \u2014 Practice Desk", r.stdout


def _damaged_inside(template: Path, path: Path) -> Path:
    """A practice whose ledger table's first page is overwritten: its header, tables, revision and
    users read as before; only an integrity check (quick_check) reads that page and finds it."""
    shutil.copy(template, path)
    with closing(sqlite3.connect(path)) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ledger_entry'").fetchone()[0]
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 64)
    return path


@pytest.fixture
def app_names():
    names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    yield
    QCoreApplication.setOrganizationName(names[0])
    QCoreApplication.setApplicationName(names[1])


def test_spec_0_7_a_file_damaged_inside_is_refused_before_anyone_signs_in(
        qtbot, template_db, tmp_path, monkeypatch, app_names):
    """The real main(): the sign-in dialog is up at once; the check behind it finds the damage and
    closes it, then the refusal box says so; even a password typed at once signs nobody in, and
    the file is left byte for byte as it was, with nothing made beside it."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    path = _damaged_inside(template_db, tmp_path / "practice.sqlite")
    check_practice_file(path, integrity=False)  # a first look finds nothing wrong
    with pytest.raises(PracticeFileError):
        check_practice_file(path)
    before = _sha(path)
    seen: list = []

    def answer():
        w = QApplication.activeModalWidget()
        name = w.objectName() if w is not None else None
        if name == "loginDialog" and w not in seen:
            seen.append(w)
            w.username.setText("admin")
            w.password.setText(ADMIN_PASSWORD)
            w.findChild(QPushButton, "loginSubmit").click()
        elif name == "refusedFileBox":
            seen.append(f"{w.text()} {w.informativeText()}")
            assert w.icon() == QMessageBox.Icon.Critical
            qtbot.mouseClick(w.findChild(QPushButton, "refusedFileOk"), Qt.MouseButton.LeftButton)
            return
        QTimer.singleShot(10, answer)

    QTimer.singleShot(0, answer)
    code = start.main(["--db", str(path)])
    assert code != 0
    assert len(seen) == 2 and seen[0].objectName() == "loginDialog" and seen[0].user is None
    assert "is damaged" in seen[1] and str(path) in seen[1]
    assert _sha(path) == before
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()

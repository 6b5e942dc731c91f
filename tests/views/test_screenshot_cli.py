"""`python -m app --db FILE --screenshot PNG` renders the main window and exits 0."""
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.sqlite_only(reason="starts the app on a practice file (--db FILE)")


def test_screenshot_of_a_practice_file(busy_practice, tmp_path):
    out = tmp_path / "shot.png"
    busy_practice.close()
    r = subprocess.run([sys.executable, "-m", "app", "--db", str(busy_practice.path), "--screenshot", str(out),
                        "--date", "2026-11-24"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert img.width() == 1400 and img.height() == 880
    assert not (tmp_path / "shot.ini").exists()


def test_missing_practice_file_is_a_clear_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "app", "--db", str(tmp_path / "nope.sqlite"), "--screenshot",
                        str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "No practice file at" in r.stderr

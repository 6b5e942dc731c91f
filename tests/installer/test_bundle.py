"""The PyInstaller bundle (`make installer`) starts, opens the demo and renders the main window.

Slow and opt-in: `make installer-check` builds the bundle and runs these with PRACTICE_INSTALLER=1;
`make test` skips them. PRACTICE_BUNDLE names another bundle folder (default dist/practice-desk).
The bundle runs with a clean environment and a temporary HOME / XDG folders, so the demo it
creates never touches the user's files, and nothing from the development venv can leak in.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.installer,
    pytest.mark.skipif(os.environ.get("PRACTICE_INSTALLER") != "1",
                       reason="the installer bundle is checked by `make installer-check` (PRACTICE_INSTALLER=1)"),
]

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("PRACTICE_BUNDLE", ROOT / "dist" / "practice-desk"))
INTERNAL = BUNDLE / "_internal"


@pytest.fixture(scope="module")
def bundle() -> Path:
    exe = BUNDLE / "practice-desk"
    assert exe.is_file() and os.access(exe, os.X_OK), f"no bundle at {BUNDLE}: run `make installer` first"
    return exe


def run_bundle(exe: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run([str(exe), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=180, check=False)


def test_the_bundle_opens_the_demo_and_renders_the_main_window(bundle, tmp_path):
    from PySide6.QtGui import QImage

    shot = tmp_path / "out.png"
    done = run_bundle(bundle, tmp_path, "--demo", "--screenshot", str(shot), "--view", "week")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"wrote {shot}" in done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    # the demo was built (Alembic ran the migration files from the bundle) in the temporary home
    demo = tmp_path / "home" / ".local" / "share" / "Practice Desk" / "demo-practice.sqlite"
    assert demo.is_file() and demo.stat().st_size > 100_000
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1400, 880)
    colours = {image.pixel(x, y) for x in range(0, 1400, 7) for y in range(0, 880, 7)}
    assert len(colours) > 50, "the screenshot is (nearly) blank"

    again = run_bundle(bundle, tmp_path, "--demo", "--screenshot", str(tmp_path / "again.png"))
    assert again.returncode == 0, again.stderr
    assert "Creating the demo" not in again.stderr  # the second start opens the same demo


def test_the_bundle_refuses_a_file_that_is_not_a_practice(bundle, tmp_path):
    other = tmp_path / "notes.sqlite"
    other.write_bytes(b"not a database at all" * 100)
    before = other.read_bytes()
    done = run_bundle(bundle, tmp_path, "--db", str(other), "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert other.read_bytes() == before


def test_the_data_files_are_in_the_bundle_as_files(bundle):
    migrations = INTERNAL / "app" / "migrations"
    for name in ("env.py", "script.py.mako", "versions/0001_initial.py"):
        assert (migrations / name).is_file(), name
    shipped = {p.name for p in (migrations / "versions").glob("*.py")}
    in_source = {p.name for p in (ROOT / "app" / "migrations" / "versions").glob("*.py")}
    assert shipped == in_source
    assert (INTERNAL / "babel" / "locale-data" / "en_US.dat").is_file()
    assert (INTERNAL / "babel" / "locale-data" / "ja_JP.dat").is_file()
    assert (INTERNAL / "babel" / "global.dat").is_file()
    assert (INTERNAL / "tzdata" / "zoneinfo" / "America" / "New_York").is_file()


def test_unused_qt_is_left_out(bundle):
    pyside = INTERNAL / "PySide6"
    modules = {p.name.split(".")[0] for p in pyside.glob("Qt*.so")}
    assert modules == {"QtCore", "QtGui", "QtWidgets", "QtCharts"}  # QtCharts: the report charts (SPEC 9.4)
    assert (pyside / "Qt" / "lib" / "libQt6Charts.so.6").is_file()
    platforms = {p.name for p in (pyside / "Qt" / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms
    assert "libqvnc.so" not in platforms and "libqeglfs.so" not in platforms
    assert not (pyside / "Qt" / "plugins" / "platformthemes" / "libqgtk3.so").exists()
    qt_libs = {p.name for p in (pyside / "Qt" / "lib").iterdir()}
    assert not {"libQt6Network.so.6", "libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6Pdf.so.6"} & qt_libs
    assert not (pyside / "Qt" / "translations").exists()  # the app loads no Qt translations


def test_the_bundle_carries_the_pdf_font(bundle):
    """app/documents/fonts.py reads <bundle>/_internal/resources/fonts (SPEC 9.2, STACK.md trap 5)."""
    fonts = INTERNAL / "resources" / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert (fonts / name).is_file(), f"{name} missing from {fonts}"

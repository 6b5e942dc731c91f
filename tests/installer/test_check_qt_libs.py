"""installer/check_qt_libs.py, run by `make run`: from ldd's report on Qt's xcb plugin to the Debian
packages to install (as root) or the exact command to print. No display needed: ldd is faked."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "installer" / "check_qt_libs.py"
_spec = importlib.util.spec_from_file_location("check_qt_libs", SCRIPT)
check = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("check_qt_libs", check)  # dataclasses look their module up while it runs
_spec.loader.exec_module(check)

STACK_PACKAGES = ["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0", "libxkbcommon-x11-0"]

LDD_OK = """\
\tlinux-vdso.so.1 (0x00007ffd1b7f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f1c2a400000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f1c2a3f0000)
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f1c2a3c0000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1c2a000000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f1c2a800000)
"""

# A Debian 12 desktop without the xcb extras (STACK.md, "A real display"): ldd names a library
# once for each object that links it, so some appear twice.
LDD_BARE_DESKTOP = """\
\tlinux-vdso.so.1 (0x00007ffd1b7f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007f1c2a400000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms1.so.1 => /nowhere (0x0)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-shape.so.0 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f1c2a3c0000)
"""

STACK_COMMAND = "apt-get install -y " + " ".join(STACK_PACKAGES)


def test_nothing_missing_nothing_to_do():
    plan = check.plan_for(LDD_OK)
    assert plan.ok and plan.packages == [] and plan.command == []
    assert check.message(plan, is_root=False, have_apt=True) == ""


def test_a_bare_desktop_needs_the_five_stack_packages():
    plan = check.plan_for(LDD_BARE_DESKTOP)
    assert plan.missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                            "libxcb-shape.so.0", "libxkbcommon-x11.so.0"]  # each once, in ldd's order
    assert plan.packages == STACK_PACKAGES
    assert plan.unknown == []
    assert plan.command == ["apt-get", "install", "-y", *STACK_PACKAGES]


def test_not_root_is_told_the_exact_command():
    text = check.message(check.plan_for(LDD_BARE_DESKTOP), is_root=False, have_apt=True)
    assert "missing libxcb-cursor.so.0, libxcb-icccm.so.4" in text
    assert "    sudo " + STACK_COMMAND + "\n" in text


def test_root_is_told_what_is_being_installed():
    text = check.message(check.plan_for(LDD_BARE_DESKTOP), is_root=True, have_apt=True)
    assert "Installing: " + STACK_COMMAND in text
    assert "sudo" not in text


def test_without_apt_the_package_names_are_given():
    text = check.message(check.plan_for(LDD_BARE_DESKTOP), is_root=True, have_apt=False)
    assert "apt-get" not in text
    assert "libxcb-cursor0, libxcb-icccm4" in text


def test_a_library_with_no_known_package_is_named():
    plan = check.plan_for("\tlibxcb-cursor.so.0 => not found\n\tlibfoo-bar.so.7 => not found\n")
    assert plan.packages == ["libxcb-cursor0"] and plan.unknown == ["libfoo-bar.so.7"]
    text = check.message(plan, is_root=False, have_apt=True)
    assert "sudo apt-get install -y libxcb-cursor0" in text
    assert "No known Debian package for libfoo-bar.so.7" in text
    only_unknown = check.plan_for("\tlibfoo-bar.so.7 => not found\n")
    assert only_unknown.command == [] and not only_unknown.ok


@pytest.mark.parametrize(("platform", "environ", "expected"), [
    ("linux", {"DISPLAY": ":0"}, True),
    ("linux", {"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ("linux", {"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb:nomitshm"}, True),
    ("linux", {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ("linux", {"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, False),
    ("linux", {}, False),
    ("linux", {"DISPLAY": ""}, False),
    ("darwin", {"DISPLAY": ":0"}, False),
    ("win32", {}, False),
])
def test_only_when_qt_would_use_xcb(platform, environ, expected):
    assert check.should_check(platform, environ) is expected


@pytest.fixture
def machine(monkeypatch, tmp_path):
    """main() on a faked machine: ldd answers from `state`, apt-get calls are recorded."""
    state = {"ldd": LDD_BARE_DESKTOP, "root": False, "apt": True, "calls": [], "fixed_by_install": True}
    plugin = tmp_path / "libqxcb.so"
    plugin.touch()
    monkeypatch.setattr(check.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(check, "xcb_plugin", lambda: plugin)
    monkeypatch.setattr(check, "run_ldd", lambda path: state["ldd"])
    monkeypatch.setattr(check.os, "geteuid", lambda: 0 if state["root"] else 1000)
    monkeypatch.setattr(check.shutil, "which",
                        lambda name: f"/usr/bin/{name}" if name == "ldd" or state["apt"] else None)

    def run(cmd, **kwargs):
        state["calls"].append(list(cmd))
        if cmd[:2] == ["apt-get", "install"] and state["fixed_by_install"]:
            state["ldd"] = LDD_OK
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(check.subprocess, "run", run)
    return state


def test_main_as_root_installs_the_packages(machine, capsys):
    machine["root"] = True
    assert check.main([]) == 0
    assert machine["calls"] == [["apt-get", "install", "-y", *STACK_PACKAGES]]
    assert "Installing: " + STACK_COMMAND in capsys.readouterr().err


def test_main_as_root_fails_when_the_install_did_not_help(machine, capsys):
    machine["root"] = True
    machine["fixed_by_install"] = False
    assert check.main([]) == 1
    assert "Still missing after installing" in capsys.readouterr().err


def test_main_not_root_prints_the_command_and_stops_make_run(machine, capsys):
    assert check.main([]) == 1
    assert machine["calls"] == []
    assert "sudo " + STACK_COMMAND in capsys.readouterr().err


def test_main_dry_run_installs_nothing(machine):
    machine["root"] = True
    assert check.main(["--dry-run"]) == 1
    assert machine["calls"] == []


def test_main_without_a_display_does_not_look(machine, monkeypatch):
    monkeypatch.delenv("DISPLAY")
    machine["ldd"] = "\tlibxcb-cursor.so.0 => not found\n"
    assert check.main([]) == 0  # Qt will not use xcb: nothing missing matters
    assert check.main(["--always", "--dry-run"]) == 1  # --always looks anyway (before building the bundle)


def test_main_all_present_says_nothing(machine, capsys):
    machine["ldd"] = LDD_OK
    assert check.main([]) == 0
    assert capsys.readouterr().err == ""


def test_the_real_plugin_is_found_and_ldd_output_parses():
    """On this machine (no fakes): the plugin of the installed PySide6 is where the check looks."""
    plugin = check.xcb_plugin()
    if plugin is None:
        pytest.skip("PySide6 has no libqxcb.so here (not Linux)")
    assert plugin.name == "libqxcb.so"
    assert "libQt6XcbQpa.so.6" in check.run_ldd(plugin)

"""Before `make run`: are the system libraries of Qt's X11 platform plugin (libqxcb.so) there?

Qt 6.5+ on X11 needs libxcb-cursor0 and a few other xcb libraries that many Debian and Ubuntu
desktops lack; without them Qt aborts with "Could not load the Qt platform plugin xcb". This runs
``ldd`` on the plugin and, for every library reported "not found", installs the Debian package
that holds it (as root, with apt-get) or prints the exact command to run, and exits 1 so the app
is not started only to abort.

It checks only when Qt would use xcb: Linux, a DISPLAY, and QT_QPA_PLATFORM unset or xcb
(``--always`` checks regardless, e.g. before building the installer, which bundles these
libraries from the build machine). Standard library only: it runs before anything else.

    python installer/check_qt_libs.py [--always] [--dry-run]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Libraries libqxcb.so and its Qt libraries link, and the Debian (bookworm) packages holding them.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}

NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$", re.MULTILINE)


@dataclass
class Plan:
    """What to do about the plugin's libraries."""
    missing: list[str] = field(default_factory=list)   # library names ldd could not find
    packages: list[str] = field(default_factory=list)  # Debian packages that provide them, sorted
    unknown: list[str] = field(default_factory=list)   # missing libraries with no known package
    command: list[str] = field(default_factory=list)   # the apt-get command ([] when nothing to install)

    @property
    def ok(self) -> bool:
        return not self.missing


def missing_libraries(ldd_output: str) -> list[str]:
    """Library names that ``ldd`` reported "not found", in order, each once."""
    return list(dict.fromkeys(NOT_FOUND.findall(ldd_output)))


def plan_for(ldd_output: str) -> Plan:
    missing = missing_libraries(ldd_output)
    packages = sorted({DEBIAN_PACKAGES[lib] for lib in missing if lib in DEBIAN_PACKAGES})
    unknown = [lib for lib in missing if lib not in DEBIAN_PACKAGES]
    command = ["apt-get", "install", "-y", *packages] if packages else []
    return Plan(missing, packages, unknown, command)


def message(plan: Plan, is_root: bool, have_apt: bool) -> str:
    """What to tell the person running `make run` (empty when nothing is missing). As root with
    apt-get the packages are installed, so the message only says so."""
    if plan.ok:
        return ""
    lines = [f"Qt's X11 platform plugin cannot load: missing {', '.join(plan.missing)}."]
    if plan.command and have_apt:
        if is_root:
            lines.append("Installing: " + " ".join(plan.command))
        else:
            lines.append("Install them with:\n\n    sudo " + " ".join(plan.command) + "\n")
    elif plan.packages:
        lines.append("Install your system's packages of: " + ", ".join(plan.packages)
                     + " (Debian/Ubuntu names).")
    if plan.unknown:
        lines.append("No known Debian package for " + ", ".join(plan.unknown)
                     + "; `apt-file search <name>` finds the one that holds it.")
    return "\n".join(lines)


def should_check(platform: str, environ: dict) -> bool:
    """Only when Qt would pick xcb: Linux with an X display and no other platform chosen."""
    if not platform.startswith("linux") or not environ.get("DISPLAY"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    return chosen == "" or chosen.split(":")[0] == "xcb"


def xcb_plugin() -> Path | None:
    try:
        import importlib.util

        spec = importlib.util.find_spec("PySide6")
    except ImportError:
        return None
    if spec is None or spec.origin is None:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def run_ldd(path: Path) -> str:
    done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--always", action="store_true", help="check even without a DISPLAY")
    ap.add_argument("--dry-run", action="store_true", help="say what would be installed, install nothing")
    args = ap.parse_args(argv)
    if not args.always and not should_check(sys.platform, dict(os.environ)):
        return 0
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return 0
    plugin = xcb_plugin()
    if plugin is None:
        print("check_qt_libs: PySide6's libqxcb.so not found; skipping the check", file=sys.stderr)
        return 0
    plan = plan_for(run_ldd(plugin))
    if plan.ok:
        return 0
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    have_apt = shutil.which("apt-get") is not None
    print(message(plan, is_root, have_apt), file=sys.stderr)
    if not (is_root and have_apt and plan.command) or args.dry_run:
        return 1
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(plan.command, env=env, check=False).returncode != 0:
        # a fresh machine has no package lists yet
        subprocess.run(["apt-get", "update"], env=env, check=False)
        subprocess.run(plan.command, env=env, check=False)
    after = plan_for(run_ldd(plugin))
    if not after.ok:
        print(f"Still missing after installing: {', '.join(after.missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

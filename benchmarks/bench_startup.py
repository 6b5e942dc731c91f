"""Start-up of Practice Desk next to a bare PySide6 window, each in a new process (issue 17 item 3).

Three figures, each from the moment the process is started (``subprocess.Popen``) on the system-wide
monotonic clock, which the child reads too:

  bare window     ``python`` with PySide6 only: a QMainWindow with a menu bar and a label (as
                  ../shared/bench/bare_window.py), shown; the time its first paint ended
  sign-in painted ``python -m app --db BIG`` as a person starts it: the time the sign-in dialog's
                  first paint ended (target: within 2x of the bare window)
  password -> main window painted
                  the same process: user name and password typed into the dialog, Sign in pressed;
                  the time from that press to the end of the main window's first paint (target:
                  within 1 s on the 200,000-session file). Measured three times: the password entered
                  --typing seconds after the dialog is painted (a person typing; 2 s by default),
                  once the opening behind the dialog has ended, and at once (the worst case: all
                  the opening still to do). One scrypt of the password (SPEC 1.2's work factor, a
                  good part of it) is timed in this process and printed beside them

"Paint ended": an event filter sees the window's first Paint event and a zero timer fires once that
paint and whatever was queued with it are done. The child runs the app's own ``app.__main__.main``
after creating the QApplication (the app takes the existing one) with the filter on it; it has its
own settings folder (XDG_CONFIG_HOME), so the computer's recent practices are not touched; the
automatic backup the window makes at start is part of the start-up, and the backups the runs made
are deleted afterwards. Runs alternate bare / app; medians over --runs.

Usage (from the project root, in the project's venv):
    python benchmarks/bench_startup.py --db /tmp/big.sqlite            # built there if missing
    python benchmarks/bench_startup.py --db /tmp/big.sqlite --runs 7 --typing 2
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "admin", "big-practice"

BARE = """
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv)
class Painted(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and obj is w:
            w.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print("painted", time.monotonic(), flush=True), os._exit(0)))
        return False
w = QMainWindow(); w.menuBar().addMenu("Sessions"); w.setCentralWidget(QLabel("calendar")); w.resize(1280, 800)
f = Painted(); w.installEventFilter(f)
w.show()
app.exec()
"""


def child(mode: str, db: str, typing_s: float) -> None:
    """Runs in the new process: the app as started by a person, with a paint watcher."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

    app = QApplication([sys.argv[0]])
    seen: set[str] = set()

    def say(what: str) -> None:
        print(what, time.monotonic(), flush=True)

    def sign_in(dialog) -> None:
        dialog.username.setText(USER)
        dialog.password.setText(PASSWORD)
        say("submit")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    def sign_in_when_opened(dialog) -> None:
        thread = getattr(dialog.practice, "_thread", None)  # startup.PracticeOpening's
        if thread is not None and (thread.ident is None or thread.is_alive()):  # not started yet, or running
            QTimer.singleShot(20, lambda: sign_in_when_opened(dialog))
            return
        sign_in(dialog)

    class Watcher(QObject):
        def eventFilter(self, obj, ev):  # noqa: N802 (Qt name)
            if (ev.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.isWindow()
                    and obj.objectName() not in seen):
                name = obj.objectName()
                seen.add(name)
                if name == "loginDialog":
                    QTimer.singleShot(0, lambda: say("login"))
                    if mode == "login":
                        QTimer.singleShot(0, lambda: os._exit(0))
                    elif typing_s < 0:  # once the practice has opened behind the dialog (imports included)
                        QTimer.singleShot(0, lambda: sign_in_when_opened(obj))
                    else:
                        QTimer.singleShot(int(typing_s * 1000), lambda: sign_in(obj))
                elif name == "mainWindow":
                    QTimer.singleShot(0, lambda: (say("main"), os._exit(0)))
            return False

    watcher = Watcher()
    app.installEventFilter(watcher)
    sys.path.insert(0, str(ROOT))
    from app.__main__ import main

    main(["--db", db])
    say("ended")  # the app returned without a main window: something refused or was cancelled
    os._exit(1)


def run(cmd: list[str], env: dict) -> dict[str, float]:
    started = time.monotonic()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    marks = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                marks[parts[0]] = float(parts[1]) - started
            except ValueError:
                pass
    if out.returncode != 0 or "ended" in marks:
        sys.exit(f"{cmd[-4:]} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return marks


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Start-up: sign-in and main window vs a bare window.")
    ap.add_argument("--db", required=True, help="practice file (built there if missing: 200,000 sessions)")
    ap.add_argument("--runs", type=int, default=5, help="runs of each figure (default 5)")
    ap.add_argument("--typing", type=float, default=2.0, help="seconds a person takes to type (default 2)")
    ap.add_argument("--child", choices=["login", "signin"], help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        child(a.child, a.db, a.typing)
        return
    path = Path(a.db)
    if not path.exists():
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from build_big_practice import build

        print(build(path).summary())
    backups = path.with_name(f"{path.stem} backups")
    before = set(backups.iterdir()) if backups.is_dir() else set()
    settings = tempfile.TemporaryDirectory(prefix="bench_startup_")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=settings.name,
               XDG_DATA_HOME=settings.name)
    me = [sys.executable, str(Path(__file__).resolve())]
    bare, login, typed, at_once, opened, waited = [], [], [], [], [], []
    try:
        for i in range(a.runs + 1):  # the first round warms the disk cache and is not counted
            b = run([sys.executable, "-c", BARE], env)["painted"]
            lg = run(me + ["--child", "login", "--db", str(path)], env)["login"]
            t = run(me + ["--child", "signin", "--db", str(path), "--typing", str(a.typing)], env)
            n = run(me + ["--child", "signin", "--db", str(path), "--typing", "0"], env)
            o = run(me + ["--child", "signin", "--db", str(path), "--typing", "-1"], env)
            if i == 0:
                continue
            bare.append(b)
            login.append(lg)
            typed.append(t["main"] - t["submit"])
            at_once.append(n["main"] - n["submit"])
            opened.append(o["main"] - o["submit"])
            waited.append(o["submit"] - o["login"])
            print(f"run {i}: bare {b * 1000:5.0f} ms  sign-in painted {lg * 1000:5.0f} ms  password -> main window "
                  f"{typed[-1] * 1000:5.0f} ms (typed in {a.typing:g} s), {opened[-1] * 1000:5.0f} ms (once opened, "
                  f"{waited[-1]:.1f} s after the dialog), {at_once[-1] * 1000:5.0f} ms (at once)", flush=True)
    finally:
        if backups.is_dir():
            for made in set(backups.iterdir()) - before:
                made.unlink(missing_ok=True)
        settings.cleanup()

    def ms(xs):
        return f"median {statistics.median(xs) * 1000:6.0f} ms (min {min(xs) * 1000:5.0f}, max {max(xs) * 1000:5.0f})"

    fb, fl = statistics.median(bare), statistics.median(login)
    ft, fn = statistics.median(typed), statistics.median(at_once)
    print(f"\n{a.runs} runs each, {path.stat().st_size / 1e6:.0f} MB practice file")
    print(f"bare window painted (PySide6 only)        {ms(bare)}")
    print(f"sign-in dialog painted                    {ms(login)}   x{fl / fb:.2f} of the bare window (target x2)")
    print(f"password -> main window painted, typed    {ms(typed)}   {ft:.2f} s (target 1 s), "
          f"x{ft / fb:.2f} of the bare window")
    fo = statistics.median(opened)
    print(f"password -> main window painted, opened   {ms(opened)}   {fo:.2f} s, x{fo / fb:.2f} of the bare window"
          f"   (password entered once the opening behind the dialog had ended, a median "
          f"{statistics.median(waited):.1f} s after the dialog was painted)")
    print(f"password -> main window painted, at once  {ms(at_once)}   {fn:.2f} s, x{fn / fb:.2f} of the bare window")
    sys.path.insert(0, str(ROOT))
    from app.services.people import passwords

    stored = passwords.hash_password(PASSWORD)
    kdf = []
    for _ in range(3):
        t0 = time.perf_counter()
        passwords.verify_password(PASSWORD, stored)
        kdf.append(time.perf_counter() - t0)
    print(f"  (of which checking the password, one scrypt at OWASP's N=2^17 (SPEC 1.2), here: "
          f"{ms(kdf)}; the rest is the app's)")


if __name__ == "__main__":
    main()

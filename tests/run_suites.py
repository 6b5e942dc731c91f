"""`make test`: the whole suite on SQLite and, at the same time, again on PostgreSQL (issue 17).

    python -m tests.run_suites [pytest arguments...]     # the arguments go to both runs

Two pytest processes side by side, one for each database, so that the two runs together take
about as long as the PostgreSQL run alone on two cores. The SQLite run prints to the terminal as it
goes; the PostgreSQL run writes to a log that is printed whole once both have ended, so each run's
output stays readable. A throw-away PostgreSQL server (tests/pg_server.py: 127.0.0.1, as the
``postgres`` user, installed from Debian when missing) is started for the run, on a free port unless
PRACTICE_PG_PORT names one, and stopped at the end whatever happened. Exit status 0 only when both
runs passed.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _summary(text: str) -> str:
    """pytest's last line ('1870 passed in 412.3s'), or what went wrong before it."""
    lines = [line.strip("= ") for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _echo(stream, tail: list[str]) -> None:
    """Copies the SQLite run's output to ours as it comes, keeping its last lines."""
    for line in stream:
        sys.stdout.write(line)
        sys.stdout.flush()
        tail.append(line)
        del tail[:-5]


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def main(args: list[str]) -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env.setdefault("PRACTICE_PG_PORT", str(_free_port()))  # never the server of another run on this machine
    def pytest(db: str) -> list[str]:  # each run its own cache (--lf / --ff), never both writing one file
        return [sys.executable, "-m", "pytest", "-o", f"cache_dir=.pytest_cache/{db}", *args]

    server = [sys.executable, "-m", "tests.pg_server"]

    def _stop_on_term(signum, frame):  # make / CI stopping us: the finally clauses still run
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop_on_term)
    log = tempfile.NamedTemporaryFile("w+", prefix="practice-desk-pg-run-", suffix=".log", delete=False)
    runs: dict[str, subprocess.Popen] = {}
    status = {"SQLite": 1, "PostgreSQL": 1}
    took: dict[str, float] = {}
    pg_out = ""
    sqlite_tail: list[str] = []
    echo = None
    ours = stopped = False
    t0 = time.monotonic()
    try:
        print("Running the suite on SQLite (below) and on PostgreSQL (its log follows at the end)", flush=True)
        runs["SQLite"] = subprocess.Popen(pytest("sqlite"), cwd=ROOT, env={**env, "PRACTICE_DB": "sqlite"}, text=True,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        echo = threading.Thread(target=_echo, args=(runs["SQLite"].stdout, sqlite_tail), daemon=True)
        echo.start()
        ours = subprocess.run([*server, "status"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL).returncode != 0
        started = subprocess.run([*server, "start"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        if started.returncode == 0:
            url = started.stdout.strip().splitlines()[-1]
            runs["PostgreSQL"] = subprocess.Popen(pytest("postgres"), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                                  env={**env, "PRACTICE_DB": "postgres", "PRACTICE_PG_URL": url})
        else:
            log.write("The PostgreSQL server did not start (see above); the suite did not run on PostgreSQL.\n")
        waiting = dict(runs)
        while waiting:
            for name, proc in list(waiting.items()):
                if proc.poll() is not None:
                    status[name], took[name] = proc.returncode, time.monotonic() - t0
                    del waiting[name]
            time.sleep(0.5)
    except KeyboardInterrupt:
        for proc in runs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # pytest then ends its session fixtures (servers) itself
        for proc in runs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        print("\nStopped.", file=sys.stderr)
        status = {name: 130 for name in status}
        stopped = True
    finally:
        if ours:  # a server already running on PRACTICE_PG_PORT is someone else's: left running
            subprocess.run([*server, "stop"], cwd=ROOT, env=env)
        log.flush()
        log.seek(0)
        pg_out = log.read()
        log.close()
        os.unlink(log.name)

    if echo is not None:
        echo.join(10)
    bar = "=" * 30
    print(f"\n{bar} The same suite on PostgreSQL {bar}\n{pg_out}", end="" if pg_out.endswith("\n") else "\n")
    print(f"\n{bar} Both runs {bar}")
    for name, out in (("SQLite", "".join(sqlite_tail)), ("PostgreSQL", pg_out)):
        said = "stopped" if stopped else "passed" if status[name] == 0 else "FAILED"
        print(f"{name + ':':<12}{said} ({_minutes(took.get(name, 0))}): {_summary(out)}")
    return 0 if status["SQLite"] == 0 and status["PostgreSQL"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

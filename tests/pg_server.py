"""A throw-away PostgreSQL server for the tests on PostgreSQL (``PRACTICE_DB=postgres``).

    python -m tests.pg_server start    # prints the admin URL (database "postgres") on stdout
    python -m tests.pg_server stop
    python -m tests.pg_server status

The recipe of ../shared/STACK.md ("PostgreSQL for tests"): PostgreSQL refuses to run as root, so the
server runs as the ``postgres`` user, with its data and its own socket folder in a temporary
folder, listening on 127.0.0.1 only, trust authentication for the role ``app``. Installed from
Debian (``apt-get``) when missing and we are root. Durability is switched off (``fsync``,
``full_page_writes``): a test database is thrown away, and the suite runs several times faster.
The folder of the running server is remembered in ``STATE`` so that ``stop`` finds it.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORT = int(os.environ.get("PRACTICE_PG_PORT", "54329"))
ROLE = "app"
STATE = Path(tempfile.gettempdir()) / f"practice-desk-pg-{PORT}"  # holds the server's folder
SETTINGS = ("-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off -c full_page_writes=off "
            "-c synchronous_commit=off -c max_connections=200 -c shared_buffers=64MB")


def admin_url(port: int = PORT) -> str:
    return f"postgresql+psycopg://{ROLE}@127.0.0.1:{port}/postgres"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _install() -> Path:
    bin_dir = _bin_dir()
    if bin_dir is not None:
        return bin_dir
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit("PostgreSQL is not installed; install it with: sudo apt-get install -y postgresql")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("Installing PostgreSQL from Debian (apt-get)", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    bin_dir = _bin_dir()
    if bin_dir is None:
        sys.exit("apt-get installed postgresql but no initdb was found under /usr/lib/postgresql")
    return bin_dir


def _as_postgres(*cmd) -> list[str]:
    cmd = [str(c) for c in cmd]
    return cmd if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *cmd]


def _running_folder() -> Path | None:
    if not STATE.exists():
        return None
    folder = Path(STATE.read_text().strip())
    if not (folder / "data" / "postmaster.pid").exists() or _bin_dir() is None:
        return None
    # a server gone without a stop (the machine restarted, it was killed) leaves its postmaster.pid:
    # pg_ctl status checks that the process is alive (0: running, 3: not running)
    alive = subprocess.run(_as_postgres(_bin_dir() / "pg_ctl", "-D", folder / "data", "status"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    return folder if alive else None


def start() -> str:
    """Start the server (or keep the running one) and return its admin URL."""
    bin_dir = _install()
    if _running_folder() is not None:
        return admin_url()
    stop()  # forget a server that is gone (its folder, the state file)
    folder = Path(tempfile.mkdtemp(prefix="practice-desk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(_as_postgres(bin_dir / "initdb", "-D", folder / "data", "-U", ROLE, "--auth=trust",
                                "-E", "UTF8", "--locale=C.UTF-8"), check=True, stdout=subprocess.DEVNULL)
    options = SETTINGS.format(port=PORT, sock=folder)
    subprocess.run(_as_postgres(bin_dir / "pg_ctl", "-D", folder / "data", "-l", folder / "log", "-w",
                                "-o", options, "start"), check=True, stdout=subprocess.DEVNULL)
    STATE.write_text(str(folder))
    return admin_url()


def stop() -> None:
    folder = _running_folder()
    if folder is not None:
        subprocess.run(_as_postgres(_bin_dir() / "pg_ctl", "-D", folder / "data", "-m", "fast", "-w", "stop"),
                       check=True, stdout=subprocess.DEVNULL)
    if STATE.exists():
        old = Path(STATE.read_text().strip())
        if old.name.startswith("practice-desk-pg-"):
            shutil.rmtree(old, ignore_errors=True)
        STATE.unlink()


def main(argv: list[str]) -> int:
    what = argv[1] if len(argv) > 1 else "status"
    if what == "start":
        t = time.monotonic()
        print(start())
        print(f"PostgreSQL on 127.0.0.1:{PORT} ({time.monotonic() - t:.1f} s)", file=sys.stderr)
    elif what == "stop":
        stop()
    elif what == "status":
        folder = _running_folder()
        print(f"running in {folder}: {admin_url()}" if folder else "not running")
        return 0 if folder else 1
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The benchmark's big-practice builder keeps working as the engine changes (it writes with bare
inserts and checkpoints the WAL itself): a small build opens, balances and all."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from app.services.people import users
from app.services.practice import Practice

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from build_big_practice import ADMIN_PASSWORD, ADMIN_USERNAME, build  # noqa: E402

pytestmark = pytest.mark.sqlite_only(reason="builds the benchmarks' practice file")


def test_a_small_big_practice_builds_and_opens(tmp_path):
    info = build(tmp_path / "big.sqlite", sessions=600, clients=30, practitioners=3, years=1)
    assert info.sessions == 600
    assert not Path(f"{info.path}-wal").exists() or Path(f"{info.path}-wal").stat().st_size == 0
    with sqlite3.connect(info.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    practice = Practice.open(info.path)
    try:
        assert users.login(practice, ADMIN_USERNAME, ADMIN_PASSWORD).role == "admin"
    finally:
        practice.close()

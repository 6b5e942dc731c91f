"""The calendar's light read transaction (``Practice.snapshot``, issue 17): one consistent snapshot
for all of a switch's statements, never blocked by another desk saving, "busy" in plain words when
the database cannot be read, and its connection handed back clean whatever happened inside
(SPEC 0.4)."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from app.services.errors import Busy
from app.services.scheduling import closures
from app.services.scheduling.calendar_names import read_names
from app.services.scheduling.calendar_rows import calendar_days
from app.services.scheduling.closures import overlapping
from tests.races import open_again, other_desk_saving

MONDAY = date(2026, 3, 2)


def _week(practice, admin):
    return calendar_days(practice, admin, MONDAY, MONDAY + timedelta(days=6))


def test_a_snapshot_does_not_see_what_another_desk_saves_meanwhile(practice, admin, make, clock):
    svc, pr, cl = make.service(), make.practitioner(), make.client("Ann", "Lee")
    make.session(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10), svc, pr, [cl], confirm=True)
    desk2 = open_again(practice, clock)
    try:
        with practice.snapshot() as tx:
            before = read_names(tx, practice).clients
            assert overlapping(tx, MONDAY, MONDAY) == []
            type(make)(desk2, admin).client("Bo", "Ray")  # saved and committed at the other desk (its own Builder)
            closures.add_closure(desk2, admin, MONDAY, MONDAY, "Snow day")
            assert read_names(tx, practice).clients == before  # still the snapshot's names
            assert overlapping(tx, MONDAY, MONDAY) == []  # nor its closure
    finally:
        desk2.close()
    week = _week(practice, admin)  # the next switch sees both
    assert week.closed == {MONDAY: "Snow day"}
    assert any(name == "Bo Ray" for _, _, name in practice.kept["calendar names"][1].clients.values())


def test_the_calendar_reads_while_another_desk_is_saving(practice, impatient, admin, make):  # SPEC 0.4
    svc, pr, cl = make.service(), make.practitioner(), make.client()
    make.session(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10), svc, pr, [cl], confirm=True)
    with other_desk_saving(practice):
        assert len(_week(impatient, admin).rows) == 1


@pytest.mark.sqlite_only(reason="takes SQLite's exclusive lock by hand")
def test_a_file_locked_against_reading_is_busy_in_plain_words(practice, impatient, admin, make):  # SPEC 0.4
    make.client()
    impatient.settings()  # kept: the snapshot is what meets the lock
    practice.release_connections(), impatient.release_connections()  # no desk holds the file open: the lock can be had
    other = sqlite3.connect(practice.path, isolation_level=None, timeout=0)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("UPDATE client SET notes = 'x'")
    try:
        with pytest.raises(Busy) as caught:
            _week(impatient, admin)
        assert "try again" in str(caught.value).lower() and "locked" not in str(caught.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _week(impatient, admin).rows == []  # and the next switch goes through


def test_an_error_inside_ends_the_snapshot_and_the_connection_is_clean(practice, admin, make):
    class Stop(Exception):
        pass

    with pytest.raises(Stop), practice.snapshot() as tx:
        read_names(tx, practice)
        raise Stop()
    for _ in range(3):  # the pool's connections are free of any transaction: writes and reads go on
        make.client()
        assert _week(practice, admin).rows == []
    with practice.engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert not getattr(driver, "in_transaction", False) or conn.dialect.name != "sqlite"


@pytest.mark.sqlite_only(reason="the kept connection is SQLite's (PostgreSQL's snapshot is a read session)")
def test_the_window_thread_keeps_one_connection_for_its_snapshots_and_close_hands_it_back(practice, admin, make):
    """The main thread's snapshots run on one connection kept out of the pool; a snapshot inside
    another, or on another thread, takes a pooled one for the time of its read only; closing the
    practice closes the kept one too (no file left open behind a closed practice)."""
    import threading

    make.client()
    pool = practice.engine.pool
    with practice.snapshot() as tx:
        kept = tx.connection()
        with practice.snapshot() as inner:  # a snapshot inside another: a connection of its own
            assert inner.connection() is not kept
            assert read_names(inner, practice).clients == read_names(tx, practice).clients
    with practice.snapshot() as tx:
        assert tx.connection() is kept and pool.checkedout() == 1
    seen = []

    def other_thread():
        with practice.snapshot() as tx:
            seen.append((tx.connection() is kept, pool.checkedout()))

    worker = threading.Thread(target=other_thread)
    worker.start(), worker.join()
    assert seen == [(False, 2)] and pool.checkedout() == 1  # handed back when its read ended
    assert _week(practice, admin).rows == []
    practice.close()
    assert pool.checkedout() == 0 and kept.closed


@pytest.mark.sqlite_only(reason="the kept connection is SQLite's")
def test_a_driver_error_inside_a_snapshot_gives_the_next_one_a_fresh_connection(practice, admin, make):
    from sqlalchemy.exc import DBAPIError

    from app.services.driver_select import on_driver

    make.client()
    with practice.snapshot() as tx:
        first = tx.connection()
    with pytest.raises(DBAPIError), practice.snapshot() as tx:
        on_driver(tx.connection(), "SELECT no_such_column FROM client")
    with practice.snapshot() as tx:
        assert tx.connection() is not first and not tx.connection().closed
    assert first.closed and practice.engine.pool.checkedout() == 1
    assert _week(practice, admin).rows == []


@pytest.mark.sqlite_only(reason="backups are of a practice file")
def test_the_kept_connection_reads_a_restored_backup_at_once(practice, admin, make):
    """SPEC 0.7 with the window's kept snapshot connection: a restore copies into the live file under
    it, and its next read shows the restored sessions, not the ones it read before."""
    from app.services import backups

    svc, pr, cl = make.service(), make.practitioner(), make.client()
    make.session(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10), svc, pr, [cl], confirm=True)
    saved = backups.backup_now(practice, admin)
    make.session(datetime(2026, 3, 4, 9), datetime(2026, 3, 4, 10), svc, pr, [cl], confirm=True)
    with practice.snapshot() as tx:
        kept = tx.connection()
    assert len(_week(practice, admin).rows) == 2
    backups.restore_backup(practice, admin, saved.path)
    week = _week(practice, admin)
    assert [r.start.day for r in week.rows] == [3]
    with practice.snapshot() as tx:
        assert tx.connection() is kept  # the same connection, reading the restored file

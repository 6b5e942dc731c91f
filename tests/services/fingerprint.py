"""A cheap fingerprint of a practice file, read through a plain sqlite3 connection: the row count
of every table, the sum of ledger amounts, the settings and the newest id of each table. Used to
prove that a refused call changed nothing (SPEC 0.5)."""
from __future__ import annotations

import sqlite3


def fingerprint(practice) -> tuple:
    con = sqlite3.connect(f"file:{practice.path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = tuple((t, con.execute(f'SELECT count(*), max(rowid) FROM "{t}"').fetchone()) for t in tables)
        ledger = con.execute("SELECT coalesce(sum(amount_cents), 0) FROM ledger_entry").fetchone()[0]
        settings = tuple(con.execute("SELECT key, value FROM setting ORDER BY key"))
        # columns a bad call could flip without adding a row
        flags = tuple(con.execute(
            "SELECT (SELECT group_concat(coalesce(archived_at, '-')) FROM client),"
            " (SELECT group_concat(coalesce(archived_at, '-')) FROM practitioner),"
            " (SELECT group_concat(coalesce(archived_at, '-')) FROM service),"
            " (SELECT group_concat(coalesce(archived_at, '-')) FROM location),"
            " (SELECT group_concat(status || coalesce(deleted_at, '-') || start_at) FROM practice_session),"
            " (SELECT group_concat(password_hash || failed_logins) FROM user_account),"
            " (SELECT group_concat(name || capacity || enroll_deadline || drop_deadline"
            " || coalesce(archived_at, '-')) FROM practice_class),"
            " (SELECT group_concat(displayed) FROM class_session),"
            " (SELECT group_concat(coalesce(dropped_at, '-')) FROM enrollment),"
            " (SELECT group_concat(coalesce(offered_at, '-') || coalesce(removed_at, '-')) FROM waitlist_entry),"
            " (SELECT group_concat(status || coalesce(session_id, '-')) FROM client_request)"))
        return counts, ledger, settings, flags
    finally:
        con.close()

"""The ledger is append-only in the database itself, and corrections are dated when they are made,
so a closed period's figures never change afterwards (SPEC 0.4)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from app.services.money import ledger
from app.services.scheduling import completion, deletion
from app.services.scheduling.completion import Override

NOVEMBER = (datetime(2025, 11, 1, 5, tzinfo=UTC), datetime(2025, 12, 1, 5, tzinfo=UTC))
DECEMBER = (datetime(2025, 12, 1, 5, tzinfo=UTC), datetime(2026, 1, 1, 5, tzinfo=UTC))


def wages(practice, actor, practitioner_id, period):
    return next(w.wages_cents for w in ledger.practitioner_wages(practice, actor, *period)
                if w.practitioner_id == practitioner_id)


def type_id(practice, key):
    return completion.type_by_key(practice, key).id


@pytest.fixture
def november_session(practice, admin, make, clock):
    """A $80 / $40 session on 20 November, saved as Completed the same day."""
    clock.at = datetime(2025, 11, 20, 18, tzinfo=UTC)
    pr, client = make.practitioner(), make.client()
    [s] = make.session(datetime(2025, 11, 20, 10), datetime(2025, 11, 20, 11), make.service(cost=8000, wage=4000),
                       pr, [client])
    completion.complete_session(practice, admin, s.id, type_id(practice, "completed"))
    return pr, client, s


def test_database_refuses_update_and_delete_of_ledger_rows(practice, admin, november_session):  # SPEC 0.4
    _, client, _ = november_session
    before = ledger.client_entries(practice, admin, client.id)
    for sql in ("UPDATE ledger_entry SET amount_cents = 0", "DELETE FROM ledger_entry"):
        with pytest.raises(DatabaseError, match="append-only"), practice.engine.begin() as conn:
            conn.execute(text(sql))
    assert ledger.client_entries(practice, admin, client.id) == before


def test_allocations_are_append_only_and_a_write_off_is_a_ledger_kind(practice, admin, november_session):
    """SPEC 0.4, 9.3: allocations of payments to invoices are never edited either; migration 0006
    kept the ledger's triggers when it rebuilt the table for write-offs."""
    _, client, _ = november_session
    with practice.engine.begin() as conn:
        conn.execute(text("INSERT INTO invoice (client_id, status, note, total_cents, created_at) "
                          "VALUES (:c, 'draft', '', 0, '2025-11-20 18:00:00')"), {"c": client.id})
        conn.execute(text("INSERT INTO ledger_entry (kind, client_id, amount_cents, memo, reference, effective_at, "
                          "created_at) VALUES ('writeoff', :c, 100, '', '', '2025-11-20', '2025-11-20')"),
                     {"c": client.id})
        conn.execute(text("INSERT INTO allocation (payment_id, invoice_id, amount_cents, created_at) "
                          "SELECT max(l.id), max(i.id), 100, '2025-11-20' FROM ledger_entry l, invoice i"))
    for sql in ("UPDATE allocation SET amount_cents = 0", "DELETE FROM allocation"):
        with pytest.raises(DatabaseError, match="append-only"), practice.engine.begin() as conn:
            conn.execute(text(sql))
    with pytest.raises(DatabaseError, match="append-only"), practice.engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger_entry WHERE kind = 'writeoff'"))
    with pytest.raises(DatabaseError), practice.engine.begin() as conn:
        conn.execute(text("INSERT INTO ledger_entry (kind, client_id, amount_cents, memo, reference, effective_at, "
                          "created_at) VALUES ('gift', :c, 100, '', '', '2025-11-20', '2025-11-20')"),
                     {"c": client.id})


def test_resave_next_month_leaves_last_months_wages_unchanged(practice, admin, november_session, clock):  # SPEC 0.4
    pr, client, s = november_session
    assert wages(practice, admin, pr.id, NOVEMBER) == 4000
    clock.at = datetime(2025, 12, 3, 15, tzinfo=UTC)
    completion.complete_session(practice, admin, s.id, override=Override(cost_cents=9000, wage_cents=5000))

    assert wages(practice, admin, pr.id, NOVEMBER) == 4000
    assert wages(practice, admin, pr.id, DECEMBER) == 1000  # -40 reversal, +50 new wage, both dated 3 Dec
    assert ledger.client_balance(practice, admin, client.id) == -9000
    *_, reversal, charge = ledger.client_entries(practice, admin, client.id)
    assert reversal.effective_at == charge.effective_at == clock.at


def test_delete_and_recover_next_month_are_dated_when_made(practice, admin, november_session, clock):  # SPEC 0.4, 5.2
    pr, client, s = november_session
    clock.at = datetime(2025, 12, 3, 15, tzinfo=UTC)
    deletion.delete_sessions(practice, admin, [s.id])
    assert wages(practice, admin, pr.id, NOVEMBER) == 4000
    assert wages(practice, admin, pr.id, DECEMBER) == -4000
    clock.at = datetime(2025, 12, 4, 15, tzinfo=UTC)
    deletion.recover_sessions(practice, admin, [s.id])
    assert wages(practice, admin, pr.id, NOVEMBER) == 4000
    assert wages(practice, admin, pr.id, DECEMBER) == 0
    assert [e.effective_at for e in ledger.client_entries(practice, admin, client.id)] == [
        datetime(2025, 11, 20, 15, tzinfo=UTC), datetime(2025, 12, 3, 15, tzinfo=UTC),
        datetime(2025, 12, 4, 15, tzinfo=UTC)]


def test_reversal_of_a_session_saved_ahead_stays_in_its_period(practice, admin, make, clock):  # SPEC 0.4
    # saved in advance (dated 20 Jan), corrected on 2 Jan: both reversal and new charge land on 20 Jan
    clock.at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    pr, client = make.practitioner(), make.client()
    [s] = make.session(datetime(2026, 1, 20, 10), datetime(2026, 1, 20, 11), make.service(), pr, [client])
    completion.complete_session(practice, admin, s.id, type_id(practice, "completed"))
    clock.at = datetime(2026, 1, 2, 12, tzinfo=UTC)
    completion.complete_session(practice, admin, s.id, type_id(practice, "missed"))
    assert {e.effective_at for e in ledger.client_entries(practice, admin, client.id)} == {
        datetime(2026, 1, 20, 15, tzinfo=UTC)}

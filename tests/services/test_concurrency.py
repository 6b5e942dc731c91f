"""Two workstations on one practice file (SPEC 0.4): real processes, racing on the same rows.

Before every transaction took the write lock ahead of its first read, two saves of one session
charged twice in 100 of 100 tries, and a save racing a delete left live charges on a deleted
session. Each test here makes 100 (or 20) collisions and counts what went wrong: nothing may.
"""
from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import LedgerEntry, PracticeSession
from app.services.money import ledger
from app.services.people import users
from app.services.scheduling import completion
from tests.races import race, raw_errors

TRIES = int(os.environ.get("PRACTICE_RACE_TRIES", "100"))  # more: PRACTICE_RACE_TRIES=500 make test
FIRST_DAY = datetime(2024, 1, 1, 10)  # in the past (for up to ~900 tries): saving a future session may be refused one day


def slots(n: int) -> list[tuple[datetime, datetime]]:
    return [(FIRST_DAY + timedelta(days=i), FIRST_DAY + timedelta(days=i, hours=1)) for i in range(n)]


def live_entries_per_session(practice) -> Counter:
    ids = [s for (s,) in practice.engine.connect().execute(select(PracticeSession.id))]
    with practice.read() as tx:
        return Counter(e.session_id for e in ledger.live_entries_for_sessions(tx, ids))


@pytest.fixture
def booked(practice, make):
    """TRIES past sessions of one $80 / $40 service, one client each, nothing saved yet."""
    pr, svc, client = make.practitioner(), make.service(cost=8000, wage=4000), make.client()
    made = [make.session(a, b, svc, pr, [client])[0] for a, b in slots(TRIES)]
    return pr, svc, client, [s.id for s in made]


def test_two_desks_saving_the_same_session_charge_once(practice, admin, booked):  # SPEC 0.4
    pr, _, client, ids = booked
    done = completion.type_by_key(practice, "completed").id
    a, b = race(practice, admin, ("complete_each", ids, done), ("complete_each", ids, done))

    assert raw_errors(a, b) == []
    assert a["ok"] + b["ok"] + a["Busy"] + b["Busy"] == 2 * TRIES
    live = live_entries_per_session(practice)
    assert sorted(set(live.values())) == [2]  # one charge and one wage per session, never two sets
    assert len(live) == TRIES
    assert ledger.client_balance(practice, admin, client.id) == -8000 * TRIES
    ever = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
    [wages] = [w for w in ledger.practitioner_wages(practice, admin, *ever) if w.practitioner_id == pr.id]
    assert (wages.wages_cents, wages.sessions) == (4000 * TRIES, TRIES)
    print(f"\n{TRIES} tries of two simultaneous saves: {a + b}; double charges: "
          f"{sum(1 for n in live.values() if n > 2)}")


def test_a_save_racing_a_delete_never_leaves_charges_on_a_deleted_session(practice, admin, booked):  # SPEC 0.4
    _, _, client, ids = booked
    done = completion.type_by_key(practice, "completed").id
    saves, deletes = race(practice, admin, ("complete_each", ids, done), ("delete_each", ids, None))

    assert raw_errors(saves, deletes) == []
    assert deletes["ok"] + deletes["Busy"] == TRIES
    with practice.read() as tx:
        deleted = set(tx.scalars(select(PracticeSession.id).where(PracticeSession.deleted_at.is_not(None))))
    live = live_entries_per_session(practice)
    charged_and_deleted = deleted & set(live)
    assert charged_and_deleted == set()
    # what is live belongs to sessions that are still there, and adds up
    assert ledger.client_balance(practice, admin, client.id) == -8000 * sum(
        1 for sid in live if sid not in deleted)
    print(f"\n{TRIES} tries of a save racing a delete: saves {saves}, deletes {deletes}; "
          f"deleted sessions with live charges: {len(charged_and_deleted)}")


def test_two_desks_booking_one_slot_never_double_book_unwarned(practice, admin, make):  # SPEC 0.4, 2.5
    pr, svc = make.practitioner(), make.service()
    one, two = make.client(), make.client()
    wanted = [(a.isoformat(), b.isoformat()) for a, b in slots(TRIES)]
    a, b = race(practice, admin, ("book_each", wanted, (svc.id, pr.id, one.id)),
                ("book_each", wanted, (svc.id, pr.id, two.id)))

    assert raw_errors(a, b) == []
    assert a["ok"] + b["ok"] + a["Busy"] + b["Busy"] == TRIES  # the other desk is warned each time
    assert a["NeedsConfirmation"] + b["NeedsConfirmation"] == TRIES - a["Busy"] - b["Busy"]
    with practice.read() as tx:
        per_slot = Counter(tx.scalars(select(PracticeSession.start_at).where(PracticeSession.deleted_at.is_(None))))
    assert max(per_slot.values()) == 1
    print(f"\n{TRIES} tries of two desks booking one slot: {a + b}; double bookings: "
          f"{sum(1 for n in per_slot.values() if n > 1)}")


def test_two_admins_adding_one_user_name(practice, admin):  # SPEC 0.4, 0.5
    names = [f"desk{i}" for i in range(20)]
    a, b = race(practice, admin, ("create_users", names, None), ("create_users", names, None))

    assert raw_errors(a, b) == []
    assert a["ok"] + b["ok"] == 20
    assert a["ValidationError"] + b["ValidationError"] == 20
    with practice.read() as tx:
        assert tx.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    assert sorted(u.username for u in users.list_users(practice, admin) if u.username.startswith("desk")) == \
        sorted(names)


def test_lockout_holds_under_parallel_guessing(practice, admin, make):  # SPEC 1.2
    users.create_user(practice, admin, "frontdesk", "Front Desk", "staff", "the real password")
    guesses = [f"guess {i}" for i in range(6)]
    tallies = race(practice, admin, *[("guess_passwords", guesses, "frontdesk")] * 4)

    assert raw_errors(*tallies) == []
    total = sum(tallies, Counter())
    assert total["wrong password"] == users.MAX_FAILED_LOGINS  # checked; every other guess refused unread
    assert total["locked"] + total["Busy"] == 24 - users.MAX_FAILED_LOGINS
    with pytest.raises(users.LoginFailed, match="locked"):
        users.login(practice, "frontdesk", "the real password")

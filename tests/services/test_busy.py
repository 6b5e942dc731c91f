"""Waiting too long for another workstation is a plain "busy, try again", never a raw database
error, and changes nothing (SPEC 0.4)."""
from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import text

from app.services.errors import Busy
from app.services.money import ledger
from app.services.scheduling import completion
from tests.races import other_desk_saving


def test_a_write_that_waits_too_long_is_busy_and_changes_nothing(practice, impatient, admin, make):  # SPEC 0.4
    client = make.client()
    with other_desk_saving(practice), pytest.raises(Busy) as caught:
        ledger.record_payment(impatient, admin, client.id, 5000, "cash")
    message = str(caught.value)
    assert "another workstation" in message.lower() and "try again" in message.lower()
    assert "locked" not in message and "sqlite" not in message.lower()
    assert ledger.client_balance(practice, admin, client.id) == 0
    # once the other desk is done, the same call goes through
    ledger.record_payment(impatient, admin, client.id, 5000, "cash")
    assert ledger.client_balance(practice, admin, client.id) == 5000


def test_a_save_is_busy_not_half_done(practice, impatient, admin, make):  # SPEC 0.4
    pr, svc, client = make.practitioner(), make.service(), make.client()
    [s] = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pr, [client])
    with other_desk_saving(practice), pytest.raises(Busy):
        completion.complete_session(impatient, admin, s.id, completion.type_by_key(impatient, "completed").id)
    assert ledger.client_balance(practice, admin, client.id) == 0


def test_reading_is_not_blocked_by_another_desk_saving(practice, impatient, admin, make):  # SPEC 0.4
    client = make.client()
    with other_desk_saving(practice):
        assert ledger.client_balance(impatient, admin, client.id) == 0


@pytest.mark.sqlite_only(reason="looks at SQLite's own lock; test_a_second_write_waits_for_one_that_only_read is the same on both")
def test_writes_take_the_lock_before_their_first_read(practice):  # STACK.md trap 0
    with practice.uow() as tx:
        assert tx.execute(text("SELECT count(*) FROM client")).scalar() == 0  # a read, no write yet
        # another connection cannot start a write now: the lock came with the read
        other = sqlite3.connect(practice.path, isolation_level=None, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_a_second_write_waits_for_one_that_only_read(practice, impatient):  # STACK.md trap 0, SPEC 0.4
    with practice.uow() as tx:
        assert tx.execute(text("SELECT count(*) FROM client")).scalar() == 0  # a read, no write yet
        # another desk cannot start a write now: the lock came with the read
        with pytest.raises(Busy), impatient.uow() as other:
            other.execute(text("SELECT count(*) FROM client"))
    with impatient.uow() as other:  # free once the first one is done
        assert other.execute(text("SELECT count(*) FROM client")).scalar() == 0


def test_a_read_transaction_refuses_to_write(practice, admin, make):  # STACK.md trap 0
    from app.models import Client

    client = make.client()
    with pytest.raises(RuntimeError, match="uow"), practice.read() as tx:
        tx.get(Client, client.id).first_name = "Changed"
        tx.flush()
    with practice.read() as tx:
        assert tx.get(Client, client.id).first_name == client.first_name

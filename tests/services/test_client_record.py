"""The client record (SPEC 1.5, 6): upcoming and past sessions, balance and available credit."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.errors import NotFound, ValidationError
from app.services.money import ledger
from app.services.people.client_record import client_record
from app.services.scheduling import completion, deletion


@pytest.fixture
def w(practice, admin, make, clock):
    """Now is Thu 15 Jan 2026 noon. Ann: two past sessions (one saved), one deleted, two upcoming
    (one with another practitioner), a $100 payment."""
    clock.at = datetime(2026, 1, 15, 17, tzinfo=UTC)
    class W:
        ana, ben = make.practitioner("Dr Ana"), make.practitioner("Dr Ben")
        svc = make.service(cost=8000, wage=4000)
        ann, bob = make.client("Ann", "Lee"), make.client("Bob", "Other")
    s = {}
    for key, day, pr in (("past1", 5, W.ana), ("past2", 12, W.ana), ("gone", 13, W.ana), ("next1", 19, W.ana),
                         ("next2", 20, W.ben)):
        [s[key]] = make.session(datetime(2026, 1, day, 10), datetime(2026, 1, day, 11), W.svc, pr, [W.ann])
    make.session(datetime(2026, 1, 21, 10), datetime(2026, 1, 21, 11), W.svc, W.ana, [W.bob])
    completion.complete_session(practice, admin, s["past1"].id, completion.type_by_key(practice, "completed").id)
    deletion.delete_sessions(practice, admin, [s["gone"].id])
    ledger.record_payment(practice, admin, W.ann.id, 10000, "cash")
    W.s = s
    W.ana_login = make.user("practitioner", practitioner_id=W.ana.id)
    return W


def test_spec_6_the_record_shows_sessions_balance_and_available_credit(practice, admin, w):
    r = client_record(practice, admin, w.ann.id)
    assert r.client.name == "Ann Lee"
    assert [v.id for v in r.upcoming] == [w.s["next1"].id, w.s["next2"].id]  # soonest first
    assert [v.id for v in r.past] == [w.s["past1"].id, w.s["past2"].id][::-1]  # most recent first, deleted left out
    assert r.balance_cents == 10000 - 8000
    assert r.available_credit_cents == 2000 - 3 * 8000  # the open past session and the two upcoming ones
    assert not r.more_upcoming and not r.more_past


def test_spec_1_5_a_practitioner_sees_their_own_sessions_and_no_balance(practice, w):
    r = client_record(practice, w.ana_login, w.ann.id)
    assert [v.id for v in r.upcoming] == [w.s["next1"].id]
    assert r.balance_cents is None and r.available_credit_cents is None


def test_a_long_history_is_cut_to_a_page(practice, admin, w):
    r = client_record(practice, admin, w.ann.id, limit=1)
    assert len(r.upcoming) == len(r.past) == 1 and r.more_upcoming and r.more_past


def test_bad_input_is_named(practice, admin, w):  # SPEC 0.5
    with pytest.raises(NotFound):
        client_record(practice, admin, 99999)
    with pytest.raises(ValidationError) as bad:
        client_record(practice, admin, "1")
    assert bad.value.field == "client"

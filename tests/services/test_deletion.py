"""Soft delete and recover (SPEC 5.1, 5.2, 0.4)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.errors import NotFound, PermissionDenied, RuleViolation
from app.services.money import ledger
from app.services.scheduling import completion, deletion, sessions
from app.services.scheduling.completion import CompletionTypeInput

WIDE = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def live_ids(practice, actor) -> list[int]:
    return [s.id for s in sessions.list_sessions(practice, actor, *WIDE)]


def deleted_ids(practice, actor) -> list[int]:
    return sorted(s.id for s in deletion.list_deleted(practice, actor))


def wages(practice, actor, pr) -> int:
    return next(w.wages_cents for w in ledger.practitioner_wages(practice, actor, *WIDE) if w.practitioner_id == pr.id)


@pytest.fixture
def world(practice, admin, make):
    """Practitioner, $80/$40 service, clients a and b; three sessions: a group one saved
    Completed, one of a saved Late Cancel (50/50), and one open."""
    pr, svc = make.practitioner(), make.service(cost=8000, wage=4000)
    a, b = make.client(), make.client()
    [g] = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pr, [a, b],
                       public_note="bring music", private_note="slow progress")
    [one] = make.session(datetime(2026, 1, 6, 10), datetime(2026, 1, 6, 11), svc, pr, [a])
    [op] = make.session(datetime(2026, 1, 7, 10), datetime(2026, 1, 7, 11), svc, pr, [b])
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 50))
    completion.complete_session(practice, admin, g.id, completion.type_by_key(practice, "completed").id)
    completion.complete_session(practice, admin, one.id, late.id)
    return dict(pr=pr, a=a, b=b, g=g.id, one=one.id, open=op.id)


def money(practice, admin, w) -> tuple[int, int, int]:
    return (ledger.client_balance(practice, admin, w["a"].id), ledger.client_balance(practice, admin, w["b"].id),
            wages(practice, admin, w["pr"]))


# SPEC 5.1
def test_delete_one_session(practice, admin, world):
    w = world
    deletion.delete_sessions(practice, admin, [w["open"]])
    assert live_ids(practice, admin) == [w["g"], w["one"]]
    assert deleted_ids(practice, admin) == [w["open"]]
    [d] = deletion.list_deleted(practice, admin)
    assert d.deleted is True and d.deleted_at is not None


# SPEC 5.1
def test_delete_many_sessions(practice, admin, world):
    w = world
    deletion.delete_sessions(practice, admin, [w["g"], w["open"]])
    assert live_ids(practice, admin) == [w["one"]]
    assert deleted_ids(practice, admin) == sorted([w["g"], w["open"]])


# SPEC 0.4: deleting is soft
def test_deleted_session_is_still_readable(practice, admin, world):
    deletion.delete_sessions(practice, admin, [world["g"]])
    view = sessions.get_session(practice, admin, world["g"])
    assert view.deleted is True
    assert view.status == "completed"


# SPEC 5.2
def test_deleting_saved_sessions_reverses_charges_and_wages(practice, admin, world):
    w = world
    assert money(practice, admin, w) == (-8000 - 4000, -8000, 4000 + 2000)
    deletion.delete_sessions(practice, admin, [w["g"]])
    assert money(practice, admin, w) == (-4000, 0, 2000)
    deletion.delete_session(practice, admin, w["one"])
    assert money(practice, admin, w) == (0, 0, 0)
    entries = ledger.client_entries(practice, admin, w["a"].id)
    originals = {e.id: e for e in entries if e.reverses_id is None}
    reversals = [e for e in entries if e.reverses_id is not None]
    assert len(originals) == 2 and len(reversals) == 2
    for r in reversals:
        assert r.amount_cents == -originals[r.reverses_id].amount_cents


# SPEC 5.2
def test_deleting_an_open_session_writes_no_money(practice, admin, world):
    w = world
    before = ledger.client_entries(practice, admin, w["b"].id)
    deletion.delete_sessions(practice, admin, [w["open"]])
    assert ledger.client_entries(practice, admin, w["b"].id) == before


# SPEC 5.2
def test_recover_restores_everything(practice, admin, world):
    w = world
    before = {i: sessions.get_session(practice, admin, i) for i in (w["g"], w["one"], w["open"])}
    money_before = money(practice, admin, w)
    deletion.delete_sessions(practice, admin, [w["g"], w["one"], w["open"]])
    assert money(practice, admin, w) == (0, 0, 0)
    recovered = deletion.recover_sessions(practice, admin, [w["g"], w["one"], w["open"]])
    assert sorted(v.id for v in recovered) == sorted(before)
    assert money(practice, admin, w) == money_before
    for v in recovered:
        assert v == before[v.id]  # status, label, notes, clients and their charges, wage
    g = next(v for v in recovered if v.id == w["g"])
    assert (g.status, g.completion_label, g.public_note, g.private_note) == (
        "completed", "Completed", "bring music", "slow progress")
    assert [c.id for c in g.clients] == [w["a"].id, w["b"].id]
    assert [c.charge_cents for c in g.clients] == [8000, 8000]
    assert deleted_ids(practice, admin) == []
    assert live_ids(practice, admin) == [w["g"], w["one"], w["open"]]


# SPEC 5.2, 4.5: the recovered snapshot is the one it was saved with, even if the type changed since
def test_recover_keeps_the_saved_snapshot_after_the_type_changed(practice, admin, world):
    w = world
    deletion.delete_sessions(practice, admin, [w["one"]])
    late = next(t for t in completion.list_completion_types(practice, admin) if t.label == "Late Cancel")
    completion.update_completion_type(practice, admin, late.id, CompletionTypeInput(
        "canceled", "Late Fee", "", "fixed", 1, 1))
    [v] = deletion.recover_sessions(practice, admin, [w["one"]])
    assert v.completion_label == "Late Cancel"
    assert [c.charge_cents for c in v.clients] == [4000]
    assert money(practice, admin, w) == (-12000, -8000, 6000)


# SPEC 5.2, 0.4
def test_delete_then_recover_twice_stays_exact(practice, admin, world):
    w = world
    start = money(practice, admin, w)
    for _ in range(2):
        deletion.delete_sessions(practice, admin, [w["g"]])
        deletion.recover_sessions(practice, admin, [w["g"]])
    assert money(practice, admin, w) == start


# SPEC 5.1, 0.4
def test_deleting_twice_is_refused_and_changes_nothing(practice, admin, world):
    w = world
    deletion.delete_sessions(practice, admin, [w["g"]])
    after_first = money(practice, admin, w)
    with pytest.raises(RuleViolation):
        deletion.delete_sessions(practice, admin, [w["g"]])
    with pytest.raises(RuleViolation):  # together with a live one: the live one stays (one transaction)
        deletion.delete_sessions(practice, admin, [w["one"], w["g"]])
    assert money(practice, admin, w) == after_first
    assert live_ids(practice, admin) == [w["one"], w["open"]]
    assert deleted_ids(practice, admin) == [w["g"]]


# SPEC 5.2, 0.4
def test_recovering_a_live_session_is_refused_and_changes_nothing(practice, admin, world):
    w = world
    deletion.delete_sessions(practice, admin, [w["g"]])
    after = money(practice, admin, w)
    with pytest.raises(RuleViolation):
        deletion.recover_sessions(practice, admin, [w["one"]])
    with pytest.raises(RuleViolation):  # with a deleted one: that one stays deleted
        deletion.recover_sessions(practice, admin, [w["g"], w["one"]])
    assert money(practice, admin, w) == after
    assert deleted_ids(practice, admin) == [w["g"]]


# SPEC 5.1
def test_deleting_an_unknown_session_changes_nothing(practice, admin, world):
    w = world
    before = money(practice, admin, w)
    with pytest.raises(NotFound):
        deletion.delete_sessions(practice, admin, [w["g"], 99999])
    assert money(practice, admin, w) == before
    assert deleted_ids(practice, admin) == []


# SPEC 1.1, 5.1
def test_practitioner_cannot_delete_or_recover(practice, admin, make, world):
    w = world
    me = make.user("practitioner", practitioner_id=w["pr"].id)
    with pytest.raises(PermissionDenied):
        deletion.delete_sessions(practice, me, [w["g"]])
    with pytest.raises(PermissionDenied):
        deletion.delete_session(practice, me, w["g"])
    deletion.delete_sessions(practice, admin, [w["open"]])
    with pytest.raises(PermissionDenied):
        deletion.recover_sessions(practice, me, [w["open"]])
    with pytest.raises(PermissionDenied):
        deletion.list_deleted(practice, me)
    assert deleted_ids(practice, admin) == [w["open"]]
    assert money(practice, admin, w) == (-12000, -8000, 6000)


# SPEC 5.1, 1.1
def test_staff_may_delete_and_recover(practice, admin, make, world):
    w = world
    staff = make.user("staff")
    deletion.delete_sessions(practice, staff, [w["g"]])
    assert deleted_ids(practice, staff) == [w["g"]]
    deletion.recover_sessions(practice, staff, [w["g"]])
    assert money(practice, admin, w) == (-12000, -8000, 6000)


# SPEC 5.1: a deleted session cannot be completed or reopened
def test_deleted_session_cannot_be_saved(practice, admin, world):
    w = world
    deletion.delete_sessions(practice, admin, [w["open"]])
    with pytest.raises(NotFound):
        completion.complete_session(practice, admin, w["open"], completion.type_by_key(practice, "completed").id)
    assert ledger.client_balance(practice, admin, w["b"].id) == -8000

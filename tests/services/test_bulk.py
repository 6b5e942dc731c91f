"""The sessions list's checkboxes + action + Submit: completion.bulk_action (SPEC 4.2, 5.1, 0.4)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.money import ledger
from app.services.scheduling import completion, deletion, sessions
from app.services.scheduling.completion import CompletionTypeInput

WIDE = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def statuses(practice, actor) -> dict[int, str]:
    return {s.id: s.label for s in sessions.list_sessions(practice, actor, *WIDE)}


def total_wages(practice, actor) -> int:
    return sum(w.wages_cents for w in ledger.practitioner_wages(practice, actor, *WIDE))


@pytest.fixture
def four(make):
    """Four open sessions on Jan 5-8 for clients a, b, a, b (an $80 / $40 service)."""
    pr, svc = make.practitioner(), make.service(cost=8000, wage=4000)
    a, b = make.client(), make.client()
    ids = []
    for day, c in zip((5, 6, 7, 8), (a, b, a, b), strict=True):
        [s] = make.session(datetime(2026, 1, day, 10), datetime(2026, 1, day, 11), svc, pr, [c])
        ids.append(s.id)
    return pr, a, b, ids


def state(practice, admin, a, b):
    return (statuses(practice, admin), ledger.client_balance(practice, admin, a.id),
            ledger.client_balance(practice, admin, b.id), total_wages(practice, admin))


# SPEC 4.2
def test_complete_many_at_once(practice, admin, make, four):
    pr, a, b, ids = four
    staff = make.user("staff")
    out = completion.bulk_action(practice, staff, ids[:3], "complete", completion.type_by_key(practice, "completed").id)
    assert sorted(v.id for v in out) == ids[:3]
    assert all(v.status == "completed" for v in out)
    assert statuses(practice, admin) == {ids[0]: "Completed", ids[1]: "Completed", ids[2]: "Completed",
                                         ids[3]: "Open"}
    assert ledger.client_balance(practice, admin, a.id) == -16000
    assert ledger.client_balance(practice, admin, b.id) == -8000
    assert total_wages(practice, admin) == 12000


# SPEC 4.2, 4.4
def test_bulk_complete_with_custom_type(practice, admin, four):
    _, a, b, ids = four
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 50))
    completion.bulk_action(practice, admin, ids, "complete", late.id)
    assert set(statuses(practice, admin).values()) == {"Late Cancel"}
    assert ledger.client_balance(practice, admin, a.id) == -8000
    assert total_wages(practice, admin) == 8000


# SPEC 4.2, 4.6: re-saving checked sessions replaces their charges
def test_bulk_resave_and_reopen(practice, admin, four):
    _, a, b, ids = four
    completion.bulk_action(practice, admin, ids, "complete", completion.type_by_key(practice, "completed").id)
    completion.bulk_action(practice, admin, ids, "complete", completion.type_by_key(practice, "canceled").id)
    assert ledger.client_balance(practice, admin, a.id) == 0
    assert total_wages(practice, admin) == 0
    completion.bulk_action(practice, admin, ids[:2], "complete", completion.type_by_key(practice, "missed").id)
    completion.bulk_action(practice, admin, ids[:1], "reopen")
    assert statuses(practice, admin) == {ids[0]: "Open", ids[1]: "Missed", ids[2]: "Canceled", ids[3]: "Canceled"}
    assert (ledger.client_balance(practice, admin, a.id), ledger.client_balance(practice, admin, b.id)) == (0, -8000)


# SPEC 4.2, 0.4: all or nothing
@pytest.mark.parametrize("position", ["first", "last"])
def test_a_missing_id_changes_nothing(practice, admin, four, position):
    _, a, b, ids = four
    before = state(practice, admin, a, b)
    batch = [99999] + ids if position == "first" else ids + [99999]
    with pytest.raises(NotFound):
        completion.bulk_action(practice, admin, batch, "complete", completion.type_by_key(practice, "completed").id)
    assert state(practice, admin, a, b) == before


# SPEC 4.2, 5.1, 0.4: a deleted session among the checked ones is refused, nothing changes
@pytest.mark.parametrize("action", ["complete", "reopen", "delete"])
def test_a_deleted_id_changes_nothing(practice, admin, four, action):
    _, a, b, ids = four
    completion.bulk_action(practice, admin, ids[:2], "complete", completion.type_by_key(practice, "completed").id)
    deletion.delete_sessions(practice, admin, [ids[3]])
    before = state(practice, admin, a, b)
    with pytest.raises(NotFound):
        completion.bulk_action(practice, admin, ids, action, completion.type_by_key(practice, "missed").id)
    assert state(practice, admin, a, b) == before
    assert [s.id for s in deletion.list_deleted(practice, admin)] == [ids[3]]


# SPEC 4.5, 0.4: a switched-off type is refused for the whole batch
def test_switched_off_type_changes_nothing(practice, admin, four):
    _, a, b, ids = four
    missed = completion.type_by_key(practice, "missed")
    completion.set_completion_type_enabled(practice, admin, missed.id, False)
    before = state(practice, admin, a, b)
    with pytest.raises(ValidationError) as err:
        completion.bulk_action(practice, admin, ids, "complete", missed.id)
    assert err.value.field == "status"
    assert state(practice, admin, a, b) == before


# SPEC 5.1
def test_bulk_delete(practice, admin, four):
    _, a, b, ids = four
    completion.bulk_action(practice, admin, ids[:2], "complete", completion.type_by_key(practice, "completed").id)
    out = completion.bulk_action(practice, admin, [ids[0], ids[2]], "delete")
    assert sorted(v.id for v in out) == [ids[0], ids[2]]
    assert all(v.deleted for v in out)
    assert sorted(statuses(practice, admin)) == [ids[1], ids[3]]
    assert sorted(s.id for s in deletion.list_deleted(practice, admin)) == [ids[0], ids[2]]
    assert ledger.client_balance(practice, admin, a.id) == 0  # the saved one was reversed
    assert ledger.client_balance(practice, admin, b.id) == -8000
    assert total_wages(practice, admin) == 4000


# SPEC 4.2: the same session checked twice is acted on once
def test_duplicate_ids_are_acted_on_once(practice, admin, four):
    _, a, _, ids = four
    out = completion.bulk_action(practice, admin, [ids[0], ids[0]], "complete",
                                 completion.type_by_key(practice, "completed").id)
    assert [v.id for v in out] == [ids[0]]
    assert ledger.client_balance(practice, admin, a.id) == -8000
    assert total_wages(practice, admin) == 4000


# SPEC 4.2, 0.5
def test_empty_selection_is_refused(practice, admin, four):
    _, a, b, ids = four
    with pytest.raises(ValidationError) as err:
        completion.bulk_action(practice, admin, [], "complete", completion.type_by_key(practice, "completed").id)
    assert err.value.field == "sessions"


# SPEC 4.2, 0.5
def test_unknown_action_and_missing_type_are_refused(practice, admin, four):
    _, a, b, ids = four
    before = state(practice, admin, a, b)
    with pytest.raises(ValidationError) as err:
        completion.bulk_action(practice, admin, ids, "archive")
    assert err.value.field == "action"
    with pytest.raises(ValidationError) as err:
        completion.bulk_action(practice, admin, ids, "complete")  # no status chosen
    assert err.value.field == "status"
    assert state(practice, admin, a, b) == before


# SPEC 1.1: bulk tools are for the front desk
@pytest.mark.parametrize("action", ["complete", "reopen", "delete"])
def test_practitioner_may_not_use_bulk_tools(practice, admin, make, four, action):
    pr, a, b, ids = four
    me = make.user("practitioner", practitioner_id=pr.id)
    before = state(practice, admin, a, b)
    with pytest.raises(PermissionDenied):
        completion.bulk_action(practice, me, ids, action, completion.type_by_key(practice, "completed").id)
    assert state(practice, admin, a, b) == before

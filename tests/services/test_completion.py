"""Saving ("completing") sessions: charges, wages, custom types, re-saving (SPEC 4.1, 4.3, 4.4, 4.6, 0.4)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.errors import PermissionDenied, ValidationError
from app.services.money import ledger
from app.services.scheduling import completion, sessions
from app.services.scheduling.completion import CompletionTypeInput, Override

WIDE = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def wages_of(practice, actor, practitioner_id):
    [row] = [w for w in ledger.practitioner_wages(practice, actor, *WIDE) if w.practitioner_id == practitioner_id]
    return row.wages_cents, row.sessions


def balance(practice, actor, client):
    return ledger.client_balance(practice, actor, client.id)


def key_id(practice, key):
    return completion.type_by_key(practice, key).id


@pytest.fixture
def setup(make):
    """An $80 / $40 fixed service, one practitioner, two clients, one group session on Mon 5 Jan 10:00."""
    pr, svc = make.practitioner(), make.service(cost=8000, wage=4000)
    a, b = make.client(), make.client()
    [s] = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pr, [a, b])
    return pr, svc, a, b, s


# SPEC 4.1
@pytest.mark.parametrize("key", ["completed", "missed"])
def test_completed_and_missed_charge_each_group_client_full_cost_and_pay_wage_once(practice, admin, setup, key):
    pr, _, a, b, s = setup
    view = completion.complete_session(practice, admin, s.id, key_id(practice, key))
    assert view.status == key
    assert view.completion_label == key.capitalize()
    assert [c.charge_cents for c in view.clients] == [8000, 8000]
    assert view.wage_cents == 4000
    assert balance(practice, admin, a) == -8000
    assert balance(practice, admin, b) == -8000
    assert wages_of(practice, admin, pr.id) == (4000, 1)


# SPEC 4.1
def test_canceled_charges_and_pays_nothing(practice, admin, setup):
    pr, _, a, b, s = setup
    view = completion.complete_session(practice, admin, s.id, key_id(practice, "canceled"))
    assert view.status == "canceled"
    assert [c.charge_cents for c in view.clients] == [0, 0]
    assert balance(practice, admin, a) == 0 and balance(practice, admin, b) == 0
    assert ledger.client_entries(practice, admin, a.id) == []
    assert wages_of(practice, admin, pr.id) == (0, 0)


# SPEC 4.1
def test_cost_override_takes_the_typed_cost_and_wage(practice, admin, make, setup):
    pr, _, a, b, s = setup
    staff = make.user("staff")
    view = completion.complete_session(practice, staff, s.id, override=Override(cost_cents=5550, wage_cents=1234))
    assert view.status == "completed"
    assert view.cost_override is True
    assert view.completion_label == "Cost override"
    assert [c.charge_cents for c in view.clients] == [5550, 5550]
    assert balance(practice, admin, a) == -5550 and balance(practice, admin, b) == -5550
    assert wages_of(practice, admin, pr.id) == (1234, 1)


# SPEC 4.1, 1.1
def test_practitioner_may_complete_own_session_but_not_override_cost(practice, admin, make, setup):
    pr, _, a, _, s = setup
    me = make.user("practitioner", practitioner_id=pr.id)
    with pytest.raises(PermissionDenied):
        completion.complete_session(practice, me, s.id, override=Override(100, 100))
    with pytest.raises(PermissionDenied):
        completion.preview_completion(practice, me, s.id, None, Override(100, 100))
    assert sessions.get_session(practice, admin, s.id).status == "open"
    assert balance(practice, admin, a) == 0
    view = completion.complete_session(practice, me, s.id, key_id(practice, "completed"))
    assert view.status == "completed"
    assert balance(practice, admin, a) == -8000


# SPEC 1.1
def test_practitioner_cannot_complete_someone_elses_session(practice, admin, make, setup):
    _, _, a, _, s = setup
    other = make.user("practitioner", practitioner_id=make.practitioner().id)
    with pytest.raises(PermissionDenied):
        completion.complete_session(practice, other, s.id, key_id(practice, "completed"))
    assert sessions.get_session(practice, admin, s.id).status == "open"
    assert balance(practice, admin, a) == 0


# SPEC 0.5
def test_negative_override_is_refused_naming_the_field(practice, admin, setup):
    _, _, a, _, s = setup
    with pytest.raises(ValidationError) as err:
        completion.complete_session(practice, admin, s.id, override=Override(-1, 100))
    assert err.value.field == "cost"
    with pytest.raises(ValidationError) as err:
        completion.complete_session(practice, admin, s.id, override=Override(100, -1))
    assert err.value.field == "wage"
    assert sessions.get_session(practice, admin, s.id).status == "open"
    assert ledger.client_entries(practice, admin, a.id) == []


# SPEC 4.3
def test_open_sessions_charge_nothing(practice, admin, setup):
    pr, _, a, b, s = setup
    view = sessions.get_session(practice, admin, s.id)
    assert view.status == "open"
    assert view.cost_cents == 8000  # the price now, not a charge
    assert [c.charge_cents for c in view.clients] == [None, None]
    assert balance(practice, admin, a) == 0 and balance(practice, admin, b) == 0
    assert ledger.client_entries(practice, admin, a.id) == []
    assert wages_of(practice, admin, pr.id) == (0, 0)


# SPEC 4.4
def test_late_cancel_percentage_example(practice, admin, setup):
    pr, _, a, b, s = setup
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "cancelled under 24 h", "percentage", 50, 50))
    view = completion.complete_session(practice, admin, s.id, late.id)
    assert view.status == "canceled"
    assert view.completion_label == "Late Cancel"
    assert [c.charge_cents for c in view.clients] == [4000, 4000]
    assert view.wage_cents == 2000
    assert balance(practice, admin, a) == -4000 and balance(practice, admin, b) == -4000
    assert wages_of(practice, admin, pr.id) == (2000, 1)


# SPEC 4.4, 0.1
def test_percentage_rounds_half_up_to_the_cent(practice, admin, make):
    pr, svc, c = make.practitioner(), make.service(cost=8001, wage=4001), make.client()
    [s] = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pr, [c])
    half = completion.create_completion_type(practice, admin, CompletionTypeInput("missed", "Half", "", "percentage",
                                                                                  50, 50))
    view = completion.complete_session(practice, admin, s.id, half.id)
    assert [x.charge_cents for x in view.clients] == [4001]  # 4000.5 -> 4001
    assert view.wage_cents == 2001


# SPEC 4.4
def test_fixed_modifier_is_whole_currency_units(practice, admin, setup):
    pr, _, a, b, s = setup
    flat = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "missed", "No-show fee", "", "fixed", 25, 10))
    view = completion.complete_session(practice, admin, s.id, flat.id)
    assert view.status == "missed"
    assert [c.charge_cents for c in view.clients] == [2500, 2500]
    assert view.wage_cents == 1000
    assert balance(practice, admin, a) == -2500
    assert wages_of(practice, admin, pr.id) == (1000, 1)


# SPEC 4.6, 0.4
def test_resaving_replaces_charges_with_reversal_rows(practice, admin, setup):
    pr, _, a, b, s = setup
    completion.complete_session(practice, admin, s.id, key_id(practice, "completed"))
    completion.complete_session(practice, admin, s.id, key_id(practice, "canceled"))
    assert balance(practice, admin, a) == 0 and balance(practice, admin, b) == 0
    assert wages_of(practice, admin, pr.id) == (0, 0)
    entries = ledger.client_entries(practice, admin, a.id)
    assert [(e.kind, e.amount_cents) for e in entries] == [("charge", -8000), ("charge", 8000)]
    assert entries[0].reverses_id is None
    assert entries[1].reverses_id == entries[0].id

    completion.complete_session(practice, admin, s.id, key_id(practice, "missed"))
    assert balance(practice, admin, a) == -8000 and balance(practice, admin, b) == -8000
    assert wages_of(practice, admin, pr.id) == (4000, 1)
    assert sessions.get_session(practice, admin, s.id).status == "missed"


# SPEC 4.6
def test_resaving_with_the_same_status_never_double_charges(practice, admin, setup):
    pr, _, a, _, s = setup
    for _ in range(3):
        completion.complete_session(practice, admin, s.id, key_id(practice, "completed"))
    assert balance(practice, admin, a) == -8000
    assert wages_of(practice, admin, pr.id) == (4000, 1)
    amounts = [e.amount_cents for e in ledger.client_entries(practice, admin, a.id)]
    assert amounts == [-8000, 8000, -8000, 8000, -8000]


# SPEC 4.6
def test_resaving_from_override_to_late_cancel_uses_only_the_latest(practice, admin, setup):
    pr, _, a, _, s = setup
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 50))
    completion.complete_session(practice, admin, s.id, override=Override(9999, 7777))
    view = completion.complete_session(practice, admin, s.id, late.id)
    assert view.cost_override is False
    assert balance(practice, admin, a) == -4000
    assert wages_of(practice, admin, pr.id) == (2000, 1)


# SPEC 4.6, 4.3
def test_reopen_reverses_charges_and_wage(practice, admin, setup):
    pr, _, a, b, s = setup
    completion.complete_session(practice, admin, s.id, key_id(practice, "completed"))
    view = completion.reopen_session(practice, admin, s.id)
    assert view.status == "open"
    assert view.completion_label is None
    assert [c.charge_cents for c in view.clients] == [None, None]
    assert balance(practice, admin, a) == 0 and balance(practice, admin, b) == 0
    assert wages_of(practice, admin, pr.id) == (0, 0)
    entries = ledger.client_entries(practice, admin, a.id)
    assert [e.amount_cents for e in entries] == [-8000, 8000]
    assert entries[1].reverses_id == entries[0].id


@pytest.mark.parametrize("kind", ["completed", "canceled", "late", "override"])
def test_preview_matches_what_saving_charges(practice, admin, setup, kind):  # SPEC 4.1, 4.4
    pr, _, a, b, s = setup
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 50))
    args = {"completed": (key_id(practice, "completed"), None), "canceled": (key_id(practice, "canceled"), None),
            "late": (late.id, None), "override": (None, Override(3333, 1111))}[kind]
    preview = completion.preview_completion(practice, admin, s.id, *args)
    assert ledger.client_entries(practice, admin, a.id) == []  # previewing writes nothing
    view = completion.complete_session(practice, admin, s.id, *args)
    assert preview.label == view.completion_label
    assert preview.clients == 2
    assert [c.charge_cents for c in view.clients] == [preview.charge_per_client_cents] * 2
    assert preview.wage_cents == view.wage_cents
    assert balance(practice, admin, a) + balance(practice, admin, b) == -preview.total_charge_cents
    assert wages_of(practice, admin, pr.id)[0] == preview.wage_cents


# SPEC 0.4
def test_ledger_entries_record_who_and_when(practice, admin, make, clock, setup):
    _, _, a, _, s = setup
    staff = make.user("staff")
    clock.advance(days=10, minutes=7)
    completion.complete_session(practice, staff, s.id, key_id(practice, "completed"))
    clock.advance(hours=1)
    completion.reopen_session(practice, admin, s.id)
    first, reversal = ledger.client_entries(practice, admin, a.id)
    assert (first.created_by, first.created_at) == (staff.user_id, datetime(2026, 1, 11, 12, 7, tzinfo=UTC))
    assert (reversal.created_by, reversal.created_at) == (admin.user_id, datetime(2026, 1, 11, 13, 7, tzinfo=UTC))
    # effective when the session took place (10:00 New York = 15:00 UTC)
    assert first.effective_at == datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


# SPEC 1.1: a practitioner sees their own wages only
def test_practitioner_sees_only_own_wages(practice, admin, make, setup):
    pr, svc, a, _, s = setup
    other = make.practitioner()
    [t] = make.session(datetime(2026, 1, 6, 10), datetime(2026, 1, 6, 11), svc, other, [a])
    for sid in (s.id, t.id):
        completion.complete_session(practice, admin, sid, key_id(practice, "completed"))
    me = make.user("practitioner", practitioner_id=pr.id)
    assert [(w.practitioner_id, w.wages_cents, w.sessions) for w in ledger.practitioner_wages(practice, me, *WIDE)] \
        == [(pr.id, 4000, 1)]
    assert {w.practitioner_id: w.wages_cents for w in ledger.practitioner_wages(practice, admin, *WIDE)} == {
        pr.id: 4000, other.id: 4000}

"""Cost and wage of a session (SPEC 1.3, 2.6) and completion amounts (SPEC 4.1, 4.4)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.services.money import ledger
from app.services.money.pricing import Outcome, completion_amounts, session_cost, session_wage
from app.services.scheduling import catalog, completion, sessions

JAN = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))


def at(day, hour, minute=0):
    return datetime(2026, 1, day, hour, minute)


# ---- pure functions --------------------------------------------------------------------------

@pytest.mark.parametrize("minutes", [15, 50, 60, 90, 600])
def test_fixed_cost_ignores_duration(minutes):
    # SPEC 2.6: fixed service = service cost whatever the length
    assert session_cost("fixed", 8000, minutes) == 8000
    assert session_wage("fixed", 4000, None, minutes) == 4000


@pytest.mark.parametrize(("minutes", "cost", "wage"), [
    (60, 8000, 4000),
    (30, 4000, 2000),
    (50, 6667, 3333),   # 6666.67 -> 6667; 3333.33 -> 3333
    (45, 6000, 3000),
    (90, 12000, 6000),
    (1, 133, 67),       # 133.33 -> 133; 66.67 -> 67
])
def test_hourly_is_prorated_by_minutes_half_up(minutes, cost, wage):
    # SPEC 2.6 / 0.1: hourly = rate x minutes / 60, half-up to the cent
    assert session_cost("hourly", 8000, minutes) == cost
    assert session_wage("hourly", 4000, None, minutes) == wage


def test_custom_wage_replaces_default_pure():
    # SPEC 1.3 / 2.6
    assert session_wage("fixed", 4000, 5500, 60) == 5500
    assert session_wage("fixed", 4000, 0, 60) == 0          # a custom wage of zero is still a custom wage
    assert session_wage("hourly", 4000, 5500, 30) == 2750
    # the custom wage never changes what the client pays
    assert session_cost("hourly", 8000, 30) == 4000


def test_completion_amounts_defaults():
    # SPEC 4.1: completed and missed charge/pay in full, canceled nothing
    assert completion_amounts(Outcome("completed", None), 8000, 4000) == (8000, 4000)
    assert completion_amounts(Outcome("missed", None), 8000, 4000) == (8000, 4000)
    assert completion_amounts(Outcome("canceled", None), 8000, 4000) == (0, 0)


def test_completion_amounts_custom_percentage_and_fixed():
    # SPEC 4.4: "Late Cancel" 50/50 on $80 / $40 -> $40.00 / $20.00
    assert completion_amounts(Outcome("canceled", "percentage", 50, 50), 8000, 4000) == (4000, 2000)
    assert completion_amounts(Outcome("missed", "percentage", 25, 0), 8000, 4000) == (2000, 0)
    assert completion_amounts(Outcome("completed", "percentage", 33, 33), 1001, 1001) == (330, 330)  # 330.33
    assert completion_amounts(Outcome("completed", "percentage", 50, 50), 1001, 1003) == (501, 502)  # halves up
    # fixed modifiers are whole currency units, whatever the cost
    assert completion_amounts(Outcome("canceled", "fixed", 25, 10), 8000, 4000) == (2500, 1000)
    assert completion_amounts(Outcome("canceled", "fixed", 0, 0), 8000, 4000) == (0, 0)


# ---- through the services --------------------------------------------------------------------

def test_fixed_and_hourly_cost_shown_on_session(make):
    # SPEC 2.6: the session view carries the per-client cost and the wage
    pract, client = make.practitioner(), make.client()
    fixed = make.service(kind="fixed", cost=8000, wage=4000)
    hourly = make.service(kind="hourly", cost=8000, wage=4000)
    [a] = make.session(at(5, 9), at(5, 9, 50), fixed, pract, [client])
    [b] = make.session(at(5, 10), at(5, 10, 50), hourly, pract, [client])
    [c] = make.session(at(5, 11), at(5, 12, 30), hourly, pract, [client])
    assert (a.cost_cents, a.wage_cents) == (8000, 4000)
    assert (b.cost_cents, b.wage_cents) == (6667, 3333)
    assert (c.cost_cents, c.wage_cents) == (12000, 6000)
    assert (b.service_kind, b.minutes) == ("hourly", 50)


def test_group_session_charges_each_client_but_pays_wage_once(practice, admin, make):
    # SPEC 2.6: cost per client, wage once per session
    pract = make.practitioner()
    clients = [make.client() for _ in range(3)]
    hourly = make.service(kind="hourly", cost=6000, wage=3000)
    [s] = make.session(at(6, 9), at(6, 9, 45), hourly, pract, clients)
    assert (s.kind, s.cost_cents, s.wage_cents) == ("group", 4500, 2250)

    completed = completion.type_by_key(practice, "completed")
    done = completion.complete_session(practice, admin, s.id, completed.id)
    assert [c.charge_cents for c in done.clients] == [4500, 4500, 4500]
    for c in clients:
        assert ledger.client_balance(practice, admin, c.id) == -4500
    [wages] = [w for w in ledger.practitioner_wages(practice, admin, *JAN) if w.practitioner_id == pract.id]
    assert (wages.wages_cents, wages.sessions) == (2250, 1)


def test_custom_wage_replaces_default_for_that_practitioner_only(practice, admin, make):
    # SPEC 1.3 / 2.6
    p1, p2, client = make.practitioner(), make.practitioner(), make.client()
    svc = make.service(kind="fixed", cost=8000, wage=4000)
    hourly = make.service(kind="hourly", cost=8000, wage=4000)
    catalog.set_custom_wage(practice, admin, p1.id, svc.id, 5500)
    catalog.set_custom_wage(practice, admin, p1.id, hourly.id, 6000)
    assert catalog.custom_wages(practice, admin, p1.id) == {svc.id: 5500, hourly.id: 6000}

    [mine] = make.session(at(7, 9), at(7, 10), svc, p1, [client])
    [theirs] = make.session(at(7, 11), at(7, 12), svc, p2, [client])
    [half_hour] = make.session(at(7, 13), at(7, 13, 30), hourly, p1, [client])
    assert (mine.cost_cents, mine.wage_cents) == (8000, 5500)
    assert (theirs.cost_cents, theirs.wage_cents) == (8000, 4000)
    assert (half_hour.cost_cents, half_hour.wage_cents) == (4000, 3000)

    completed = completion.type_by_key(practice, "completed")
    assert completion.complete_session(practice, admin, mine.id, completed.id).wage_cents == 5500

    # removing the custom wage returns open sessions to the default; saved ones keep their snapshot
    catalog.set_custom_wage(practice, admin, p1.id, svc.id, None)
    assert catalog.custom_wages(practice, admin, p1.id) == {hourly.id: 6000}
    sessions_now = {v.id: v for v in sessions.list_sessions(practice, admin, *JAN)}
    assert sessions_now[mine.id].wage_cents == 5500
    [again] = make.session(at(8, 9), at(8, 10), svc, p1, [client])
    assert again.wage_cents == 4000


def test_completion_with_custom_percentage_type(practice, admin, make):
    # SPEC 4.4 example: Late Cancel 50/50 on an $80 session with a $40 wage -> $40.00 / $20.00
    pract, client = make.practitioner(), make.client()
    svc = make.service(kind="fixed", cost=8000, wage=4000)
    late = completion.create_completion_type(practice, admin, completion.CompletionTypeInput(
        "canceled", "Late Cancel", modifier_type="percentage", client_modifier=50, practitioner_modifier=50))
    [s] = make.session(at(9, 9), at(9, 10), svc, pract, [client])
    preview = completion.preview_completion(practice, admin, s.id, late.id)
    assert (preview.label, preview.charge_per_client_cents, preview.wage_cents) == ("Late Cancel", 4000, 2000)
    saved = completion.complete_session(practice, admin, s.id, late.id)
    assert (saved.status, saved.label, saved.wage_cents) == ("canceled", "Late Cancel", 2000)
    assert saved.clients[0].charge_cents == 4000
    assert ledger.client_balance(practice, admin, client.id) == -4000


def test_completion_with_custom_fixed_type_uses_whole_units(practice, admin, make):
    # SPEC 4.4: fixed modifiers are whole currency units, per client
    pract = make.practitioner()
    a, b = make.client(), make.client()
    svc = make.service(kind="hourly", cost=9000, wage=4500)
    fee = completion.create_completion_type(practice, admin, completion.CompletionTypeInput(
        "missed", "No-show fee", modifier_type="fixed", client_modifier=25, practitioner_modifier=10))
    [s] = make.session(at(9, 13), at(9, 13, 20), svc, pract, [a, b])
    saved = completion.complete_session(practice, admin, s.id, fee.id)
    assert [c.charge_cents for c in saved.clients] == [2500, 2500]
    assert saved.wage_cents == 1000
    assert ledger.client_balance(practice, admin, a.id) == -2500
    assert ledger.client_balance(practice, admin, b.id) == -2500

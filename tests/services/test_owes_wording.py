"""A client in debt is said to owe, in the booking checks as in the client list ("Owes $132.50"),
never as a minus amount (issue 13; SPEC 6.2, 6.4)."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.services import practice_settings
from app.services.errors import NeedsConfirmation, RuleViolation
from app.services.scheduling import completion, sessions


@pytest.fixture
def in_debt(practice, admin, make):
    sv = make.service("Therapy", cost=13250, wage=6000)
    pr = make.practitioner("Ana")
    dana = make.client("Dana", "Ray")
    [past] = make.session(datetime(2026, 1, 2, 9), datetime(2026, 1, 2, 10), sv, pr, [dana])
    completion.complete_session(practice, admin, past.id, completion.type_by_key(practice, "completed").id,
                                confirm=True)

    def book(confirm=False):
        return sessions.add_session(practice, admin, sessions.SessionInput(
            datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), sv.id, pr.id, (dana.id,)), confirm=confirm)
    return book


def test_below_the_minimum_says_owes(practice, admin, in_debt):
    practice_settings.update_settings(practice, admin, prepayment_mode="threshold", threshold_cents=20000)
    with pytest.raises(RuleViolation) as e:
        in_debt(confirm=True)
    assert "they owe $132.50" in str(e.value) and "-$" not in str(e.value)


def test_insufficient_credit_says_owes(practice, admin, in_debt):
    practice_settings.update_settings(practice, admin, prepayment_mode="credit")
    with pytest.raises(NeedsConfirmation) as e:
        in_debt()
    assert e.value.warnings[0].message == ("Insufficient funds: Dana Ray owes $132.50 (no available credit); "
                                           "this booking costs $132.50.")

"""Prepayment modes when booking (SPEC 6.1, 6.2, 6.4)."""
from datetime import datetime

import pytest

from app.services import practice_settings
from app.services.errors import NeedsConfirmation, RuleViolation, ValidationError
from app.services.money import ledger
from app.services.scheduling import completion, sessions


@pytest.fixture
def booking(make):
    sv, pr = make.service(cost=8000, wage=4000), make.practitioner()
    client = make.client("Dana", "Ray")

    def book(day, actor=None, confirm=False, clients=None):
        data = sessions.SessionInput(datetime(2026, 3, day, 10), datetime(2026, 3, day, 11), sv.id, pr.id,
                                     tuple(c.id for c in (clients or [client])))
        return sessions.add_session(make.p, actor or make.admin, data, confirm=confirm)

    book.service = sv
    return book, client, pr


def test_open_mode_has_no_restriction(practice, booking):
    # SPEC 6.1
    book, client, _ = booking
    assert practice.settings()["prepayment_mode"] == "open"
    assert len(book(2)) == 1


def test_minimum_threshold_example(practice, admin, booking):
    # SPEC 6.2: MT $200, the client paid nothing -> cannot be added, not even by an admin confirming
    book, client, _ = booking
    practice_settings.update_settings(practice, admin, prepayment_mode="threshold", threshold_cents=20000)
    with pytest.raises(RuleViolation, match="Dana Ray cannot be booked: their balance is \\$0.00, below the "
                                            "minimum of \\$200.00"):
        book(2, confirm=True)
    shown = sessions.check_session(practice, admin, sessions.SessionInput(
        datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), book.service.id, booking[2].id, (client.id,)))
    assert [w.code for w in shown] == ["prepayment.threshold"]  # the session dialog lists it before saving
    ledger.record_payment(practice, admin, client.id, 20000, "cash")
    assert len(book(2)) == 1  # balance 200 >= MT


def test_available_credit_filter(practice, admin, make, booking):
    # SPEC 6.4: available credit = P - C - O must cover the new session's cost
    book, client, pr = booking
    practice_settings.update_settings(practice, admin, prepayment_mode="credit")
    ledger.record_payment(practice, admin, client.id, 10000, "card")
    [first] = book(2)  # 100 available, costs 80
    with pytest.raises(NeedsConfirmation) as e:
        book(3)  # 100 - 80 open = 20 available
    assert [w.code for w in e.value.warnings] == ["prepayment.credit"]
    assert e.value.warnings[0].message == ("Insufficient funds: Dana Ray has $20.00 of available credit; "
                                           "this booking costs $80.00.")
    practitioner = make.user("practitioner", practitioner_id=pr.id)
    with pytest.raises(RuleViolation, match="Insufficient funds"):
        book(3, actor=practitioner, confirm=True)  # practitioners are refused
    staff = make.user("staff")
    assert len(book(3, actor=staff, confirm=True)) == 1  # staff see the warning and may add anyway
    # saving the first session moves its cost from O to C: available credit is unchanged
    completion.complete_session(practice, admin, first.id, completion.type_by_key(practice, "completed").id)
    with pytest.raises(NeedsConfirmation):
        book(4)


def test_bad_prepayment_settings_are_named(practice, admin):
    with pytest.raises(ValidationError) as e:
        practice_settings.update_settings(practice, admin, prepayment_mode="packages")
    assert e.value.field == "prepayment mode"
    with pytest.raises(ValidationError) as e:
        practice_settings.update_settings(practice, admin, prepayment_mode="threshold", threshold_cents=-5)
    assert e.value.field == "minimum threshold"
    assert practice.settings()["prepayment_mode"] == "open"

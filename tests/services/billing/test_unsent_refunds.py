"""Refunds of card payments that Stripe has not confirmed (SPEC 9.3, 0.4): ``cards.unsent_refunds`` lists
a refund in the books that was never told to Stripe, or that Stripe refused, with the key the refund
fixed, so the client's record can send it again and Stripe never refunds twice. Real ``stripe`` library
against the recording server, the key in an in-memory keyring."""
# ruff: noqa: F811 - fixtures imported from the test modules and servers are parameters here
from __future__ import annotations

from datetime import date

import pytest

from app.services.billing import cards
from app.services.errors import PermissionDenied, ValidationError
from app.services.money import payments
from tests.services.billing.test_cards import ann, save_card, stripe_ready  # noqa: F401 - fixtures
from tests.services.invoice_rows import issued
from tests.stripe_servers import recording_stripe  # noqa: F401


def _charged_and_taken_back(practice, admin, stripe, client):
    save_card(practice, admin, stripe, client)
    done = cards.charge_invoice(practice, admin, issued(practice, client, 8000, date(2026, 1, 15)))
    (allocation,) = payments.payment_detail(practice, admin, done.payment_id).allocations
    payments.take_back_allocation(practice, admin, allocation.id, "refund asked")
    return done


def test_spec_9_3_a_refund_never_told_to_stripe_is_listed_and_sent_once(practice, admin, ann, stripe_ready):
    done = _charged_and_taken_back(practice, admin, stripe_ready, ann)
    back = payments.refund_payment(practice, admin, done.payment_id, 3000, "part refund")  # the program closes here

    (u,) = cards.unsent_refunds(practice, admin, ann.id)

    assert (u.status, u.error) == ("not sent", "") and u.gateway == back.gateway
    assert cards.send_refund(practice, admin, u.gateway).status == "sent"
    assert cards.unsent_refunds(practice, admin, ann.id) == []
    assert cards.send_refund(practice, admin, u.gateway).status == "sent"  # sent again: nothing more at Stripe
    (r,) = stripe_ready.refunds
    assert (r["amount"], r["payment_intent"]) == (3000, stripe_ready.charges[0]["id"])


def test_spec_9_3_a_refund_stripe_refused_is_listed_with_its_reason(practice, admin, ann, make, stripe_ready):
    done = _charged_and_taken_back(practice, admin, stripe_ready, ann)
    back = payments.refund_payment(practice, admin, done.payment_id, 8000, "all back")
    good = stripe_ready.secret_key
    stripe_ready.secret_key = "sk_test_rotated_elsewhere"
    assert cards.send_refund(practice, admin, back.gateway).status == "failed"

    (u,) = cards.unsent_refunds(practice, admin, ann.id)

    assert u.status == "failed" and "did not accept the secret key" in u.error and u.gateway == back.gateway
    stripe_ready.secret_key = good
    assert cards.send_refund(practice, admin, u.gateway).status == "sent"
    assert cards.unsent_refunds(practice, admin, ann.id) == [] and len(stripe_ready.refunds) == 1


def test_refunds_of_other_payments_and_other_clients_are_not_listed(practice, admin, ann, make, stripe_ready):
    done = _charged_and_taken_back(practice, admin, stripe_ready, ann)
    cash = payments.record_payment(practice, admin, ann.id, 5000, "cash", allocate="none")
    payments.refund_payment(practice, admin, cash.payment.id, 1000, "cash back")
    bo = make.client("Bo", "Other", email="bo@client.test")
    payments.refund_payment(practice, admin, done.payment_id, 1000, "part")
    assert [u.gateway.amount_cents for u in cards.unsent_refunds(practice, admin, ann.id)] == [1000]
    assert cards.unsent_refunds(practice, admin, bo.id) == []


def test_unsent_refunds_checks_its_input_and_the_role(practice, admin, make):
    with pytest.raises(ValidationError) as e:
        cards.unsent_refunds(practice, admin, "1")
    assert e.value.field == "client"
    pr = make.practitioner()
    with pytest.raises(PermissionDenied):
        cards.unsent_refunds(practice, make.user("practitioner", practitioner_id=pr.id), 1)

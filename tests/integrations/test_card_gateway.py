"""The Stripe gateway (SPEC 10.4, 9.3) with the real ``stripe`` library: against localstripe on
127.0.0.1 where it is faithful (customer, test card, off-session charge, refund), and against our
recording server for what localstripe fakes (idempotency, a decline with its code, authentication
required, a late answer retried with the same key, Checkout in setup mode)."""
# ruff: noqa: F811 - fixtures imported from tests.stripe_servers are parameters here
from __future__ import annotations

import pytest

from app.integrations import card_gateway as gw
from tests.stripe_servers import (  # noqa: F401 - fixtures
    CARD_AUTH,
    CARD_DECLINED,
    CARD_OK,
    local_stripe,
    recording_stripe,
)


def config(server, key=None, timeout=5.0):
    return gw.GatewayConfig(key or getattr(server, "secret_key", "sk_test_local"), server.url, timeout)


# -- localstripe: the faithful parts ---------------------------------------------------------------
def test_localstripe_customer_card_charge_and_refund_spec_10_4(local_stripe):
    cfg = config(local_stripe)
    assert gw.check_key(cfg) == ""
    customer = gw.create_customer(cfg, "Ann Lee", "ann@client.test", "practice-customer-1")
    import stripe

    client = stripe.StripeClient(cfg.secret_key, base_addresses={"api": cfg.api_base})
    pm = client.v1.payment_methods.attach("pm_card_visa", {"customer": customer})
    card = gw.card(cfg, pm.id)
    assert (card.brand, card.last4) == ("visa", "4242")

    charged = gw.charge(cfg, customer, pm.id, 12050, "USD", "practice-invoice-7-attempt-1")

    assert (charged.status, charged.amount, charged.currency) == ("succeeded", 12050, "usd")
    assert gw.refund(cfg, charged.payment_intent_id, 5000, "practice-refund-3").startswith("re_")


def test_localstripe_declines_the_charge_fail_card(local_stripe):
    cfg = config(local_stripe)
    customer = gw.create_customer(cfg, "Bo", "", "k-1")
    import stripe

    client = stripe.StripeClient(cfg.secret_key, base_addresses={"api": cfg.api_base})
    pm = client.v1.payment_methods.attach("pm_card_chargeCustomerFail", {"customer": customer})
    with pytest.raises(gw.CardError) as e:
        gw.charge(cfg, customer, pm.id, 1000, "usd", "k-2")
    assert e.value.kind == "declined" and str(e.value).startswith("The card was declined")


# -- the recording server: what localstripe fakes --------------------------------------------------
def test_one_idempotency_key_charges_once_even_when_sent_twice(recording_stripe):
    cfg = config(recording_stripe)
    first = gw.charge(cfg, "cus_1", CARD_OK, 8000, "usd", "practice-invoice-1-attempt-1", {"invoice": "2026-0001"})
    again = gw.charge(cfg, "cus_1", CARD_OK, 8000, "usd", "practice-invoice-1-attempt-1", {"invoice": "2026-0001"})

    assert first == again and len(recording_stripe.charges) == 1
    (sent, _) = recording_stripe.posts("/v1/payment_intents")
    assert sent.idempotency_key == "practice-invoice-1-attempt-1"
    assert sent.params["amount"] == "8000" and sent.params["currency"] == "usd"
    assert sent.params["confirm"] == "true" and sent.params["off_session"] == "true"
    assert sent.params["metadata[invoice]"] == "2026-0001"


def test_a_late_answer_is_a_connection_error_and_the_retry_with_the_same_key_charges_once(recording_stripe):
    cfg = config(recording_stripe, timeout=0.5)
    recording_stripe.late_answers, recording_stripe.late_seconds = 1, 1.5
    with pytest.raises(gw.CardError) as e:
        gw.charge(cfg, "cus_1", CARD_OK, 4500, "usd", "practice-invoice-2-attempt-1")
    assert e.value.kind == "connection" and "safe to try again" in str(e.value)
    assert len(recording_stripe.charges) == 1  # Stripe took the money; the answer was lost

    retried = gw.charge(cfg, "cus_1", CARD_OK, 4500, "usd", "practice-invoice-2-attempt-1")

    assert retried.status == "succeeded" and retried.payment_intent_id == recording_stripe.charges[0]["id"]
    assert len(recording_stripe.charges) == 1
    assert [r.idempotency_key for r in recording_stripe.posts("/v1/payment_intents")] == [
        "practice-invoice-2-attempt-1"] * 2


def test_a_decline_carries_the_decline_code_and_the_payment_intent(recording_stripe):
    cfg = config(recording_stripe)
    with pytest.raises(gw.CardError) as e:
        gw.charge(cfg, "cus_1", CARD_DECLINED, 8000, "usd", "k-decline")
    assert (e.value.kind, e.value.code) == ("declined", "insufficient_funds")
    assert e.value.payment_intent_id.startswith("pi_")
    assert str(e.value) == "The card was declined (insufficient funds): Your card has insufficient funds."
    assert recording_stripe.charges == []


def test_authentication_required_says_to_send_a_payment_link(recording_stripe):
    cfg = config(recording_stripe)
    with pytest.raises(gw.CardError) as e:
        gw.charge(cfg, "cus_1", CARD_AUTH, 8000, "usd", "k-auth")
    assert e.value.kind == "authentication_required" and "payment link" in str(e.value)


def test_a_wrong_key_is_named_without_showing_it(recording_stripe):
    cfg = config(recording_stripe, key="sk_test_wrong_secret")
    with pytest.raises(gw.CardError) as e:
        gw.check_key(cfg)
    assert e.value.kind == "invalid_key" and "sk_test_wrong_secret" not in str(e.value)


def test_nobody_listening_is_a_connection_error():
    from tests.messaging_servers import free_port

    cfg = gw.GatewayConfig("sk_test_x", f"http://127.0.0.1:{free_port()}", 2.0)
    with pytest.raises(gw.CardError) as e:
        gw.check_key(cfg)
    assert e.value.kind == "connection"


def test_checkout_in_setup_mode_is_polled_until_the_card_is_saved(recording_stripe):
    cfg = config(recording_stripe)
    s = gw.create_setup_session(cfg, "cus_9", "USD", "https://practice.test/ok", "https://practice.test/no", "k-cs")
    assert s.status == "open" and s.url.startswith("https://checkout.stripe.test/")
    (sent,) = recording_stripe.posts("/v1/checkout/sessions")
    assert (sent.params["mode"], sent.params["customer"], sent.params["currency"]) == ("setup", "cus_9", "usd")
    assert gw.setup_session(cfg, s.id).payment_method_id is None

    recording_stripe.complete_setup(s.id, "pm_card_mastercard")

    done = gw.setup_session(cfg, s.id)
    assert (done.status, done.payment_method_id) == ("complete", "pm_card_mastercard")
    assert gw.card(cfg, done.payment_method_id).last4 == "4444"


def test_test_mode_is_read_from_the_key():
    assert gw.test_mode("sk_test_abc") and gw.test_mode("rk_test_abc")
    assert not gw.test_mode("sk_live_abc")

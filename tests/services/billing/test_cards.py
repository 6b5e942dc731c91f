"""Cards on file, charges and refunds through Stripe (SPEC 10.4, 9.3, 0.6, 0.4) with the real ``stripe``
library against the recording server on 127.0.0.1 (tests/stripe_servers.py), the key in an in-memory
keyring and mail through aiosmtpd: a card link e-mailed and picked up by polling; an invoice charged
once per idempotency key even across a timeout and two desks; the payment recorded, allocated and a
receipt e-mailed; a decline and an authentication request recorded with their reason; a refund sent
to Stripe once."""
# ruff: noqa: F811 - fixtures imported from tests.stripe_servers are parameters here
from __future__ import annotations

import threading
from datetime import date

import pytest

from app.models.enums import MessagePurpose, MessageStatus
from app.services.billing import card_settings, cards
from app.services.errors import PermissionDenied, RuleViolation, ValidationError
from app.services.messaging import outbox
from app.services.messaging import settings as msettings
from app.services.money import payments
from tests.messaging_servers import no_keyring  # noqa: F401 - a fixture
from tests.services.fingerprint import fingerprint, stored_bytes
from tests.services.invoice_rows import issued
from tests.stripe_servers import CARD_AUTH, CARD_DECLINED, CARD_OK, recording_stripe  # noqa: F401


@pytest.fixture
def stripe_ready(practice, admin, recording_stripe, memory_keyring, smtp_server):
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_from="desk@practice.test")
    card_settings.update_card_settings(practice, admin, api_base=recording_stripe.url,
                                       return_url="https://practice.test/thanks")
    card_settings.set_card_key(practice, admin, recording_stripe.secret_key)
    return recording_stripe


@pytest.fixture
def ann(make):
    return make.client("Ann", "Lee", email="ann@client.test", notify_by="email")


def save_card(practice, actor, stripe, client, pm=CARD_OK):
    link = cards.send_card_link(practice, actor, client.id)
    stripe.complete_setup(list(stripe.sessions)[-1], pm)
    assert cards.poll_card_links(practice, actor).saved == 1
    return link


# -- settings (SPEC 0.6) ---------------------------------------------------------------------------
def test_spec_0_6_the_key_lives_only_in_the_keyring(practice, admin, memory_keyring):
    s = card_settings.set_card_key(practice, admin, "sk_test_51AbCdEfGhIjKlMn4242")
    assert s.key_saved and s.test_mode and s.key_hint == "sk_test_\u20264242"
    assert list(memory_keyring.secrets.values()) == ["sk_test_51AbCdEfGhIjKlMn4242"]
    raw = stored_bytes(practice)
    assert b"AbCdEfGhIjKlMn" not in raw  # not in the practice file (nor its WAL, nor a server's rows)
    live = card_settings.set_card_key(practice, admin, "sk_live_51ZzZzZzZzZzZz9999")
    assert not live.test_mode
    gone = card_settings.set_card_key(practice, admin, "")
    assert not gone.key_saved and memory_keyring.secrets == {}


def test_spec_0_6_without_a_keyring_nothing_is_stored(practice, admin, no_keyring):
    before = fingerprint(practice)
    with pytest.raises(RuleViolation, match="no password store"):
        card_settings.set_card_key(practice, admin, "sk_test_51AbCdEfGhIjKlMn4242")
    assert fingerprint(practice) == before
    s = card_settings.get_card_settings(practice, admin)
    assert not s.keyring_available and "no password store" in s.keyring_message


@pytest.mark.parametrize("change, field", [
    (dict(return_url="http://practice.test/thanks"), "page after saving a card"),
    (dict(retry_cycles=13), "charge attempts"),
    (dict(api_base="ftp://x"), "Stripe address"),
    (dict(colour="red"), "colour"),
])
def test_spec_0_5_bad_settings_name_the_field(practice, admin, change, field):
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        card_settings.update_card_settings(practice, admin, **change)
    assert e.value.field == field and fingerprint(practice) == before


def test_a_malformed_key_is_refused(practice, admin, memory_keyring):
    with pytest.raises(ValidationError) as e:
        card_settings.set_card_key(practice, admin, "pk_test_publishable")
    assert e.value.field == "secret key" and memory_keyring.secrets == {}


def test_test_connection_says_the_mode_or_why_not(practice, admin, stripe_ready):
    assert card_settings.test_card_connection(practice, admin) == (
        "Stripe answered: the key works (test mode: no real card is charged).")
    stripe_ready.secret_key = "sk_test_rotated_elsewhere"
    with pytest.raises(RuleViolation, match="did not accept the secret key"):
        card_settings.test_card_connection(practice, admin)


def test_only_an_admin_changes_card_settings(practice, make, memory_keyring):
    staff = make.user("staff")
    with pytest.raises(PermissionDenied):
        card_settings.set_card_key(practice, staff, "sk_test_51AbCdEfGhIjKlMn4242")


# -- card links (SPEC 10.4) --------------------------------------------------------------------------
def test_spec_10_4_a_card_link_is_e_mailed_and_the_saved_card_is_picked_up_by_polling(practice, admin, ann,
                                                                                      stripe_ready, smtp_server):
    link = cards.send_card_link(practice, admin, ann.id)
    assert link.status == "open" and link.url.startswith("https://checkout.stripe.test/")
    (customer,) = stripe_ready.posts("/v1/customers")
    assert customer.params["email"] == "ann@client.test" and customer.params["metadata[client]"] == str(ann.id)
    (page,) = stripe_ready.posts("/v1/checkout/sessions")
    assert page.params["mode"] == "setup" and page.params["success_url"] == "https://practice.test/thanks"
    assert outbox.send_message(practice, admin, link.message_id).status == MessageStatus.SENT
    (mail,) = smtp_server.arrived
    assert link.url in mail.message.get_body(("plain",)).get_content()

    assert cards.poll_card_links(practice, admin) == cards.PollSummary(0, 0, 1, 0)  # not filled in yet
    assert cards.card_on_file(practice, admin, ann.id) is None
    stripe_ready.complete_setup(list(stripe_ready.sessions)[0], "pm_card_mastercard")

    assert cards.poll_card_links(practice, admin) == cards.PollSummary(1, 0, 0, 0)
    card = cards.card_on_file(practice, admin, ann.id)
    assert (card.brand, card.last4, card.label) == ("mastercard", "4444", "Mastercard ending 4444, expires 12/2030")
    assert cards.list_links(practice, admin, ann.id)[0].status == "complete"

    cards.send_card_link(practice, admin, ann.id)  # a second card: the same Stripe customer
    assert len(stripe_ready.posts("/v1/customers")) == 1


def test_a_link_needs_an_e_mail_address_and_the_settings(practice, admin, make, stripe_ready):
    no_mail = make.client("No", "Mail")
    with pytest.raises(RuleViolation, match="no e-mail address"):
        cards.send_card_link(practice, admin, no_mail.id)
    card_settings.update_card_settings(practice, admin, return_url="")
    with pytest.raises(RuleViolation, match="page clients see"):
        cards.send_card_link(practice, admin, no_mail.id)


def test_without_a_key_the_front_desk_is_told_where_to_set_it(practice, admin, ann, memory_keyring):
    with pytest.raises(RuleViolation, match="Settings \u25b8 Card payments"):
        cards.send_card_link(practice, admin, ann.id)


# -- charges (SPEC 10.4, 0.4) ------------------------------------------------------------------------
def test_spec_10_4_a_charge_records_the_payment_allocates_it_and_mails_a_receipt(practice, admin, ann, stripe_ready,
                                                                                  smtp_server):
    save_card(practice, admin, stripe_ready, ann)
    inv = issued(practice, ann, 12050, date(2026, 1, 15))

    done = cards.charge_invoice(practice, admin, inv)

    assert done.succeeded and (done.amount_cents, done.currency, done.attempt) == (12050, "USD", 1)
    (sent,) = stripe_ready.posts("/v1/payment_intents")
    assert (sent.params["amount"], sent.params["currency"], sent.params["customer"]) == ("12050", "usd",
                                                                                         "cus_test_000001")
    assert sent.params["off_session"] == "true" and sent.params["confirm"] == "true"
    assert sent.idempotency_key.endswith(f"-invoice-{inv}-attempt-1")
    paid = payments.payment_detail(practice, admin, done.payment_id)
    assert (paid.payment.method, paid.payment.reference) == ("stripe", stripe_ready.charges[0]["id"])
    assert [a.invoice_id for a in paid.allocations] == [inv]
    with practice.read() as tx:
        assert payments.amounts_due(tx, [inv]) == {inv: 0}  # paid in full
    assert outbox.get_message(practice, admin, done.receipt_message_id).purpose == MessagePurpose.RECEIPT
    outbox.send_message(practice, admin, done.receipt_message_id)
    (mail,) = smtp_server.arrived
    (att,) = list(mail.message.iter_attachments())
    assert att.get_content().startswith(b"%PDF") and "$120.50" in mail.message["Subject"]
    with pytest.raises(RuleViolation, match="nothing left to pay"):
        cards.charge_invoice(practice, admin, inv)


def test_spec_0_4_a_timeout_leaves_the_attempt_pending_and_the_retry_charges_once(practice, admin, ann, stripe_ready,
                                                                                   monkeypatch):
    from app.integrations import card_gateway

    save_card(practice, admin, stripe_ready, ann)
    inv = issued(practice, ann, 8000, date(2026, 1, 15))
    monkeypatch.setattr(card_gateway, "TIMEOUT", 0.4)  # Stripe's answer comes after the client gave up
    stripe_ready.late_answers, stripe_ready.late_seconds = 1, 1.2

    first = cards.charge_invoice(practice, admin, inv)
    assert first.status == "pending" and "safe to try again" in first.error and first.payment_id is None

    again = cards.charge_invoice(practice, admin, inv)  # e.g. after a restart

    assert again.succeeded and (again.id, again.attempt) == (first.id, 1)
    assert len(stripe_ready.charges) == 1
    keys = [r.idempotency_key for r in stripe_ready.posts("/v1/payment_intents")]
    assert len(keys) == 2 and len(set(keys)) == 1
    assert len(payments.payment_history(practice, admin, ann.id)) == 2  # one payment and its allocation


def test_spec_0_4_two_desks_charging_at_once_charge_once(practice, admin, ann, stripe_ready):
    save_card(practice, admin, stripe_ready, ann)
    inv = issued(practice, ann, 5000, date(2026, 1, 15))
    stripe_ready.late_answers, stripe_ready.late_seconds = 1, 0.3
    results, errors = [], []

    def desk(p):
        try:
            results.append(cards.charge_invoice(p, admin, inv))
        except Exception as exc:  # noqa: BLE001 - collected and checked below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(p,)) for p in (practice, practice)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(stripe_ready.charges) == 1
    assert sum(1 for r in results if r.succeeded) >= 1 and all(r.attempt == 1 for r in results)
    history = [h for h in payments.payment_history(practice, admin, ann.id) if h.kind == "payment"]
    assert len(history) == 1


def test_spec_10_4_a_decline_and_an_authentication_request_are_recorded_with_their_reason(practice, admin, make,
                                                                                          stripe_ready):
    bo = make.client("Bo", "Declined", email="bo@client.test", notify_by="email")
    save_card(practice, admin, stripe_ready, bo, CARD_DECLINED)
    inv = issued(practice, bo, 8000, date(2026, 1, 15))

    no = cards.charge_invoice(practice, admin, inv)

    assert (no.status, no.code) == ("declined", "insufficient_funds") and "insufficient funds" in no.error
    assert no.payment_id is None and payments.payment_history(practice, admin, bo.id) == []
    again = cards.charge_invoice(practice, admin, inv)  # a new attempt, with a new key
    assert again.attempt == 2 and again.status == "declined"
    assert len({r.idempotency_key for r in stripe_ready.posts("/v1/payment_intents")}) == 2

    cy = make.client("Cy", "Secure", email="cy@client.test", notify_by="email")
    save_card(practice, admin, stripe_ready, cy, CARD_AUTH)
    auth = cards.charge_invoice(practice, admin, issued(practice, cy, 3000, date(2026, 1, 15)))
    assert auth.status == "needs_authentication" and "payment link" in auth.error
    assert [c.status for c in cards.list_charges(practice, admin, inv)] == ["declined", "declined"]


def test_a_charge_needs_a_card_and_an_issued_invoice(practice, admin, ann, stripe_ready):
    inv = issued(practice, ann, 8000, date(2026, 1, 15))
    with pytest.raises(RuleViolation, match="no card on file"):
        cards.charge_invoice(practice, admin, inv)
    draft = issued(practice, ann, 8000, date(2026, 1, 15), status="draft")
    save_card(practice, admin, stripe_ready, ann)
    with pytest.raises(RuleViolation, match="only an issued invoice"):
        cards.charge_invoice(practice, admin, draft)
    cards.remove_card(practice, admin, ann.id)
    assert cards.card_on_file(practice, admin, ann.id) is None


def test_a_practitioner_may_not_charge_cards(practice, make, ann, stripe_ready):
    pr = make.practitioner()
    user = make.user("practitioner", practitioner_id=pr.id)
    inv = issued(practice, ann, 8000, date(2026, 1, 15))
    with pytest.raises(PermissionDenied):
        cards.charge_invoice(practice, user, inv)
    with pytest.raises(PermissionDenied):
        cards.send_card_link(practice, user, ann.id)


# -- refunds (SPEC 9.3) ------------------------------------------------------------------------------
def test_spec_9_3_a_refund_of_a_card_payment_is_sent_to_stripe_once(practice, admin, ann, stripe_ready):
    save_card(practice, admin, stripe_ready, ann)
    inv = issued(practice, ann, 8000, date(2026, 1, 15))
    done = cards.charge_invoice(practice, admin, inv)
    (allocation,) = payments.payment_detail(practice, admin, done.payment_id).allocations
    payments.take_back_allocation(practice, admin, allocation.id, "refund asked")
    back = payments.refund_payment(practice, admin, done.payment_id, 3000, "part refund")
    assert back.gateway is not None

    sent = cards.send_refund(practice, admin, back.gateway)
    again = cards.send_refund(practice, admin, back.gateway)

    assert sent.status == again.status == "sent"
    (r,) = stripe_ready.refunds
    assert (r["amount"], r["payment_intent"]) == (3000, stripe_ready.charges[0]["id"])
    (post,) = stripe_ready.posts("/v1/refunds")
    assert post.idempotency_key == back.gateway.idempotency_key


def test_a_refund_stripe_refuses_is_failed_and_sent_again_with_its_key(practice, admin, ann, stripe_ready):
    save_card(practice, admin, stripe_ready, ann)
    done = cards.charge_invoice(practice, admin, issued(practice, ann, 8000, date(2026, 1, 15)))
    (allocation,) = payments.payment_detail(practice, admin, done.payment_id).allocations
    payments.take_back_allocation(practice, admin, allocation.id, "refund asked")
    back = payments.refund_payment(practice, admin, done.payment_id, 8000, "all back")
    good_key = stripe_ready.secret_key
    stripe_ready.secret_key = "sk_test_rotated_elsewhere"
    failed = cards.send_refund(practice, admin, back.gateway)
    assert failed.status == "failed" and "did not accept the secret key" in failed.error
    stripe_ready.secret_key = good_key
    assert cards.send_refund(practice, admin, back.gateway).status == "sent"
    assert len(stripe_ready.refunds) == 1


# -- payment links (SPEC 10.4: after a decline, the invoice with a link to pay) ----------------------
def test_spec_10_4_a_declined_invoice_is_e_mailed_with_a_payment_link_and_the_payment_is_picked_up(
        practice, admin, make, stripe_ready, smtp_server):
    bo = make.client("Bo", "Declined", email="bo@client.test", notify_by="email")
    save_card(practice, admin, stripe_ready, bo, CARD_DECLINED)
    inv = issued(practice, bo, 8000, date(2026, 1, 15))
    no = cards.charge_invoice(practice, admin, inv)
    assert no.status == "declined"

    link = cards.send_payment_link(practice, admin, inv, "Your card was declined.")

    assert (link.purpose, link.invoice_id, link.status) == ("payment", inv, "open")
    page = stripe_ready.posts("/v1/checkout/sessions")[-1]
    assert page.params["mode"] == "payment" and page.params["line_items[0][price_data][unit_amount]"] == "8000"
    assert page.params["line_items[0][price_data][currency]"] == "usd"
    assert outbox.send_message(practice, admin, link.message_id).status == MessageStatus.SENT
    mail = smtp_server.arrived[-1].message
    text = mail.get_body(("plain",)).get_content()
    assert link.url in text and "Your card was declined." in text
    (att,) = list(mail.iter_attachments())
    assert att.get_filename() == "Invoice T-2025-0001.pdf" and att.get_content().startswith(b"%PDF")

    assert cards.poll_card_links(practice, admin).still_open == 1
    stripe_ready.complete_payment(list(stripe_ready.sessions)[-1])
    assert cards.poll_card_links(practice, admin).paid == 1

    with practice.read() as tx:
        assert payments.amounts_due(tx, [inv]) == {inv: 0}
    (paid,) = [h for h in payments.payment_history(practice, admin, bo.id) if h.kind == "payment"]
    assert paid.amount_cents == 8000
    assert cards.poll_card_links(practice, admin) == cards.PollSummary(0, 0, 0, 0)  # recorded once


def test_spec_0_5_a_refund_that_is_not_the_one_in_the_books_is_refused(practice, admin, ann, stripe_ready):
    from dataclasses import replace

    save_card(practice, admin, stripe_ready, ann)
    done = cards.charge_invoice(practice, admin, issued(practice, ann, 8000, date(2026, 1, 15)))
    (allocation,) = payments.payment_detail(practice, admin, done.payment_id).allocations
    payments.take_back_allocation(practice, admin, allocation.id, "refund asked")
    back = payments.refund_payment(practice, admin, done.payment_id, 3000, "part refund")
    cash = payments.record_payment(practice, admin, ann.id, 1000, "cash").payment.id
    for forged in (replace(back.gateway, amount_cents=8000), replace(back.gateway, payment_reference="pi_other"),
                   replace(back.gateway, idempotency_key="new-key"), replace(back.gateway, refund_id=cash)):
        with pytest.raises(ValidationError) as e:
            cards.send_refund(practice, admin, forged)
        assert e.value.field == "refund"
    assert stripe_ready.refunds == []

"""Card payments in the windows (SPEC 10.4, 9.3, 0.6, 0.4; issue 16 items 4-5), with real clicks, the
real ``stripe`` library against the recording Stripe server on 127.0.0.1, mail through aiosmtpd and
an in-memory keyring: Settings ▸ Card payments saves the key (never shown back) and shows the test or
live badge, and says when the computer has no keyring; a client's record e-mails a card link and picks
up the saved card; an invoice is charged from its window (a success with its receipt, a decline, and
no answer: "it will not charge twice"); a refund of a card payment is sent to Stripe."""
# ruff: noqa: F811 - fixtures imported from tests.stripe_servers / tests.messaging_servers are parameters here
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from app.services.billing import card_settings, cards
from app.services.messaging import settings as msettings
from app.services.money import payments
from app.services.money.amounts import format_money
from app.services.money.payments import HistoryKind
from app.views.client_record_dialog import ClientRecordDialog
from app.views.events import Events
from app.views.invoices.invoice_view_dialog import InvoiceViewDialog
from tests.messaging_servers import memory_keyring, no_keyring, smtp_server  # noqa: F401 - fixtures
from tests.services.invoice_rows import issued
from tests.stripe_servers import CARD_DECLINED, CARD_OK, recording_stripe  # noqa: F401
from tests.views.keys import type_over
from tests.views.modal import answer_modal, when_modal

KEY_HINT = "sk_test_\u2026"


@pytest.fixture
def stripe_ready(practice, admin, recording_stripe, memory_keyring, smtp_server):
    """As tests/services/billing/test_cards.py: mail to the local server, Stripe's address the
    recording server, its secret key in the in-memory keyring."""
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_from="desk@practice.test")
    card_settings.update_card_settings(practice, admin, api_base=recording_stripe.url,
                                       return_url="https://practice.test/thanks")
    card_settings.set_card_key(practice, admin, recording_stripe.secret_key)
    return recording_stripe


@pytest.fixture
def ann(make):
    return make.client("Ann", "Lee", email="ann@client.test", notify_by="email")


def click(qtbot, widget):
    qtbot.waitUntil(widget.isVisible, timeout=1000)
    assert widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def settle(qtbot, owner, *names):
    """Wait until the background calls and e-mail runs ``owner.<name>`` have ended (threads too)."""
    for name in names:
        def ended(name=name):
            run = getattr(owner, name)
            return run is not None and not run.running
        qtbot.waitUntil(ended, timeout=20_000)
        assert getattr(owner, name).wait(5_000)


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def save_card(practice, admin, stripe, client, pm=CARD_OK):
    cards.send_card_link(practice, admin, client.id)
    stripe.complete_setup(list(stripe.sessions)[-1], pm)
    assert cards.poll_card_links(practice, admin).saved == 1


# -- Settings ▸ Card payments (SPEC 10.4, 0.6) ----------------------------------------------------------
def test_spec_10_4_card_settings_save_the_key_in_the_keyring_and_show_the_mode(qtbot, practice, admin, open_settings,
                                                                               recording_stripe, memory_keyring):
    card_settings.update_card_settings(practice, admin, api_base=recording_stripe.url)
    _d, panel = open_settings("cards")
    assert panel.badge.text() == "No key saved: cards cannot be charged" and not panel.test_button.isEnabled()
    assert panel.no_keyring.isHidden() and panel.key.echoMode() == panel.key.EchoMode.Password

    type_over(qtbot, panel.return_url, "http://practice.test/thanks")  # not https: refused under the field
    qtbot.keyClicks(panel.key, recording_stripe.secret_key)
    click(qtbot, panel.save_button)
    assert panel.errors.shown() == ["Page after saving a card must be a web address starting with https://."]
    assert memory_keyring.secrets == {} and panel.key.text() == ""  # nothing saved, the key not kept in the field

    type_over(qtbot, panel.return_url, "https://practice.test/thanks")
    panel.retry.lineEdit().selectAll()
    qtbot.keyClicks(panel.retry.lineEdit(), "5")
    qtbot.keyClicks(panel.key, recording_stripe.secret_key)
    click(qtbot, panel.save_button)

    assert panel.done.text() == "Saved: page after saving, charge attempts, secret key (in this computer's keyring)."
    assert list(memory_keyring.secrets.values()) == [recording_stripe.secret_key]
    s = card_settings.get_card_settings(practice, admin)
    assert (s.return_url, s.retry_cycles, s.test_mode) == ("https://practice.test/thanks", 5, True)
    assert panel.key.text() == "" and recording_stripe.secret_key not in panel.key.placeholderText()
    assert panel.key_hint.text() == f"Saved key: {s.key_hint}" and s.key_hint.startswith(KEY_HINT)
    assert panel.badge.text() == "Test mode: no real card is charged"

    click(qtbot, panel.test_button)
    settle(qtbot, panel, "call")
    assert panel.test_result.text() == "Stripe answered: the key works (test mode: no real card is charged)."

    qtbot.keyClicks(panel.key, "sk_live_51ZzZzZzZzZzZz9999")
    click(qtbot, panel.save_button)
    assert panel.badge.text() == "Live: real cards are charged"
    assert panel.key_hint.text() == "Saved key: sk_live_\u20269999"

    seen = answer_modal(qtbot, "confirmForgetKey", "confirmForgetYes")
    click(qtbot, panel.forget_button)
    assert seen and memory_keyring.secrets == {}
    assert panel.badge.text() == "No key saved: cards cannot be charged" and panel.forget_button.isHidden()


def test_spec_0_6_card_settings_without_a_keyring_say_so_and_store_nothing(qtbot, practice, admin, open_settings,
                                                                          no_keyring):
    _d, panel = open_settings("cards")
    assert panel.no_keyring.isVisible() and "no password store (keyring)" in panel.no_keyring.text()
    assert not panel.key.isEnabled() and "no keyring" in panel.key.placeholderText()
    assert not panel.test_button.isEnabled()
    assert panel.badge.text() == "No key saved: cards cannot be charged"


# -- the client's card on file (SPEC 10.4) --------------------------------------------------------------
def test_spec_10_4_send_card_link_and_check_put_the_card_on_the_record(qtbot, practice, admin, ann, stripe_ready,
                                                                      smtp_server):
    d = shown(qtbot, ClientRecordDialog(practice, admin, ann.id, format_money))
    box = d.card_box
    assert box.isVisible() and box.label.text() == "No card on file" and box.remove_button.isHidden()

    click(qtbot, box.send_button)
    settle(qtbot, box, "call", "sender_run")
    assert box.result.text().startswith("Card link e-mailed to ann@client.test.")
    (mail,) = smtp_server.arrived
    (page,) = stripe_ready.posts("/v1/checkout/sessions")
    assert box.link.url in mail.message.get_body(("plain",)).get_content()

    click(qtbot, box.check_button)  # the client has not filled the page in yet
    settle(qtbot, box, "call")
    assert box.result.text() == "No card saved yet: the client has not finished the page from the link."
    assert box.label.text() == "No card on file"

    stripe_ready.complete_setup(list(stripe_ready.sessions)[0], CARD_OK)
    click(qtbot, box.check_button)
    settle(qtbot, box, "call")
    assert box.label.text() == "Visa ending 4242, expires 12/2030"
    assert box.result.text() == "Card saved: Visa ending 4242, expires 12/2030."
    assert box.remove_button.isVisible()

    said = answer_modal(qtbot, "confirmRemoveCard", "confirmRemoveCardYes")
    click(qtbot, box.remove_button)
    assert said == ["Remove Visa ending 4242, expires 12/2030? Nothing more is charged to it from here. Stripe keeps "
                    "the card; to charge this client by card again, send a new card link."]
    assert box.label.text() == "No card on file" and cards.card_on_file(practice, admin, ann.id) is None


def test_a_card_link_stripe_refuses_is_said_plainly(qtbot, practice, admin, make, stripe_ready):
    no_mail = make.client("No", "Mail")
    d = shown(qtbot, ClientRecordDialog(practice, admin, no_mail.id, format_money))
    click(qtbot, d.card_box.send_button)
    settle(qtbot, d.card_box, "call")
    assert d.card_box.result.text() == ("No card link was sent. This client has no e-mail address to send the link "
                                        "to; add one first.")
    assert stripe_ready.posts("/v1/checkout/sessions") == []


def test_the_card_line_is_hidden_where_card_payments_are_not_set_up(qtbot, practice, admin, ann, memory_keyring):
    d = shown(qtbot, ClientRecordDialog(practice, admin, ann.id, format_money))
    assert d.card_box is not None and d.card_box.isHidden()


def test_a_practitioner_sees_no_card_line(qtbot, practice, make, ann, stripe_ready):
    pr = make.practitioner()
    d = shown(qtbot, ClientRecordDialog(practice, make.user("practitioner", practitioner_id=pr.id), ann.id,
                                        format_money))
    assert d.card_box is None and d.findChild(QPushButton, "cardSendLink") is None


# -- Charge card… on an invoice (SPEC 10.4, 0.4) ---------------------------------------------------------
def invoice_window(qtbot, practice, admin, invoice_id):
    return shown(qtbot, InvoiceViewDialog(practice, admin, Events(), invoice_id, date(2026, 1, 20)))


def test_spec_10_4_charge_card_from_the_invoice_pays_it_and_mails_the_receipt(qtbot, practice, admin, ann,
                                                                               stripe_ready, smtp_server):
    save_card(practice, admin, stripe_ready, ann)
    inv = issued(practice, ann, 12050, date(2026, 1, 15))
    d = invoice_window(qtbot, practice, admin, inv)
    assert d.charge_button.isVisible()

    said = answer_modal(qtbot, "confirmCharge", "confirmChargeYes")
    click(qtbot, d.charge_button)
    settle(qtbot, d.charger, "call", "sender_run")

    assert said[0].startswith("Charge $120.50 to Visa ending 4242, expires 12/2030? The amount due on invoice T-2025-0001")
    assert d.charge_result.text() == ("Charged $120.50 to Visa ending 4242, expires 12/2030. The payment is recorded "
                                      "and applied to this invoice. The receipt was e-mailed to ann@client.test.")
    (sent,) = stripe_ready.posts("/v1/payment_intents")
    assert (sent.params["amount"], sent.params["currency"]) == ("12050", "usd")
    assert d.view.amount_due_cents == 0 and ">$0.00<" in d.findChild(type(d.title), "invoiceAmountDue").text()
    assert d.charge_button.isHidden()  # nothing left to charge
    (receipt,) = smtp_server.arrived
    assert "$120.50" in receipt.message["Subject"]


def test_spec_10_4_a_declined_card_is_said_with_its_reason_and_nothing_is_recorded(qtbot, practice, admin, make,
                                                                                    stripe_ready):
    bo = make.client("Bo", "Declined", email="bo@client.test", notify_by="email")
    save_card(practice, admin, stripe_ready, bo, CARD_DECLINED)
    inv = issued(practice, bo, 8000, date(2026, 1, 15))
    d = invoice_window(qtbot, practice, admin, inv)

    answer_modal(qtbot, "confirmCharge", "confirmChargeYes")
    click(qtbot, d.charge_button)
    settle(qtbot, d.charger, "call")

    text = d.charge_result.text()
    assert text.startswith("The card was declined (insufficient funds)") and "Nothing was charged." in text
    assert payments.payment_history(practice, admin, bo.id) == []
    assert ">$80.00<" in d.findChild(type(d.title), "invoiceAmountDue").text()
    assert d.charge_button.isVisible() and d.charge_button.isEnabled()
    again = invoice_window(qtbot, practice, admin, inv)  # opened later: the last attempt is named
    assert again.charge_result.text().startswith("Last card charge (attempt 1): The card was declined (insufficient")


def test_spec_10_4_a_payment_link_e_mails_the_invoice_and_the_payment_is_picked_up(qtbot, practice, admin, make,
                                                                                  stripe_ready, smtp_server):
    bo = make.client("Bo", "Declined", email="bo@client.test", notify_by="email")
    save_card(practice, admin, stripe_ready, bo, CARD_DECLINED)
    inv = issued(practice, bo, 8000, date(2026, 1, 15))
    assert cards.charge_invoice(practice, admin, inv).status == "declined"
    d = invoice_window(qtbot, practice, admin, inv)
    assert d.pay_link_button.isVisible()

    said = answer_modal(qtbot, "confirmPaymentLink", "confirmPaymentLinkYes")
    click(qtbot, d.pay_link_button)
    settle(qtbot, d.link_sender, "call", "sender_run")

    assert said[0].startswith("E-mail invoice T-2025-0001 with a link to pay $80.00 by card?")
    assert d.charge_result.text().startswith("The invoice and a link to pay it by card were e-mailed to bo@client.test.")
    (mail,) = [m for m in smtp_server.arrived if "invoice" in m.message["Subject"]]
    body = mail.message.get_body(("plain",)).get_content()
    assert d.link_sender.link.url in body and "We could not charge your card on file." in body
    page = stripe_ready.posts("/v1/checkout/sessions")[-1]
    assert page.params["mode"] == "payment"

    stripe_ready.complete_payment(list(stripe_ready.sessions)[-1])
    assert cards.poll_card_links(practice, admin).paid == 1
    d.events.ledger_changed.emit()
    assert ">$0.00<" in d.findChild(type(d.title), "invoiceAmountDue").text()
    assert d.pay_link_button.isHidden() and d.charge_button.isHidden()


def test_spec_0_4_no_answer_from_stripe_says_try_again_and_the_retry_charges_once(qtbot, practice, admin, ann,
                                                                                  stripe_ready, monkeypatch):
    from app.integrations import card_gateway

    save_card(practice, admin, stripe_ready, ann)
    inv = issued(practice, ann, 8000, date(2026, 1, 15))
    monkeypatch.setattr(card_gateway, "TIMEOUT", 0.4)
    stripe_ready.late_answers, stripe_ready.late_seconds = 1, 1.2
    d = invoice_window(qtbot, practice, admin, inv)

    answer_modal(qtbot, "confirmCharge", "confirmChargeYes")
    click(qtbot, d.charge_button)
    settle(qtbot, d.charger, "call")
    assert d.charge_result.text() == ("Stripe did not answer, so it is not known yet whether $80.00 was charged. "
                                      "Try again: it will not charge twice (Stripe is asked about this same charge).")

    answer_modal(qtbot, "confirmCharge", "confirmChargeYes")
    click(qtbot, d.charge_button)
    settle(qtbot, d.charger, "call", "sender_run")
    assert d.charge_result.text().startswith("Charged $80.00 to Visa ending 4242")
    assert len(stripe_ready.charges) == 1


def test_cancelling_the_question_charges_nothing(qtbot, practice, admin, ann, stripe_ready):
    save_card(practice, admin, stripe_ready, ann)
    d = invoice_window(qtbot, practice, admin, issued(practice, ann, 8000, date(2026, 1, 15)))
    answer_modal(qtbot, "confirmCharge", "confirmChargeCancel")
    click(qtbot, d.charge_button)
    assert stripe_ready.posts("/v1/payment_intents") == [] and d.charge_result.isHidden()


def test_no_charge_button_without_a_card_on_file(qtbot, practice, admin, ann, stripe_ready):
    d = invoice_window(qtbot, practice, admin, issued(practice, ann, 8000, date(2026, 1, 15)))
    assert d.charge_button.isHidden()


# -- a refund sent to Stripe (SPEC 9.3) ------------------------------------------------------------------
def _refund_from_record(qtbot, practice, admin, client_id, amount_text):
    d = shown(qtbot, ClientRecordDialog(practice, admin, client_id, format_money))
    bar = d.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    w = d.payments
    row = next(i for i, r in enumerate(w.model.rows) if r.kind == HistoryKind.PAYMENT)
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=w.table.visualRect(w.model.index(row, 1)).center())

    def refund(dialog):
        dialog.amount.selectAll()
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Delete)
        qtbot.keyClicks(dialog.amount, amount_text)
        qtbot.keyClicks(dialog.reason, "Session cancelled by us")
        click(qtbot, dialog.findChild(QPushButton, "refundDialogConfirm"))

    when_modal(qtbot, refund)
    click(qtbot, w.refund_button)
    settle(qtbot, w, "call")
    return d, w


def _charged_and_taken_back(practice, admin, stripe, client):
    save_card(practice, admin, stripe, client)
    done = cards.charge_invoice(practice, admin, issued(practice, client, 8000, date(2026, 1, 15)))
    (allocation,) = payments.payment_detail(practice, admin, done.payment_id).allocations
    payments.take_back_allocation(practice, admin, allocation.id, "refund asked")
    return done


def test_spec_9_3_a_refund_of_a_card_payment_is_sent_to_stripe(qtbot, practice, admin, ann, stripe_ready):
    done = _charged_and_taken_back(practice, admin, stripe_ready, ann)
    _d, w = _refund_from_record(qtbot, practice, admin, ann.id, "30")
    assert w.done.text() == ("Refunded $30.00. Stripe refunded $30.00 to the client's card; it reaches their account "
                             "in a few days.")
    assert w.stripe_failed.isHidden() and w.resend_button.isHidden()
    (r,) = stripe_ready.refunds
    assert (r["amount"], r["payment_intent"]) == (3000, stripe_ready.charges[0]["id"])
    assert payments.payment_detail(practice, admin, done.payment_id).left_cents == 5000


def test_spec_9_3_a_refund_stripe_refuses_is_said_and_sent_again(qtbot, practice, admin, ann, stripe_ready):
    _charged_and_taken_back(practice, admin, stripe_ready, ann)
    good_key = stripe_ready.secret_key
    stripe_ready.secret_key = "sk_test_rotated_elsewhere"
    _d, w = _refund_from_record(qtbot, practice, admin, ann.id, "80")
    assert w.stripe_failed.text() == (
        "Refunded $80.00. But Stripe did not refund $80.00, so the client has not got the money back: Stripe did not "
        "accept the secret key (it may be mistyped or revoked); check Settings \u25b8 Card payments. The refund is in "
        "the books; press Send to Stripe again (it never refunds twice).")
    assert w.resend_button.isVisible() and stripe_ready.refunds == []

    stripe_ready.secret_key = good_key
    click(qtbot, w.resend_button)
    settle(qtbot, w, "call")
    assert w.done.text() == "Stripe refunded $80.00 to the client's card; it reaches their account in a few days."
    assert w.resend_button.isHidden() and w.stripe_failed.isHidden()
    assert len(stripe_ready.refunds) == 1
    assert {p.idempotency_key for p in stripe_ready.posts("/v1/refunds")} == {
        p.idempotency_key for p in stripe_ready.posts("/v1/refunds")[:1]}  # the same key both times


def test_spec_9_3_a_refund_never_sent_to_stripe_shows_on_the_record_and_is_sent_again(qtbot, practice, admin, ann,
                                                                                     stripe_ready, clock):
    done = _charged_and_taken_back(practice, admin, stripe_ready, ann)
    payments.refund_payment(practice, admin, done.payment_id, 3000, "part refund")  # the program closed here
    d = shown(qtbot, ClientRecordDialog(practice, admin, ann.id, format_money))
    bar = d.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    w = d.payments
    day = clock.now().astimezone(practice.tz)
    assert w.stripe_failed.isVisible() and w.stripe_failed.text() == (
        f"Stripe has not refunded the $30.00 refund of {day:%d %b %Y} yet, so the client has not got the money "
        "back: it was never sent to Stripe. The refund is in the books; press Send to Stripe again (it never "
        "refunds twice).")

    click(qtbot, w.resend_button)
    settle(qtbot, w, "call")

    assert w.done.text() == "Stripe refunded $30.00 to the client's card; it reaches their account in a few days."
    assert w.stripe_failed.isHidden() and w.resend_button.isHidden()
    assert len(stripe_ready.refunds) == 1 and cards.unsent_refunds(practice, admin, ann.id) == []


# -- saved cards picked up in the background (SPEC 10.4) ----------------------------------------------
def _runner_window(qtbot):
    from PySide6.QtWidgets import QMainWindow

    w = QMainWindow()
    w.events = Events()
    return shown(qtbot, w)


def test_spec_10_4_the_main_window_picks_up_a_saved_card_in_the_background(qtbot, practice, admin, ann, stripe_ready):
    from app.views.card_link_runner import CardLinkRunner

    w = _runner_window(qtbot)
    runner = CardLinkRunner(w, practice, admin, start=False, first_ms=60_000)
    runner.start()
    cards.send_card_link(practice, admin, ann.id)
    stripe_ready.complete_setup(list(stripe_ready.sessions)[-1], CARD_OK)

    with qtbot.waitSignal(w.events.ledger_changed, timeout=20_000):
        assert runner.run_now()
    assert runner.thread.wait(5_000)

    assert cards.card_on_file(practice, admin, ann.id).label == "Visa ending 4242, expires 12/2030"
    assert w.statusBar().currentMessage() == "Card payments: 1 card saved by clients."
    with qtbot.assertNotEmitted(w.events.ledger_changed, wait=300):  # nothing new: nothing said
        assert runner.run_now()
        qtbot.waitUntil(lambda: not runner.running, timeout=20_000)
    runner.pause()
    assert not runner.run_now()


def test_no_background_checks_where_card_payments_are_not_set_up(qtbot, practice, admin, make, memory_keyring):
    from app.views.card_link_runner import CardLinkRunner

    w = _runner_window(qtbot)
    runner = CardLinkRunner(w, practice, admin, first_ms=60_000)
    assert runner.active and not runner.run_now()  # no key saved: Stripe is not asked
    pr = make.practitioner()
    quiet = CardLinkRunner(w, practice, make.user("practitioner", practitioner_id=pr.id), first_ms=60_000)
    assert not quiet.active and quiet.was_on  # a practitioner's window hands it on to the next user


def test_an_open_record_shows_a_card_the_background_check_saved(qtbot, practice, admin, ann, stripe_ready):
    w = _runner_window(qtbot)
    d = shown(qtbot, ClientRecordDialog(practice, admin, ann.id, format_money, parent=w))
    assert d.card_box.label.text() == "No card on file"
    save_card(practice, admin, stripe_ready, ann)
    w.events.clients_changed.emit()  # what the runner announces
    assert d.card_box.label.text() == "Visa ending 4242, expires 12/2030"
    d.reject()
    w.events.clients_changed.emit()  # a closed record no longer listens

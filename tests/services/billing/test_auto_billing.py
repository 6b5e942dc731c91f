"""Auto billing after an automatic run (SPEC 10.4, 10.3, 10.2): each invoice of a client with a card on
file is charged off-session once; success records, allocates and e-mails a receipt; a decline or a
bank asking for confirmation e-mails the invoice with a payment link (once) and is tried again at
later runs until the retry limit; the same cycle twice charges nothing; without a key on this
computer nothing is charged; the history shows each client's charge. Real stripe library against the
recording server, aiosmtpd, an in-memory keyring; two real processes at once charge each invoice once."""
# ruff: noqa: F811 - fixtures imported from tests.stripe_servers are parameters here
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.models import CardCharge, CardOnFile, Invoice
from app.services.billing import auto_invoicing, card_settings
from app.services.billing import settings as auto_settings
from app.services.billing.settings import AutoInvoiceInput
from app.services.messaging import settings as msettings
from app.services.money import payments
from app.services.scheduling import completion
from tests.races import where
from tests.services.fingerprint import fingerprint
from tests.stripe_servers import CARD_AUTH, CARD_DECLINED, CARD_OK, recording_stripe  # noqa: F401

NY = ZoneInfo("America/New_York")
MONTHLY = AutoInvoiceInput(enabled=True, interval="monthly", weekday=4, run_time=time(18, 0), completed=True,
                           scheduled=False, email=True, start_date=date(2027, 1, 1))


def at(clock, *a):
    clock.at = datetime(*a, tzinfo=NY).astimezone(UTC)


def put_card(practice, client_id, pm, customer="cus_test_x"):
    """A card on file as a completed card link leaves it (the link flow is tested in test_cards.py)."""
    with practice.uow() as tx:
        tx.add(CardOnFile(client_id=client_id, customer_id=customer, payment_method_id=pm, brand="visa",
                          last4=pm[-4:], exp_month=12, exp_year=2030, saved_at=practice.clock.now()))


def charges(practice, *where):
    with practice.read() as tx:
        return list(tx.scalars(select(CardCharge).where(*where).order_by(CardCharge.id)))


@pytest.fixture
def month(practice, admin, make, clock, recording_stripe, memory_keyring, smtp_server):
    """January 2027: Ann (a card that pays), Bo (a card that is declined), Cy (a card whose bank wants
    the client to confirm) and Dee (no card) each had one $80 session completed; monthly invoicing
    with e-mail; card payments set up on this computer, trying a declined invoice at one more run."""
    at(clock, 2027, 1, 2, 9)
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_from="desk@practice.test")
    card_settings.update_card_settings(practice, admin, api_base=recording_stripe.url, retry_cycles=1,
                                       return_url="https://practice.test/thanks")
    card_settings.set_card_key(practice, admin, recording_stripe.secret_key)
    pr, svc = make.practitioner("Maya Stone"), make.service("Therapy", cost=8000, wage=4000)
    people = {}
    for first, pm in (("Ann", CARD_OK), ("Bo", CARD_DECLINED), ("Cy", CARD_AUTH), ("Dee", None)):
        c = make.client(first, "Client", email=f"{first.lower()}@client.test", notify_by="email")
        [s] = make.session(datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 11), svc, pr, [c], confirm=True)
        completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
        if pm:
            put_card(practice, c.id, pm)
        people[first] = c
    auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
    return people


def invoice_of(practice, client_id):
    with practice.read() as tx:
        return tx.scalar(select(Invoice.id).where(Invoice.client_id == client_id))


def test_spec_10_4_a_run_charges_cards_on_file_once_and_says_what_happened(practice, admin, clock, month,
                                                                           recording_stripe, smtp_server):
    at(clock, 2027, 1, 31, 18, 5)
    summary = auto_invoicing.run_due(practice, admin)

    assert summary.invoices == 4
    assert (summary.charged, summary.charged_cents, summary.charge_failed) == (1, 8000, 2)
    assert not summary.ok and any("Cards on file charged: 1, total $80.00" in line for line in summary.lines())
    (paid,) = recording_stripe.charges
    assert (paid["amount"], paid["currency"], paid["payment_method"]) == (8000, "usd", CARD_OK)
    sent = recording_stripe.posts("/v1/payment_intents")
    assert len(sent) == 3 and all(r.params["off_session"] == "true" for r in sent)
    assert len({r.idempotency_key for r in sent}) == 3
    with practice.read() as tx:
        due = payments.amounts_due(tx, [invoice_of(practice, month[n].id) for n in ("Ann", "Bo", "Dee")])
    assert sorted(due.values()) == [0, 8000, 8000]
    # the history (SPEC 10.3): each client's charge with its reason
    [run] = auto_invoicing.list_runs(practice, admin)
    got = {r.client_name: (r.charge_status, r.charge_error) for r in auto_invoicing.run_results(practice, admin, run.id)}
    assert got["Ann Client"] == ("succeeded", "")
    assert got["Bo Client"][0] == "declined" and "insufficient funds" in got["Bo Client"][1]
    assert got["Cy Client"][0] == "needs_authentication" and "payment link" in got["Cy Client"][1]
    assert got["Dee Client"] == ("", "")
    # e-mails: four invoices, Ann's receipt, Bo's and Cy's invoice with a payment link
    mails = [(m.rcpt_tos[0], m.message["Subject"]) for m in smtp_server.arrived]
    assert len(mails) == 7
    assert sum(1 for to, subject in mails if to == "ann@client.test" and "receipt" in subject) == 1
    links = [m for m in smtp_server.arrived if "checkout.stripe.test" in m.message.get_body(("plain",)).get_content()]
    assert sorted(m.rcpt_tos[0] for m in links) == ["bo@client.test", "cy@client.test"]
    (bo_link,) = [m for m in links if m.rcpt_tos == ["bo@client.test"]]  # charges go four at a time: any order
    assert "insufficient funds" in bo_link.message.get_body(("plain",)).get_content()


def test_spec_10_4_declined_invoices_are_tried_at_later_runs_up_to_the_limit_with_one_link(
        practice, admin, clock, month, recording_stripe, smtp_server):
    at(clock, 2027, 1, 31, 18, 5)
    auto_invoicing.run_due(practice, admin)
    bo = invoice_of(practice, month["Bo"].id)
    before = fingerprint(practice)
    assert auto_invoicing.run_due(practice, admin).cycles == ()  # the same cycle: nothing charged again
    assert fingerprint(practice) == before and len(recording_stripe.posts("/v1/payment_intents")) == 3

    at(clock, 2027, 2, 28, 18, 5)  # the next cycle: Bo and Cy tried once more (retry_cycles = 1)
    second = auto_invoicing.run_due(practice, admin)
    assert [c.attempt for c in charges(practice, CardCharge.invoice_id == bo)] == [1, 2]
    assert second.charge_failed == 2 and second.charged == 0
    at(clock, 2027, 3, 31, 18, 5)  # the limit is reached: not tried again
    auto_invoicing.run_due(practice, admin)
    assert len(charges(practice, CardCharge.invoice_id == bo)) == 2
    links = [m for m in smtp_server.arrived if "checkout.stripe.test" in m.message.get_body(("plain",)).get_content()]
    assert len(links) == 2  # one payment link per invoice, not one per attempt


def test_spec_10_4_without_a_key_on_this_computer_nothing_is_charged_and_the_invoices_go_out(
        practice, admin, clock, month, recording_stripe, memory_keyring):
    card_settings.set_card_key(practice, admin, "")
    at(clock, 2027, 1, 31, 18, 5)
    summary = auto_invoicing.run_due(practice, admin)
    assert summary.invoices == 4 and summary.charged == summary.charge_failed == 0 and summary.ok
    assert recording_stripe.posts("/v1/payment_intents") == []


def test_spec_10_4_no_answer_is_tried_again_with_the_same_key_at_the_next_run(practice, admin, clock, month,
                                                                             recording_stripe, monkeypatch):
    from app.integrations import card_gateway

    monkeypatch.setattr(card_gateway, "TIMEOUT", 0.4)
    recording_stripe.late_answers, recording_stripe.late_seconds = 1, 1.2  # Ann's charge: taken, answer lost
    at(clock, 2027, 1, 31, 18, 5)
    first = auto_invoicing.run_due(practice, admin)
    assert first.charge_unanswered == 1 and first.charged == 0
    at(clock, 2027, 2, 28, 18, 5)
    auto_invoicing.run_due(practice, admin)
    ann = invoice_of(practice, month["Ann"].id)
    (c,) = charges(practice, CardCharge.invoice_id == ann)
    assert c.status == "succeeded" and c.tries == 2
    assert sum(1 for ch in recording_stripe.charges if ch["payment_method"] == CARD_OK) == 1


# -- two processes at once (SPEC 0.4, 10.2) ----------------------------------------------------------
RUN_DUE = """
import json, sys
from datetime import datetime
import keyring
from tests.file_keyring import FileKeyring
keyring.set_keyring(FileKeyring())
from app.services.billing import auto_invoicing
from app.services.clock import FixedClock
from app.services.practice import Practice
at = FixedClock(datetime.fromisoformat(sys.argv[2]))
p = Practice.connect(sys.argv[1], clock=at) if "://" in sys.argv[1] else Practice.open(sys.argv[1], clock=at)
s = auto_invoicing.run_due(p, auto_invoicing.SYSTEM, auto_invoicing.COMMAND)
print(json.dumps({"cycles": list(s.cycles), "charged": s.charged, "invoices": s.invoices}))
p.close()
"""


def test_spec_10_4_two_processes_running_due_runs_at_once_charge_each_invoice_once(practice, admin, make, clock,
                                                                                  recording_stripe, tmp_path):
    import keyring

    from tests.file_keyring import FileKeyring

    os.environ["PRACTICE_TEST_KEYRING"] = str(tmp_path / "keyring.json")
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        at(clock, 2027, 1, 2, 9)
        card_settings.update_card_settings(practice, admin, api_base=recording_stripe.url)
        card_settings.set_card_key(practice, admin, recording_stripe.secret_key)
        pr, svc = make.practitioner(), make.service("Therapy", cost=8000, wage=4000)
        for n in range(24):  # 20 or more: invoices in chunks, PDFs in helper processes (PDF_WORKERS_FROM)
            c = make.client("Cli", f"Client{n:02d}")
            [s] = make.session(datetime(2027, 1, 12, 8 + n % 10), datetime(2027, 1, 12, 9 + n % 10), svc, pr, [c],
                               confirm=True)
            completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
            put_card(practice, c.id, CARD_OK, f"cus_{n}")
        auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, email=False))
        recording_stripe.late_seconds = 0.05
        recording_stripe.late_answers = 1000  # every charge answers a little late: the two overlap
        when = datetime(2027, 2, 28, 18, 5, tzinfo=NY).astimezone(UTC).isoformat()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
        procs = [subprocess.Popen([sys.executable, "-c", RUN_DUE, where(practice), when], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=240) for p in procs]
        assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
        results = [json.loads(o[0].strip().splitlines()[-1]) for o in outs]
        assert sum(r["invoices"] for r in results) == 24  # January's and February's cycles, each run once
        with practice.read() as tx:
            assert tx.scalar(select(func.count()).select_from(Invoice)) == 24
        assert len(recording_stripe.charges) == 24  # one charge per invoice
        assert len(charges(practice)) == 24 and all(c.status == "succeeded" for c in charges(practice))
    finally:
        keyring.set_keyring(previous)
        os.environ.pop("PRACTICE_TEST_KEYRING", None)


def test_spec_10_4_a_run_in_chunks_emails_each_receipt_with_its_pdf(practice, admin, clock, month,
                                                                    recording_stripe, smtp_server, monkeypatch):
    # SPEC 10.4, 10.2: a run of many clients (chunks, PDFs drawn by helper processes, receipts queued
    # several at a time once their PDFs are made): each payment recorded once, each receipt e-mailed
    # once with its PDF, declines as in a small run
    monkeypatch.setattr(auto_invoicing, "PDF_WORKERS_FROM", 1)  # chunks and helper processes from one client
    put_card(practice, month["Dee"].id, CARD_OK, "cus_dee")
    at(clock, 2027, 1, 31, 18, 5)
    summary = auto_invoicing.run_due(practice, admin)
    assert (summary.invoices, summary.charged, summary.charged_cents, summary.charge_failed) == (4, 2, 16000, 2)
    assert len(recording_stripe.charges) == 2
    receipts = [m for m in smtp_server.arrived if "receipt" in m.message["Subject"]]
    assert sorted(m.rcpt_tos[0] for m in receipts) == ["ann@client.test", "dee@client.test"]
    for m in receipts:
        [part] = list(m.message.iter_attachments())
        assert part.get_filename().startswith("Receipt ") and part.get_content().startswith(b"%PDF")
    with practice.read() as tx:
        due = payments.amounts_due(tx, [invoice_of(practice, month[n].id) for n in ("Ann", "Dee")])
    assert sorted(due.values()) == [0, 0]
    assert len(smtp_server.arrived) == 8  # four invoices, two receipts, two payment links

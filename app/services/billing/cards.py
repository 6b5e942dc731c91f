"""Cards on file and card charges through Stripe (SPEC 10.4, 9.3; issue 16 items 4-5).

- **Card links**: "Send card link" makes (once) a Stripe customer for the client and a Stripe-hosted
  page in setup mode, and e-mails its address through the outbox. The app has no public address for
  Stripe to call back, so ``poll_card_links`` asks Stripe about each open link; a completed one puts
  the saved card on file (only Stripe's ids, the brand, last four digits and expiry are kept).
- **Charges**: ``charge_invoice`` charges an issued invoice's amount due to the card on file,
  off-session. The attempt and its idempotency key are committed *before* Stripe is called; an
  attempt left pending (no answer, a crash, a restart) is sent again with the same key, so Stripe
  replays its first answer and the card is never charged twice. Success records the payment (method
  ``stripe``, reference the PaymentIntent) allocated to the invoice in the transaction that marks the
  attempt succeeded, and queues a receipt; a decline or a bank asking for authentication is recorded
  with its reason, and the next attempt is a new one.
- **Refunds**: a refund of a ``stripe`` payment (``payments.refund_payment`` gives a GatewayRefund) is
  told to Stripe by ``send_refund`` with the key fixed by the refund's ledger entry; a failed one can
  be sent again and never refunds twice.

Every network call happens with no transaction open; each write is one unit of work that takes the
write lock before it reads (STACK.md trap 0).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, and_, bindparam, or_, select
from sqlalchemy.orm import aliased

from ...integrations import card_gateway
from ...models import CardCharge, CardLink, CardOnFile, CardRefund, Client, Invoice, LedgerEntry
from ...models.enums import MessageChannel, MessagePurpose
from .. import audit, validate
from ..errors import NotFound, RuleViolation, ValidationError
from ..messaging import outbox
from ..money import invoice_documents, payment_documents, payments
from ..money.amounts import format_money
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from . import card_settings

LINK_LIFETIME = timedelta(hours=24)  # Stripe expires a Checkout Session after 24 h


@dataclass(frozen=True)
class CardView:
    client_id: int
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    saved_at: datetime

    @property
    def label(self) -> str:
        return f"{self.brand.title()} ending {self.last4}, expires {self.exp_month:02d}/{self.exp_year}"


@dataclass(frozen=True)
class LinkView:
    id: int
    client_id: int
    purpose: str  # card (save a card) or payment (pay one invoice)
    invoice_id: int | None
    status: str  # creating, open, complete, expired, failed
    url: str | None
    error: str
    message_id: int | None  # the e-mail with the link (send it with outbox.send_message)
    created_at: datetime


@dataclass(frozen=True)
class PollSummary:
    saved: int  # cards put on file
    expired: int
    still_open: int
    failed: int  # Stripe could not be asked (they stay open and are asked again)
    paid: int = 0  # payment links paid (the payment recorded and allocated)


@dataclass(frozen=True)
class ChargeView:
    id: int
    invoice_id: int
    client_id: int
    attempt: int
    amount_cents: int
    currency: str
    status: str  # pending, succeeded, declined, needs_authentication, failed
    code: str
    error: str
    payment_id: int | None
    receipt_message_id: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class RefundView:
    refund_entry_id: int
    amount_cents: int
    status: str  # pending, sent, failed
    error: str


@dataclass(frozen=True)
class UnsentRefund:
    gateway: payments.GatewayRefund  # send it with send_refund
    status: str  # not sent (never told to Stripe), pending (no answer), failed
    error: str
    refunded_at: datetime  # when the refund was recorded in the books


def _key_prefix(practice: Practice) -> str:
    return card_settings._stored(practice)["key_id"] or "practice"


def _client(tx, client_id: int) -> Client:
    c = tx.get(Client, client_id)
    if c is None:
        raise NotFound.gone("client")
    return c


def _live_card(tx, client_id: int) -> CardOnFile | None:
    return tx.scalar(select(CardOnFile).where(CardOnFile.client_id == client_id, CardOnFile.removed_at.is_(None))
                     .order_by(CardOnFile.id.desc()).limit(1))


def _card_view(c: CardOnFile | None) -> CardView | None:
    return None if c is None else CardView(c.client_id, c.brand, c.last4, c.exp_month, c.exp_year, c.saved_at)


def _link_view(k: CardLink) -> LinkView:
    return LinkView(k.id, k.client_id, k.purpose, k.invoice_id, k.status, k.url, k.error, k.message_id, k.created_at)


# -- cards on file -----------------------------------------------------------------------------------
def card_on_file(practice: Practice, actor: Actor, client_id: int) -> CardView | None:
    validate.an_id("client", client_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return _card_view(_live_card(tx, client_id))


def remove_card(practice: Practice, actor: Actor, client_id: int) -> None:
    """Forget the client's card (it stays at Stripe; nothing more is charged to it from here)."""
    validate.an_id("client", client_id)
    require_front_desk(actor)
    with practice.uow() as tx:
        c = _live_card(tx, client_id)
        if c is None:
            raise NotFound("This client has no card on file.")
        c.removed_at, c.removed_by = practice.clock.now(), actor.user_id
        audit.record(tx, practice, actor, "card.remove", "client", client_id, last4=c.last4)


def list_links(practice: Practice, actor: Actor, client_id: int) -> list[LinkView]:
    validate.an_id("client", client_id)
    require_front_desk(actor)
    with practice.read() as tx:
        rows = tx.scalars(select(CardLink).where(CardLink.client_id == client_id).order_by(CardLink.id.desc()))
        return [_link_view(k) for k in rows]


def _link_message(practice: Practice, client: Client, url: str) -> outbox.MessageDraft:
    name = practice.settings()["practice_name"]
    body = (f"Dear {client.first_name} {client.last_name},\n\n{name} asks you to save a payment card for your "
            f"sessions. Open this secure page from Stripe, our card processor, to enter it:\n\n{url}\n\n"
            "The page works for 24 hours. We never see or keep your card number: Stripe keeps it, and we "
            f"charge it only for invoices we send you.\n\n{name}")
    return outbox.MessageDraft(MessageChannel.EMAIL, client.email, body, subject=f"{name}: save a card for payments",
                               purpose=MessagePurpose.CARD_LINK, client_id=client.id)


def send_card_link(practice: Practice, actor: Actor, client_id: int) -> LinkView:
    """Make a Stripe page where the client saves a card and queue the e-mail with its address (send
    it with ``outbox.send_message(view.message_id)``). A Stripe failure is recorded on the link and
    raised as RuleViolation in plain words."""
    validate.an_id("client", client_id)
    require_front_desk(actor)
    config = card_settings.gateway_config(practice)
    settings = card_settings._stored(practice)
    if not settings["return_url"]:
        raise RuleViolation("Set the page clients see after saving a card (Settings \u25b8 Card payments) first.")
    prefix = _key_prefix(practice)
    with practice.uow() as tx:  # 1: the link and its keys exist before Stripe is called
        c = _client(tx, client_id)
        if c.archived_at is not None:
            raise RuleViolation("This client is archived.")
        if not c.email:
            raise RuleViolation("This client has no e-mail address to send the link to; add one first.")
        known = tx.scalar(select(CardLink.customer_id).where(CardLink.client_id == client_id,
                                                             CardLink.customer_id.is_not(None))
                          .order_by(CardLink.id.desc()).limit(1)) \
            or tx.scalar(select(CardOnFile.customer_id).where(CardOnFile.client_id == client_id).limit(1))
        link = CardLink(client_id=client_id, purpose="card", customer_id=known, status="creating", error="",
                        created_at=practice.clock.now(), created_by=actor.user_id)
        tx.add(link)
        tx.flush()
        link_id, name, email = link.id, f"{c.first_name} {c.last_name}", c.email
    try:  # 2: Stripe, no transaction open
        customer = known or card_gateway.create_customer(config, name, email, f"{prefix}-customer-{client_id}",
                                                         {"client": str(client_id)})
        page = card_gateway.create_setup_session(config, customer, practice.settings()["currency"],
                                                 settings["return_url"], settings["return_url"],
                                                 f"{prefix}-card-link-{link_id}")
        error = ""
    except card_gateway.CardError as exc:
        customer, page, error = None, None, str(exc)
    with practice.uow() as tx:  # 3: the outcome, and the e-mail queued with it
        link = tx.get(CardLink, link_id)
        if page is None:
            link.status, link.error, link.finished_at = "failed", error, practice.clock.now()
        else:
            link.customer_id, link.checkout_session_id, link.url, link.status = customer, page.id, page.url, "open"
            link.message_id = outbox.queue_in(tx, practice, actor, _link_message(practice, _client(tx, client_id),
                                                                                 page.url))
        audit.record(tx, practice, actor, "card.link", "client", client_id, link_id=link_id, status=link.status)
        view = _link_view(link)
    if page is None:
        raise RuleViolation(error)
    return view


def poll_card_links(practice: Practice, actor: Actor) -> PollSummary:
    """Ask Stripe about every open link: a completed one puts its card on file (replacing an older
    card), one older than a day is expired. A link Stripe could not be asked about stays open."""
    require_front_desk(actor)
    with practice.read() as tx:
        open_links = list(tx.execute(select(CardLink.id, CardLink.checkout_session_id, CardLink.created_at,
                                            CardLink.purpose)
                                     .where(CardLink.status == "open").order_by(CardLink.id)))
    if not open_links:
        return PollSummary(0, 0, 0, 0)
    config = card_settings.gateway_config(practice)
    saved = expired = still = failed = paid = 0
    for link_id, session_id, created, purpose in open_links:
        if purpose == "payment":
            outcome = _poll_payment_link(practice, actor, config, link_id, session_id, created)
            paid += outcome == "paid"
            expired += outcome == "expired"
            still += outcome == "open"
            failed += outcome == "failed"
            continue
        try:
            page = card_gateway.setup_session(config, session_id)
            card = card_gateway.card(config, page.payment_method_id) if page.payment_method_id else None
        except card_gateway.CardError:
            failed += 1
            continue
        now = practice.clock.now()
        with practice.uow() as tx:
            link = tx.get(CardLink, link_id)
            if link.status != "open":
                continue  # done at another desk meanwhile
            if page.status == "complete" and card is not None:
                old = _live_card(tx, link.client_id)
                if old is not None:
                    old.removed_at = now
                tx.add(CardOnFile(client_id=link.client_id, customer_id=link.customer_id,
                                  payment_method_id=card.payment_method_id, brand=card.brand, last4=card.last4,
                                  exp_month=card.exp_month, exp_year=card.exp_year, link_id=link.id, saved_at=now))
                link.status, link.finished_at = "complete", now
                audit.record(tx, practice, actor, "card.saved", "client", link.client_id, last4=card.last4)
                saved += 1
            elif page.status == "expired" or now - created > LINK_LIFETIME:
                link.status, link.finished_at = "expired", now
                expired += 1
            else:
                still += 1
    return PollSummary(saved, expired, still, failed, paid)


def _poll_payment_link(practice: Practice, actor: Actor, config, link_id: int, session_id: str,
                       created: datetime) -> str:
    """One payment link: 'paid' (the payment recorded, allocated to its invoice), 'expired', 'open'
    or 'failed' (Stripe could not be asked)."""
    try:
        page = card_gateway.payment_session(config, session_id)
    except card_gateway.CardError:
        return "failed"
    now = practice.clock.now()
    with practice.uow() as tx:
        link = tx.get(CardLink, link_id)
        if link.status != "open":
            return "done"  # at another desk meanwhile
        if page.status == "complete" and page.paid:
            amount = page.amount or link.amount_cents
            due = payments.amounts_due(tx, [link.invoice_id]).get(link.invoice_id, 0)
            plan = ((link.invoice_id, min(due, amount)),) if due > 0 else "none"
            number = tx.get(Invoice, link.invoice_id).number
            made = payments.record_payment_in(tx, practice, actor, link.client_id, amount, "stripe", now,
                                              page.payment_intent_id or "", f"Paid online: invoice {number}", plan)
            link.status, link.finished_at, link.payment_id = "complete", now, made.payment.id
            audit.record(tx, practice, actor, "card.link.paid", "invoice", link.invoice_id, amount_cents=amount)
            return "paid"
        if page.status == "expired" or now - created > LINK_LIFETIME:
            link.status, link.finished_at = "expired", now
            return "expired"
    return "open"


def _payment_message(practice: Practice, client: Client, inv, url: str, reason: str) -> outbox.MessageDraft:
    name = practice.settings()["practice_name"]
    amount = format_money(inv.amount_due_cents, practice.settings()["currency"], practice.settings()["locale"])
    why = f"{reason} " if reason else ""
    body = (f"Dear {client.first_name} {client.last_name},\n\nYour invoice {inv.number} for {amount} is attached. "
            f"{why}You can pay it by card on this secure page from Stripe, our card processor:\n\n{url}\n\n"
            f"The page works for 24 hours.\n\n{name}")
    from ..money import invoice_documents

    return outbox.MessageDraft(MessageChannel.EMAIL, client.email, body,
                               subject=f"{name}: invoice {inv.number}, {amount} to pay", purpose=MessagePurpose.INVOICE,
                               client_id=client.id, attachment=invoice_documents.pdf_of(practice, inv),
                               attachment_name=f"Invoice {inv.number}.pdf".replace("/", "-"))


def send_payment_link(practice: Practice, actor: Actor, invoice_id: int, reason: str = "") -> LinkView:
    """E-mail the invoice (PDF) with a Stripe page where the client pays its amount due by card: after
    a decline, when the bank wants the client to confirm, or for a client without a card on file.
    ``reason`` is one sentence put in the e-mail. The payment is picked up by ``poll_card_links``."""
    validate.an_id("invoice", invoice_id)
    reason = validate.text("reason", reason, 300, required=False)
    require_front_desk(actor)
    config = card_settings.gateway_config(practice)
    return_url = card_settings._stored(practice)["return_url"]
    if not return_url:
        raise RuleViolation("Set the page clients see after paying (Settings \u25b8 Card payments) first.")
    from ..money import invoices

    inv = invoices.get_invoice(practice, actor, invoice_id)
    if inv.number is None or inv.amount_due_cents <= 0:
        raise RuleViolation("Only an issued invoice with an amount due can be paid online.")
    with practice.uow() as tx:
        c = _client(tx, inv.client_id)
        if not c.email:
            raise RuleViolation("This client has no e-mail address to send the link to; add one first.")
        customer = tx.scalar(select(CardLink.customer_id).where(CardLink.client_id == c.id,
                                                                CardLink.customer_id.is_not(None)).limit(1)) \
            or tx.scalar(select(CardOnFile.customer_id).where(CardOnFile.client_id == c.id).limit(1))
        link = CardLink(client_id=c.id, purpose="payment", invoice_id=invoice_id, amount_cents=inv.amount_due_cents,
                        customer_id=customer, status="creating", error="", created_at=practice.clock.now(),
                        created_by=actor.user_id)
        tx.add(link)
        tx.flush()
        link_id, email = link.id, c.email
    try:
        page = card_gateway.create_payment_session(
            config, customer, email, inv.amount_due_cents, practice.settings()["currency"], f"Invoice {inv.number}",
            return_url, f"{_key_prefix(practice)}-pay-link-{link_id}", {"invoice": inv.number})
        error = ""
    except card_gateway.CardError as exc:
        page, error = None, str(exc)
    with practice.uow() as tx:
        link = tx.get(CardLink, link_id)
        if page is None:
            link.status, link.error, link.finished_at = "failed", error, practice.clock.now()
        else:
            link.checkout_session_id, link.url, link.status = page.id, page.url, "open"
            link.message_id = outbox.queue_in(tx, practice, actor,
                                              _payment_message(practice, _client(tx, link.client_id), inv, page.url,
                                                               reason))
        audit.record(tx, practice, actor, "card.pay_link", "invoice", invoice_id, link_id=link_id, status=link.status)
        view = _link_view(link)
    if page is None:
        raise RuleViolation(error)
    return view


# -- charges -----------------------------------------------------------------------------------------
def _charge_view(c: CardCharge, receipt: int | None = None) -> ChargeView:
    return ChargeView(c.id, c.invoice_id, c.client_id, c.attempt, c.amount_cents, c.currency, c.status, c.code,
                      c.error, c.payment_id, receipt)


def list_charges(practice: Practice, actor: Actor, invoice_id: int) -> list[ChargeView]:
    validate.an_id("invoice", invoice_id)
    require_front_desk(actor)
    with practice.read() as tx:
        return [_charge_view(c) for c in tx.scalars(select(CardCharge).where(CardCharge.invoice_id == invoice_id)
                                                    .order_by(CardCharge.attempt))]


@functools.cache
def _begin_queries():
    """``_begin_charge``'s two SELECTs, built once (building them cost about as much as running them):
    the invoice with its amount due and the client's live card; the invoice's attempts."""
    invoice_id = bindparam("charged_invoice", type_=Integer)
    return (select(Invoice, payments.amount_due_sql(), CardOnFile)
            .outerjoin(CardOnFile, and_(CardOnFile.client_id == Invoice.client_id, CardOnFile.removed_at.is_(None)))
            .where(Invoice.id == invoice_id).order_by(CardOnFile.id.desc()).limit(1),
            select(CardCharge).where(CardCharge.invoice_id == invoice_id).order_by(CardCharge.attempt))


def _begin_charge(tx, practice: Practice, actor: Actor, invoice_id: int, run_id: int | None,
                  key_prefix: str | None = None) -> tuple[CardCharge, CardOnFile, str | None]:
    """The attempt to send, its ``tries`` counted: a pending one again (same key, same amount), else a
    new one (written with its first try: no update of the row just inserted), with the card it is
    sent to and the invoice's number. Two SELECTs (the invoice with its amount due and the live card;
    the invoice's attempts); the new attempt is written when the unit of work commits.
    ``key_prefix``: ``_key_prefix(practice)`` when the caller has the card settings at hand."""
    invoice_query, attempts_query = _begin_queries()
    row = tx.execute(invoice_query, {"charged_invoice": invoice_id}).first()
    inv, due, card = row if row is not None else (None, 0, None)
    if inv is None or inv.deleted_at is not None:
        raise NotFound.gone("invoice")
    attempts = list(tx.scalars(attempts_query, {"charged_invoice": invoice_id}))
    pending = next((a for a in attempts if a.status == "pending"), None)
    if pending is not None:
        pending.tries += 1
        sent_to = card if card is not None and card.id == pending.card_id else tx.get(CardOnFile, pending.card_id)
        return pending, sent_to, inv.number
    if inv.status != "issued":
        raise RuleViolation(f"Invoice {inv.number or ''} is {inv.status}; only an issued invoice can be charged."
                            .replace("  ", " "))
    due = int(due)
    if due <= 0:
        raise RuleViolation(f"Invoice {inv.number} has nothing left to pay.")
    if card is None:
        raise RuleViolation("This client has no card on file; send them a card link first.")
    attempt = max((a.attempt for a in attempts), default=0) + 1
    c = CardCharge(invoice_id=invoice_id, client_id=inv.client_id, card_id=card.id, attempt=attempt,
                   idempotency_key=f"{key_prefix or _key_prefix(practice)}-invoice-{invoice_id}-attempt-{attempt}",
                   amount_cents=due, currency=practice.settings()["currency"], status="pending", code="", error="",
                   tries=1, run_id=run_id, created_at=practice.clock.now(), created_by=actor.user_id)
    tx.add(c)
    audit.record(tx, practice, actor, "card.charge.start", "invoice", invoice_id, attempt=attempt, amount_cents=due,
                 key=c.idempotency_key)
    return c, card, inv.number


def charge_invoice(practice: Practice, actor: Actor, invoice_id: int, run_id: int | None = None,
                   pdfs=None) -> ChargeView:
    """Charge the invoice's amount due to the client's card on file (off-session). The result is on
    the returned view (a decline is a result, not an exception); RuleViolation when there is nothing
    to charge, no card, or card payments are not set up. ``pdfs``: PDF workers that make the receipt
    (``app.documents.pdf_workers``; a billing run's), else it is made here."""
    validate.an_id("invoice", invoice_id)
    validate.optional_id("run", run_id)
    require_front_desk(actor)
    return _charge(practice, actor, invoice_id, run_id, pdfs, card_settings._gateway_config_and_settings(practice))


def _charge(practice: Practice, actor: Actor, invoice_id: int, run_id: int | None, pdfs,
            gateway: tuple[card_gateway.GatewayConfig, dict], header=None) -> ChargeView:
    """``charge_invoice`` on checked input with the card settings ``gateway``
    (``card_settings._gateway_config_and_settings``) and, for the receipts of a run's PDF workers, the
    practice's ``header`` (``invoice_documents.practice_header``), both read once for a billing run's
    charges (``auto_billing.charge_run``) instead of once per charge."""
    view, receipt = _charge_and_receipt(practice, actor, invoice_id, run_id, pdfs, gateway, header)
    return view if receipt is None else _queue_receipts(practice, actor, [receipt])[0]


def _charge_and_receipt(practice: Practice, actor: Actor, invoice_id: int, run_id: int | None, pdfs,
                        gateway: tuple[card_gateway.GatewayConfig, dict],
                        header=None) -> tuple[ChargeView, _Receipt | None]:
    """``_charge`` with its receipt made (or its PDF on its way) but not queued: (the outcome, the
    receipt or None). A billing run queues its receipts ``auto_billing.RECEIPTS_AT_ONCE`` at a time (``_queue_receipts``)."""
    config, stored = gateway
    with practice.uow() as tx:  # 1: the attempt and its key are committed before Stripe is called
        c, card, number = _begin_charge(tx, practice, actor, invoice_id, run_id, stored["key_id"] or "practice")
        customer, method = card.customer_id, card.payment_method_id
    charge_id, key, amount, currency = c.id, c.idempotency_key, c.amount_cents, c.currency  # committed
    try:  # 2: Stripe, no transaction open
        done = card_gateway.charge(config, customer, method, amount, currency, key, {"invoice": number or ""})
        failure = None
    except card_gateway.CardError as exc:
        done, failure = None, exc
    # a run's receipt is laid out from the outcome's transaction (its PDF workers draw it)
    if done is not None and pdfs is not None and header is None:
        try:
            header = invoice_documents.practice_header(practice)
        except Exception:  # noqa: BLE001 - the outcome is recorded all the same; the receipt is made later
            header = None
    made: list[tuple[int, int]] = []  # the payment's allocations: (invoice id, amount)
    with practice.uow() as tx:  # 3: the outcome
        c = tx.get(CardCharge, charge_id)
        if c.status != "pending":  # recorded by another desk sending the same key meanwhile
            return _charge_view(c), None
        now = practice.clock.now()
        client = None
        if done is not None:
            inv, due = payments._invoice_due_locked(tx, invoice_id)
            client = tx.get(Client, c.client_id)  # held: record_payment_in and the receipt find it at hand
            plan = ((invoice_id, min(due, done.amount)),) if due > 0 else "none"  # paid meanwhile: the rest is credit
            paid = payments.record_payment_in(tx, practice, actor, c.client_id, done.amount, "stripe", now,
                                              done.payment_intent_id, f"Card payment of invoice {number}", plan,
                                              {invoice_id: (inv, due)} if due > 0 else None)
            c.status, c.payment_intent_id, c.payment_id = "succeeded", done.payment_intent_id, paid.payment.id
            c.error, c.code = "", ""
            made = [(a.invoice_id, a.amount_cents) for a in paid.allocations]
        elif failure.kind == "connection":
            c.error = str(failure)  # outcome unknown: stays pending, sent again with the same key
        else:
            c.status = {"declined": "declined", "authentication_required": "needs_authentication"}.get(
                failure.kind, "failed")
            c.code, c.error, c.payment_intent_id = failure.code[:60], str(failure), failure.payment_intent_id
        if c.status != "pending":
            c.finished_at = now
        audit.record(tx, practice, actor, "card.charge", "invoice", invoice_id, attempt=c.attempt, status=c.status,
                     amount_cents=c.amount_cents, code=c.code)
        view = _charge_view(c)
        client = client if view.succeeded else None
        to = (client.email, f"{client.first_name} {client.last_name}") if client is not None else None
        doc = None
        if header is not None and view.succeeded and to and to[0]:
            try:  # what is at hand (no reading): never undoes the payment
                doc = payment_documents._new_payment_receipt(tx, practice, header, c.payment_id, made)
            except Exception:  # noqa: BLE001 - receipt_document makes it after the outcome instead
                doc = None
    if view.succeeded:
        return view, _receipt_draft(practice, actor, view, pdfs, to, doc)
    return view, None


def _receipt_draft(practice: Practice, actor: Actor, view: ChargeView, pdfs=None,
                   to: tuple[str, str] | None = None, doc=None) -> _Receipt | None:
    """The receipt's e-mail (PDF attached) for a card payment, or None when the client has no e-mail
    address or it could not be made (the payment stands; a receipt can be printed from the books).
    With PDF workers ``pdfs`` its PDF is on its way (``_Receipt.draft`` waits for it), so a billing
    run's charge thread goes on to its next charge meanwhile.
    ``to``: the client's (e-mail address, name) when the caller has just read them; ``doc``: the
    receipt's document (``payment_documents.receipt_document``) when the caller has laid it out."""
    if to is None:
        with practice.read() as tx:
            c = tx.get(Client, view.client_id)
            to = (c.email, f"{c.first_name} {c.last_name}") if c is not None else ("", "")
    email, name = to
    if not email:
        return None
    try:
        if pdfs is None:
            pdf = payment_documents.receipt_pdf_bytes(practice, actor, view.payment_id)
        else:
            pdf = pdfs.render("receipt", doc or payment_documents.receipt_document(practice, actor,
                                                                                  view.payment_id))
    except Exception:  # noqa: BLE001 - the payment stands; the receipt can be made again from the payments list
        return None
    return _Receipt(view, email, name, pdf)


@dataclass(frozen=True)
class _Receipt:
    """A card payment's receipt e-mail to queue: its PDF made (bytes) or on its way (a Future)."""

    view: ChargeView
    email: str
    name: str
    pdf: object

    def draft(self, practice: Practice) -> outbox.MessageDraft | None:
        """The e-mail, once its PDF is made; None when it could not be made."""
        view = self.view
        try:
            pdf = self.pdf if isinstance(self.pdf, bytes) else self.pdf.result()
            practice_name = practice.settings()["practice_name"]
            amount = format_money(view.amount_cents, view.currency, practice.settings()["locale"])
            body = (f"Dear {self.name},\n\nThank you: {amount} was charged to your card on file. Your receipt is "
                    f"attached.\n\n{practice_name}")
            return outbox.MessageDraft(
                MessageChannel.EMAIL, self.email, body,
                subject=f"{practice_name}: receipt for your payment of {amount}", purpose=MessagePurpose.RECEIPT,
                client_id=view.client_id, attachment=pdf, attachment_name=f"Receipt {view.payment_id}.pdf")
        except Exception:  # noqa: BLE001 - the payment stands; the receipt can be made again from the payments list
            return None


def _queue_receipts(practice: Practice, actor: Actor, receipts: list[_Receipt]) -> list[ChargeView]:
    """Queue the receipts' e-mails (as ``outbox.queue_message``, without reading them back) in one unit
    of work, their clients read in one SELECT, once their PDFs are made (waited for before the unit of
    work); the views come back with their ``receipt_message_id``. A receipt whose PDF could not be
    made comes back without; when the unit of work fails, each is queued alone, so one that cannot be
    queued costs only its own (its payment stands; its receipt can be made again from the payments
    list)."""
    made = [(r.view, r.draft(practice)) for r in receipts]
    receipts = [(v, d) for v, d in made if d is not None]
    if len(receipts) < len(made):
        return [v for v, d in made if d is None] + _queue_drafts(practice, actor, receipts)
    return _queue_drafts(practice, actor, receipts)


def _queue_drafts(practice: Practice, actor: Actor,
                  receipts: list[tuple[ChargeView, outbox.MessageDraft]]) -> list[ChargeView]:
    if not receipts:
        return []
    try:
        with practice.uow() as tx:
            # held here: queue_in finds each client at hand (the session keeps objects weakly)
            held = list(tx.scalars(select(Client).where(Client.id.in_({v.client_id for v, _d in receipts}))))
            ids = outbox._queue_many_in(tx, practice, actor, [draft for _view, draft in receipts])
            for (_view, draft), mid in zip(receipts, ids, strict=True):
                if isinstance(mid, int):
                    audit.record(tx, practice, actor, "outbox.queue", "outbox_message", mid,
                                 purpose=str(draft.purpose))
            assert len(held) <= len(receipts)
    except Exception:  # noqa: BLE001 - the payments stand; see above
        if len(receipts) == 1:
            return [receipts[0][0]]
        return [v for one in receipts for v in _queue_drafts(practice, actor, [one])]
    return [ChargeView(*[getattr(v, f) for f in ChargeView.__dataclass_fields__ if f != "receipt_message_id"],
                       receipt_message_id=mid if isinstance(mid, int) else None)
            for (v, _d), mid in zip(receipts, ids, strict=True)]


# -- refunds -----------------------------------------------------------------------------------------
def _check_refund(tx, gateway: payments.GatewayRefund) -> None:
    """What Stripe is told must be the refund in the books: a refund entry of a ``stripe`` payment, of
    that amount, that payment's PaymentIntent, and the key fixed by the entry."""
    entry = tx.get(LedgerEntry, gateway.refund_id)
    paid = tx.get(LedgerEntry, entry.refund_of_id) if entry is not None and entry.refund_of_id else None
    expected = payments.GatewayRefund.of(entry.id, paid.reference, -entry.amount_cents) if paid is not None else None
    if entry is None or entry.kind != "refund" or paid is None or paid.method != "stripe" or gateway != expected:
        raise ValidationError("refund", "does not match a refund of a card payment in the books")


def send_refund(practice: Practice, actor: Actor, gateway: payments.GatewayRefund) -> RefundView:
    """Tell Stripe about a refund already in the books (``payments.refund_payment``'s ``gateway``).
    Sent once: a refund already sent is returned as it is; a failed one is sent again with its key."""
    validate.form("refund", gateway, payments.GatewayRefund)
    validate.an_id("refund", gateway.refund_id)
    require_front_desk(actor)
    config = card_settings.gateway_config(practice)
    with practice.uow() as tx:
        _check_refund(tx, gateway)
        r = tx.scalar(select(CardRefund).where(CardRefund.refund_entry_id == gateway.refund_id))
        if r is None:
            r = CardRefund(refund_entry_id=gateway.refund_id, payment_intent_id=gateway.payment_reference,
                           amount_cents=gateway.amount_cents, idempotency_key=gateway.idempotency_key,
                           status="pending", error="", tries=0, created_at=practice.clock.now())
            tx.add(r)
        if r.status == "sent":
            return RefundView(r.refund_entry_id, r.amount_cents, r.status, r.error)
        r.tries += 1
        tx.flush()
        intent, amount, key = r.payment_intent_id, r.amount_cents, r.idempotency_key
    try:
        refund_id, error = card_gateway.refund(config, intent, amount, key), ""
    except card_gateway.CardError as exc:
        refund_id, error = None, str(exc)
    with practice.uow() as tx:
        r = tx.scalar(select(CardRefund).where(CardRefund.refund_entry_id == gateway.refund_id))
        if r.status != "sent":
            r.status, r.error = ("sent", "") if refund_id else ("failed", error)
            r.stripe_refund_id = refund_id or r.stripe_refund_id
            r.finished_at = practice.clock.now()
            audit.record(tx, practice, actor, "card.refund", "ledger_entry", gateway.refund_id, status=r.status)
        return RefundView(r.refund_entry_id, r.amount_cents, r.status, r.error)


def unsent_refunds(practice: Practice, actor: Actor, client_id: int) -> list[UnsentRefund]:
    """Refunds of the client's Stripe payments that Stripe has not confirmed, oldest first: never
    told to Stripe (e.g. the program closed between the books and the call), left without an answer,
    or refused. Each is sent with ``send_refund(u.gateway)``: its key is the one the refund fixed, so
    sending it again never refunds twice."""
    validate.an_id("client", client_id)
    require_front_desk(actor)
    paid = aliased(LedgerEntry)
    with practice.read() as tx:
        rows = tx.execute(
            select(LedgerEntry.id, LedgerEntry.amount_cents, LedgerEntry.effective_at, paid.reference, CardRefund)
            .join(paid, LedgerEntry.refund_of_id == paid.id)
            .outerjoin(CardRefund, CardRefund.refund_entry_id == LedgerEntry.id)
            .where(LedgerEntry.client_id == client_id, LedgerEntry.kind == "refund", paid.method == "stripe",
                   or_(CardRefund.id.is_(None), CardRefund.status != "sent"))
            .order_by(LedgerEntry.id))
        out = []
        for entry_id, amount, at, reference, sent in rows:
            if sent is None:
                out.append(UnsentRefund(payments.GatewayRefund.of(entry_id, reference, -amount), "not sent", "", at))
            else:
                out.append(UnsentRefund(payments.GatewayRefund(entry_id, sent.payment_intent_id, sent.amount_cents,
                                                               sent.idempotency_key), sent.status, sent.error, at))
        return out

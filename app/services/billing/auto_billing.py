"""Auto billing (SPEC 10.4; issue 16 item 5): after an automatic invoicing run, each invoice of the run
whose client has a card on file is charged its amount due, off-session, through ``cards.charge_invoice``
(the attempt and its idempotency key are committed before Stripe is called, so a retry after a timeout,
a crash or a restart never charges twice). Success records and allocates the payment and e-mails a
receipt. A decline or a bank asking the client to confirm is recorded with its reason and the invoice
is e-mailed with a payment link (once per invoice); later runs try the card again until the invoice
has had ``retry_cycles`` attempts (Settings > Card payments), then stop.

Only where card payments are set up on the computer that runs it (the key in its keyring); elsewhere
nothing is charged and the invoices go out as usual. Only invoices made by automatic runs are charged
here: an invoice made by hand is charged by hand (Charge card… on the invoice).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from ...models import BillingResult, CardCharge, CardLink, CardOnFile, Invoice
from ...models.enums import BillingResultStatus
from ..errors import RuleViolation, ServiceError
from ..money import invoice_documents, payments
from ..practice import Actor, Practice
from . import card_settings, cards

FAILED_STATES = ("declined", "needs_authentication", "failed")
LINK_REASONS = {"declined": "We could not charge your card on file ({why}).",
                "needs_authentication": "Your bank asks you to confirm this payment yourself.",
                "failed": "We could not charge your card on file."}


@dataclass(frozen=True)
class ChargeSummary:
    charged: int = 0
    charged_cents: int = 0
    failed: int = 0  # declined, needs authentication or refused: a payment link was sent (or is due)
    unanswered: int = 0  # no answer from Stripe: sent again with the same key at the next run
    links: int = 0  # payment links e-mailed
    message_ids: tuple[int, ...] = ()  # receipts and payment links queued, to send
    ready: bool = True  # False: card payments are not set up on this computer (nothing was charged)


def _to_charge(practice: Practice, run_id: int, retry_cycles: int) -> list[int]:
    """This run's invoices and earlier runs' unpaid ones whose client has a card on file and whose
    attempts (succeeded ones excluded: then it is paid) are fewer than ``retry_cycles`` + 1, oldest first."""
    attempts = (select(CardCharge.invoice_id, func.count().label("n"),
                       func.sum(case((CardCharge.status == "succeeded", 1), else_=0)).label("ok"))
                .group_by(CardCharge.invoice_id).subquery())
    due = payments.amount_due_sql()
    q = (select(Invoice.id)
         .join(BillingResult, and_(BillingResult.invoice_id == Invoice.id,
                                   BillingResult.status == BillingResultStatus.INVOICED))
         .join(CardOnFile, and_(CardOnFile.client_id == Invoice.client_id, CardOnFile.removed_at.is_(None)))
         .outerjoin(attempts, attempts.c.invoice_id == Invoice.id)
         .where(Invoice.status == "issued", due > 0, func.coalesce(attempts.c.ok, 0) == 0,
                (BillingResult.run_id == run_id) | (func.coalesce(attempts.c.n, 0) > 0),
                func.coalesce(attempts.c.n, 0) < retry_cycles + 1)
         .order_by(Invoice.id).distinct())
    with practice.read() as tx:
        return list(tx.scalars(q))


def _link_sent(practice: Practice, invoice_id: int) -> bool:
    with practice.read() as tx:
        return tx.scalar(select(func.count()).select_from(CardLink).where(
            CardLink.invoice_id == invoice_id, CardLink.purpose == "payment",
            CardLink.status.in_(("open", "complete")))) > 0


WORKERS = 4  # charges sent at once: each waits on the network (Stripe answers in ~0.3-1 s); the writes are short


def _charge_one(practice: Practice, actor: Actor, run_id: int, invoice_id: int, pdfs=None, gateway=None,
                header=None):
    """One invoice: (ChargeView or None when there was nothing to charge, the link e-mail or None, the
    receipt still to queue (``cards._Receipt``) or None). ``gateway``, ``header``: the card settings and the
    practice's header read once for the run (``cards._charge_and_receipt``: the receipt is then left
    to the caller to queue); else read for this charge, and its receipt queued here."""
    receipt = None
    try:
        if gateway is None:
            result = cards.charge_invoice(practice, actor, invoice_id, run_id, pdfs=pdfs)
        else:
            result, receipt = cards._charge_and_receipt(practice, actor, invoice_id, run_id, pdfs, gateway, header)
    except ServiceError:
        return None, None, None  # paid meanwhile, card removed, invoice cancelled: nothing to charge
    if result.succeeded or result.status == "pending" or _link_sent(practice, invoice_id):
        return result, None, receipt
    why = result.code.replace("_", " ") if result.code else "declined"
    try:
        link = cards.send_payment_link(practice, actor, invoice_id, LINK_REASONS[result.status].format(why=why))
    except ServiceError:
        return result, None, None  # no e-mail address, Stripe unreachable: the history shows the decline
    return result, link, None


# Receipts of a run's charges queued in one unit of work. A charge's outcome is committed before its
# receipt is queued, so a crash in between leaves recorded payments without a receipt e-mail (each can
# be made again from the payments list). 25 at a time saved 2.7 s of a 3,000-client run (34.5 against
# 37.1 s, bench_auto_invoicing.py --cards) but could leave 24 such payments; one at a time, at most one.
RECEIPTS_AT_ONCE = 1

def charge_run(practice: Practice, actor: Actor, run_id: int,
               progress: Callable[[int, int, str], None] | None = None,
               should_stop: Callable[[], bool] | None = None, pdfs=None) -> ChargeSummary:
    """Charge the cards on file for run ``run_id`` (and retry earlier runs' declined invoices), each
    invoice in its own units of work, ``WORKERS`` at a time (the network waits overlap; every write
    still takes the practice's write lock). Returns what happened; never raises for a card that was
    declined. Not set up on this computer: ``ChargeSummary(ready=False)``. ``should_stop()`` is asked
    as each charge ends: the ones not started are left for the next run. ``pdfs``: the run's PDF workers
    (``app.documents.pdf_workers``), which then make the receipts."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    try:
        gateway = card_settings._gateway_config_and_settings(practice)  # once for the run's charges
    except RuleViolation:
        return ChargeSummary(ready=False)
    retry_cycles = card_settings.get_card_settings(practice, actor).retry_cycles  # requires the front desk
    todo = _to_charge(practice, run_id, retry_cycles)
    charged = cents = failed = unanswered = links = 0
    messages: list[int] = []
    if not todo:
        return ChargeSummary()
    if progress is not None:
        progress(0, len(todo), f"Charging cards on file: 0 of {len(todo)} done")
    header = invoice_documents.practice_header(practice) if pdfs is not None else None  # for the receipts
    receipts: list = []  # receipts of charges recorded (cards._Receipt), to queue

    def queue_receipts():
        for view in cards._queue_receipts(practice, actor, receipts):
            if view.receipt_message_id:
                messages.append(view.receipt_message_id)
        receipts.clear()

    futures = []
    consumed = set()
    try:
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="card-charge") as pool:
            futures = [pool.submit(_charge_one, practice, actor, run_id, i, pdfs, gateway, header) for i in todo]
            for n, done in enumerate(as_completed(futures), 1):
                consumed.add(done)
                result, link, receipt = done.result()
                if progress is not None:
                    progress(n, len(todo), f"Charging cards on file: {n} of {len(todo)} done")
                if result is not None and result.succeeded:
                    charged, cents = charged + 1, cents + result.amount_cents
                    if receipt is not None:
                        receipts.append(receipt)
                        if len(receipts) >= RECEIPTS_AT_ONCE:
                            queue_receipts()
                elif result is not None and result.status == "pending":
                    unanswered += 1
                elif result is not None:
                    failed += 1
                if link is not None:
                    links += 1
                    if link.message_id:
                        messages.append(link.message_id)
                if should_stop is not None and should_stop():
                    for f in futures:
                        f.cancel()  # not started: left for the next run (a started one finishes; its result is kept)
                    break
    finally:
        # stopped (or interrupted): the charges under way have finished here (leaving the pool waits for
        # them); their receipts are queued with the last ones
        for f in futures:
            if f not in consumed and f.done() and not f.cancelled() and f.exception() is None:
                _result, _link, receipt = f.result()
                if receipt is not None:
                    receipts.append(receipt)
        queue_receipts()
    return ChargeSummary(charged, cents, failed, unanswered, links, tuple(sorted(messages)))

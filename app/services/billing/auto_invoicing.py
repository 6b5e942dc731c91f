"""Automatic invoicing runs and their history (SPEC 10.2, 10.3).

``run_due`` runs every cycle of the schedule that is due (``schedule.due_cycles``: catch-up after
the app was closed), oldest first, then sends the e-mails those runs queued. For each cycle:

1. **Claim** (one transaction, under the write lock): the cycle is recorded as a ``BillingRun``
   (its key, the run's local date, unique) before any work starts. A second desk, or the command
   line, running the same cycle at the same time waits for the lock, then finds the run and makes
   nothing. A run left unfinished by a desk that closed or was stopped mid-run is taken up again
   (its heartbeat released or older than ``STALE_AFTER``) before any new cycle.
2. **One transaction per client**: the client's sessions to invoice are read under the lock (saved
   sessions with a charge up to the end of the period just ended, and/or open sessions up to the end
   of the coming period; none before the start date, none on a live invoice of theirs), one invoice
   is drafted and issued through the invoices service (its numbering and checks), its PDF attached
   to an e-mail queued in the outbox (``queue_in``) when the settings say so, and the client's
   ``BillingResult`` written: all together or not at all. A client with a result in this run is never
   invoiced by it again. A client the invoices service refuses (a rule, bad data) gets a *failed*
   result with the reason, and the run goes on; Retry (``retry_client``) tries again later.
3. **Finish**: the totals are counted from the results (SQL) and the run is marked finished.

Then the queued e-mails are sent, each in its own short transactions (outbox); a failed send is kept
on the message and shown in the history, and never undoes the invoice (SPEC 7.2).

Who: the front desk (admin and staff) runs and retries, as for any invoice; ``SYSTEM`` is the actor
of ``practice-desk run-due`` (no one signs in: its audit entries have no user and say "system").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...documents import pdf_workers
from ...models import BillingResult, BillingRun, CardCharge, Client, Invoice, OutboxMessage, User
from ...models.enums import BillingResultStatus, MessageChannel, MessagePurpose, MessageStatus, Role
from .. import audit, validate
from ..errors import NotFound, RuleViolation, ServiceError, ValidationError
from ..messaging import outbox
from ..money import invoice_documents, invoices
from ..money.amounts import format_money
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from . import auto_billing, schedule
from .settings import read_in

STALE_AFTER = timedelta(minutes=10)  # an unfinished run not heard from for this long is taken up again
SYSTEM = Actor(user_id=None, role=Role.ADMIN)  # the command line's actor (practice-desk run-due)
APP, COMMAND = "app", "command line"
SOURCES = (APP, COMMAND)
MAX_PAGE = 500

Progress = Callable[[int, int, str], None]  # (done, total, what is happening now)


@dataclass(frozen=True)
class RunView:
    """One run in the history."""

    id: int
    cycle_key: str
    interval: str
    run_date: date  # local
    scheduled_for: datetime  # practice time zone
    completed_first: date | None  # the period whose completed sessions were invoiced
    completed_last: date | None
    scheduled_first: date | None  # the period whose scheduled sessions were invoiced
    scheduled_last: date | None
    email: bool
    source: str
    started_at: datetime
    started_by: str  # a user's name, or "system"
    finished_at: datetime | None
    clients: int
    invoiced: int
    failed: int
    total_cents: int

    @property
    def status(self) -> str:
        if self.finished_at is None:
            return "unfinished"
        return "finished with failures" if self.failed else "finished"


@dataclass(frozen=True)
class ResultView:
    """One client's result in a run."""

    id: int
    run_id: int
    client_id: int
    client_name: str
    status: str  # BillingResultStatus
    invoice_id: int | None
    invoice_number: str | None
    amount_cents: int
    emailed: bool  # queued for e-mail with the PDF
    email_status: str  # "" (not e-mailed), or the outbox message's: queued, sending, sent, failed
    email_error: str
    note: str
    error: str  # why it failed, in plain words
    attempts: int
    updated_at: datetime
    charge_status: str = ""  # the invoice's latest card charge (SPEC 10.4): "" none, succeeded, declined, ...
    charge_error: str = ""  # why it was not charged, in plain words

    @property
    def can_retry(self) -> bool:
        """Failed, or invoiced but its e-mail failed: Retry applies."""
        return self.status == BillingResultStatus.FAILED or self.email_status == MessageStatus.FAILED


@dataclass(frozen=True)
class RunSummary:
    cycles: tuple[str, ...]  # the cycles run (or taken up again) now, by key
    busy: tuple[str, ...]  # cycles another desk is running right now (left to it)
    invoices: int
    failed: int  # clients that failed
    total_cents: int
    emails_sent: int
    emails_failed: int
    stopped: bool = False  # stopped by the user: the run is taken up again next time
    charged: int = 0  # invoices paid by the card on file (SPEC 10.4)
    charged_cents: int = 0
    charge_failed: int = 0  # declined or to be confirmed by the client: e-mailed a payment link
    charge_unanswered: int = 0  # Stripe did not answer: tried again (same key) at the next run

    @property
    def ok(self) -> bool:
        return not self.failed and not self.emails_failed and not self.charge_failed and not self.charge_unanswered

    def lines(self, currency: str = "USD", locale: str = "en_US") -> list[str]:
        """The summary in plain words (the command line prints it)."""
        if not self.cycles:
            out = ["Automatic invoicing: nothing was due."]
        else:
            days = ", ".join(f"{date.fromisoformat(k):%d %b %Y}" for k in self.cycles)
            out = [f"Automatic invoicing: {len(self.cycles)} cycle{'s' * (len(self.cycles) != 1)} run ({days}).",
                   f"Invoices issued: {self.invoices}, total {format_money(self.total_cents, currency, locale)}."]
            if self.failed:
                out.append(f"Clients that could not be invoiced: {self.failed} (the reasons are in Accounting > "
                           "Auto Invoices > Auto History, where Retry tries again).")
        if self.charged or self.charge_failed or self.charge_unanswered:
            out.append(f"Cards on file charged: {self.charged}, total {format_money(self.charged_cents, currency, locale)}"
                       f"; declined or to be confirmed: {self.charge_failed} (sent a payment link)"
                       + (f"; no answer from Stripe: {self.charge_unanswered} (tried again at the next run)"
                          if self.charge_unanswered else "") + ".")
        if self.emails_sent or self.emails_failed:
            out.append(f"E-mails sent: {self.emails_sent}, failed: {self.emails_failed}.")
        if self.busy:
            out.append("Being run at another workstation now: "
                       f"{', '.join(f'{date.fromisoformat(k):%d %b %Y}' for k in self.busy)}.")
        if self.stopped:
            out.append("Stopped before the end: the rest is done at the next run.")
        return out


def _check_progress(progress, should_stop) -> None:
    if progress is not None and not callable(progress):
        raise ValidationError("progress", "must be a function or nothing")
    if should_stop is not None and not callable(should_stop):
        raise ValidationError("stop", "must be a function or nothing")


def _by(actor: Actor) -> dict:
    return {"by": "system"} if actor.user_id is None else {}


# -- what is due --------------------------------------------------------------------------------------
def _resumable(tx: Session, now: datetime):
    return (select(BillingRun).where(BillingRun.finished_at.is_(None),
                                     or_(BillingRun.heartbeat_at.is_(None), BillingRun.heartbeat_at < now - STALE_AFTER))
            .order_by(BillingRun.scheduled_for, BillingRun.id))


def _due(tx: Session, practice: Practice, limit: int = schedule.MAX_CYCLES) -> list[schedule.Cycle]:
    s = read_in(tx, practice)
    last = tx.scalar(select(func.max(BillingRun.scheduled_for)))
    taken = set(tx.scalars(select(BillingRun.cycle_key).where(BillingRun.scheduled_for >= last))) if last else set()
    return [c for c in schedule.due_cycles(s, last, practice.clock.now(), limit) if c.key not in taken]


def due_count(practice: Practice, actor: Actor) -> int:
    """How many runs are waiting: cycles due (catch-up) plus unfinished runs to take up again. The app
    asks at start, and runs them off the GUI thread when there are any."""
    require_front_desk(actor)
    with practice.read() as tx:
        if not read_in(tx, practice).enabled:
            return 0
        return len(_due(tx, practice)) + len(tx.scalars(_resumable(tx, practice.clock.now())).all())


# -- claiming a cycle -----------------------------------------------------------------------------------
def _claim(practice: Practice, actor: Actor, source: str) -> tuple[int | None, list[str]]:
    """(the run to work on now, or None when nothing is due; the cycles other desks are running)."""
    now = practice.clock.now()
    try:
        with practice.uow() as tx:
            s = read_in(tx, practice)
            if not s.enabled:
                return None, []
            busy = list(tx.scalars(select(BillingRun.cycle_key).where(
                BillingRun.finished_at.is_(None), BillingRun.heartbeat_at >= now - STALE_AFTER)))
            run = tx.scalars(_resumable(tx, now).limit(1)).first()
            if run is not None:  # left unfinished: taken up again before any new cycle
                run.heartbeat_at = now
                audit.record(tx, practice, actor, "auto_invoicing.resume", "billing_run", run.id, cycle=run.cycle_key,
                             **_by(actor))
                return run.id, busy
            due = _due(tx, practice)
            if not due:
                return None, busy
            c = due[0]
            run = BillingRun(cycle_key=c.key, interval=c.interval, scheduled_for=c.at,
                             completed_first=c.period_first if s.completed else None,
                             completed_last=c.period_last if s.completed else None,
                             scheduled_first=c.coming_first if s.scheduled else None,
                             scheduled_last=c.coming_last if s.scheduled else None,
                             since=s.start_date, email=s.email, source=source, started_at=now,
                             started_by=actor.user_id, heartbeat_at=now, clients=0, invoiced=0, failed=0,
                             total_cents=0)
            tx.add(run)
            tx.flush()
            audit.record(tx, practice, actor, "auto_invoicing.start", "billing_run", run.id, cycle=c.key,
                         interval=c.interval, source=source, **_by(actor))
            return run.id, busy
    except IntegrityError:  # the unique cycle key: recorded by another desk (the lock makes this rare)
        return None, []


# -- one client ----------------------------------------------------------------------------------------
def _plain(exc: Exception) -> str:
    if isinstance(exc, ValidationError):  # "the invoice total ... is more than ...": a sentence of its own
        text = exc.message if exc.message.startswith(("the ", "one ")) else f"{exc.field} {exc.message}"
        return f"{text[0].upper()}{text[1:]}.".replace("..", ".")[:1000]
    if isinstance(exc, ServiceError):
        return str(exc)[:1000]
    return f"The invoice could not be made ({type(exc).__name__}: {exc})"[:1000]


def _mail(practice: Practice, client: Client, view: invoices.InvoiceView) -> tuple[str, str]:
    conf = practice.settings()
    name, money = conf["practice_name"], (conf["currency"], conf["locale"])
    subject = f"Invoice {view.number} from {name}"
    lines = [f"Dear {client.first_name},", "",
             f"Please find attached invoice {view.number} of {view.issue_date:%d %B %Y} for "
             f"{format_money(view.total_cents, *money)}, due by {view.due_date:%d %B %Y}."]
    if conf.get("payment_instructions"):
        lines += ["", conf["payment_instructions"]]
    lines += ["", "Thank you,", name]
    return subject[:200], "\n".join(lines)


def _invoice_client(practice: Practice, actor: Actor, run_id: int, client_id: int,
                    retry: bool = False) -> tuple[str | None, int, int | None]:
    """Invoice one client for one run, in one transaction: (status or None when there was nothing to
    do, amount, queued message id)."""
    now = practice.clock.now()
    with practice.uow() as tx:
        run = tx.get(BillingRun, run_id)
        res = tx.scalar(select(BillingResult).where(BillingResult.run_id == run_id,
                                                    BillingResult.client_id == client_id))
        if res is not None and (not retry or res.status == BillingResultStatus.INVOICED):
            return None, 0, None  # done already, here or at another desk
        if not retry:
            run.heartbeat_at = now
        client = tx.get(Client, client_id)
        found = invoices.sessions_to_invoice(tx, practice, client_id, run.since, run.completed_last,
                                             run.scheduled_last)
        if not found:
            if res is not None:
                raise RuleViolation(f"Nothing is left to invoice for {client.first_name} {client.last_name} in this "
                                    "run's periods (the sessions were invoiced by hand, deleted or changed since).")
            return None, 0, None
        first = min([d for d in (run.completed_first, run.scheduled_first) if d] + [found[0].service_date])
        last = max([d for d in (run.completed_last, run.scheduled_last) if d] + [found[-1].service_date])
        if res is None:
            res = BillingResult(run_id=run_id, client_id=client_id, status=BillingResultStatus.FAILED,
                                amount_cents=0, emailed=False, note="", error="", created_at=now, attempts=0)
            tx.add(res)
        res.attempts, res.updated_at = res.attempts + 1, now
        try:
            with tx.begin_nested():
                view = invoices.draft_and_issue_in(tx, practice, actor, client_id, [s.session_id for s in found],
                                                   first, last, read=found)
                message_id, note = None, ""
                if run.email:
                    message_id, note = _queue_mail(tx, practice, actor, client, view)
        except (ServiceError, ValueError, TypeError, ArithmeticError, OSError, LookupError) as exc:
            # refused by a rule, or the PDF could not be made: recorded with its reason, the run goes on
            _fail(tx, practice, actor, run_id, res, client_id, exc)
        else:
            res.status, res.error, res.invoice_id, res.amount_cents = (BillingResultStatus.INVOICED, "", view.id,
                                                                       view.total_cents)
            res.emailed, res.message_id, res.note = message_id is not None, message_id, note
        if run.finished_at is not None:  # a retry after the run: its totals follow
            _count(tx, run)
        return res.status, res.amount_cents, res.message_id


CHUNK = 25  # clients invoiced in one transaction by a run (each in its own savepoint)
PDF_WORKERS_FROM = 20  # clients in a run from which its PDFs are made in helper processes


class _RenderFailed(Exception):
    """A PDF of the chunk could not be made: the chunk is rolled back and done client by client."""


def _fail(tx: Session, practice: Practice, actor: Actor, run_id: int, res: BillingResult, client_id: int,
          exc: Exception) -> None:
    res.status, res.error, res.invoice_id, res.amount_cents = BillingResultStatus.FAILED, _plain(exc), None, 0
    res.emailed, res.message_id, res.note = False, None, ""
    tx.flush()
    audit.record(tx, practice, actor, "auto_invoicing.client_failed", "billing_run", run_id,
                 client_id=client_id, error=res.error, **_by(actor))


def _invoice_chunk(practice: Practice, actor: Actor, run_id: int, client_ids: list[int],
                   pdfs) -> list[tuple[str | None, int]]:
    """Invoice a few clients of a run in one transaction, each exactly as ``_invoice_client`` does (its
    own savepoint: a client refused by a rule fails alone, with its reason), with the PDFs made by the
    workers ``pdfs`` while the next clients are invoiced. When a PDF cannot be made, nothing of the
    chunk is kept and it is done again client by client (where that client fails alone, as before).
    [(status or None when there was nothing to do, amount)] in the order of ``client_ids``."""
    try:
        return _invoice_together(practice, actor, run_id, client_ids, pdfs)
    except _RenderFailed:
        return [_invoice_client(practice, actor, run_id, c)[:2] for c in client_ids]


def _invoice_together(practice: Practice, actor: Actor, run_id: int, client_ids: list[int], pdfs):
    now = practice.clock.now()
    out: dict[int, tuple[str | None, int]] = {}
    with practice.uow() as tx:
        run = tx.get(BillingRun, run_id)
        run.heartbeat_at = now
        done = set(tx.scalars(select(BillingResult.client_id).where(BillingResult.run_id == run_id,
                                                                    BillingResult.client_id.in_(client_ids))))
        issued = []  # (result, client, view, the PDF to come or None)
        header = invoice_documents.practice_header(practice) if run.email else None  # once for the chunk
        # the chunk's clients in one SELECT, held here for the chunk (the session keeps objects weakly)
        clients = {c.id: c for c in tx.scalars(select(Client).where(Client.id.in_(
            [c for c in client_ids if c not in done])))}
        for client_id in client_ids:
            out[client_id] = (None, 0)
            if client_id in done:
                continue  # done already, here or at another desk
            client = clients.get(client_id) or tx.get(Client, client_id)
            found = invoices.sessions_to_invoice(tx, practice, client_id, run.since, run.completed_last,
                                                 run.scheduled_last)
            if not found:
                continue
            first = min([d for d in (run.completed_first, run.scheduled_first) if d] + [found[0].service_date])
            last = max([d for d in (run.completed_last, run.scheduled_last) if d] + [found[-1].service_date])
            # written once with its outcome (below, or by _fail), in this transaction either way
            res = BillingResult(run_id=run_id, client_id=client_id, status=BillingResultStatus.FAILED,
                                amount_cents=0, emailed=False, note="", error="", created_at=now, attempts=1,
                                updated_at=now)
            try:
                with tx.begin_nested():
                    view = invoices.draft_and_issue_in(tx, practice, actor, client_id, [s.session_id for s in found],
                                                       first, last, read=found)
                    pdf = pdfs.render("invoice", invoice_documents._document_of(practice, view, header)) \
                        if run.email and client.email else None
            except (ServiceError, ValueError, TypeError, ArithmeticError, OSError, LookupError) as exc:
                tx.add(res)
                _fail(tx, practice, actor, run_id, res, client_id, exc)
                out[client_id] = (res.status, 0)
                continue
            issued.append((res, client, view, pdf))
        drafts = []  # the chunk's e-mails, queued together (one flush)
        for _res, client, view, pdf in issued if run.email else ():
            try:
                data = pdf.result() if pdf is not None else None
            except Exception as exc:  # noqa: BLE001 - any renderer error: redone one by one, see above
                raise _RenderFailed() from exc
            if client.email:
                drafts.append(_mail_draft(practice, client, view, data))
        queued = iter(outbox._queue_many_in(tx, practice, actor, drafts) if drafts else ())
        for res, client, view, _pdf in issued:
            message_id, note = None, ""
            if run.email:
                message_id, note = _mail_outcome(next(queued) if client.email else None)
            res.status, res.error, res.invoice_id, res.amount_cents = (BillingResultStatus.INVOICED, "", view.id,
                                                                       view.total_cents)
            res.emailed, res.message_id, res.note = message_id is not None, message_id, note
            tx.add(res)
            out[client.id] = (res.status, res.amount_cents)
    return [out[c] for c in client_ids]


def _mail_draft(practice: Practice, client: Client, view: invoices.InvoiceView,
                pdf: bytes | None = None) -> outbox.MessageDraft:
    """The invoice's e-mail with its PDF. ``pdf``: made already (by the PDF workers), else made here."""
    subject, body = _mail(practice, client, view)
    return outbox.MessageDraft(MessageChannel.EMAIL, client.email, body, subject=subject,
                               purpose=MessagePurpose.INVOICE, client_id=client.id,
                               attachment=pdf if pdf is not None else invoice_documents.pdf_of(practice, view),
                               attachment_name=f"Invoice {view.number}.pdf".replace("/", "-"))


def _mail_outcome(queued: int | ValidationError | None) -> tuple[int | None, str]:
    """(message id, note) of an invoice's e-mail: queued, refused (its reason), or no address (None)."""
    if queued is None:
        return None, "Not e-mailed: the client has no e-mail address."
    if isinstance(queued, ValidationError):  # e.g. an address saved before addresses were checked
        return None, f"Not e-mailed: the client's {queued.field} {queued.message}"[:500]
    return queued, ""


def _queue_mail(tx: Session, practice: Practice, actor: Actor, client: Client,
                view: invoices.InvoiceView, pdf: bytes | None = None) -> tuple[int | None, str]:
    """Queue the invoice's e-mail with its PDF (inside the invoice's transaction); (message id, note).
    ``pdf``: made already (by the PDF workers), else made here."""
    if not client.email:
        return _mail_outcome(None)
    try:  # no savepoint needed: queue_in checks the draft (ValidationError) before it writes anything
        return _mail_outcome(outbox.queue_in(tx, practice, actor, _mail_draft(practice, client, view, pdf)))
    except ValidationError as exc:
        return _mail_outcome(exc)


def _count(tx: Session, run: BillingRun) -> None:
    invoiced = BillingResult.status == BillingResultStatus.INVOICED
    clients, done, failed, total = tx.execute(
        select(func.count(), func.coalesce(func.sum(case((invoiced, 1), else_=0)), 0),
               func.coalesce(func.sum(case((invoiced, 0), else_=1)), 0),
               func.coalesce(func.sum(case((invoiced, BillingResult.amount_cents), else_=0)), 0))
        .where(BillingResult.run_id == run.id)).one()
    run.clients, run.invoiced, run.failed, run.total_cents = clients, int(done), int(failed), int(total)


def _finish(practice: Practice, actor: Actor, run_id: int) -> BillingRun:
    with practice.uow() as tx:
        run = tx.get(BillingRun, run_id)
        _count(tx, run)
        run.finished_at, run.heartbeat_at = practice.clock.now(), None
        audit.record(tx, practice, actor, "auto_invoicing.finish", "billing_run", run.id, cycle=run.cycle_key,
                     clients=run.clients, invoiced=run.invoiced, failed=run.failed, total_cents=run.total_cents,
                     **_by(actor))
        return run


def _release(practice: Practice, run_id: int) -> None:
    """Stopped by the user: the next run takes this one up at once (no waiting for STALE_AFTER)."""
    with practice.uow() as tx:
        tx.get(BillingRun, run_id).heartbeat_at = None


def _queued_messages(practice: Practice) -> list[int]:
    """The invoice e-mails of every run still waiting to go: this run's, and any a desk that closed
    between finishing a run and sending left behind (a message already claimed elsewhere is skipped
    by the outbox)."""
    with practice.read() as tx:
        return list(tx.scalars(select(BillingResult.message_id)
                               .join(OutboxMessage, OutboxMessage.id == BillingResult.message_id)
                               .where(OutboxMessage.status == MessageStatus.QUEUED)
                               .order_by(BillingResult.message_id)))


def _send(practice: Practice, actor: Actor, ids: list[int], progress: Progress | None) -> tuple[int, int]:
    """Each message once, with its own result (``outbox.send_many``: a few kept SMTP connections)."""
    done = outbox.send_many(practice, actor, ids, progress)
    return done.sent, done.failed


# -- the public calls -------------------------------------------------------------------------------
def run_due(practice: Practice, actor: Actor, source: str = APP, progress: Progress | None = None,
            should_stop: Callable[[], bool] | None = None) -> RunSummary:
    """Run every cycle that is due, oldest first (and first any run left unfinished), then send the
    e-mails they queued. ``progress(done, total, text)`` is called before each client (each chunk of
    ``CHUNK`` clients in a run of many) and e-mail; ``should_stop()`` is asked between clients (chunks):
    when it says yes the run stops there and the next
    ``run_due`` finishes it. Never runs a cycle twice (see the module's notes)."""
    validate.choice("source", source, SOURCES)
    _check_progress(progress, should_stop)
    require_front_desk(actor)
    cycles: list[str] = []
    busy: set[str] = set()
    failed = invoiced = total = 0
    charged = charged_cents = charge_failed = unanswered = 0
    card_messages: list[int] = []
    # PDF workers (helper processes) for a run of many clients: started at the first PDF, ended here
    with pdf_workers.PdfWorkers() as pdfs:
        used = False
        while True:
            run_id, others = _claim(practice, actor, source)
            busy.update(others)
            if run_id is None:
                break
            with practice.read() as tx:
                run = tx.get(BillingRun, run_id)
                key, since, saved_until, open_until = run.cycle_key, run.since, run.completed_last, run.scheduled_last
                todo = invoices.clients_to_invoice(tx, practice, since, saved_until, open_until)
            cycles.append(key)
            many = len(todo) >= PDF_WORKERS_FROM  # a few clients: one by one, PDFs made here
            used = used or many
            chunk = CHUNK if many else 1
            for n in range(0, len(todo), chunk):
                if should_stop is not None and should_stop():
                    _release(practice, run_id)
                    sent, mail_failed = _send(practice, actor, _queued_messages(practice), progress)
                    return RunSummary(tuple(cycles), tuple(sorted(busy - set(cycles))), invoiced, failed, total,
                                      sent, mail_failed, stopped=True)
                if progress is not None:
                    progress(n, len(todo), f"Invoicing the cycle of {date.fromisoformat(key):%d %b %Y}: "
                                           f"client {n + 1} of {len(todo)}")
                if not many:
                    results = [_invoice_client(practice, actor, run_id, todo[n])[:2]]
                else:
                    results = _invoice_chunk(practice, actor, run_id, todo[n:n + chunk], pdfs)
                for status, amount in results:
                    if status == BillingResultStatus.INVOICED:
                        invoiced, total = invoiced + 1, total + amount
                    elif status == BillingResultStatus.FAILED:
                        failed += 1
            _finish(practice, actor, run_id)
            billed = auto_billing.charge_run(practice, actor, run_id, progress, should_stop,
                                              pdfs if used else None)  # SPEC 10.4
            charged, charged_cents = charged + billed.charged, charged_cents + billed.charged_cents
            charge_failed, unanswered = charge_failed + billed.failed, unanswered + billed.unanswered
            card_messages += billed.message_ids
        sent, mail_failed = _send(practice, actor, _queued_messages(practice) + card_messages, progress)
        return RunSummary(tuple(cycles), tuple(sorted(busy - set(cycles))), invoiced, failed, total, sent, mail_failed,
                          charged=charged, charged_cents=charged_cents, charge_failed=charge_failed,
                          charge_unanswered=unanswered)


def retry_client(practice: Practice, actor: Actor, run_id: int, client_id: int) -> ResultView:
    """Retry one client of a run: a failed client is invoiced again for the run's periods (the same
    checks; nothing is made when nothing is left to invoice), and an invoice whose e-mail failed is
    sent again. An invoiced client whose e-mail is fine is refused: nothing to retry."""
    validate.an_id("run", run_id)
    validate.an_id("client", client_id)
    require_front_desk(actor)
    current = _result(practice, run_id, client_id)
    if current.status == BillingResultStatus.FAILED:
        _status, _amount, mid = _invoice_client(practice, actor, run_id, client_id, retry=True)
        if mid is not None:
            outbox.send_message(practice, actor, mid)
    elif current.email_status == MessageStatus.FAILED:
        with practice.uow() as tx:
            audit.record(tx, practice, actor, "auto_invoicing.retry_email", "billing_run", run_id, client_id=client_id,
                         **_by(actor))
        outbox.send_message(practice, actor, _message_id(practice, run_id, client_id))
    else:
        raise RuleViolation(f"{current.client_name} was invoiced ({current.invoice_number}) and nothing failed: "
                            "there is nothing to retry.")
    return _result(practice, run_id, client_id)


def _message_id(practice: Practice, run_id: int, client_id: int) -> int:
    with practice.read() as tx:
        return tx.scalar(select(BillingResult.message_id).where(BillingResult.run_id == run_id,
                                                                BillingResult.client_id == client_id))


def _run_view(practice: Practice, run: BillingRun, user: str | None) -> RunView:
    tz = practice.tz
    return RunView(run.id, run.cycle_key, run.interval, date.fromisoformat(run.cycle_key),
                   run.scheduled_for.astimezone(tz), run.completed_first, run.completed_last, run.scheduled_first,
                   run.scheduled_last, run.email, run.source, run.started_at.astimezone(tz), user or "system",
                   run.finished_at.astimezone(tz) if run.finished_at else None, run.clients, run.invoiced,
                   run.failed, run.total_cents)


def list_runs(practice: Practice, actor: Actor, limit: int = 100, before_id: int | None = None) -> list[RunView]:
    """The runs newest first, a page at a time (pass the last row's id as ``before_id``)."""
    validate.whole("page size", limit, 1, MAX_PAGE)
    validate.optional_id("page start", before_id)
    require_front_desk(actor)
    q = (select(BillingRun, User.display_name).outerjoin(User, User.id == BillingRun.started_by)
         .order_by(BillingRun.id.desc()).limit(limit))
    if before_id is not None:
        q = q.where(BillingRun.id < before_id)
    with practice.read() as tx:
        return [_run_view(practice, run, name) for run, name in tx.execute(q)]


def get_run(practice: Practice, actor: Actor, run_id: int) -> RunView:
    validate.an_id("run", run_id)
    require_front_desk(actor)
    with practice.read() as tx:
        row = tx.execute(select(BillingRun, User.display_name).outerjoin(User, User.id == BillingRun.started_by)
                         .where(BillingRun.id == run_id)).first()
        if row is None:
            raise NotFound.gone("run")
        return _run_view(practice, *row)


def _results_query():
    name = (Client.first_name + " " + Client.last_name).label("client_name")
    latest = select(func.max(CardCharge.id)).where(CardCharge.invoice_id == BillingResult.invoice_id) \
        .correlate(BillingResult).scalar_subquery()
    return (select(BillingResult, name, Invoice.number, OutboxMessage.status, OutboxMessage.error, CardCharge.status,
                   CardCharge.error)
            .join(Client, Client.id == BillingResult.client_id)
            .outerjoin(Invoice, Invoice.id == BillingResult.invoice_id)
            .outerjoin(OutboxMessage, OutboxMessage.id == BillingResult.message_id)
            .outerjoin(CardCharge, CardCharge.id == latest))


def _result_view(practice: Practice, r: BillingResult, name: str, number: str | None, mail: str | None,
                 mail_error: str | None, charge: str | None = None, charge_error: str | None = None) -> ResultView:
    return ResultView(r.id, r.run_id, r.client_id, name, r.status, r.invoice_id, number, r.amount_cents, r.emailed,
                      mail or "", mail_error or "", r.note, r.error, r.attempts, r.updated_at.astimezone(practice.tz),
                      charge or "", charge_error or "")


def run_results(practice: Practice, actor: Actor, run_id: int) -> list[ResultView]:
    """Each client's result in a run: failed clients first, then failed e-mails, then by client name."""
    validate.an_id("run", run_id)
    require_front_desk(actor)
    with practice.read() as tx:
        if tx.get(BillingRun, run_id) is None:
            raise NotFound.gone("run")
        rows = tx.execute(_results_query().where(BillingResult.run_id == run_id)
                          .order_by(case((BillingResult.status == BillingResultStatus.FAILED, 0),
                                         (OutboxMessage.status == MessageStatus.FAILED, 1), else_=2),
                                    Client.last_name, Client.first_name, BillingResult.id)).all()
        return [_result_view(practice, *row) for row in rows]


def _result(practice: Practice, run_id: int, client_id: int) -> ResultView:
    with practice.read() as tx:
        row = tx.execute(_results_query().where(BillingResult.run_id == run_id,
                                                BillingResult.client_id == client_id)).first()
    if row is None:
        raise NotFound("That client has no result in this run.")
    return _result_view(practice, *row)

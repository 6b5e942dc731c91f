"""The outbox (SPEC 7.1, 7.2, 7.4): every e-mail and SMS is queued here first, then sent; each keeps
its status (queued, sending, sent, failed), the last error in plain words, its attempts and times.

Queueing is part of the caller's business transaction (``queue_in``: a cancellation and its
notices are saved together). Sending happens afterwards, one message at a time, each in its own
short transactions: the message is marked *sending* (under the write lock, so two desks never send
it twice), the server is talked to with no transaction open, and the result is written. A failed
send is recorded on the message and returned, never raised: it cannot undo what queued it (7.2).
A message left *sending* by a desk that closed mid-send counts as failed after ``STALE_AFTER``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ...integrations import keyring_store
from ...integrations.mail import Mail, MailError, MailSender, send_mail
from ...integrations.sms import SmsError, send_sms
from ...models import Client, OutboxMessage, PracticeSession
from ...models.enums import MessageChannel, MessagePurpose, MessageStatus
from .. import audit, validate
from ..errors import NotFound, ValidationError
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from . import settings as message_settings

STALE_AFTER = timedelta(minutes=10)  # far beyond the 20 s network timeouts
MAX_BODY = 20_000
MAX_SMS_BODY = 1_600  # ten SMS parts; providers refuse longer
MAX_ATTACHMENT = 10 * 1024 * 1024


@dataclass(frozen=True)
class MessageDraft:
    """A message to queue. ``subject`` is for e-mail; an attachment goes with e-mail only."""

    channel: str  # MessageChannel
    recipient: str  # an e-mail address or a phone number
    body: str
    subject: str = ""
    purpose: str = MessagePurpose.OTHER
    client_id: int | None = None
    session_id: int | None = None
    attachment: bytes | None = None  # a PDF
    attachment_name: str | None = None


@dataclass(frozen=True)
class OutboxView:
    id: int
    channel: str
    recipient: str
    subject: str
    body: str
    purpose: str
    status: str
    error: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None
    client_id: int | None
    client_name: str
    session_id: int | None
    attachment_name: str | None  # None: no attachment

    @property
    def can_send(self) -> bool:
        """Queued or failed: Send / Retry applies."""
        return self.status in (MessageStatus.QUEUED, MessageStatus.FAILED)


@dataclass(frozen=True)
class SendSummary:
    sent: int
    failed: int
    skipped: int  # sent or being sent elsewhere meanwhile


def _clean(draft: MessageDraft) -> MessageDraft:
    validate.form("message", draft, MessageDraft)
    channel = validate.choice("channel", draft.channel, tuple(MessageChannel))
    if channel == MessageChannel.EMAIL:
        recipient = validate.email("recipient", draft.recipient, required=True)
        subject = validate.text("subject", draft.subject, 200)
        body = validate.text("message", draft.body, MAX_BODY)
    else:
        recipient = validate.phone("recipient", draft.recipient)
        if not recipient:
            raise ValidationError("recipient", "is required (a phone number)")
        subject = validate.text("subject", draft.subject, 200, required=False)
        body = validate.text("message", draft.body, MAX_SMS_BODY)
    purpose = validate.choice("purpose", draft.purpose, tuple(MessagePurpose))
    client_id = validate.optional_id("client", draft.client_id)
    session_id = validate.optional_id("session", draft.session_id)
    attachment, name = draft.attachment, draft.attachment_name
    if attachment is not None:
        if channel != MessageChannel.EMAIL:
            raise ValidationError("attachment", "only an e-mail can carry an attachment")
        if not isinstance(attachment, bytes) or not attachment:
            raise ValidationError("attachment", "must be the contents of a file")
        if len(attachment) > MAX_ATTACHMENT:
            raise ValidationError("attachment", "is too large (at most 10 MB)")
        name = validate.text("attachment name", name or "attachment.pdf", 120)
        if any(c in name for c in "/\\\r\n"):
            raise ValidationError("attachment name", "must be a file name without / or \\")
    elif name is not None:
        validate.text("attachment name", name, 120, required=False)
        name = None
    return MessageDraft(channel, recipient, body, subject, purpose, client_id, session_id, attachment, name)


def queue_in(tx: Session, practice: Practice, actor: Actor, draft: MessageDraft) -> int:
    """Queue ``draft`` inside the caller's transaction (e.g. a cancellation's) and return its id.
    Nothing is sent here; call ``send_message`` / ``send_pending`` after the caller has committed."""
    require_front_desk(actor)
    m = _message_in(tx, practice, actor, _clean(draft))
    tx.flush()
    return m.id


def _message_in(tx: Session, practice: Practice, actor: Actor, d: MessageDraft) -> OutboxMessage:
    """The queued message of the checked draft ``d``, added to ``tx`` (written at its next flush)."""
    if d.client_id is not None and tx.get(Client, d.client_id) is None:
        raise NotFound.gone("client")
    if d.session_id is not None and tx.get(PracticeSession, d.session_id) is None:
        raise NotFound.gone("session")
    m = OutboxMessage(channel=d.channel, recipient=d.recipient, subject=d.subject, body=d.body,
                      attachment=d.attachment, attachment_name=d.attachment_name, client_id=d.client_id,
                      session_id=d.session_id, purpose=d.purpose, status=MessageStatus.QUEUED, error="",
                      attempts=0, created_at=practice.clock.now(), created_by=actor.user_id)
    tx.add(m)
    return m


def _queue_many_in(tx: Session, practice: Practice, actor: Actor,
                   drafts: list[MessageDraft]) -> list[int | ValidationError]:
    """``queue_in`` for several drafts with one flush (a billing run's e-mails of a chunk of clients,
    its receipts): for each draft its message id, or the ValidationError that refused it (nothing is
    written for that one). A client or session gone raises NotFound as ``queue_in`` does."""
    require_front_desk(actor)
    out: list[OutboxMessage | ValidationError] = []
    for draft in drafts:
        try:
            d = _clean(draft)
        except ValidationError as exc:
            out.append(exc)
            continue
        out.append(_message_in(tx, practice, actor, d))
    tx.flush()
    return [m if isinstance(m, ValidationError) else m.id for m in out]


def queue_message(practice: Practice, actor: Actor, draft: MessageDraft) -> OutboxView:
    """Queue one message in its own transaction (it is sent by ``send_message`` or ``send_pending``)."""
    require_front_desk(actor)
    _clean(draft)
    with practice.uow() as tx:
        mid = queue_in(tx, practice, actor, draft)
        audit.record(tx, practice, actor, "outbox.queue", "outbox_message", mid, purpose=str(draft.purpose))
    return get_message(practice, actor, mid)


def client_addresses(tx: Session, client_id: int) -> list[tuple[str, str]]:
    """Where a client wants messages (SPEC 7.2, 7.4): [(channel, recipient)] by their "notify by"
    choice, leaving out a channel they have no address for. Empty for "none" or an archived client."""
    c = tx.get(Client, client_id)
    if c is None or c.archived_at is not None:
        return []
    out = []
    if c.notify_by in ("email", "both") and c.email:
        out.append((MessageChannel.EMAIL, c.email))
    if c.notify_by in ("sms", "both") and c.phone:
        out.append((MessageChannel.SMS, c.phone))
    return out


# -- reading -----------------------------------------------------------------------------------------
def _select():
    name = (Client.first_name + " " + Client.last_name).label("client_name")
    return select(OutboxMessage, name).outerjoin(Client, Client.id == OutboxMessage.client_id)


def _view(m: OutboxMessage, client_name: str | None) -> OutboxView:
    return OutboxView(m.id, m.channel, m.recipient, m.subject, m.body, m.purpose, m.status, m.error, m.attempts,
                      m.created_at, m.last_attempt_at, m.sent_at, m.client_id, client_name or "", m.session_id,
                      m.attachment_name)


def _status_filter(status):
    return None if status is None else validate.choice("status", status, tuple(MessageStatus))


def get_message(practice: Practice, actor: Actor, message_id: int) -> OutboxView:
    validate.an_id("message", message_id)
    require_front_desk(actor)
    with practice.read() as tx:
        row = tx.execute(_select().where(OutboxMessage.id == message_id)).first()
    if row is None:
        raise NotFound.gone("message")
    return _view(*row)


def list_outbox(practice: Practice, actor: Actor, status: str | None = None, limit: int = 200,
                before_id: int | None = None) -> list[OutboxView]:
    """The outbox newest first, a page at a time: pass the last row's id as ``before_id`` for the next
    page (keyset paging on the primary key). ``status`` keeps only messages in that state."""
    status = _status_filter(status)
    validate.whole("page size", limit, 1, 10_000)
    validate.optional_id("page start", before_id)
    require_front_desk(actor)
    q = _select().order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        q = q.where(OutboxMessage.status == status)
    if before_id is not None:
        q = q.where(OutboxMessage.id < before_id)
    with practice.read() as tx:
        return [_view(m, name) for m, name in tx.execute(q)]


def count_outbox(practice: Practice, actor: Actor, status: str | None = None) -> int:
    status = _status_filter(status)
    require_front_desk(actor)
    q = select(func.count()).select_from(OutboxMessage)
    if status is not None:
        q = q.where(OutboxMessage.status == status)
    with practice.read() as tx:
        return tx.scalar(q)


def messages_for_session(tx: Session, session_id: int, purpose: str | None = None) -> list[OutboxMessage]:
    """The outbox rows of one session (a reminder run checks "sent once" with it); takes a tx."""
    q = select(OutboxMessage).where(OutboxMessage.session_id == session_id).order_by(OutboxMessage.id)
    if purpose is not None:
        q = q.where(OutboxMessage.purpose == purpose)
    return list(tx.scalars(q))


def _sendable(now: datetime):
    return or_(OutboxMessage.status == MessageStatus.QUEUED,
               (OutboxMessage.status == MessageStatus.SENDING) & (OutboxMessage.last_attempt_at < now - STALE_AFTER))


def pending_ids(practice: Practice, actor: Actor, include_failed: bool = False, limit: int = 10_000) -> list[int]:
    """Ids of the messages waiting to be sent, oldest first: queued ones (and failed ones too with
    ``include_failed``). A sending window calls ``send_message`` for each, so it can stop between."""
    validate.flag("include failed", include_failed)
    validate.whole("number of messages", limit, 1, 100_000)
    require_front_desk(actor)
    now = practice.clock.now()
    cond = _sendable(now)
    if include_failed:
        cond = or_(cond, OutboxMessage.status == MessageStatus.FAILED)
    with practice.read() as tx:
        return list(tx.scalars(select(OutboxMessage.id).where(cond).order_by(OutboxMessage.id).limit(limit)))


# -- sending -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Outgoing:
    channel: str
    recipient: str
    subject: str
    body: str
    attachment: bytes | None
    attachment_name: str | None


def _claim(practice: Practice, message_id: int) -> _Outgoing | None:
    """Mark the message *sending* (one transaction, under the write lock); None if it is not to be sent."""
    with practice.uow() as tx:
        m = tx.get(OutboxMessage, message_id)
        if m is None:
            raise NotFound.gone("message")
        return _claim_in(practice, m)


def _claim_in(practice: Practice, m: OutboxMessage) -> _Outgoing | None:
    now = practice.clock.now()
    stale = m.status == MessageStatus.SENDING and m.last_attempt_at is not None \
        and m.last_attempt_at < now - STALE_AFTER
    if m.status not in (MessageStatus.QUEUED, MessageStatus.FAILED) and not stale:
        return None
    m.status, m.attempts, m.last_attempt_at = MessageStatus.SENDING, m.attempts + 1, now
    return _Outgoing(m.channel, m.recipient, m.subject, m.body, m.attachment, m.attachment_name)


def _deliver(practice: Practice, out: _Outgoing, kept: dict | None = None) -> str:
    """Talk to the server; "" when it took the message, else why not (never raises). ``kept``: this
    thread's e-mail connection, kept between messages (``send_many``; closed by the caller)."""
    try:
        if out.channel == MessageChannel.EMAIL:
            config, secret = message_settings.smtp_config(practice)
            if config is None:
                return secret
            password = keyring_store.get_secret(secret) if config.user else None
            mail = Mail(out.recipient, out.subject, out.body, out.attachment, out.attachment_name)
            if kept is None:
                send_mail(config, password, mail)
            else:
                sender = kept.get("sender")
                if sender is None or (sender.config, sender.password) != (config, password):  # settings changed
                    if sender is not None:
                        sender.close()
                    sender = kept["sender"] = MailSender(config, password)
                sender.send(mail)
        else:
            config, secret = message_settings.sms_config(practice)
            if config is None:
                return secret
            send_sms(config, keyring_store.get_secret(secret), out.recipient, out.body)
    except (MailError, SmsError, keyring_store.NoKeyring) as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - a send that fails in any way is recorded, never raised (7.2)
        return f"The message could not be sent ({type(exc).__name__}: {exc})"[:1000]
    return ""


def _record(practice: Practice, message_id: int, error: str) -> None:
    with practice.uow() as tx:
        _record_in(tx, practice, message_id, error)


def _record_in(tx: Session, practice: Practice, message_id: int, error: str) -> None:
    m = tx.get(OutboxMessage, message_id)
    m.status = MessageStatus.FAILED if error else MessageStatus.SENT
    m.error = error
    if not error:
        m.sent_at = practice.clock.now()


def send_message(practice: Practice, actor: Actor, message_id: int) -> OutboxView:
    """Send one queued message, or retry a failed one. The result is on the returned view (status
    *sent*, or *failed* with ``error``); a failed send does not raise. A message already sent, or being
    sent at another desk, is returned as it is."""
    validate.an_id("message", message_id)
    require_front_desk(actor)
    _send(practice, message_id)
    return get_message(practice, actor, message_id)


def _send(practice: Practice, message_id: int) -> str | None:
    """None when the message was not to be sent, else its error ("" = sent)."""
    out = _claim(practice, message_id)
    if out is None:
        return None
    error = _deliver(practice, out)
    _record(practice, message_id, error)
    return error


SEND_CONNECTIONS = 3  # send_many: e-mails handed over at once, each thread on a connection of its own
SEND_BATCH = 10  # send_many: messages a thread claims in one transaction (with the results of its last ones)


def _record_many_in(tx: Session, practice: Practice, done: list[tuple[int, str]]) -> None:
    """``_record_in`` for many results at once: the sent ones in one statement (without loading the
    messages and their attachments), each failed one with its own error."""
    sent = [mid for mid, error in done if not error]
    if sent:
        tx.execute(update(OutboxMessage).where(OutboxMessage.id.in_(sent))
                   .values(status=MessageStatus.SENT, error="", sent_at=practice.clock.now())
                   .execution_options(synchronize_session=False))
    for mid, error in done:
        if error:
            tx.execute(update(OutboxMessage).where(OutboxMessage.id == mid)
                       .values(status=MessageStatus.FAILED, error=error)
                       .execution_options(synchronize_session=False))


def _record_and_claim(practice: Practice, done: list[tuple[int, str]],
                      message_ids: list[int]) -> list[tuple[int, _Outgoing | None]]:
    """One transaction: the results of the messages just handed over (``done``: [(id, error)]) and
    the claims of the next ones (``_claim``'s rules each; None for one not to be sent). When this
    raises, nothing of it was written: the caller writes the results alone (``_sender_thread``)."""
    with practice.uow() as tx:
        _record_many_in(tx, practice, done)
        if not message_ids:
            return []
        found = {m.id: m for m in tx.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(message_ids)))}
        return [(mid, None if found.get(mid) is None else _claim_in(practice, found[mid])) for mid in message_ids]


def _sender_thread(practice: Practice, todo, finished) -> None:
    """Send messages taken from ``todo`` until it is empty, putting (id, error or None) on ``finished``
    for each, and None at the end. The thread takes up to ``SEND_BATCH`` messages at a time and
    claims them (marks them *sending*) in one transaction before handing any over; the results of a
    batch are written, each only after the server answered that message, in the transaction that
    claims the next batch (or alone at the end)."""
    import queue

    kept: dict = {}
    done: list[tuple[int, str]] = []
    try:
        while True:
            batch = []
            while len(batch) < SEND_BATCH:
                try:
                    batch.append(todo.get_nowait())
                except queue.Empty:
                    break
            claimed, done = _record_and_claim(practice, done, batch), []
            if not batch:
                break
            for mid, out in claimed:
                if out is None:
                    finished.put((mid, None))
                    continue
                error = _deliver(practice, out, kept)
                done.append((mid, error))
                finished.put((mid, error))
    finally:
        try:
            if done:  # the loop was left by an exception: the results are still written
                with practice.uow() as tx:
                    _record_many_in(tx, practice, done)
        finally:
            if kept.get("sender") is not None:
                kept["sender"].close()
            finished.put(None)


def send_many(practice: Practice, actor: Actor, message_ids: list[int], progress=None) -> SendSummary:
    """Send these messages, with the guarantees of ``send_message`` for each: it is marked *sending*
    under the write lock before it is handed over (so no other desk sends it), it is marked *sent*
    only after the server accepted it (failed with the reason, for that message only, when it did
    not), and a message already sent or being sent elsewhere is skipped. Faster for many (a billing
    run's invoices and receipts): ``SEND_CONNECTIONS`` threads each keep one SMTP connection
    (``mail.MailSender``) instead of opening one per message, and each claims ``SEND_BATCH`` messages
    in one transaction, which also writes the results of its previous ones (one write per ten
    messages instead of one per message). ``progress(done, total, text)`` is called in the
    caller's thread, before the first and after each message."""
    import queue
    import threading

    for mid in message_ids:
        validate.an_id("message", mid)
    require_front_desk(actor)
    ids = list(dict.fromkeys(message_ids))
    sent = failed = skipped = 0
    if not ids:
        return SendSummary(0, 0, 0)
    todo: queue.Queue = queue.Queue()
    for mid in ids:
        todo.put(mid)
    finished: queue.Queue = queue.Queue()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            _sender_thread(practice, todo, finished)
        except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, name=f"mail-send-{n}", daemon=True)
               for n in range(min(SEND_CONNECTIONS, len(ids)))]
    if progress is not None:
        progress(0, len(ids), f"Sending e-mail 1 of {len(ids)}")
    for th in threads:
        th.start()
    running, n = len(threads), 0
    while running:
        item = finished.get()
        if item is None:
            running -= 1
            continue
        n += 1
        error = item[1]
        if error is None:
            skipped += 1
        elif error:
            failed += 1
        else:
            sent += 1
        if progress is not None:
            progress(n, len(ids), f"Sending e-mail {min(n + 1, len(ids))} of {len(ids)}")
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
    return SendSummary(sent, failed, skipped)


def send_pending(practice: Practice, actor: Actor, include_failed: bool = False,
                 limit: int = 10_000) -> SendSummary:
    """Send every queued message (and retry failed ones with ``include_failed``), one by one, each in
    its own transactions; for runs without a window (reminders). A window loops ``send_message``."""
    sent = failed = skipped = 0
    for mid in pending_ids(practice, actor, include_failed, limit):
        error = _send(practice, mid)
        if error is None:
            skipped += 1
        elif error:
            failed += 1
        else:
            sent += 1
    return SendSummary(sent, failed, skipped)


def queue_test_message(practice: Practice, actor: Actor, channel: str, recipient: str) -> OutboxView:
    """Queue a test message (Settings > Messages); a window then sends it with ``send_message``."""
    channel = validate.choice("channel", channel, tuple(MessageChannel))
    require_front_desk(actor)
    name = practice.settings().get("practice_name", "Practice Desk")
    body = (f"This is a test message from {name}, sent from Practice Desk.\n\n"
            "If you can read it, messages to clients will arrive too.")
    return queue_message(practice, actor, MessageDraft(channel, recipient, body,
                                                       subject=f"Test message from {name}"[:200],
                                                       purpose=MessagePurpose.TEST))


def send_test_message(practice: Practice, actor: Actor, channel: str, recipient: str) -> OutboxView:
    """Queue and send a test message now; the result is on the returned view and in the outbox like
    any other message."""
    view = queue_test_message(practice, actor, channel, recipient)
    return send_message(practice, actor, view.id)

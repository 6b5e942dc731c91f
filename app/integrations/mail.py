"""Sending one e-mail over SMTP (SPEC 7.2): STARTTLS, TLS or a plain connection, an optional login,
a plain-text body and an optional PDF attachment. Failures come back as ``MailError`` with a
plain message (the password never appears in it)."""
from __future__ import annotations

import base64
import email.header
import email.quoprimime
import email.utils
import functools
import os
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # starttls | tls | none
    user: str  # "" = no login
    sender: str  # the From address
    sender_name: str = ""  # shown beside it, e.g. the practice's name
    timeout: float = 20.0
    ca_file: str | None = None  # trust this CA too (a practice's own mail server; the tests' server)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    attachment: bytes | None = None
    attachment_name: str | None = None  # e.g. "Invoice 2026-0001.pdf"


class MailError(Exception):
    """The message was not accepted; ``str()`` says why, for the outbox's error column."""


def build_message(config: SmtpConfig, mail: Mail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"{config.sender_name} <{config.sender}>" if config.sender_name else config.sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    msg.set_content(mail.body)
    if mail.attachment is not None:
        name = mail.attachment_name or "attachment.pdf"
        msg.add_attachment(mail.attachment, maintype="application", subtype="pdf", filename=name)
    return msg


@functools.lru_cache(maxsize=8)
def _tls_context(ca_file: str | None, _changed: float) -> ssl.SSLContext:
    """One verifying TLS context per CA file (and its modification time): loading the system's
    certificates costs ~35 ms, once per message before (a run's e-mails spent half their time here)."""
    return ssl.create_default_context(cafile=ca_file)


def _context(config: SmtpConfig) -> ssl.SSLContext:
    changed = os.path.getmtime(config.ca_file) if config.ca_file and os.path.exists(config.ca_file) else 0.0
    return _tls_context(config.ca_file, changed)


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "tls":
        return smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=_context(config))
    smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    if config.security == "starttls":
        smtp.starttls(context=_context(config))
    return smtp


def _where(config: SmtpConfig) -> str:
    return f"{config.host}:{config.port}"


def _open(config: SmtpConfig, password: str | None) -> smtplib.SMTP:
    """A connection, logged in when the settings have a user; MailError when it cannot be had."""
    where = _where(config)
    try:
        smtp = _connect(config)
    except (ConnectionRefusedError, socket.gaierror, TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Could not reach the mail server {where}: {_reason(exc)}") from None
    try:
        if config.user:
            if not password:
                raise MailError("The mail server needs a password and none is saved for this computer "
                                "(Settings > Messages).")
            _said(config, lambda: smtp.login(config.user, password))
    except MailError:
        _close(smtp)
        raise
    return smtp


def _said(config: SmtpConfig, talk, to: str = ""):
    """``talk()`` with the server's refusals turned into MailError in plain words."""
    where = _where(config)
    try:
        return talk()
    except smtplib.SMTPAuthenticationError:
        raise MailError(f"The mail server {where} did not accept the user name and password.") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"The mail server refused {to}: {_refused(exc.recipients.get(to))}") from None
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(f"The mail server refused the sender {config.sender}: {_smtp_text(exc)}") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"The mail server {where} answered: {_smtp_text(exc)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"The connection to the mail server {where} failed: {_reason(exc)}") from None


def _header(text: str) -> str:
    """A header value: as it is when short and plain, else RFC 2047 encoded words, folded."""
    if text.isascii() and len(text) <= 60 and "\r" not in text and "\n" not in text and "=?" not in text:
        return text
    return email.header.Header(text, "utf-8", header_name="Subject").encode(linesep="\r\n")


def _text_part(body: str) -> bytes:
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # one line end at the end, as the email package writes it
    if body.isascii() and all(len(x) <= 78 for x in lines):
        return (b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
                + "\r\n".join(lines).encode("ascii") + b"\r\n")
    encoded = email.quoprimime.body_encode("\n".join(lines).encode("utf-8").decode("latin-1"), 76, "\r\n")
    return (b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
            + encoded.encode("ascii") + b"\r\n")


def _wire(config: SmtpConfig, mail: Mail) -> tuple[str, list[str], bytes] | None:
    """(envelope sender, recipients, the message's bytes) for ``smtplib.SMTP.sendmail``: the message
    ``build_message`` makes, written out directly (the email package's header objects, folding and
    generator cost ~4 ms a message with a PDF, half the sending of a billing run's e-mails). None
    when an address is not plain ASCII (``send_message`` then deals with SMTPUTF8)."""
    if not (config.sender.isascii() and mail.to.isascii()) \
            or any(c in mail.to + config.sender for c in "\r\n<>,") or any(c in config.sender_name for c in "\r\n"):
        return None
    sender = email.utils.formataddr((config.sender_name, config.sender)) if config.sender_name else config.sender
    if len(sender) > 900:
        return None
    head = [f"From: {sender}", f"To: {mail.to}",
            f"Subject: {_header(mail.subject)}", f"Date: {formatdate(localtime=False)}",
            f"Message-ID: {make_msgid(domain=config.sender.rpartition('@')[2] or None)}", "MIME-Version: 1.0"]
    text = _text_part(mail.body)
    if mail.attachment is None:
        data = "\r\n".join(head).encode("ascii") + b"\r\n" + text
    else:
        name = mail.attachment_name or "attachment.pdf"
        if name.isascii() and len(name) <= 60 and not any(c in name for c in '"\\\r\n'):
            disposition = f'attachment; filename="{name}"'
        else:
            disposition = f"attachment; filename*={email.utils.encode_rfc2231(name, 'utf-8')}"
        boundary = f"===============PracticeDesk{uuid.uuid4().hex}=="
        head.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        data = b"".join([
            "\r\n".join(head).encode("ascii"), b"\r\n\r\n--", boundary.encode(), b"\r\n", text,
            b"\r\n--", boundary.encode(), b"\r\nContent-Type: application/pdf\r\nContent-Disposition: ",
            disposition.encode("ascii"), b"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            base64.encodebytes(mail.attachment).replace(b"\n", b"\r\n"), b"\r\n--", boundary.encode(), b"--\r\n"])
    return config.sender, [mail.to], data


def _send(smtp: smtplib.SMTP, config: SmtpConfig, mail: Mail) -> dict:
    wire = _wire(config, mail)
    if wire is None:
        return smtp.send_message(build_message(config, mail))
    smtp.ehlo_or_helo_if_needed()
    return smtp.sendmail(*wire)


class _ClosedMeanwhile(Exception):
    """A kept connection did not take a message's first command: the server had closed it."""


def _transact(smtp: smtplib.SMTP, sender: str, to: list[str], data: bytes, kept: bool) -> dict:
    """``smtplib.SMTP.sendmail``'s exchange (MAIL FROM, RCPT TO, DATA, with its errors), except that
    on a ``kept`` connection no answer to MAIL FROM, or 421, raises ``_ClosedMeanwhile``."""
    smtp.ehlo_or_helo_if_needed()
    options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    try:
        code, answer = smtp.mail(sender, options)
    except smtplib.SMTPServerDisconnected:
        if kept:
            raise _ClosedMeanwhile() from None
        raise
    if code != 250:
        if code == 421:
            smtp.close()
            if kept:
                raise _ClosedMeanwhile()
        else:
            _rset(smtp)
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    refused = {}
    for each in to:
        code, answer = smtp.rcpt(each)
        if code not in (250, 251):
            refused[each] = (code, answer)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(to):
        _rset(smtp)
        raise smtplib.SMTPRecipientsRefused(refused)
    code, answer = smtp.data(data)
    if code != 250:
        if code == 421:
            smtp.close()
        else:
            _rset(smtp)
        raise smtplib.SMTPDataError(code, answer)
    return refused


def _rset(smtp: smtplib.SMTP) -> None:
    try:
        smtp.rset()
    except smtplib.SMTPServerDisconnected:
        pass


def _hand_over(smtp: smtplib.SMTP, config: SmtpConfig, mail: Mail) -> None:
    refused = _said(config, lambda: _send(smtp, config, mail), mail.to)
    if refused:
        raise MailError(f"The mail server refused {mail.to}: {_refused(refused.get(mail.to))}")


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def send_mail(config: SmtpConfig, password: str | None, mail: Mail) -> None:
    """Hand ``mail`` to the server; raises MailError when it is not accepted for its recipient."""
    smtp = _open(config, password)
    try:
        _hand_over(smtp, config, mail)
    finally:
        _close(smtp)


class MailSender:
    """Many e-mails over one kept connection (a billing run's invoices and receipts), each handed over
    and answered on its own exactly as ``send_mail`` does: ``send`` raises MailError for that message
    only. A new connection (and login) is made at the first message, after every ``PER_CONNECTION``
    messages (servers limit messages per connection; Exchange's default is 20), after any failure
    (the server may be in any state then), and when a kept connection turns out to be closed (a
    server that closed an idle connection): the message's first command (MAIL FROM) on a kept
    connection gets no answer, or 421, and the message is then started again on a new connection;
    nothing of it had reached the server, so it is never sent twice. (A NOOP before each message
    did the same check at the cost of a round trip per message, a fifth of its exchanges; it is still
    made before a message that goes through ``send_message``.) A new connection per message cost
    about as much as the message itself (connect, greeting, EHLO, QUIT: four round trips, and a TLS
    handshake with TLS)."""

    PER_CONNECTION = 20

    def __init__(self, config: SmtpConfig, password: str | None):
        self.config, self.password = config, password
        self._smtp: smtplib.SMTP | None = None
        self._sent = 0

    def send(self, mail: Mail) -> None:
        if self._smtp is not None and self._sent >= self.PER_CONNECTION:
            self.close()
        wire = _wire(self.config, mail)
        if wire is None and self._smtp is not None and not self._answers():
            self.close()
        while True:
            kept = self._smtp is not None
            if not kept:
                self._smtp, self._sent = _open(self.config, self.password), 0
            try:
                if wire is None:
                    _hand_over(self._smtp, self.config, mail)
                else:
                    refused = _said(self.config, functools.partial(_transact, self._smtp, *wire, kept), mail.to)
                    if refused:
                        raise MailError(f"The mail server refused {mail.to}: {_refused(refused.get(mail.to))}")
            except _ClosedMeanwhile:
                self.close()
                continue  # not kept any more: a new connection, whose failures are the message's
            except BaseException:
                self.close()
                raise
            self._sent += 1
            return

    def _answers(self) -> bool:
        try:
            return self._smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self) -> None:
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            _close(smtp)

    def __enter__(self) -> MailSender:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _smtp_text(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}".strip()


def _refused(answer) -> str:
    if not answer:
        return "no reason given"
    code, text = answer
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused (is the server running, and is the port right?)"
    if isinstance(exc, socket.gaierror):
        return "the server name is not known"
    if isinstance(exc, TimeoutError):
        return "it did not answer in time"
    if isinstance(exc, ssl.SSLError):
        return f"the secure connection failed ({exc.reason or exc})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    return str(exc) or type(exc).__name__

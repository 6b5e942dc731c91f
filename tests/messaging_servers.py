"""Real local servers for the message tests (no mocks): an SMTP server (aiosmtpd) and an SMS
provider (http.server), both on 127.0.0.1, each recording what arrived; and an in-memory keyring.
Used by tests/services/messaging and tests/views."""
from __future__ import annotations

import email
import email.policy
import functools
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

REFUSED_PREFIX = "nobody@"  # the SMTP server refuses recipients starting with this


def free_port() -> int:
    """aiosmtpd cannot take port 0 (STACK trap 9): pick a free port ourselves."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MemoryKeyring(KeyringBackend):
    """An OS keyring that lives in this process only."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@dataclass
class Arrived:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes  # as it came; parsed when first looked at (the server does not spend its time parsing:
    # a billing run's benchmark sends it thousands of messages with a PDF, and a mail server does not parse them)

    @functools.cached_property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class SmtpRecorder:
    """aiosmtpd handler: refuses REFUSED_PREFIX recipients, keeps every message and every login."""

    arrived: list[Arrived] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith(REFUSED_PREFIX):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.arrived.append(Arrived(envelope.mail_from, list(envelope.rcpt_tos),
                                    envelope.original_content or envelope.content))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = auth_data.login.decode()
        password = auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=password == "mail-secret", handled=False)


class SmtpServer:
    """Start/stop an aiosmtpd server on 127.0.0.1 (stop() and start() again to test a server that is down)."""

    def __init__(self, tls: str = "none", cert: tuple[str, str] | None = None):
        """``tls``: "none", "starttls" (the server requires STARTTLS) or "tls" (TLS from the start)."""
        self.port = free_port()
        self.recorder = SmtpRecorder()
        self.controller = None
        self.tls, self.cert = tls, cert

    def start(self):
        import ssl

        from aiosmtpd.controller import Controller

        kw = {}
        if self.tls != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.cert)
            kw = {"tls_context": context, "require_starttls": True} if self.tls == "starttls" \
                else {"ssl_context": context}
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port,
                                     authenticator=self.recorder.authenticate, auth_require_tls=False, **kw)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def arrived(self) -> list[Arrived]:
        return self.recorder.arrived


@dataclass
class SmsRequest:
    path: str
    authorization: str | None
    content_type: str | None
    body: dict


class SmsProvider:
    """A small HTTP SMS provider on 127.0.0.1: records each POST; answers ``status`` (200 by default)."""

    def __init__(self):
        self.requests: list[SmsRequest] = []
        self.status = 200
        self.delay = 0.0  # seconds before answering (a slow provider)
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                if provider.delay:
                    import time

                    time.sleep(provider.delay)
                provider.requests.append(SmsRequest(self.path, self.headers.get("Authorization"),
                                                    self.headers.get("Content-Type"), json.loads(raw)))
                answer = json.dumps({"ok": provider.status == 200} if provider.status == 200
                                    else {"error": "invalid token"}).encode()
                self.send_response(provider.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# -- fixtures (imported by the conftest.py files that use them) ----------------------------------
@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring():
    """The machine has no usable keyring (keyring's own ``fail`` backend)."""
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sms_provider():
    provider = SmsProvider()
    yield provider
    provider.close()


def self_signed(folder) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key (openssl), to run the SMTP server with TLS."""
    import subprocess

    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key

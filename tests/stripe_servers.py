"""Stripe for the tests, on 127.0.0.1 only, talked to by the real ``stripe`` library (STACK.md "Stripe
in tests"):

- ``LocalStripe``: localstripe (PyPI) run in a thread, for what it does faithfully: customers, payment
  methods from test cards, off-session PaymentIntents, refunds. Its store is kept in memory (its own
  server pickles every write to one shared file in /tmp; that is switched off here).
- ``RecordingStripe``: a small server of ours that answers like Stripe's documented responses for what
  localstripe fakes badly or lacks, and records every request (path, form fields, idempotency key):
  the same idempotency key replays the first answer (errors too) as Stripe does; a decline is a 402
  ``card_error`` with ``decline_code`` and the PaymentIntent; an authentication-required card is a 402
  ``authentication_required``; Checkout Sessions in setup mode, completed by the test; and a charge
  that is made but answered too late (the client times out), so a retry must reuse the key.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.messaging_servers import free_port

# test cards of the recording server, by payment method id
CARD_OK = "pm_card_visa"
CARD_DECLINED = "pm_card_chargeDeclinedInsufficientFunds"
CARD_AUTH = "pm_card_authenticationRequired"
CARDS = {CARD_OK: ("visa", "4242"), CARD_DECLINED: ("visa", "9995"), CARD_AUTH: ("mastercard", "3184"),
         "pm_card_mastercard": ("mastercard", "4444")}


_LOCALSTRIPE = """
import sys
from localstripe import resources
resources.Store.dump_to_disk = lambda self: None  # no shared pickle file in /tmp
from aiohttp import web
from localstripe.server import app
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


class LocalStripe:
    """localstripe in its own process on 127.0.0.1 (its app object is bound to the loop it was
    imported with, so it is not run in a thread of the test process)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        import socket
        import subprocess
        import sys

        self.process = subprocess.Popen([sys.executable, "-c", _LOCALSTRIPE, str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("localstripe stopped: " + self.process.stderr.read().decode()[-500:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("localstripe did not start in 20 s")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@dataclass
class Request:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    authorization: str | None


@dataclass
class RecordingStripe:
    """``requests`` lists every request; ``charges`` every PaymentIntent that took money (one per
    charge really made); ``late_answers`` makes the next N charges succeed but answer only after
    ``late_seconds`` (longer than the client's timeout)."""

    requests: list = field(default_factory=list)
    charges: list = field(default_factory=list)
    refunds: list = field(default_factory=list)
    late_answers: int = 0
    late_seconds: float = 1.5
    keys: dict = field(default_factory=dict)  # idempotency key -> (status, body)
    sessions: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)
    secret_key: str = "sk_test_recording"

    def __post_init__(self):
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method):
                length = int(self.headers.get("Content-Length", 0) or 0)
                raw = self.rfile.read(length).decode() if length else ""
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(raw or url.query, keep_blank_values=True))
                key = self.headers.get("Idempotency-Key")
                outer.requests.append(Request(method, url.path, params, key, self.headers.get("Authorization")))
                status, body, delay = outer.handle(method, url.path, params, key, self.headers.get("Authorization"))
                if delay:
                    time.sleep(delay)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Request-Id", f"req_{next(outer._ids)}")
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def do_POST(self):  # noqa: N802 - http.server's names
                self._answer("POST")

            def do_GET(self):  # noqa: N802
                self._answer("GET")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # -- Stripe's behaviour ------------------------------------------------------------------------
    def _id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    def handle(self, method, path, params, key, authorization):
        if authorization != f"Bearer {self.secret_key}":
            return 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided."}}, 0
        with self._lock:
            if method == "POST" and key and key in self.keys:
                status, body = self.keys[key]
                return status, body, 0  # Stripe replays the first answer for the same key
            status, body, delay = self._route(method, path, params)
            if method == "POST" and key and status != 401:
                self.keys[key] = (status, body)
        return status, body, delay

    def _route(self, method, path, params):
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "customers"]:
            if method == "GET":
                return 200, {"object": "list", "data": list(self.customers.values())[:1], "has_more": False,
                             "url": "/v1/customers"}, 0
            c = {"id": self._id("cus"), "object": "customer", "name": params.get("name"),
                 "email": params.get("email"), "metadata": _nested(params, "metadata")}
            self.customers[c["id"]] = c
            return 200, c, 0
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST":
                sid = self._id("cs")
                amount = params.get("line_items[0][price_data][unit_amount]")
                s = {"id": sid, "object": "checkout.session", "mode": params.get("mode"),
                     "customer": params.get("customer"), "customer_email": params.get("customer_email"),
                     "currency": params.get("currency") or params.get("line_items[0][price_data][currency]"),
                     "status": "open", "payment_status": "unpaid", "payment_intent": None,
                     "amount_total": int(amount) if amount else None, "metadata": _nested(params, "metadata"),
                     "url": f"https://checkout.stripe.test/c/pay/{sid}", "setup_intent": None,
                     "success_url": params.get("success_url")}
                self.sessions[sid] = s
                return 200, s, 0
            s = self.sessions.get(parts[3])
            if s is None:
                return 404, _error("invalid_request_error", "resource_missing", "No such checkout.session"), 0
            body = dict(s)
            if params.get("expand[0]") == "setup_intent" and s["setup_intent"]:
                body["setup_intent"] = {"id": s["setup_intent"], "object": "setup_intent",
                                        "status": "succeeded", "payment_method": s["payment_method"]}
            return 200, body, 0
        if parts[:2] == ["v1", "payment_methods"]:
            brand, last4 = CARDS.get(parts[2], ("visa", "0000"))
            return 200, {"id": parts[2], "object": "payment_method", "type": "card",
                         "card": {"brand": brand, "last4": last4, "exp_month": 12, "exp_year": 2030}}, 0
        if parts[:2] == ["v1", "payment_intents"] and method == "POST":
            return self._charge(params)
        if parts[:2] == ["v1", "refunds"] and method == "POST":
            r = {"id": self._id("re"), "object": "refund", "amount": int(params["amount"]),
                 "payment_intent": params["payment_intent"], "status": "succeeded"}
            self.refunds.append(r)
            return 200, r, 0
        return 404, _error("invalid_request_error", "resource_missing", f"Unrecognized request URL ({path})"), 0

    def _charge(self, params):
        pm = params.get("payment_method")
        pi = {"id": self._id("pi"), "object": "payment_intent", "amount": int(params["amount"]),
              "currency": params["currency"], "customer": params.get("customer"), "payment_method": pm,
              "metadata": _nested(params, "metadata"), "status": "succeeded", "off_session": params.get("off_session")}
        if pm == CARD_DECLINED:
            pi["status"] = "requires_payment_method"
            return 402, _error("card_error", "card_declined", "Your card has insufficient funds.",
                               decline_code="insufficient_funds", payment_intent=pi), 0
        if pm == CARD_AUTH:
            pi["status"] = "requires_payment_method"
            return 402, _error("card_error", "authentication_required",
                               "This payment requires the customer to authenticate.", payment_intent=pi), 0
        self.charges.append(pi)
        if self.late_answers:
            self.late_answers -= 1
            return 200, pi, self.late_seconds
        return 200, pi, 0

    def complete_setup(self, session_id: str, payment_method: str = CARD_OK) -> None:
        """The client filled in the hosted page: the session is complete with a saved card."""
        with self._lock:
            s = self.sessions[session_id]
            s.update(status="complete", setup_intent=self._id("seti"), payment_method=payment_method)

    def complete_payment(self, session_id: str) -> None:
        """The client paid on a payment page: the session is complete and paid, with its PaymentIntent."""
        with self._lock:
            s = self.sessions[session_id]
            pi = {"id": self._id("pi"), "object": "payment_intent", "amount": s["amount_total"],
                  "currency": s["currency"], "status": "succeeded", "customer": s["customer"]}
            self.charges.append(pi)
            s.update(status="complete", payment_status="paid", payment_intent=pi["id"])

    def posts(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]


def _nested(params: dict, name: str) -> dict:
    return {k[len(name) + 1:-1]: v for k, v in params.items() if k.startswith(f"{name}[")}


def _error(type_, code, message, **extra):
    return {"error": {"type": type_, "code": code, "message": message, **extra}}


@pytest.fixture
def recording_stripe():
    server = RecordingStripe()
    yield server
    server.close()


@pytest.fixture
def local_stripe():
    server = LocalStripe()
    server.start()
    yield server
    server.stop()

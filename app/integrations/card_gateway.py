"""Card payments through Stripe (SPEC 10): the calls the practice makes, with the official ``stripe``
library (imported on first use, STACK.md trap 11). Nothing here touches the database: the billing
services store each idempotency key *before* calling (a retry after a timeout or a restart sends the
same key, so Stripe replays its first answer and never charges twice) and record what came back.

Every failure is a ``CardError`` whose ``str()`` is plain words for people (never the secret key);
``kind`` says what to do next:

- ``declined``: the bank refused the card (``code`` is Stripe's ``decline_code``, e.g.
  ``insufficient_funds``); do not retry the same card at once;
- ``authentication_required``: the bank wants the client present (3-D Secure); e-mail a payment
  link instead;
- ``connection``: no answer (timeout, refused, DNS): the outcome is unknown, retry with the *same*
  idempotency key;
- ``invalid_key``: the secret key is wrong or revoked (Settings > Card payments);
- ``other``: anything else Stripe refused (``code`` is its error code).

A desktop app has no public URL for webhooks: a saved card is picked up by polling the Checkout
Session by id (``setup_session``).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

STRIPE_API = "https://api.stripe.com"
TIMEOUT = 20.0  # seconds; the outcome of a call cut off is unknown: retry with the same key


@dataclass(frozen=True)
class GatewayConfig:
    secret_key: str
    api_base: str = STRIPE_API  # a local test server in the tests
    timeout: float | None = None  # None: TIMEOUT

    @property
    def test_mode(self) -> bool:
        return test_mode(self.secret_key)


def test_mode(secret_key: str) -> bool:
    """Stripe's test keys start sk_test_ / rk_test_; live ones sk_live_ / rk_live_."""
    return secret_key.startswith(("sk_test_", "rk_test_"))


class CardError(Exception):
    def __init__(self, message: str, kind: str = "other", code: str = "", payment_intent_id: str | None = None):
        super().__init__(message)
        self.kind, self.code, self.payment_intent_id = kind, code, payment_intent_id


@dataclass(frozen=True)
class Charge:
    payment_intent_id: str
    status: str  # "succeeded", or "processing" (the money is on its way)
    amount: int
    currency: str


@dataclass(frozen=True)
class SetupSession:
    id: str
    url: str | None
    status: str  # "open", "complete" or "expired"
    payment_method_id: str | None  # once complete


@dataclass(frozen=True)
class PaymentPage:
    """A Checkout Session in payment mode: the client pays one amount on Stripe's page."""

    id: str
    url: str | None
    status: str  # "open", "complete" or "expired"
    paid: bool  # payment_status "paid"
    payment_intent_id: str | None
    amount: int | None


@dataclass(frozen=True)
class Card:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


_local = threading.local()  # one client per thread and settings: its HTTP connection is kept alive


def _client(config: GatewayConfig):
    """The stripe client for ``config``, made once per thread (a new one per call opened a new HTTPS
    connection each time: a run's charges spent most of their time there). requests' sessions are not
    shared between threads."""
    key = (config.secret_key, config.api_base, config.timeout or TIMEOUT)
    clients = getattr(_local, "clients", None)
    if clients is None:
        clients = _local.clients = {}
    if key not in clients:
        import stripe
        from stripe import RequestsClient

        if len(clients) > 4:  # a key changed: forget the old clients (and their connections)
            clients.clear()
        clients[key] = stripe.StripeClient(config.secret_key, base_addresses={"api": config.api_base},
                                           http_client=RequestsClient(timeout=key[2]), max_network_retries=0)
    return clients[key]


def _plain(exc) -> CardError:
    """A stripe error as plain words and a kind."""
    import stripe

    err = getattr(exc, "error", None)
    code = (getattr(err, "decline_code", None) or getattr(exc, "code", None) or "") if err is not None \
        else (getattr(exc, "code", None) or "")
    intent = getattr(err, "payment_intent", None) if err is not None else None
    intent_id = intent.get("id") if isinstance(intent, dict) else getattr(intent, "id", None)
    message = (getattr(exc, "user_message", None) or (getattr(err, "message", None) if err is not None else None)
               or "")
    if isinstance(exc, stripe.AuthenticationError):
        return CardError("Stripe did not accept the secret key (it may be mistyped or revoked); check Settings "
                         "\u25b8 Card payments.", "invalid_key", code)
    if isinstance(exc, stripe.APIConnectionError):
        return CardError("Could not reach Stripe (no answer in time, or no connection). Nothing is known to be "
                         "charged; it is safe to try again.", "connection", code)
    if isinstance(exc, stripe.CardError):
        if code == "authentication_required" or getattr(exc, "code", "") == "authentication_required":
            return CardError("The bank asks the client to confirm this payment themselves (card authentication); "
                             "send them a payment link.", "authentication_required", "authentication_required",
                             intent_id)
        return CardError(f"The card was declined{f' ({code.replace(chr(95), chr(32))})' if code else ''}"
                         f"{f': {message}' if message else '.'}", "declined", code, intent_id)
    status = getattr(exc, "http_status", None)
    return CardError(f"Stripe refused the request{f' ({status})' if status else ''}"
                     f"{f': {message}' if message else '.'}", "other", code, intent_id)


def _call(fn, *args, **kwargs):
    import stripe

    try:
        return fn(*args, **kwargs)
    except stripe.StripeError as exc:
        raise _plain(exc) from None


def check_key(config: GatewayConfig) -> str:
    """Talk to Stripe with the key (Test connection): returns "" when it answered, else raises CardError."""
    client = _client(config)
    _call(client.v1.customers.list, {"limit": 1})
    return ""


def create_customer(config: GatewayConfig, name: str, email: str, idempotency_key: str,
                    metadata: dict[str, str] | None = None) -> str:
    client = _client(config)
    params = {"name": name, "metadata": metadata or {}}
    if email:
        params["email"] = email
    c = _call(client.v1.customers.create, params, {"idempotency_key": idempotency_key})
    return c.id


def create_setup_session(config: GatewayConfig, customer_id: str, currency: str, success_url: str,
                         cancel_url: str, idempotency_key: str) -> SetupSession:
    """A Stripe-hosted page where the client saves a card for later (Checkout in setup mode)."""
    client = _client(config)
    s = _call(client.v1.checkout.sessions.create,
              {"mode": "setup", "customer": customer_id, "currency": currency.lower(),
               "payment_method_types": ["card"], "success_url": success_url, "cancel_url": cancel_url},
              {"idempotency_key": idempotency_key})
    return SetupSession(s.id, getattr(s, "url", None), s.status or "open", None)


def setup_session(config: GatewayConfig, session_id: str) -> SetupSession:
    """Poll a setup Checkout Session; once complete, its SetupIntent's payment method is the card."""
    client = _client(config)
    s = _call(client.v1.checkout.sessions.retrieve, session_id, {"expand": ["setup_intent"]})
    pm = None
    intent = getattr(s, "setup_intent", None)
    if intent is not None and not isinstance(intent, str):
        pm = intent.payment_method if isinstance(intent.payment_method, str) or intent.payment_method is None \
            else intent.payment_method.id
    elif isinstance(intent, str) and s.status == "complete":
        si = _call(client.v1.setup_intents.retrieve, intent)
        pm = si.payment_method if isinstance(si.payment_method, str) else getattr(si.payment_method, "id", None)
    return SetupSession(s.id, getattr(s, "url", None), s.status or "open", pm)


def create_payment_session(config: GatewayConfig, customer_id: str | None, email: str, amount: int, currency: str,
                           description: str, success_url: str, idempotency_key: str,
                           metadata: dict[str, str] | None = None) -> PaymentPage:
    """A Stripe-hosted page where the client pays ``amount`` (minor units) once, by card (e.g. after
    a decline, or when the bank wants the client to confirm)."""
    client = _client(config)
    params = {"mode": "payment", "payment_method_types": ["card"], "success_url": success_url,
              "cancel_url": success_url, "metadata": metadata or {},
              "line_items": [{"quantity": 1, "price_data": {"currency": currency.lower(), "unit_amount": amount,
                                                            "product_data": {"name": description}}}]}
    if customer_id:
        params["customer"] = customer_id
    elif email:
        params["customer_email"] = email
    s = _call(client.v1.checkout.sessions.create, params, {"idempotency_key": idempotency_key})
    return _payment_page(s)


def _payment_page(s) -> PaymentPage:
    intent = getattr(s, "payment_intent", None)
    intent_id = intent if isinstance(intent, str) or intent is None else intent.id
    total = getattr(s, "amount_total", None)
    return PaymentPage(s.id, getattr(s, "url", None), s.status or "open", getattr(s, "payment_status", "") == "paid",
                       intent_id, int(total) if total is not None else None)


def payment_session(config: GatewayConfig, session_id: str) -> PaymentPage:
    """Poll a payment Checkout Session (paid: ``paid`` and the PaymentIntent that took the money)."""
    client = _client(config)
    return _payment_page(_call(client.v1.checkout.sessions.retrieve, session_id))


def card(config: GatewayConfig, payment_method_id: str) -> Card:
    client = _client(config)
    pm = _call(client.v1.payment_methods.retrieve, payment_method_id)
    c = pm.card
    return Card(pm.id, c.brand, c.last4, int(c.exp_month), int(c.exp_year))


def charge(config: GatewayConfig, customer_id: str, payment_method_id: str, amount: int, currency: str,
           idempotency_key: str, metadata: dict[str, str] | None = None) -> Charge:
    """Charge a saved card off-session (the client is not there): ``confirm=True, off_session=True``.
    ``amount`` in the currency's minor units. Raises CardError (declined, authentication_required,
    connection: retry with the same key)."""
    client = _client(config)
    pi = _call(client.v1.payment_intents.create,
               {"amount": amount, "currency": currency.lower(), "customer": customer_id,
                "payment_method": payment_method_id, "confirm": True, "off_session": True,
                "metadata": metadata or {}},
               {"idempotency_key": idempotency_key})
    if pi.status in ("succeeded", "processing"):
        return Charge(pi.id, pi.status, int(pi.amount), pi.currency)
    if pi.status == "requires_action":  # what a test server answers for a 3-D Secure card
        raise CardError("The bank asks the client to confirm this payment themselves (card authentication); "
                        "send them a payment link.", "authentication_required", "authentication_required", pi.id)
    raise CardError(f"The card was not charged (Stripe says the payment {pi.status.replace('_', ' ')}).",
                    "declined", pi.status, pi.id)


def refund(config: GatewayConfig, payment_intent_id: str, amount: int, idempotency_key: str) -> str:
    """Refund ``amount`` (minor units) of a card payment at Stripe; returns the refund's id."""
    client = _client(config)
    r = _call(client.v1.refunds.create, {"payment_intent": payment_intent_id, "amount": amount},
              {"idempotency_key": idempotency_key})
    if r.status in ("failed", "canceled"):
        raise CardError(f"Stripe could not refund the payment (refund {r.status}).", "other", r.status)
    return r.id

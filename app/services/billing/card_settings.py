"""Settings ▸ Card payments (SPEC 10.4, 0.6): the Stripe secret key, kept only in this computer's
keyring, never in the practice file, a settings file or a log. Where the machine has no keyring the
page says so and nothing is stored.

Kept in the practice's settings table (key ``card_payments``, JSON), none of it secret: the key's
keyring name (a random id made at the first save, so two practice files on one computer, e.g. the
demo and the real practice, never share a key), a hint to recognise it (``sk_test_…4242``), whether it
is a test key, the page a client sees after saving a card, how many automatic cycles a declined
invoice is retried, and the Stripe address (Stripe's own; the tests point it at 127.0.0.1).
"""
from __future__ import annotations

import json
import re
import secrets
import urllib.parse
from dataclasses import dataclass

from sqlalchemy import select

from ...integrations import card_gateway, keyring_store
from ...models import Setting
from ...models.enums import Role
from .. import audit, validate
from ..errors import RuleViolation, ValidationError
from ..people.permissions import require_front_desk, require_role
from ..practice import Actor, Practice

KEY = "card_payments"
_KEY_SHAPE = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,240}$")
DEFAULTS = {"key_id": "", "key_hint": "", "test_mode": True, "return_url": "", "retry_cycles": 3,
            "api_base": card_gateway.STRIPE_API}


@dataclass(frozen=True)
class CardSettings:
    key_saved: bool  # a key is saved for this practice on this computer
    key_hint: str  # e.g. "sk_test_…4242"; "" when none
    test_mode: bool
    return_url: str  # the page a client sees after saving a card
    retry_cycles: int  # automatic cycles a declined or unconfirmed invoice is charged again
    api_base: str
    keyring_available: bool
    keyring_message: str  # why secrets cannot be kept here, in plain words ("" when they can)

    @property
    def ready(self) -> bool:
        return self.key_saved and self.keyring_available


def _stored(practice: Practice) -> dict:
    with practice.read() as tx:
        raw = tx.scalar(select(Setting.value).where(Setting.key == KEY))
    return {**DEFAULTS, **(json.loads(raw) if raw else {})}


def _secret_name(key_id: str) -> str:
    return f"Stripe secret key {key_id}"


def get_card_settings(practice: Practice, actor: Actor) -> CardSettings:
    require_front_desk(actor)
    s = _stored(practice)
    ok, why = keyring_store.available()
    saved = False
    if ok and s["key_id"]:
        try:
            saved = bool(keyring_store.get_secret(_secret_name(s["key_id"])))
        except keyring_store.NoKeyring as exc:
            ok, why = False, str(exc)
    return CardSettings(saved, s["key_hint"] if saved else "", s["test_mode"], s["return_url"], s["retry_cycles"],
                        s["api_base"], ok, why)


def _write(practice: Practice, actor: Actor, values: dict, what: str) -> None:
    with practice.uow() as tx:
        raw = tx.scalar(select(Setting.value).where(Setting.key == KEY))
        current = {**DEFAULTS, **(json.loads(raw) if raw else {})}
        current.update(values)
        tx.merge(Setting(key=KEY, value=json.dumps(current, sort_keys=True)))
        audit.record(tx, practice, actor, "settings.card_payments", "setting", None, changed=what)
    practice.settings_changed()


def _https(field: str, value, local_ok: bool = False) -> str:
    value = validate.text(field, value, 500, required=False)
    if value:
        parts = urllib.parse.urlsplit(value)
        local = local_ok and parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
        if not (parts.scheme == "https" or local) or not parts.hostname or any(c.isspace() for c in value):
            raise ValidationError(field, "must be a web address starting with https://")
    return value


def update_card_settings(practice: Practice, actor: Actor, **changes) -> CardSettings:
    """Admin only: ``return_url`` (https), ``retry_cycles`` (0-12), ``api_base`` (Stripe's address;
    https, or http on this computer for a test server). All are checked before any is written."""
    require_role(actor, Role.ADMIN)
    clean = {}
    for k, v in changes.items():
        if k == "return_url":
            clean[k] = _https("page after saving a card", v)
        elif k == "retry_cycles":
            clean[k] = validate.whole("charge attempts", v, 0, 12)
        elif k == "api_base":
            clean[k] = _https("Stripe address", v, local_ok=True) or card_gateway.STRIPE_API
        else:
            raise ValidationError(str(k)[:40], "is not a card payment setting")
    if clean:
        _write(practice, actor, clean, ",".join(sorted(clean)))
    return get_card_settings(practice, actor)


def set_card_key(practice: Practice, actor: Actor, secret_key: str) -> CardSettings:
    """Admin only: keep the Stripe secret key in this computer's keyring ("" forgets it). The key is
    never written anywhere else; the settings keep its keyring name, a hint and its mode."""
    require_role(actor, Role.ADMIN)
    secret_key = validate.given_password("secret key", secret_key).strip()
    if secret_key and not _KEY_SHAPE.match(secret_key):
        raise ValidationError("secret key", "must be a Stripe secret key starting with sk_test_ or sk_live_ "
                                            "(or a restricted key, rk_…)")
    s = _stored(practice)
    key_id = s["key_id"] or secrets.token_hex(8)
    try:
        if secret_key:
            keyring_store.set_secret(_secret_name(key_id), secret_key)
        elif s["key_id"]:
            keyring_store.delete_secret(_secret_name(key_id))
    except keyring_store.NoKeyring as exc:
        raise RuleViolation(str(exc)) from None
    hint = f"{secret_key[:8]}\u2026{secret_key[-4:]}" if secret_key else ""
    _write(practice, actor, {"key_id": key_id, "key_hint": hint,
                             "test_mode": card_gateway.test_mode(secret_key) if secret_key else True},
           "secret key" if secret_key else "secret key removed")
    return get_card_settings(practice, actor)


def gateway_config(practice: Practice) -> card_gateway.GatewayConfig:
    """The gateway's settings with the key from the keyring; RuleViolation in plain words when card
    payments are not set up on this computer."""
    return _gateway_config_and_settings(practice)[0]


def _gateway_config_and_settings(practice: Practice) -> tuple[card_gateway.GatewayConfig, dict]:
    """``gateway_config`` and the stored settings it was made from (one read: a charge needs both)."""
    s = _stored(practice)
    try:
        key = keyring_store.get_secret(_secret_name(s["key_id"])) if s["key_id"] else None
    except keyring_store.NoKeyring as exc:
        raise RuleViolation(str(exc)) from None
    if not key:
        raise RuleViolation("Card payments are not set up on this computer: an administrator saves the Stripe "
                            "secret key in Settings \u25b8 Card payments.")
    return card_gateway.GatewayConfig(key, s["api_base"]), s


def test_card_connection(practice: Practice, actor: Actor) -> str:
    """Talk to Stripe with the saved key: a plain sentence saying it worked, or RuleViolation saying why not."""
    require_front_desk(actor)
    config = gateway_config(practice)
    try:
        card_gateway.check_key(config)
    except card_gateway.CardError as exc:
        raise RuleViolation(str(exc)) from None
    mode = "test mode: no real card is charged" if config.test_mode else "live mode: real cards are charged"
    return f"Stripe answered: the key works ({mode})."

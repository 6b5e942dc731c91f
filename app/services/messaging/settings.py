"""Settings > Messages: the SMTP server and the SMS provider. The plain settings live in the
practice file's settings table (one row per key, like every practice setting); the SMTP password and
the SMS token live only in the OS keyring (SPEC 0.6). Admin changes them; the front desk reads them."""
from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass

from ...integrations import keyring_store
from ...integrations.mail import SECURITY, SmtpConfig
from ...integrations.sms import SmsConfig
from ...models import Setting
from ...models.enums import Role
from .. import audit, validate
from ..errors import RuleViolation, ValidationError
from ..people.permissions import require_front_desk, require_role
from ..practice import Actor, Practice

# the message settings and their defaults (stored as JSON in the setting table, like DEFAULT_SETTINGS)
MESSAGE_DEFAULTS = {
    "mail_host": "",
    "mail_port": 587,
    "mail_security": "starttls",  # starttls | tls | none
    "mail_user": "",  # "" = the server takes mail without a login
    "mail_from": "",  # the From address of every e-mail
    "sms_url": "",  # the SMS provider's endpoint: a JSON POST of {"to", "body"} with a bearer token
    "sms_sender": "",  # a sender name or number, when the provider takes one
}


class NoSecretStore(RuleViolation):
    """No usable OS keyring: the password or token was not stored anywhere (SPEC 0.6)."""


@dataclass(frozen=True)
class MessageSettings:
    mail_host: str
    mail_port: int
    mail_security: str
    mail_user: str
    mail_from: str
    sms_url: str
    sms_sender: str
    keyring_available: bool
    keyring_message: str  # "" when available, else why secrets cannot be kept, in plain words
    mail_password_saved: bool
    sms_token_saved: bool

    @property
    def mail_ready(self) -> bool:
        return bool(self.mail_host and self.mail_from)

    @property
    def sms_ready(self) -> bool:
        return bool(self.sms_url)


def _stored(practice: Practice) -> dict:
    s = practice.settings()
    return {k: s.get(k, d) for k, d in MESSAGE_DEFAULTS.items()}


def mail_secret_name(host: str, user: str) -> str:
    return f"smtp-password:{user}@{host}"


def sms_secret_name(url: str) -> str:
    return f"sms-token:{url}"


def _saved(name: str | None) -> bool:
    if name is None:
        return False
    try:
        return keyring_store.get_secret(name) is not None
    except keyring_store.NoKeyring:
        return False


def get_message_settings(practice: Practice, actor: Actor) -> MessageSettings:
    """The message settings, whether a password and token are saved on this computer, and whether it
    has a keyring at all (never the secrets themselves)."""
    require_front_desk(actor)
    s = _stored(practice)
    ok, why = keyring_store.available()
    mail_name = mail_secret_name(s["mail_host"], s["mail_user"]) if s["mail_host"] and s["mail_user"] else None
    sms_name = sms_secret_name(s["sms_url"]) if s["sms_url"] else None
    return MessageSettings(**s, keyring_available=ok, keyring_message=why,
                           mail_password_saved=ok and _saved(mail_name), sms_token_saved=ok and _saved(sms_name))


def _host(field: str, value) -> str:
    value = validate.text(field, value, 253, required=False)
    if value and (any(c.isspace() for c in value) or "/" in value or "@" in value):
        raise ValidationError(field, "must be a server name like smtp.example.com (no spaces, / or @)")
    return value


def _url(field: str, value) -> str:
    value = validate.text(field, value, 500, required=False)
    if value:
        parts = urllib.parse.urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
            raise ValidationError(field, "must be a web address starting with https:// (or http://)")
    return value


def _check(key: str, value):
    if key == "mail_host":
        return _host("mail server", value)
    if key == "mail_port":
        return validate.whole("mail server port", value, 1, 65535)
    if key == "mail_security":
        return validate.choice("mail connection security", value, SECURITY)
    if key == "mail_user":
        return validate.text("mail user name", value, 254, required=False)
    if key == "mail_from":
        return validate.email("sender address", value)
    if key == "sms_url":
        return _url("SMS provider address", value)
    if key == "sms_sender":
        return validate.text("SMS sender", value, 40, required=False)
    raise ValidationError(str(key)[:40], "is not a message setting")


def update_message_settings(practice: Practice, actor: Actor, **changes) -> MessageSettings:
    """Change some message settings (admin only). All are checked before any is written; no secret is
    ever one of them (``set_mail_password``, ``set_sms_token``)."""
    require_role(actor, Role.ADMIN)
    clean = {k: _check(k, v) for k, v in changes.items()}
    if clean:
        with practice.uow() as tx:
            for k, v in clean.items():
                tx.merge(Setting(key=k, value=json.dumps(v)))
            audit.record(tx, practice, actor, "messages.settings", "setting", None, keys=sorted(clean))
        practice.settings_changed()
    return get_message_settings(practice, actor)


def _store_secret(practice: Practice, actor: Actor, name: str, secret: str, what: str) -> None:
    try:
        if secret:
            keyring_store.set_secret(name, secret)
        else:
            keyring_store.delete_secret(name)
    except keyring_store.NoKeyring as exc:
        raise NoSecretStore(str(exc)) from None
    with practice.uow() as tx:  # who changed it and when; never the secret
        audit.record(tx, practice, actor, f"messages.{what}_{'set' if secret else 'cleared'}", "setting", None)


def set_mail_password(practice: Practice, actor: Actor, password: str) -> None:
    """Keep the SMTP password in this computer's keyring for the saved server and user ("" forgets
    it). Without a keyring raises ``NoSecretStore`` and stores nothing (SPEC 0.6)."""
    require_role(actor, Role.ADMIN)
    password = validate.given_password("mail password", password)
    s = _stored(practice)
    if not (s["mail_host"] and s["mail_user"]):
        raise ValidationError("mail password", "save the mail server and user name first")
    _store_secret(practice, actor, mail_secret_name(s["mail_host"], s["mail_user"]), password, "mail_password")


def set_sms_token(practice: Practice, actor: Actor, token: str) -> None:
    """Keep the SMS provider's token in this computer's keyring ("" forgets it); as set_mail_password."""
    require_role(actor, Role.ADMIN)
    token = validate.given_password("SMS token", token)
    if any(c in token for c in "\r\n"):
        raise ValidationError("SMS token", "must be on one line")
    s = _stored(practice)
    if not s["sms_url"]:
        raise ValidationError("SMS token", "save the SMS provider address first")
    _store_secret(practice, actor, sms_secret_name(s["sms_url"]), token, "sms_token")


# -- for the outbox (not called by views) --------------------------------------------------------
def smtp_config(practice: Practice) -> tuple[SmtpConfig | None, str]:
    """The SMTP settings and the password name in the keyring, or (None, why e-mail cannot go)."""
    s = _stored(practice)
    if not s["mail_host"] or not s["mail_from"]:
        return None, "E-mail is not set up yet: an admin enters the mail server in Settings > Messages."
    return SmtpConfig(s["mail_host"], s["mail_port"], s["mail_security"], s["mail_user"], s["mail_from"],
                      practice.settings().get("practice_name", "")), mail_secret_name(s["mail_host"], s["mail_user"])


def sms_config(practice: Practice) -> tuple[SmsConfig | None, str]:
    s = _stored(practice)
    if not s["sms_url"]:
        return None, "SMS is not set up yet: an admin enters the SMS provider in Settings > Messages."
    return SmsConfig(s["sms_url"], s["sms_sender"]), sms_secret_name(s["sms_url"])

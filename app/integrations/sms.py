"""Sending one SMS through an HTTP provider (SPEC 7.2): a JSON POST of ``{"to", "body"}`` (and
``"from"`` when a sender is set) to the configured URL with ``Authorization: Bearer <token>``.
Any 2xx answer is success; anything else is an ``SmsError`` with a plain message (the token never
appears in it)."""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class SmsConfig:
    url: str  # http:// or https://
    sender: str = ""  # a sender name or number, when the provider takes one
    timeout: float = 20.0


class SmsError(Exception):
    """The provider did not take the message; ``str()`` says why, for the outbox's error column."""


def send_sms(config: SmsConfig, token: str | None, to: str, body: str) -> None:
    if not token:
        raise SmsError("No SMS provider token is saved for this computer (Settings > Messages).")
    payload = {"to": to, "body": body}
    if config.sender:
        payload["from"] = config.sender
    request = urllib.request.Request(
        config.url, data=json.dumps(payload).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 "Authorization": f"Bearer {token}", "User-Agent": "PracticeDesk"})
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as answer:  # noqa: S310 - URL set by the admin
            answer.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip()
        raise SmsError(f"The SMS provider answered {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) \
            from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            text = "the connection was refused"
        elif isinstance(reason, socket.gaierror):
            text = "the server name is not known"
        elif isinstance(reason, TimeoutError):
            text = "it did not answer in time"
        else:
            text = str(reason)
        raise SmsError(f"Could not reach the SMS provider: {text}") from None
    except (TimeoutError, OSError) as exc:
        raise SmsError(f"Could not reach the SMS provider: {exc or type(exc).__name__}") from None

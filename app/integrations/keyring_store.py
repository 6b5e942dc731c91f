"""Secrets in the OS keyring only (SPEC 0.6): the SMTP password, the SMS provider's token.

Where the machine has no usable keyring (a Linux session without a Secret Service daemon, a
bare server), every call raises ``NoKeyring`` with a plain reason and nothing is stored anywhere
else: never in the practice file, a settings file or a log. ``keyrings.alt`` is not used (it keeps
secrets as base64 plain text). ``keyring`` is imported on first use (it reads entry points,
which start-up does not need)."""
from __future__ import annotations

SERVICE = "Practice Desk"

NO_KEYRING = ("This computer has no password store (keyring) that Practice Desk can use, so the "
              "password cannot be saved. Nothing was stored. On Windows and macOS the system keeps "
              "one; on Linux, start a Secret Service such as GNOME Keyring or KWallet and try again.")


class NoKeyring(Exception):
    """No usable keyring, or it refused the request; ``str()`` is the plain message for people."""

    def __init__(self, message: str = NO_KEYRING):
        super().__init__(message)


def _backend():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise NoKeyring()
    try:
        priority = backend.priority
    except Exception:  # noqa: BLE001 - a backend that cannot say whether it works does not
        priority = 0
    if priority is not None and priority <= 0 and type(backend).__module__.startswith("keyring.backends"):
        # keyring's own backends say "not usable here" with a priority of 0 or less (e.g. a chainer
        # with nothing under it); a backend installed by the user or a test is trusted as given
        raise NoKeyring()
    return backend


def available() -> tuple[bool, str]:
    """(True, "") when secrets can be kept, else (False, the reason in plain words)."""
    try:
        _backend()
    except NoKeyring as exc:
        return False, str(exc)
    return True, ""


def _call(what, *args):
    from keyring.errors import KeyringError

    backend = _backend()
    try:
        return getattr(backend, what)(*args)
    except KeyringError as exc:
        # the message of a keyring error never holds the secret; its type says enough
        raise NoKeyring(f"The system password store refused the request ({type(exc).__name__}). "
                        "Nothing was stored.") from None


def set_secret(name: str, value: str) -> None:
    """Keep ``value`` under ``name``; raises NoKeyring (and stores nothing) without a keyring."""
    _call("set_password", SERVICE, name, value)


def get_secret(name: str) -> str | None:
    """The secret kept under ``name``, or None; raises NoKeyring without a keyring."""
    return _call("get_password", SERVICE, name)


def delete_secret(name: str) -> None:
    """Forget the secret under ``name`` (nothing happens when there is none)."""
    from keyring.errors import KeyringError, PasswordDeleteError

    backend = _backend()
    try:
        backend.delete_password(SERVICE, name)
    except PasswordDeleteError:
        pass
    except KeyringError as exc:
        raise NoKeyring(f"The system password store refused the request ({type(exc).__name__}).") from None

"""Slow salted password hashes (SPEC 1.2) with the standard library's scrypt.

A stored hash names its own parameters (``scrypt$N$r$p$salt$digest``), so a hash is always
checked with the parameters it was made with, and one made with weaker parameters than today's
is recognised (``needs_rehash``) and replaced at the next successful sign-in.

``PARAMS`` is the work factor for new hashes. It is OWASP's (Password Storage Cheat Sheet:
scrypt N=2^17, r=8, p=1, about 128 MiB and a few hundred milliseconds per hash) and nothing
in the app lowers it: no environment variable or setting reads into it. Only the test suite
assigns a cheaper value (tests/conftest.py), so that thousands of test users do not each cost
a production hash; tests/services/test_sign_in.py proves the production default.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import NamedTuple


class ScryptParams(NamedTuple):
    n: int
    r: int
    p: int


OWASP = ScryptParams(n=2**17, r=8, p=1)
PARAMS = OWASP  # for new hashes; tests/conftest.py lowers it for the test session only
MAXMEM = 256 * 1024 * 1024  # scrypt needs 128 * n * r * p bytes (128 MiB for OWASP's); OpenSSL's default is 32 MiB
DKLEN = 32
_SALT = 16


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _scrypt(password: str, salt: bytes, params: ScryptParams, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=params.n, r=params.r, p=params.p, maxmem=MAXMEM,
                          dklen=dklen)


def _format(params: ScryptParams, salt: bytes, digest: bytes) -> str:
    return f"scrypt${params.n}${params.r}${params.p}${_b64(salt)}${_b64(digest)}"


def _parse(stored) -> tuple[ScryptParams, bytes, bytes] | None:
    """The parameters, salt and digest of a stored hash, or None when it is not one of ours."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return None
        params = ScryptParams(int(n), int(r), int(p))
        raw_salt, raw_digest = base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except (AttributeError, ValueError):  # not text, wrong number of parts, not numbers, not base64
        return None
    if min(params) < 1 or not raw_digest:
        return None
    return params, raw_salt, raw_digest


def hash_password(password: str) -> str:
    """A new hash with the current parameters and a fresh random salt (one scrypt)."""
    salt = os.urandom(_SALT)
    return _format(PARAMS, salt, _scrypt(password, salt, PARAMS, DKLEN))


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``, checked with the parameters stored in it (one
    scrypt). A malformed hash, or one whose parameters this machine cannot compute, never matches."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    params, salt, digest = parsed
    try:
        got = _scrypt(password, salt, params, len(digest))
    except ValueError:  # e.g. n not a power of two, or more memory than MAXMEM
        return False
    return hmac.compare_digest(got, digest)


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with weaker parameters than ``PARAMS`` (or is not ours)."""
    parsed = _parse(stored)
    if parsed is None:
        return True
    params, _salt, digest = parsed
    return params.n < PARAMS.n or params.r < PARAMS.r or params.p < PARAMS.p or len(digest) < DKLEN


_dummy: dict[ScryptParams, str] = {}


def dummy_hash() -> str:
    """A hash that no password matches, with the current parameters, made once per process.

    A sign-in with an unknown or inactive user name is checked against it, so it costs exactly
    one scrypt, like a wrong password for a real user (SPEC 1.2: names cannot be found by timing).
    Its digest is random bytes rather than the result of a hash, so making it costs nothing."""
    params = PARAMS
    if params not in _dummy:
        _dummy[params] = _format(params, os.urandom(_SALT), os.urandom(DKLEN))
    return _dummy[params]

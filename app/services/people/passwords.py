"""Slow salted password hashes (SPEC 1.2) with the standard library's scrypt."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

# ~50 ms per hash on this hardware: slow enough to make guessing expensive.
N, R, P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         dklen=len(base64.b64decode(digest)))
    return hmac.compare_digest(got, base64.b64decode(digest))

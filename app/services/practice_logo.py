"""The practice's logo on invoices, credit notes, receipts and statements (issue 14, SPEC 9.2).

The image itself is kept in the practice file (a PNG or JPEG of at most 512 KB), not as a path: a path
on one workstation means nothing at the others, and a backup must carry the logo too. Documents are
drawn from a file, so ``logo_path`` writes the stored image once to the temporary folder (named by its
content, so a new logo is a new file) and hands that path to the renderers.
"""
from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy import select

from ..models import Setting
from . import audit
from .errors import ValidationError
from .people.permissions import require_role
from .practice import LOGO_KEY, Actor, Practice

MAX_BYTES = 512 * 1024
KINDS = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}


def _kind(data: bytes) -> str:
    for magic, suffix in KINDS.items():
        if data.startswith(magic):
            return suffix
    raise ValidationError("logo", "must be a PNG or JPEG picture")


def set_logo(practice: Practice, actor: Actor, data: bytes | None) -> None:
    """Store a new logo (the image file's bytes), or remove it with ``None``. Admin only."""
    if data is not None and not isinstance(data, bytes):
        raise ValidationError("logo", "must be a picture file")
    require_role(actor, "admin")
    if data is not None:
        if not data:
            raise ValidationError("logo", "the file is empty")
        if len(data) > MAX_BYTES:
            raise ValidationError("logo", f"is too large: at most {MAX_BYTES // 1024} KB")
        _kind(data)
    with practice.uow() as tx:
        row = tx.get(Setting, LOGO_KEY)
        if data is None:
            if row is not None:
                tx.delete(row)
        elif row is None:
            tx.add(Setting(key=LOGO_KEY, value=base64.b64encode(data).decode("ascii")))
        else:
            row.value = base64.b64encode(data).decode("ascii")
        audit.record(tx, practice, actor, "settings.logo", "setting", None, removed=data is None,
                     size=len(data or b""))


def get_logo(practice: Practice) -> bytes | None:
    """The stored logo's bytes, or None."""
    with practice.read() as tx:
        value = tx.scalar(select(Setting.value).where(Setting.key == LOGO_KEY))
    return base64.b64decode(value) if value else None


def logo_path(practice: Practice) -> Path | None:
    """A file holding the stored logo, for the document renderers; None when there is none."""
    data = get_logo(practice)
    if not data:
        return None
    path = Path(tempfile.gettempdir()) / f"practice-desk-logo-{hashlib.sha256(data).hexdigest()[:16]}{_kind(data)}"
    if not path.exists() or path.stat().st_size != len(data):
        # a part file of its own: two processes (or threads) writing the same logo at once each
        # replace the file whole with the same bytes, never each other's half-written part
        fd, part = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(part, path)
        except BaseException:
            Path(part).unlink(missing_ok=True)
            raise
    return path

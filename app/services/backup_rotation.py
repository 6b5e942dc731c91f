"""Which backups to keep (SPEC 0.7): a pure function over (time, kind), so it is tested without files.

Kept: the newest backup of each of the last 14 days that have one, the newest of each of the last
12 months that have one, always the 3 newest overall, and every manual, before-restore and
before-upgrade backup of the last 90 days. Days and months are those of the times as given (the practice's local time).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol, TypeVar

KEEP_DAYS = 14
KEEP_MONTHS = 12
KEEP_NEWEST = 3
KEEP_ASKED_FOR = timedelta(days=90)
ASKED_FOR_KINDS = frozenset({"manual", "before-restore", "before-upgrade"})  # made for a reason, not by the clock


class Stamped(Protocol):
    @property
    def taken_at(self) -> datetime: ...
    @property
    def kind(self) -> str: ...


class Stamp(NamedTuple):
    """The least a backup needs for rotation; BackupInfo has the same two fields."""

    taken_at: datetime
    kind: str


B = TypeVar("B", bound=Stamped)


def _newest_per(ordered: Sequence[B], bucket: Callable[[datetime], Hashable], limit: int) -> list[B]:
    """``ordered`` newest first: the first backup of each bucket, for the ``limit`` newest buckets."""
    seen: dict[Hashable, B] = {}
    for b in ordered:
        key = bucket(b.taken_at)
        if key not in seen:
            if len(seen) == limit:
                break
            seen[key] = b
    return list(seen.values())


def backups_to_delete(backups: Iterable[B], now: datetime) -> list[B]:
    """The backups the rotation lets go, newest first. Everything else is kept."""
    ordered = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    keep = {id(b) for b in ordered[:KEEP_NEWEST]}
    keep |= {id(b) for b in _newest_per(ordered, lambda t: t.date(), KEEP_DAYS)}
    keep |= {id(b) for b in _newest_per(ordered, lambda t: (t.year, t.month), KEEP_MONTHS)}
    keep |= {id(b) for b in ordered if b.kind in ASKED_FOR_KINDS and now - b.taken_at <= KEEP_ASKED_FOR}
    return [b for b in ordered if id(b) not in keep]

"""How a backup is named on screen: its date and time, its kind in words, its size."""
from __future__ import annotations

from babel.units import format_unit

KIND_WORDS = {
    "auto": "Automatic",
    "manual": "Back Up Now",
    "before-restore": "Kept before a restore",
    "before-upgrade": "Kept before an upgrade",
}


def kind_text(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)


def when_text(taken_at) -> str:
    """In the practice time zone (the service gives it so): ``Tue 01 Dec 2026, 04:41``."""
    return f"{taken_at:%a %d %b %Y, %H:%M}"


def size_text(size_bytes: int, locale: str = "en_US") -> str:
    """``340 kB``, ``1.2 MB`` (decimal units, as file managers show them)."""
    if size_bytes < 1_000_000:
        return format_unit(max(1, round(size_bytes / 1000)), "digital-kilobyte", length="short", locale=locale)
    return format_unit(size_bytes / 1_000_000, "digital-megabyte", length="short", locale=locale,
                       format="#,##0.#")

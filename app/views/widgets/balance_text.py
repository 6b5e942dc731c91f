"""A client's balance as people say it, in the client list and the client record."""
from __future__ import annotations

from PySide6.QtGui import QColor

OWES = QColor("#c53030")
CREDIT = QColor("#2f855a")
MUTED = QColor("#8a94a6")


def balance_text(cents: int, money) -> str:
    """A balance as people say it: negative = the client owes, positive = credit on account."""
    if cents < 0:
        return f"Owes {money(-cents)}"
    if cents > 0:
        return f"Credit {money(cents)}"
    return "\u2014"


def balance_color(cents: int) -> QColor | None:
    return OWES if cents < 0 else CREDIT if cents > 0 else None

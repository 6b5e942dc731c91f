"""How a session's status is drawn on the calendar: symbol, colour, struck out or not.

A cancellation that charged the client (a "Late Cancel" at 50%, SPEC 4.4) is drawn apart from a
free one: no strike-through and its own symbol and colour, since the client still pays."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape

from PySide6.QtGui import QColor

from ...services.scheduling.calendar_rows import CalendarRow
from ...services.scheduling.session_views import SessionView
from .. import style

Shown = CalendarRow | SessionView  # what the calendar shows: light rows, or a full view

CHARGED_CANCEL_SYMBOL = "\u2298"  # ⊘: canceled, but charged
CHARGED_CANCEL_COLOR = QColor("#b7791f")


@dataclass(frozen=True)
class StatusLook:
    key: str  # open | completed | missed | canceled | charged_cancel
    symbol: str
    color: QColor
    strike: bool  # a free cancellation is crossed out


def charged(s: Shown) -> bool:
    return any((c.charge_cents or 0) > 0 for c in s.clients)


def status_look(s: Shown) -> StatusLook:
    return look_of(s.status, s.status == "canceled" and charged(s))


@lru_cache(maxsize=32)
def look_of(status: str, charged_cancel: bool) -> StatusLook:
    """The look of a status (made once: a week's blocks ask for the same few)."""
    if charged_cancel:
        return StatusLook("charged_cancel", CHARGED_CANCEL_SYMBOL, CHARGED_CANCEL_COLOR, False)
    return StatusLook(status, style.STATUS_SYMBOLS[status], style.STATUS_COLORS.get(status, style.TEXT),
                      status == "canceled")


def status_text(s: Shown) -> str:
    """The status as people read it, symbol first: '✓ Completed', '⊘ Late Cancel'."""
    return f"{status_look(s).symbol} {s.label}"


def status_html(s: Shown, bold: bool = True) -> str:
    """``status_text`` in the calendar's colour for that status."""
    weight = "; font-weight: bold" if bold else ""
    return f"<span style='color: {status_look(s).color.name()}{weight}'>{escape(status_text(s))}</span>"


def legend_html() -> str:
    """Each status with its symbol and colour as the calendar draws them, charged cancellations too."""
    looks = [(style.STATUS_COLORS[k], style.STATUS_SYMBOLS[k], k.capitalize())
             for k in ("open", "completed", "missed", "canceled")]
    looks.append((CHARGED_CANCEL_COLOR, CHARGED_CANCEL_SYMBOL, "Canceled, charged"))
    return "&nbsp;&nbsp;".join(f'<span style="color:{c.name()}">{sym} {escape(name)}</span>' for c, sym, name in looks)

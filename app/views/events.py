"""Application-wide change signals. A view that changes data through a service emits one;
every open view that shows such data refreshes itself. Services know nothing about this."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Events(QObject):
    sessions_changed = Signal()
    clients_changed = Signal()
    ledger_changed = Signal()
    catalog_changed = Signal()  # practitioners, services, locations or completion types
    messages_changed = Signal()  # e-mails and texts queued (the outbox)


def events_near(widget) -> Events | None:
    """The application's ``Events`` as the window owning ``widget`` keeps it (the main window's
    ``events``), found up the parent chain; None for a widget shown on its own (tests)."""
    w = widget
    while w is not None:
        found = getattr(w, "events", None)
        if isinstance(found, Events):
            return found
        w = w.parent()
    return None

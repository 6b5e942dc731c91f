"""Application-wide change signals. A view that changes data through a service emits one;
every open view that shows such data refreshes itself. Services know nothing about this."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Events(QObject):
    sessions_changed = Signal()
    clients_changed = Signal()
    ledger_changed = Signal()
    catalog_changed = Signal()  # practitioners, services, locations or completion types

"""Live refresh (issue 17 item 2): what another workstation (or another window on this computer)
saves shows here within about a second, without a click. A timer asks ``changes.ChangeWatcher``
what kinds of data changed and emits only the matching change signals, so only the views that show
them refresh. While a mouse button is down (a drag on the calendar) the refresh waits for the
release, so nothing is redrawn under the user's hand."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from ..services import changes
from ..services.errors import ServiceError

INTERVAL_MS = 1000


class LiveRefresh(QObject):
    def __init__(self, parent, practice, events, start: bool = True):
        super().__init__(parent)
        self.events = events
        self.pending: set[str] = set()
        try:
            self.watcher = changes.ChangeWatcher(practice)
        except (ServiceError, OSError):
            self.watcher = None  # the file cannot be watched: the views refresh on this window's own saves
        self.timer = QTimer(self, interval=INTERVAL_MS, objectName="liveRefreshTimer")
        self.timer.timeout.connect(self.check)
        if start and self.watcher is not None:
            self.timer.start()

    def check(self) -> None:
        if self.watcher is None:
            return
        try:
            self.pending |= self.watcher.poll()
        except (ServiceError, OSError):
            return  # busy or briefly unreadable: asked again at the next tick
        if not self.pending or QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            return
        kinds, self.pending = self.pending, set()
        if changes.CATALOG in kinds or changes.SETTINGS in kinds:
            self.events.catalog_changed.emit()
        if changes.SESSIONS in kinds or changes.SETTINGS in kinds:
            self.events.sessions_changed.emit()
        if changes.CLIENTS in kinds:
            self.events.clients_changed.emit()
        if changes.LEDGER in kinds:
            self.events.ledger_changed.emit()
        if changes.MESSAGES in kinds:
            self.events.messages_changed.emit()

    def stop(self) -> None:
        self.timer.stop()
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None

"""Sending outbox messages off the GUI thread (ARCHITECTURE "Views": long work never freezes the
window): a worker in a QThread calls ``outbox.send_message`` for each message, one at a time (each
its own transactions), while a QProgressDialog shows how far it got. Stop ends the run before the
next message; the one being sent finishes and keeps its result. ``finished`` carries the results."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...services.errors import ServiceError
from ...services.messaging import outbox

# Threads still running whose window has closed: kept here until they end, so Qt never destroys a
# running QThread (which aborts the program). The message in flight finishes and keeps its result.
_RUNNING: set = set()


class _Worker(QObject):
    one_done = Signal(int, object)  # index, OutboxView (or the ServiceError that stopped it)
    all_done = Signal()

    def __init__(self, practice, actor, ids):
        super().__init__()
        self.practice, self.actor, self.ids = practice, actor, list(ids)
        self.stop = threading.Event()

    @Slot()
    def run(self) -> None:
        for i, mid in enumerate(self.ids):
            if self.stop.is_set():
                break
            try:
                result = outbox.send_message(self.practice, self.actor, mid)
            except ServiceError as exc:  # gone, busy: shown on that message's line, the run goes on
                result = exc
            self.one_done.emit(i, result)
        self.all_done.emit()


class OutboxSender(QObject):
    """``OutboxSender(parent, practice, actor, ids).start()``; ``finished(results)`` when it ends
    (``results``: an OutboxView or ServiceError per message sent; fewer than ``ids`` if stopped)."""

    finished = Signal(list)

    def __init__(self, parent: QWidget, practice, actor, ids, what: str = "messages"):
        super().__init__(parent)
        self.ids, self.what = list(ids), what
        self.results: list = []
        self.stopped = False
        self.running = False
        self.progress = QProgressDialog(f"Sending {what}…", "Stop", 0, len(self.ids), parent)
        self.progress.setObjectName("outboxProgress")
        self.progress.setWindowTitle("Sending")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumWidth(380)
        self.progress.canceled.connect(self.stop)
        self.thread = QThread()  # no parent: it outlives a window closed mid-run (see _RUNNING)
        self.thread.setObjectName("outboxSenderThread")
        self.worker = _Worker(practice, actor, self.ids)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.one_done.connect(self._one_done)
        self.worker.all_done.connect(self.thread.quit)
        self.thread.finished.connect(self._finish)
        pair = (self.thread, self.worker)
        self.thread.finished.connect(lambda: _RUNNING.discard(pair))
        stop = self.worker.stop
        self.destroyed.connect(lambda *_: stop.set())  # the window went: no further message

    def start(self) -> None:
        _RUNNING.add((self.thread, self.worker))
        self.running = True
        self.progress.setLabelText(self._label(0))
        self.progress.show()
        self.thread.start()

    def stop(self) -> None:
        """Stop before the next message (the progress dialog's Stop button)."""
        self.stopped = True
        self.worker.stop.set()
        self.progress.setLabelText("Stopping after the message being sent…")

    def wait(self, ms: int = 30_000) -> bool:
        return self.thread.wait(ms)

    def _label(self, done: int) -> str:
        failed = sum(1 for r in self.results if not getattr(r, "status", None) == "sent")
        text = f"Sending {self.what}: {done} of {len(self.ids)} done"
        return text + (f", {failed} not sent." if failed else ".")

    @Slot(int, object)
    def _one_done(self, index: int, result) -> None:
        self.results.append(result)
        self.progress.setValue(index + 1)
        if not self.stopped:
            self.progress.setLabelText(self._label(index + 1))

    @Slot()
    def _finish(self) -> None:
        self.running = False
        self.progress.close()
        self.finished.emit(self.results)

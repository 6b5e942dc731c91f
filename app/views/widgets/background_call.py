"""One service call off the GUI thread (ARCHITECTURE "Views": the window never freezes), for calls
that wait on the network, such as charging a card or asking Stripe about saved cards: a worker in a
QThread runs ``fn(*args)`` while a small window-modal dialog says what it waits for. There is no
Stop: the call has its own time limit, and stopping it half-way would leave its outcome unknown.
``finished`` carries the call's result, or the exception it raised (a ServiceError in plain words,
or an unexpected error the caller shows as such)."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

# Threads still running whose window has closed: kept until they end, so Qt never destroys a running
# QThread (which aborts the program). The call finishes and keeps its result in the practice file.
_RUNNING: set = set()


class _Worker(QObject):
    done = Signal(object)

    def __init__(self, fn, args):
        super().__init__()
        self.fn, self.args = fn, args

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(*self.args)
        except Exception as exc:  # noqa: BLE001 - handed to the window, which says what went wrong
            result = exc
        self.done.emit(result)


class BackgroundCall(QObject):
    """``BackgroundCall(parent, text, fn, *args).start()``; ``finished(result)`` when it ends.
    ``result`` is what ``fn`` returned, or the exception it raised."""

    finished = Signal(object)

    def __init__(self, parent: QWidget, text: str, fn, *args, title: str = "Please wait"):
        super().__init__(parent)
        self.running = False
        self.result = None
        self.progress = QProgressDialog(text, None, 0, 0, parent)  # no Stop button, a busy bar
        self.progress.setObjectName("backgroundProgress")
        self.progress.setWindowTitle(title)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumWidth(400)
        self.thread = QThread()  # no parent: it outlives a window closed mid-call (see _RUNNING)
        self.thread.setObjectName("backgroundCallThread")
        self.worker = _Worker(fn, args)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.done.connect(self._done)
        # quit from the worker's own thread (QThread.quit is thread-safe): the thread ends as soon as
        # the call returns, even while the GUI thread is busy with the answer or waits on the thread
        self.worker.done.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        pair = (self.thread, self.worker)
        self.thread.finished.connect(lambda: _RUNNING.discard(pair))

    def start(self) -> None:
        _RUNNING.add((self.thread, self.worker))
        self.running = True
        self.progress.show()
        self.thread.start()

    def wait(self, ms: int = 30_000) -> bool:
        return self.thread.wait(ms)

    @Slot(object)
    def _done(self, result) -> None:
        self.running = False
        self.result = result
        self.progress.close()
        self.finished.emit(result)

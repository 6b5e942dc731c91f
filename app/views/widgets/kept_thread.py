"""A worker run in a QThread that is kept alive until it ends, for the background runners of the main
window (reminders, automatic invoicing, card links). The thread has no parent, so it may outlive the
window that started it; it is held in ``_RUNNING`` until it finishes, because Qt aborts the program if
a running QThread is destroyed."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread

_RUNNING: set = set()


def start_kept(worker: QObject, name: str, on_done, quit_direct: bool = False) -> QThread:
    """Move ``worker`` (a ``run`` slot and a ``done`` signal) to a new thread named ``name`` and start
    it; ``on_done(result)`` runs on the GUI thread. ``quit_direct``: the thread quits from the worker's
    side as the call ends (needed where a test waits on the thread while the GUI thread is busy)."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.done.connect(on_done)
    if quit_direct:
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    else:
        worker.done.connect(thread.quit)
    pair = (thread, worker)
    thread.finished.connect(lambda: _RUNNING.discard(pair))
    _RUNNING.add(pair)
    thread.start()
    return thread

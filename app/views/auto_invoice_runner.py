"""Automatic invoicing in the background (SPEC 10.2): once the main window is up for a front-desk
user, the runs that are due (cycles missed while the app was closed: catch-up, or a run left
unfinished) are made off the GUI thread by ``auto_invoicing.run_due`` under a progress dialog whose
Stop ends the run before the next client (the rest is done at the next run). While the window stays
open it checks again every few minutes, then quietly, without the dialog. The status bar says what
was done; the history (Accounting ▸ Auto Invoices ▸ Auto History…) says it client by client.

The service makes each cycle once, whichever desk or scheduled task gets there first, so two windows
(or a window and ``practice-desk run-due``) at once are safe."""
from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog

from ..services.billing import auto_invoicing
from ..services.errors import ServiceError
from .widgets.kept_thread import start_kept

CHECK_MS = 5 * 60 * 1000  # every five minutes
FIRST_MS = 2000  # the first check, once the window has painted


class _Worker(QObject):
    progressed = Signal(int, int, str)
    done = Signal(object)  # RunSummary, or the error that stopped the run

    def __init__(self, practice, actor):
        super().__init__()
        self.practice, self.actor = practice, actor
        self.stop = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            result: object = auto_invoicing.run_due(self.practice, self.actor, auto_invoicing.APP,
                                                    progress=self.progressed.emit, should_stop=self.stop.is_set)
        except ServiceError as exc:  # busy at another desk: the next check tries again
            result = exc
        except Exception as exc:  # noqa: BLE001 - a background run must never take the app down
            traceback.print_exc()
            result = exc
        self.done.emit(result)


class AutoInvoiceRunner(QObject):
    """``AutoInvoiceRunner(window, practice, actor, start=True)``; ``finished(result)`` after each run."""

    finished = Signal(object)

    def __init__(self, window, practice, actor, start: bool = True, interval_ms: int = CHECK_MS,
                 first_ms: int = FIRST_MS):
        super().__init__(window)
        self.setObjectName("autoInvoiceRunner")
        self.window, self.practice, self.actor = window, practice, actor
        self.first_ms = first_ms
        self.timer = QTimer(self, objectName="autoInvoiceTimer", interval=interval_ms)
        self.timer.timeout.connect(lambda: self.run_now(show_progress=False))
        self.running = False
        self.was_on = False
        self.last: object = None
        self.progress: QProgressDialog | None = None
        self._worker: _Worker | None = None
        if start:
            self.start()

    def start(self) -> None:
        """Catch up now (once the window is up, with a progress dialog) and check every few minutes;
        only for the front desk, who make invoices (SPEC 1.1)."""
        if not self.actor.is_front_desk:
            return
        self.timer.start()
        QTimer.singleShot(self.first_ms, self, lambda: self.run_now(show_progress=True))

    def pause(self) -> None:
        """Signing out: no further run from this window; the client being invoiced finishes."""
        self.was_on = self.was_on or self.timer.isActive()
        self.timer.stop()
        if self._worker is not None:
            self._worker.stop.set()

    def run_now(self, show_progress: bool = True) -> bool:
        """Start the runs that are due off the GUI thread; False when none is due, one is going, or
        this window is done."""
        if self.running or not self.timer.isActive() or not self.window.isVisible():
            return False
        try:  # a short read: nothing starts, and no dialog shows, when nothing is due
            if not auto_invoicing.due_count(self.practice, self.actor):
                return False
        except ServiceError:
            return False
        self.running = True
        worker = self._worker = _Worker(self.practice, self.actor)
        worker.progressed.connect(self._progressed)
        if show_progress:
            self.progress = QProgressDialog("Automatic invoicing: catching up on the runs that are due…", "Stop",
                                            0, 0, self.window)
            self.progress.setObjectName("autoInvoiceProgress")
            self.progress.setWindowTitle("Automatic invoicing")
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(0)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.setMinimumWidth(460)
            self.progress.canceled.connect(self.stop)
            self.progress.show()
        start_kept(worker, "autoInvoiceThread", self._done)
        return True

    def stop(self) -> None:
        """The progress dialog's Stop: the run stops before the next client."""
        if self._worker is not None:
            self._worker.stop.set()
        if self.progress is not None:
            self.progress.setLabelText("Stopping after the client being invoiced…")

    @Slot(int, int, str)
    def _progressed(self, done: int, total: int, text: str) -> None:
        if self.progress is not None and not self._worker.stop.is_set():
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)
            self.progress.setLabelText(text)

    @Slot(object)
    def _done(self, result) -> None:
        self.running = False
        self._worker = None
        self.last = result
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        text = summary(result)
        if text and self.window.isVisible():
            self.window.statusBar().showMessage(text, 120_000)
        events = getattr(self.window, "events", None)
        if isinstance(result, auto_invoicing.RunSummary) and result.invoices and events is not None:
            events.ledger_changed.emit()  # an open invoices list or client record shows the new invoices
        self.finished.emit(result)


def summary(result) -> str:
    """What the status bar says after a run ("" when nothing was due)."""
    if isinstance(result, auto_invoicing.RunSummary):
        if not result.cycles:
            return ""
        n = len(result.cycles)
        text = f"Automatic invoicing: {n} run{'s' * (n != 1)}, {result.invoices} invoice{'s' * (result.invoices != 1)}"
        if result.failed:
            text += f", {result.failed} client{'s' * (result.failed != 1)} could not be invoiced"
        if result.emails_failed:
            text += f", {result.emails_failed} e-mail{'s' * (result.emails_failed != 1)} not sent"
        if result.stopped:
            text += "; stopped, the rest is done at the next run"
        return text + (" (see Accounting ▸ Auto Invoices ▸ Auto History)." if not result.ok or result.stopped
                       else ".")
    if isinstance(result, ServiceError):
        return "Automatic invoicing could not run just now; it is tried again in a few minutes."
    return "Automatic invoicing stopped because of an unexpected problem; it is tried again later."

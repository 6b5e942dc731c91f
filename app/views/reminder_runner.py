"""Reminders in the background (SPEC 7.4): once the main window is up for a front-desk user, and then
every few minutes while it stays open, a worker in a QThread queues the reminders that are due and
sends the waiting ones through the outbox, one message at a time. The window never waits for it.

Nothing is in the way: a run that sent nothing says nothing; one that did says so in the status
bar; a message that could not go (mail not set up, server down) is recorded as failed in the outbox
by the service, and a run that could not start (another desk saving) is simply tried again at the
next check. The timer stops when the user signs out (``pause``); the next user's window starts its
own."""
from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..models.enums import MessageStatus
from ..services.errors import ServiceError
from ..services.messaging import outbox, reminders
from .widgets.kept_thread import _RUNNING, start_kept  # noqa: F401 - _RUNNING: tests wait on it

CHECK_MS = 5 * 60 * 1000  # every five minutes
FIRST_MS = 1500  # the first check, once the window has painted


@dataclass(frozen=True)
class RunResult:
    queued: reminders.ReminderRun
    sent: int
    failed: int


class _Worker(QObject):
    done = Signal(object)  # RunResult, or the error that stopped the run

    def __init__(self, practice, actor):
        super().__init__()
        self.practice, self.actor = practice, actor
        self.stop = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            queued = reminders.queue_due_reminders(self.practice, self.actor)
            sent = failed = 0
            for mid in reminders.pending_reminder_ids(self.practice, self.actor):
                if self.stop.is_set():
                    break
                view = outbox.send_message(self.practice, self.actor, mid)  # records a failure, never raises it
                sent += view.status == MessageStatus.SENT
                failed += view.status == MessageStatus.FAILED
            result: object = RunResult(queued, sent, failed)
        except ServiceError as exc:  # busy at another desk, signed-in user changed: next check tries again
            result = exc
        except Exception as exc:  # noqa: BLE001 - a background check must never take the app down
            traceback.print_exc()
            result = exc
        self.done.emit(result)


class ReminderRunner(QObject):
    """``ReminderRunner(window, practice, actor, start=True)``; ``finished(result)`` after each run."""

    finished = Signal(object)

    def __init__(self, window, practice, actor, start: bool = True, interval_ms: int = CHECK_MS,
                 first_ms: int = FIRST_MS):
        super().__init__(window)
        self.setObjectName("reminderRunner")
        self.window, self.practice, self.actor = window, practice, actor
        self.first_ms = first_ms
        self.timer = QTimer(self, objectName="reminderTimer", interval=interval_ms)
        self.timer.timeout.connect(self.run_now)
        self.running = False
        self.wanted = False  # started for this window (a practitioner's too: the next user may be the front desk)
        self.last: object = None
        self._worker: _Worker | None = None
        if start:
            self.start()

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    @property
    def was_on(self) -> bool:
        """The window ran the background checks: the next user's window runs them too."""
        return self.wanted

    def start(self) -> None:
        """Check now (once the window is up) and every few minutes; only for the front desk."""
        self.wanted = True
        if not self.actor.is_front_desk:
            return
        self.timer.start()
        QTimer.singleShot(self.first_ms, self, self.run_now)

    def pause(self) -> None:
        """Signing out: no further check from this window; a message being sent finishes."""
        self.timer.stop()
        if self._worker is not None:
            self._worker.stop.set()

    def run_now(self) -> bool:
        """Start a run off the GUI thread; False when one is still going or this window is done."""
        if self.running or not self.timer.isActive() or not self.window.isVisible():
            return False
        try:  # a short read, here so that nothing starts while reminders are off
            if not reminders.get_reminder_settings(self.practice, self.actor).enabled:
                return False
        except Exception:  # noqa: BLE001 - the worker meets the same problem and reports it
            pass
        self.running = True
        self._worker = _Worker(self.practice, self.actor)
        start_kept(self._worker, "reminderThread", self._done)
        return True

    @Slot(object)
    def _done(self, result) -> None:
        self.running = False
        self._worker = None
        self.last = result
        text = summary(result)
        if text and self.timer.isActive():
            self.window.statusBar().showMessage(text, 60_000)
        self.finished.emit(result)


def summary(result) -> str:
    """What the status bar says after a run ("" when there is nothing to say)."""
    if isinstance(result, RunResult):
        if not result.sent and not result.failed:
            return ""
        text = f"Reminders: {result.sent} sent" if result.sent else "Reminders:"
        if result.failed:
            text += (", " if result.sent else " ") + f"{result.failed} could not be sent (see Clients ▸ Outbox)"
        return text + "."
    if isinstance(result, ServiceError):
        return "Reminders could not be checked just now; they will be tried again in a few minutes."
    return "Reminders could not be checked because of an unexpected problem; they will be tried again later."

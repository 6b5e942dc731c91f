"""Card and payment links picked up in the background (SPEC 10.4): the app has no public address for
Stripe to call, so while the main window is open for a front-desk user, and card payments are set up
on this computer, a worker in a QThread asks Stripe about the open links every few minutes
(``cards.poll_card_links``): a card a client saved goes on file, an invoice paid through its link is
recorded and allocated. The window never waits for it.

A check that found nothing says nothing; one that did says so in the status bar and announces
``ledger_changed`` and ``clients_changed``, so open records and invoices show it. A check that
failed (Stripe unreachable, another desk saving) is simply made again at the next one. The timer
stops when the user signs out (``pause``); the next user's window starts its own."""
from __future__ import annotations

import traceback

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..services.billing import card_settings, cards
from ..services.errors import ServiceError
from .widgets.kept_thread import start_kept

CHECK_MS = 3 * 60 * 1000  # every three minutes
FIRST_MS = 2500  # the first check, once the window has painted


class _Worker(QObject):
    done = Signal(object)  # PollSummary, or the error that stopped the check

    def __init__(self, practice, actor):
        super().__init__()
        self.practice, self.actor = practice, actor

    @Slot()
    def run(self) -> None:
        try:
            result: object = cards.poll_card_links(self.practice, self.actor)
        except ServiceError as exc:  # not set up any more, busy at another desk: the next check tries again
            result = exc
        except Exception as exc:  # noqa: BLE001 - a background check must never take the app down
            traceback.print_exc()
            result = exc
        self.done.emit(result)


class CardLinkRunner(QObject):
    """``CardLinkRunner(window, practice, actor, start=True)``; ``finished(result)`` after each check.
    ``window`` has ``events`` and a status bar (the main window)."""

    finished = Signal(object)

    def __init__(self, window, practice, actor, start: bool = True, interval_ms: int = CHECK_MS,
                 first_ms: int = FIRST_MS):
        super().__init__(window)
        self.setObjectName("cardLinkRunner")
        self.window, self.practice, self.actor = window, practice, actor
        self.first_ms = first_ms
        self.timer = QTimer(self, objectName="cardLinkTimer", interval=interval_ms)
        self.timer.timeout.connect(self.run_now)
        self.running = False
        self.wanted = False  # started for this window: the next user's window starts its own
        self.last: object = None
        if start:
            self.start()

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    @property
    def was_on(self) -> bool:
        return self.wanted

    def start(self) -> None:
        """Check once the window is up and then every few minutes; only for the front desk."""
        self.wanted = True
        if not self.actor.is_front_desk:
            return
        self.timer.start()
        QTimer.singleShot(self.first_ms, self, self.run_now)

    def pause(self) -> None:
        """Signing out: no further check from this window (one under way finishes)."""
        self.timer.stop()

    def run_now(self) -> bool:
        """Start a check off the GUI thread; False when one is still going, this window is done, or
        card payments are not set up on this computer (nothing to ask Stripe then)."""
        if self.running or not self.timer.isActive() or not self.window.isVisible():
            return False
        try:  # a short read: no thread at all where cards are not used
            if not card_settings.get_card_settings(self.practice, self.actor).ready:
                return False
        except ServiceError:
            return False
        self.running = True
        self._worker = _Worker(self.practice, self.actor)
        self.thread = start_kept(self._worker, "cardLinkThread", self._done, quit_direct=True)  # ends with the call
        return True

    @Slot(object)
    def _done(self, result) -> None:
        self.running = False
        self.last = result
        text = summary(result)
        if text and self.timer.isActive():
            self.window.statusBar().showMessage(text, 120_000)
            events = getattr(self.window, "events", None)
            if events is not None:
                events.clients_changed.emit()
                events.ledger_changed.emit()
        self.finished.emit(result)


def summary(result) -> str:
    """What the status bar says after a check ("" when nothing came in)."""
    if not isinstance(result, cards.PollSummary):
        return ""  # tried again at the next check; Check for saved card in a record says why
    parts = []
    if result.saved:
        parts.append(f"{result.saved} card{'s' if result.saved != 1 else ''} saved by clients")
    paid = getattr(result, "paid", 0)
    if paid:
        parts.append(f"{paid} invoice{'s' if paid != 1 else ''} paid through a payment link")
    return f"Card payments: {' and '.join(parts)}." if parts else ""

"""Answering a real modal dialog from a test: the click that opens it blocks in exec(), so the
answer is queued first with a timer and runs inside the dialog's event loop."""
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication


def answer_modal(qtbot, object_name: str, *clicks: str) -> list[str]:
    """Once the modal dialog ``object_name`` opens, click the named buttons in it, in order.
    Returns a list that receives the dialog's texts, to check what it said."""
    seen: list[str] = []
    tries = [0]

    def act():
        w = QApplication.activeModalWidget()
        if w is None or w.objectName() != object_name:
            tries[0] += 1
            if tries[0] < 200:
                QTimer.singleShot(10, act)
            return
        seen.append(" ".join(filter(None, (getattr(w, "text", lambda: "")(),
                                           getattr(w, "informativeText", lambda: "")()))))
        try:
            for name in clicks:
                button = w.findChild(QAbstractButton, name)
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
        finally:
            if w.isVisible():  # a button was missing: close it rather than hang the test run
                w.reject()

    QTimer.singleShot(0, act)
    return seen


def when_modal(qtbot, handler, name: str | None = None, close_after: bool = True, tries: int = 1500) -> list:
    """Run ``handler(dialog)`` on the modal dialog the next click opens (the one called ``name``, when
    given: others are left alone); returns what it saw. ``close_after``: the dialog is rejected after
    the handler if it is still up (a failed check must not leave the test hanging in exec()); False:
    only if the handler failed (the handler closes it, or a later step does). Gives up after ``tries``
    polls 10 ms apart."""
    seen: list = []
    left = [tries]

    def run():
        w = QApplication.activeModalWidget()
        if w is None or (name is not None and w.objectName() != name):
            left[0] -= 1
            if left[0] > 0:
                QTimer.singleShot(10, run)
            return
        seen.append(w)
        try:
            qtbot.waitExposed(w)
            handler(w)
        except BaseException:
            w.reject()
            raise
        if close_after and w.isVisible():
            w.reject()
    QTimer.singleShot(0, run)
    return seen

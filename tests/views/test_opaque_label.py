"""The calendar's title and count of sessions are OpaqueLabels (issue 17): a new text repaints the label
alone, not the tool bar and window beneath it, and the label still shows exactly what a plain label
shows over them: the parent's painting under it, followed when the bar, the palette or the place
changes."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QColor, QFont, QImage, QPalette, QRegion
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar, QWidget

from app.views.widgets.opaque_label import OpaqueLabel

from .backing_store import on_screen


class Paints(QObject):
    def __init__(self, *widgets):
        super().__init__()
        self.count = 0
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, _obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _window(qtbot, label_type):
    w = QMainWindow()
    bar = QToolBar("Calendar")
    bar.addAction("Previous")
    label = label_type()
    font = QFont(label.font())
    font.setPointSize(15)
    font.setBold(True)
    label.setFont(font)
    label.setFixedSize(330, label.sizeHint().height())
    bar.addWidget(label)
    bar.addAction("Next")
    w.addToolBar(bar)
    w.setCentralWidget(QWidget())
    w.resize(700, 300)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w, bar, label


def _beneath(bar: QToolBar, label: QWidget) -> QImage:
    """What the bar paints under the label, itself alone (no child drawn)."""
    out = QImage(label.size(), QImage.Format.Format_RGB32)
    bar.render(out, QPoint(), QRegion(label.geometry()), QWidget.RenderFlag.DrawWindowBackground)
    return out


def test_a_new_text_repaints_the_label_alone_and_shows_what_a_plain_label_shows(qtbot):
    w, bar, label = _window(qtbot, OpaqueLabel)
    pw, pbar, plain = _window(qtbot, QLabel)
    paints = Paints(w, bar)
    on_screen(w, label)  # the first paint of the window done
    for text in ("Wednesday 17 March 2021", "Thursday 18 March 2021", "", "Friday 19 March 2021"):
        paints.count = 0
        label.setText(text)
        plain.setText(text)
        shown = on_screen(w, label)
        assert paints.count == 0  # neither the bar nor the window painted again beneath it
        assert shown == on_screen(pw, plain), text
    label.setText("")
    assert on_screen(w, label) == _beneath(bar, label).convertToFormat(QImage.Format.Format_RGB32)


def test_the_label_follows_a_new_palette_and_a_taller_bar(qtbot):
    w, bar, label = _window(qtbot, OpaqueLabel)
    pw, pbar, plain = _window(qtbot, QLabel)
    for text_window in (w, pw):
        palette = QPalette(text_window.palette())
        palette.setColor(QPalette.ColorRole.Window, QColor("#d8e8ff"))
        palette.setColor(QPalette.ColorRole.Button, QColor("#d8e8ff"))
        text_window.setPalette(palette)
    label.setText("Monday 1 March 2021")
    plain.setText("Monday 1 March 2021")
    assert on_screen(w, label) == on_screen(pw, plain)
    before, taller = on_screen(w, label), bar.height() + 20
    for b in (bar, pbar):
        b.setMinimumHeight(taller)  # the label moves down in a taller bar with its gradient
    qtbot.waitUntil(lambda: label.y() > 5 and plain.y() > 5)
    assert on_screen(w, label) == on_screen(pw, plain)
    assert on_screen(w, label) != before


def test_a_move_to_another_screen_renders_what_lies_beneath_again(qtbot):
    """Another screen may have another pixel ratio: the window's move to it has the label render its
    parent's painting again (here the same screen, sent as if the window had moved)."""
    w, bar, label = _window(qtbot, OpaqueLabel)
    label.setText("Tuesday 2 March 2021")
    before = on_screen(w, label)
    label._beneath_key = None  # as after a change of pixel ratio: what was rendered no longer fits
    w.windowHandle().screenChanged.emit(w.windowHandle().screen())
    assert label._beneath_key is not None
    assert on_screen(w, label) == before

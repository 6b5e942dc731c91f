"""The calendar pop-up: a session's essentials where it was clicked, with Complete / Edit / Open…
links (SPEC 4.2). It is given a SessionView and a money formatter; it calls no service."""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ..services.session_views import SessionView
from . import style

MAX_NAMES = 8  # a large group lists this many names, then "and n more"
_LINK_STYLE = ("QPushButton { border: none; color: #2b6cb0; text-decoration: underline; padding: 2px 4px; }"
               "QPushButton:hover { color: #1a4f8a; }")


def when_text(s: SessionView) -> str:
    """'Tue 24 Nov 2026 · 17:00–18:00' in the practice time zone."""
    return f"{s.start:%a %d %b %Y} \u00b7 {s.start:%H:%M}\u2013{s.end:%H:%M}"


def status_html(s: SessionView) -> str:
    """The status as people read it, in the calendar's colour and symbol (e.g. '✓ Completed')."""
    color = style.STATUS_COLORS.get(s.status, style.TEXT).name()
    override = " (cost override)" if s.cost_override and s.completion_label != "Cost override" else ""
    return (f"<span style='color: {color}; font-weight: bold'>{style.STATUS_SYMBOLS.get(s.status, '')} "
            f"{escape(s.label)}{override}</span>")


def note_label(text: str, name: str, private: bool = False) -> QLabel:
    head = "Private note" if private else "Note"
    label = QLabel(f"<b>{head}:</b> {escape(text)}".replace("\n", "<br>"), objectName=name, wordWrap=True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if private:
        label.setStyleSheet("background: #fffaf0; border: 1px solid #f6e05e; border-radius: 3px; padding: 4px;")
    return label


class SessionPopup(QFrame):
    """``SessionPopup(session, money, parent=None)``; ``show_at(global_point)``.

    Signals ``complete_requested(int)``, ``edit_requested(int)``, ``open_requested(int)`` carry the
    session id; the popup closes itself when a link is clicked (or on a click outside, as Qt popups
    do). It is not deleted on close: the caller keeps one at a time and ``deleteLater()``s the one
    it replaces. Attributes: ``session``, and the
    links ``complete_link`` (None unless the session is open), ``edit_link``, ``open_link``.
    """

    complete_requested = Signal(int)
    edit_requested = Signal(int)
    open_requested = Signal(int)

    def __init__(self, session: SessionView, money: Callable[[int], str], parent=None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("sessionPopup")
        self.session, self.money = session, money
        s = session
        self.setStyleSheet("#sessionPopup { background: white; border: 1px solid #a0aec0; }")
        bar = QFrame(objectName="popupColorBar")  # the practitioner's colour, as on the calendar
        bar.setFixedWidth(6)
        bar.setStyleSheet(f"background: {style.practitioner_color(s.practitioner_color).name()}; border: none;")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(1, 1, 1, 1)
        outer.setSpacing(0)
        outer.addWidget(bar)
        layout = QVBoxLayout()
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(4)
        outer.addLayout(layout, 1)
        title = QLabel(escape(s.title), objectName="popupTitle")
        title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        layout.addWidget(title)
        if s.kind == "group":
            names = [c.name for c in s.clients[:MAX_NAMES]]
            more = len(s.clients) - len(names)
            text = ", ".join(names) + (f" and {more} more" if more else "")
            layout.addWidget(QLabel(escape(text), objectName="popupClients", wordWrap=True))
        layout.addWidget(QLabel(when_text(s), objectName="popupWhen"))

        facts = [("Service", s.service_name), ("Practitioner", s.practitioner_name)]
        if s.location_name:
            facts.append(("Location", s.location_name))
        rows = "".join(f"<tr><td style='color:#4a5568; padding-right: 10px'>{k}</td><td>{escape(v)}</td></tr>"
                       for k, v in facts)
        rows += f"<tr><td style='color:#4a5568; padding-right: 10px'>Status</td><td>{status_html(s)}</td></tr>"
        if s.status != "open":
            rows += ("<tr><td style='color:#4a5568; padding-right: 10px'>Charged</td>"
                     f"<td>{escape(self._charge_text())}</td></tr>")
        details = QLabel(f"<table>{rows}</table>", objectName="popupDetails")
        details.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(details)
        self.status_label = details

        if s.public_note:
            layout.addWidget(note_label(s.public_note, "popupPublicNote"))
        self.private_note = None
        if s.private_note:  # None when this user may not see it (SPEC 2.4); empty: nothing to show
            self.private_note = note_label(s.private_note, "popupPrivateNote", private=True)
            layout.addWidget(self.private_note)

        links = QHBoxLayout()
        links.setSpacing(6)
        links.setContentsMargins(0, 6, 0, 0)
        self.complete_link = None
        if s.status == "open":
            self.complete_link = self._link("Complete", "popupComplete", self.complete_requested)
            links.addWidget(self.complete_link)
        self.edit_link = self._link("Edit", "popupEdit", self.edit_requested)
        self.open_link = self._link("Open\u2026", "popupOpen", self.open_requested)
        links.addWidget(self.edit_link)
        links.addWidget(self.open_link)
        links.addStretch(1)
        layout.addLayout(links)
        self.setMinimumWidth(260)
        self.setMaximumWidth(380)

    def _charge_text(self) -> str:
        s = self.session
        charges = {c.charge_cents for c in s.clients if c.charge_cents is not None}
        if not charges:
            return "nothing yet"
        if len(charges) == 1:
            return self.money(charges.pop()) + (" each" if s.kind == "group" else "")
        return "; ".join(f"{c.name} {self.money(c.charge_cents)}" for c in s.clients if c.charge_cents is not None)

    def _link(self, text: str, name: str, signal) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setStyleSheet(_LINK_STYLE)
        button.clicked.connect(lambda: self._fire(signal))
        return button

    def _fire(self, signal) -> None:
        sid = self.session.id
        self.close()
        signal.emit(sid)

    def show_at(self, global_point: QPoint) -> None:
        """Show just below-right of ``global_point``, moved so the whole popup stays on its screen."""
        self.adjustSize()
        screen = QGuiApplication.screenAt(global_point) or self.screen() or QGuiApplication.primaryScreen()
        area: QRect = screen.availableGeometry()
        self.move(fit_on_screen(global_point, self.size().width(), self.size().height(), area))
        self.show()


def fit_on_screen(point: QPoint, w: int, h: int, area: QRect, gap: int = 8) -> QPoint:
    """Top-left for a w x h popup near ``point``: below-right, flipped left/up at the screen's edges."""
    x, y = point.x() + gap, point.y() + gap
    if x + w > area.right() + 1:
        x = point.x() - gap - w
    if y + h > area.bottom() + 1:
        y = point.y() - gap - h
    x = max(area.left(), min(x, area.right() + 1 - w))
    y = max(area.top(), min(y, area.bottom() + 1 - h))
    return QPoint(x, y)

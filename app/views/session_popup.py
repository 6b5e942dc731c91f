"""The calendar pop-up: a session's essentials where it was clicked, with Set status… / Edit /
Details… links (SPEC 4.2), and a red line when the practice is closed that day (SPEC 7.3). It is
given a SessionView, a money formatter and the closure's label; it calls no service."""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ..services.scheduling.session_views import SessionView
from . import style
from .calendar.status_look import status_html as look_html

MAX_NAMES = 8  # a large group lists this many names, then "and n more"
CLOSED_STYLE = "color: #c53030; font-weight: bold;"  # a session on a closure stands out (SPEC 7.3)
_MAX_WIDTH = 380
_LINK_STYLE = ("QPushButton { border: none; color: #2b6cb0; text-decoration: underline; padding: 2px 4px; }"
               "QPushButton:hover { color: #1a4f8a; }")


def when_text(s: SessionView) -> str:
    """'Tue 24 Nov 2026 · 17:00–18:00' in the practice time zone."""
    return f"{s.start:%a %d %b %Y} \u00b7 {s.start:%H:%M}\u2013{s.end:%H:%M}"


def names_text(s: SessionView, limit: int = MAX_NAMES) -> str:
    """The clients' names; a large group lists ``limit`` of them, then "and n more"."""
    names = [c.name for c in s.clients[:limit]]
    more = len(s.clients) - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")


def closure_text(label: str) -> str:
    return f"Practice closed this day: {label}"


def status_html(s: SessionView) -> str:
    """The status as people read it, in the calendar's colour and symbol (e.g. '✓ Completed')."""
    override = " (cost override)" if s.cost_override and s.completion_label != "Cost override" else ""
    return look_html(s) + override


def note_label(text: str, name: str, private: bool = False) -> QLabel:
    head = "Private note" if private else "Note"
    label = QLabel(f"<b>{head}:</b> {escape(text)}".replace("\n", "<br>"), objectName=name, wordWrap=True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if private:
        label.setStyleSheet("background: #fffaf0; border: 1px solid #f6e05e; border-radius: 3px; padding: 4px;")
    return label


class SessionPopup(QFrame):
    """``SessionPopup(session, money, parent=None, *, closure_label=None)``; ``show_at(global_point)``.

    ``closure_label``: the label of the closure on the session's day, if any (the caller looks it
    up); the popup then says in red that the practice is closed that day (SPEC 7.3).

    Signals ``complete_requested(int)``, ``edit_requested(int)``, ``open_requested(int)`` carry the
    session id; the popup closes itself when a link is clicked (or on a click outside, as Qt popups
    do). It is not deleted on close: the caller keeps one at a time and ``deleteLater()``s the one
    it replaces. Attributes: ``session``, and the
    links ``complete_link`` ("Set status…"; None unless the session is open), ``edit_link``,
    ``open_link`` ("Details…", the session view), ``client_cancel_link`` ("Client cancels…"; only with
    ``client_cancel=True``, which the caller passes for the front desk, on an open session; signal
    ``client_cancel_requested(int)``).
    """

    complete_requested = Signal(int)
    client_cancel_requested = Signal(int)  # SPEC 8: "Client cancels…"
    edit_requested = Signal(int)
    open_requested = Signal(int)

    def __init__(self, session: SessionView, money: Callable[[int], str], parent=None, *,
                 closure_label: str | None = None, client_cancel: bool = False):
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
        # plain text (no escape()): an auto-detected label would show "Tom &amp; Jerry" literally
        title = QLabel(s.title, objectName="popupTitle", textFormat=Qt.TextFormat.PlainText)
        title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        layout.addWidget(title)
        if s.kind == "group":
            layout.addWidget(QLabel(names_text(s), objectName="popupClients", wordWrap=True,
                                    textFormat=Qt.TextFormat.PlainText))
        layout.addWidget(QLabel(when_text(s), objectName="popupWhen"))
        self.closure = None
        if closure_label:
            self.closure = QLabel(closure_text(closure_label), objectName="popupClosure", wordWrap=True,
                                  textFormat=Qt.TextFormat.PlainText)
            self.closure.setStyleSheet(CLOSED_STYLE)
            bold = self.closure.font()
            bold.setBold(True)  # wrap only what does not fit the popup's widest
            self.closure.setMinimumWidth(min(QFontMetrics(bold).horizontalAdvance(self.closure.text()) + 4,
                                             _MAX_WIDTH - 40))
            layout.addWidget(self.closure)

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
            self.complete_link = self._link("Set status\u2026", "popupComplete", self.complete_requested)
            links.addWidget(self.complete_link)
        self.client_cancel_link = None
        if s.status == "open" and client_cancel:  # offered to the front desk (SPEC 1.1, 8)
            self.client_cancel_link = self._link("Client cancels\u2026", "popupClientCancel",
                                                 self.client_cancel_requested)
            links.addWidget(self.client_cancel_link)
        self.edit_link = self._link("Edit", "popupEdit", self.edit_requested)
        self.open_link = self._link("Details\u2026", "popupOpen", self.open_requested)
        links.addWidget(self.edit_link)
        links.addWidget(self.open_link)
        links.addStretch(1)
        layout.addLayout(links)
        self.setMinimumWidth(260)
        self.setMaximumWidth(_MAX_WIDTH)

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

"""The calendar pop-up (SPEC 4.2 Set status… link, SPEC 2.4 private note, SPEC 7.3 closures), clicked
for real."""
from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton

from app.services.money.amounts import format_money
from app.services.scheduling import completion, sessions
from app.views import style
from app.views.session_popup import SessionPopup, fit_on_screen

# Qt.Popup windows grab the keyboard and raise themselves; the offscreen platform says it cannot
pytestmark = [pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard",
                                        "This plugin does not support raise()")]


@pytest.fixture
def booked(practice, make, admin):
    sv = make.service("Therapy 50 min", cost=12000, wage=6000)
    ana = make.practitioner("Dr. Ana Ruiz", color="#3182ce")
    room = make.location("Harbour Room")
    alice, bob, carla = make.client("Alice", "Smith"), make.client("Bob", "Jones"), make.client("Carla", "Diaz")
    [single] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9, 50), sv, ana, [alice], location=room,
                            public_note="Bring the worksheet", private_note="Discuss sleep diary")
    [group] = make.session(datetime(2026, 1, 5, 17), datetime(2026, 1, 5, 18), sv, ana, [alice, bob, carla])
    return dict(single=single, group=group)


@pytest.fixture
def show(qtbot):
    def _show(view, **kw):
        popup = SessionPopup(view, format_money, **kw)
        qtbot.addWidget(popup)
        popup.show_at(QPoint(200, 150))
        qtbot.waitExposed(popup)
        return popup
    return _show


def text_of(popup, name) -> str:
    label = popup.findChild(QLabel, name)
    assert label is not None and label.isVisible(), f"{name} is not shown"
    return label.text()


def test_popup_shows_the_session_details(booked, show):
    popup = show(booked["single"])
    assert text_of(popup, "popupTitle") == "Alice Smith"
    assert text_of(popup, "popupWhen") == "Mon 05 Jan 2026 \u00b7 09:00\u201309:50"
    details = text_of(popup, "popupDetails")
    for part in ("Therapy 50 min", "Dr. Ana Ruiz", "Harbour Room", "Open"):
        assert part in details
    assert style.STATUS_COLORS["open"].name() in details  # coloured like the calendar
    assert "Charged" not in details  # SPEC 4.3: nothing charged while open
    assert "Bring the worksheet" in text_of(popup, "popupPublicNote")
    assert "Discuss sleep diary" in text_of(popup, "popupPrivateNote")  # admin may see it (SPEC 2.4)


def test_group_popup_names_the_clients(booked, show):
    popup = show(booked["group"])
    assert text_of(popup, "popupTitle") == "Group: 3 clients"
    assert text_of(popup, "popupClients") == "Carla Diaz, Bob Jones, Alice Smith"  # by last name


# SPEC 2.4: the private note only for those who may see it
def test_private_note_is_hidden_when_the_view_carries_none(booked, show):
    popup = show(dataclasses.replace(booked["single"], private_note=None))
    assert popup.findChild(QLabel, "popupPrivateNote") is None
    assert all("sleep diary" not in label.text() for label in popup.findChildren(QLabel))


# SPEC 4.2: the Set status… link is there while the session is open, and the charge once saved
def test_complete_link_only_while_open_and_the_charge_once_saved(practice, admin, booked, show):
    links = show(booked["single"]).findChildren(QPushButton)
    assert [(b.objectName(), b.text()) for b in links if b.isVisible()] == [
        ("popupComplete", "Set status\u2026"), ("popupEdit", "Edit"), ("popupOpen", "Details\u2026")]
    completed = completion.type_by_key(practice, "completed").id
    completion.complete_session(practice, admin, booked["group"].id, completed)
    popup = show(sessions.get_session(practice, admin, booked["group"].id))
    assert popup.findChild(QPushButton, "popupComplete") is None
    assert popup.findChild(QPushButton, "popupEdit").isVisible()
    details = text_of(popup, "popupDetails")
    assert "Completed" in details and style.STATUS_COLORS["completed"].name() in details
    assert "$120.00 each" in details


# SPEC 7.3: a session on a closure is marked so it stands out
def test_a_session_on_a_closure_says_so_in_red(booked, show):
    popup = show(booked["single"], closure_label="Snow & ice day")
    line = popup.findChild(QLabel, "popupClosure")
    assert line is not None and line.isVisible()
    assert line.text() == "Practice closed this day: Snow & ice day"  # shown as typed, not "&amp;"
    assert line.textFormat() == Qt.TextFormat.PlainText
    assert "#c53030" in line.styleSheet()  # red
    assert line.geometry().top() > popup.findChild(QLabel, "popupWhen").geometry().top()  # under the date
    for plain in (show(booked["single"]), show(booked["single"], closure_label=None)):
        assert plain.findChild(QLabel, "popupClosure") is None
        assert all("closed" not in label.text() for label in plain.findChildren(QLabel))


@pytest.mark.parametrize(("link", "signal"), [("popupComplete", "complete_requested"),
                                              ("popupEdit", "edit_requested"),
                                              ("popupOpen", "open_requested")])
def test_links_emit_their_signal_with_the_session_id_and_close(qtbot, booked, show, link, signal):
    popup = show(booked["single"])
    with qtbot.waitSignal(getattr(popup, signal), timeout=1000) as fired:
        qtbot.mouseClick(popup.findChild(QPushButton, link), Qt.MouseButton.LeftButton)
    assert fired.args == [booked["single"].id]
    assert not popup.isVisible()


def test_show_at_keeps_the_popup_on_screen(qtbot, booked, show):
    popup = show(booked["group"])
    area = QGuiApplication.primaryScreen().availableGeometry()
    popup.show_at(QPoint(area.right() - 5, area.bottom() - 5))  # a click in the bottom-right corner
    assert area.contains(popup.frameGeometry())
    assert popup.frameGeometry().right() < area.right() - 5  # flipped to the left of the click


def test_fit_on_screen_flips_and_clamps():
    area = QRect(0, 0, 1000, 800)
    assert fit_on_screen(QPoint(100, 100), 300, 200, area) == QPoint(108, 108)  # below-right
    assert fit_on_screen(QPoint(900, 700), 300, 200, area) == QPoint(592, 492)  # flipped up-left
    assert fit_on_screen(QPoint(50, 790), 300, 900, area) == QPoint(58, 0)  # taller than the screen: top

"""A huge or malformed amount typed into a real money field of a real dialog shows a plain message
next to the field and saving stores nothing (SPEC 0.1: at most 10,000,000.00; SPEC 0.5).

Typed with ``qtbot.keyClicks``; what was stored is read back through the services. pytest-qt fails
a test on any exception raised inside a Qt slot, so the OverflowError the issue found (a Signal(int)
carrying 9,999,999,900 cents) would fail these tests as well.
"""
from __future__ import annotations

import html
import os
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.services import practice_settings
from app.services.money import ledger
from app.services.money.amounts import format_money
from app.services.scheduling import sessions
from app.views.completion_dialog import CompletionDialog
from app.views.settings.settings_dialog import SettingsDialog
from app.views.widgets.money_field import MoneyField

SHOTS = Path(os.environ.get("PRACTICE_SHOTS", "/tmp/work/shots"))
HUGE_AND_MALFORMED = [
    ("99999999", "is more than the largest amount allowed, $10,000,000.00"),
    ("10000000.01", "is more than the largest amount allowed, $10,000,000.00"),
    ("1e3", "'1e3' is not an amount"),
    ("NaN", "'NaN' is not an amount"),
    ("inf", "'inf' is not an amount"),
    ("--5", "'--5' is not an amount"),
    ("1.234", "at most 2 decimals"),
]


def retype(qtbot, field: MoneyField, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def shoot(widget, name: str) -> None:
    if os.environ.get("PRACTICE_SHOTS") or SHOTS.parent.is_dir():
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / name))


def session_control(qtbot, practice, admin):
    """Settings > Session control with the minimum threshold chosen: (the window, the panel)."""
    d = SettingsDialog(practice, admin, page="control")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    panel = d.panels["control"]
    panel.radios["threshold"].setChecked(True)
    return d, panel


@pytest.fixture
def settings_dialog(qtbot, practice, admin):
    return session_control(qtbot, practice, admin)


# SPEC 0.1, 0.5: the session control threshold
@pytest.mark.parametrize(("text", "says"), HUGE_AND_MALFORMED)
def test_settings_threshold_refuses_huge_or_malformed_amounts(qtbot, practice, admin, settings_dialog, text, says):
    window, panel = settings_dialog
    before = practice_settings.get_settings(practice, admin)
    retype(qtbot, panel.threshold, text)
    message = panel.findChild(QLabel, "sessionControlThresholdMessage")
    assert message is panel.threshold.message
    assert message.isVisible() and message.text().startswith("Minimum threshold: ") and says in message.text()
    assert panel.threshold.shows_invalid
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert window.isVisible() and message.isVisible() and says in message.text()
    assert practice_settings.get_settings(practice, admin) == before
    if text == "99999999":
        qtbot.wait(50)  # let the layout take the wrapped message in
        shoot(window, "money-field-settings-huge.png")
    retype(qtbot, panel.threshold, "200")  # a good amount clears the message and saves
    assert not message.isVisible() and not panel.threshold.shows_invalid
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert practice_settings.get_settings(practice, admin)["threshold_cents"] == 20000


def test_an_empty_threshold_is_named_under_the_field(qtbot, practice, admin, settings_dialog):
    window, panel = settings_dialog
    panel.threshold.clear()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.threshold.message.text() == "Minimum threshold: enter an amount"
    assert panel.threshold.message.isVisible() and window.isVisible()
    assert practice.settings()["prepayment_mode"] == "open"


def test_the_largest_amount_itself_is_taken(qtbot, practice, admin, settings_dialog):
    _window, panel = settings_dialog
    retype(qtbot, panel.threshold, "10,000,000.00")
    assert not panel.threshold.message.isVisible()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert practice_settings.get_settings(practice, admin)["threshold_cents"] == 10_000_000 * 100


# SPEC 0.1: the currency's own digits: JPY none, KWD three
@pytest.mark.parametrize(("currency", "locale", "good", "cents", "bad"), [
    ("JPY", "ja_JP", "1,200", 1200, "12.5"),
    ("KWD", "en_US", "12.500", 12500, "12.5005"),
])
def test_the_threshold_uses_the_currency_digits(qtbot, practice, admin, currency, locale, good, cents, bad):
    practice_settings.update_settings(practice, admin, currency=currency, locale=locale)
    _window, d = session_control(qtbot, practice, admin)
    retype(qtbot, d.threshold, bad)
    assert d.threshold.message.isVisible()
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert practice.settings()["threshold_cents"] == 0
    retype(qtbot, d.threshold, good)
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert practice.settings()["threshold_cents"] == cents


# SPEC 0.1, 0.5, 4.1: the completion dialog's cost override
@pytest.mark.parametrize(("text", "says"), HUGE_AND_MALFORMED[:3])
def test_completion_override_refuses_huge_or_malformed_amounts(qtbot, practice, admin, make, text, says):
    sv, pr, client = make.service(cost=8000, wage=4000), make.practitioner(), make.client("Ann", "Lee")
    [s] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), sv, pr, [client])
    d = CompletionDialog(practice, admin, s, format_money)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    r = d.radios["override"]
    qtbot.mouseClick(r, Qt.MouseButton.LeftButton, pos=QPoint(8, r.height() // 2))
    cost = d.findChild(MoneyField, "overrideCost")
    retype(qtbot, cost, text)
    assert cost.shows_invalid and says in cost.toolTip()
    assert says in html.unescape(d.preview.text())  # the message shows beside the amounts while typing
    qtbot.mouseClick(d.findChild(QPushButton, "completionSubmit"), Qt.MouseButton.LeftButton)
    error = d.findChild(QLabel, "completionError")
    assert error.isVisible() and error.text().startswith("Cost: ") and says in error.text()
    assert says not in html.unescape(d.preview.text())  # said once, not twice
    assert d.isVisible() and d.result_session is None
    if text == "99999999":
        qtbot.wait(50)
        shoot(d, "money-field-override-huge.png")
    assert sessions.get_session(practice, admin, s.id).status == "open"
    assert ledger.client_entries(practice, admin, client.id) == []

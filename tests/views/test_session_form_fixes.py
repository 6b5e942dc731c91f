"""The session form's stumbles of issue 13, by real clicks and keys: a service brings its own
length and the form shows the cost per client and the wage before saving (SPEC 2.6); a time is
typed after one click; Ctrl+N late in the evening proposes a time that can be saved; an error line
goes once the field it names is fixed."""
from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QPoint, Qt, QTime
from PySide6.QtWidgets import QLineEdit

from tests.views.test_client_picker import click as click_client
from tests.views.test_session_dialog import open_dialog, save

# --- the session form -------------------------------------------------------------------------------

MON = datetime(2026, 1, 5, 9, 0)


def _form_setup(make):
    class S:
        therapy = make.service("Therapy 50 min", cost=12000, wage=6000, default_minutes=50)
        couples = make.service("Couples therapy 80 min", cost=16000, wage=9000, default_minutes=80)
        pract = make.practitioner("Dr. Ana Ruiz")
        alice = make.client("Alice", "Smith")
    return S


def _choose(qtbot, combo, text: str) -> None:
    """Pick an item with the arrow keys, as a keyboard user does."""
    combo.setFocus()
    target = combo.findText(text)
    assert target >= 0
    for _ in range(combo.count()):
        if combo.currentIndex() == target:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
    assert combo.currentIndex() == target


def test_choosing_a_service_sets_its_length_and_shows_the_price(qtbot, practice, admin, make):
    s = _form_setup(make)
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=s.pract.id)
    _choose(qtbot, d.service, "Therapy 50 min")
    assert d.end.time() == QTime(9, 50)
    _choose(qtbot, d.service, "Couples therapy 80 min")
    assert d.end.time() == QTime(10, 20)
    assert d.length.text() == "1 h 20 min"
    price = d.findChild(type(d.length), "sessionPrice")
    assert price is not None and price.isVisible()
    assert "$160.00 per client" in price.text() and "$90.00" in price.text()


def test_a_dragged_range_keeps_its_length_when_the_form_opens(qtbot, practice, admin, make):
    s = _form_setup(make)
    d = open_dialog(qtbot, practice, admin, start=MON, end=datetime(2026, 1, 5, 11, 0), practitioner_id=s.pract.id)
    assert d.end.time() == QTime(11, 0)  # what the user dragged wins over the service's length


def test_typing_a_time_after_one_click_in_the_field(qtbot, practice, admin, make):
    s = _form_setup(make)
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=s.pract.id)
    line = d.start.findChild(QLineEdit)
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(4, line.height() // 2))
    qtbot.keyClicks(line, "1030")
    assert d.start.time() == QTime(10, 30)
    qtbot.keyClick(line, Qt.Key.Key_Tab)  # Tab to the end time and type over it
    qtbot.keyClicks(d.end.findChild(QLineEdit), "1145")
    assert d.end.time() == QTime(11, 45)


def test_ctrl_n_late_in_the_evening_proposes_a_time_that_can_be_saved(qtbot, practice, admin, make, clock):
    s = _form_setup(make)
    clock.at = datetime(2026, 1, 6, 4, 10, tzinfo=UTC)  # 23:10 on Mon 5 January in New York
    d = open_dialog(qtbot, practice, admin, practitioner_id=s.pract.id)
    assert d.start.time() < d.end.time()
    click_client(qtbot, d.clients, "Smith")
    save(qtbot, d)
    assert not d.isVisible(), d.error.text()
    [made] = d.saved
    assert made.end > made.start and made.start.replace(tzinfo=None) > datetime(2026, 1, 5, 23, 10)


def test_the_error_line_goes_once_the_client_is_chosen(qtbot, practice, admin, make):
    s = _form_setup(make)
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=s.pract.id)
    save(qtbot, d)
    assert d.error.isVisible() and "Clients" in d.error.text()
    click_client(qtbot, d.clients, "Smith")
    assert not d.error.isVisible()


def test_the_error_line_goes_once_the_end_time_is_fixed(qtbot, practice, admin, make):
    s = _form_setup(make)
    d = open_dialog(qtbot, practice, admin, start=MON, practitioner_id=s.pract.id)
    click_client(qtbot, d.clients, "Smith")
    d.end.setFocus()
    d.end.setTime(QTime(8, 30))
    save(qtbot, d)
    assert d.error.isVisible() and "End" in d.error.text()
    qtbot.keyClick(d.end, Qt.Key.Key_Up)
    qtbot.keyClick(d.end, Qt.Key.Key_Up)
    qtbot.keyClick(d.end, Qt.Key.Key_Up)
    assert d.end.time() > d.start.time()
    assert not d.error.isVisible()



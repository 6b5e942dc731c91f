"""Settings > Practice (SPEC 1.5): name, address, time zone, money and working hours in the Settings
window; Settings > Practice Settings… opens it there. Bad input is named under its field and
nothing changes; the main window takes what was saved once Settings closes."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.services import practice_settings
from app.services.people import users
from app.views.settings.practice_panel import PracticePanel
from app.views.settings.settings_dialog import SettingsDialog


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_over(qtbot, field, text: str) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def close_suggestions(qtbot, box) -> None:
    popup = box.completer().popup()
    if popup.isVisible():
        qtbot.keyClick(popup, Qt.Key.Key_Escape)


@pytest.fixture
def practice_page(qtbot, practice, admin):
    d = SettingsDialog(practice, admin, page="practice")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d, d.panels["practice"]


def test_practice_is_the_first_page_and_has_no_prepayment(practice_page):
    d, panel = practice_page
    assert d.nav.item(0).text() == "Practice" and d.current_panel() is panel
    assert isinstance(panel, PracticePanel)
    # the prepayment mode and threshold stay on Session control only
    assert not [w for w in panel.findChildren(QLabel) if "prepayment" in w.text().casefold()]
    assert not [w for w in panel.findChildren(QWidget) if "threshold" in w.objectName().casefold()]


def test_admin_sets_working_hours_and_name_and_the_calendar_shades_accordingly(window, qtbot):
    window.act_settings.trigger()
    d = window.active_dialog
    qtbot.waitUntil(d.isVisible)
    assert d.objectName() == "settingsDialog" and d.current_panel() is d.panels["practice"]
    panel = d.panels["practice"]
    type_over(qtbot, panel.name, "Harbour Clinic")
    panel.day_start.setValue(7)
    panel.day_end.setValue(19)
    click(qtbot, panel.save_button)
    assert window.practice.settings()["day_start_hour"] == 7
    assert panel.done.isVisible() and panel.done.text() == "Saved: practice name, working hours."
    assert window.windowTitle() != "Harbour Clinic — Practice Desk"  # the main window takes it on closing
    click(qtbot, d.findChild(QPushButton, "settingsClose"))
    assert window.calendar.week.grid.day_hours == (7, 19)
    assert window.windowTitle() == "Harbour Clinic — Practice Desk"


def test_settings_still_opens_on_users(window, qtbot):
    window.act_settings_panels.trigger()
    d = window.active_dialog
    qtbot.waitUntil(d.isVisible)
    assert d.current_panel() is d.panels["users"]
    assert d.nav.item(0).text() == "Practice" and d.nav.currentItem().text() == "Users and roles"
    click(qtbot, d.findChild(QPushButton, "settingsClose"))
    assert window.windowTitle().endswith("— Practice Desk")


def test_a_bad_time_zone_is_named_and_nothing_changes(qtbot, practice, admin, practice_page):
    d, panel = practice_page
    before = practice_settings.get_settings(practice, admin)
    type_over(qtbot, panel.timezone.search, "Mars/Olympus")
    panel.day_start.setValue(6)
    click(qtbot, panel.save_button)
    error = panel.findChild(QLabel, "practiceTimezoneError")
    assert error.isVisible() and "Mars/Olympus" in error.text() and error.text().startswith("Time zone")
    assert panel.errors.shown() == [error.text()]
    assert d.isVisible() and not panel.done.isVisible() and not d.practice_changed
    assert practice_settings.get_settings(practice, admin) == before


def test_a_zone_found_by_its_city_is_saved(qtbot, practice, admin, practice_page):
    _d, panel = practice_page
    type_over(qtbot, panel.timezone.search, "berlin")
    click(qtbot, panel.save_button)
    assert practice.settings()["timezone"] == "Europe/Berlin"
    assert panel.done.text() == "Saved: time zone."


def test_working_hours_that_end_before_they_start_are_named(qtbot, practice, practice_page):
    _d, panel = practice_page
    panel.day_start.setValue(18)
    panel.day_end.setValue(9)
    click(qtbot, panel.save_button)
    error = panel.findChild(QLabel, "practiceHoursError")
    assert error.isVisible() and error.text() == "Day end hour must be after the day start hour."
    assert practice.settings()["day_start_hour"] == 8


def test_an_empty_name_is_named_under_it(qtbot, practice, practice_page):
    _d, panel = practice_page
    panel.name.clear()
    click(qtbot, panel.save_button)
    assert panel.findChild(QLabel, "practiceNameError").isVisible()
    assert practice.settings()["practice_name"]


def test_nothing_changed_saves_nothing(qtbot, practice, admin, practice_page, monkeypatch):
    d, panel = practice_page
    monkeypatch.setattr(practice_settings, "update_settings", lambda *a, **k: pytest.fail("nothing to save"))
    click(qtbot, panel.save_button)
    assert panel.done.text() == "Nothing to save: no setting was changed." and not d.practice_changed


def test_the_sample_amount_follows_currency_and_language(qtbot, practice, practice_page):
    _d, panel = practice_page
    assert "$1,234.50" in panel.sample.text()
    panel.locale.set_code("de_DE")
    panel.currency.set_code("EUR")
    assert "1.234,50\xa0€" in panel.sample.text()
    type_over(qtbot, panel.currency.lineEdit(), "JPY")
    close_suggestions(qtbot, panel.currency)
    assert "1.234\xa0¥" in panel.sample.text()  # yen in German: no decimals
    type_over(qtbot, panel.currency.lineEdit(), "ZZZ")
    close_suggestions(qtbot, panel.currency)
    assert "choose a currency" in panel.sample.text()
    click(qtbot, panel.save_button)
    error = panel.findChild(QLabel, "practiceCurrencyError")
    assert error.isVisible() and "ZZZ" in error.text()
    assert practice.settings()["currency"] == "USD"


def test_a_currency_the_service_refuses_is_named_under_it(qtbot, practice, admin, make, practice_page):
    # SPEC 0.1: once money is recorded the currency stays; the service's refusal stands under the field
    from app.services.money import ledger

    _d, panel = practice_page
    ledger.record_payment(practice, admin, make.client().id, 8000, "cash")
    panel.currency.set_code("EUR")
    click(qtbot, panel.save_button)
    error = panel.findChild(QLabel, "practiceCurrencyError")
    assert error.isVisible() and error.text().startswith("Currency cannot change once money is recorded")
    assert not panel.done.isVisible()
    assert practice.settings()["currency"] == "USD"


def test_a_new_currency_shows_on_the_other_pages_and_in_the_main_window(practice, qsettings, qtbot):
    from datetime import date

    from app.services.people import users
    from app.views.main_window import MainWindow

    window = MainWindow(practice, users.first_admin(practice), date(2026, 11, 24), settings=qsettings)
    qtbot.addWidget(window)
    window.show()  # a practice with no money recorded yet: its currency may still change (SPEC 0.1)
    window.act_settings.trigger()
    d = window.active_dialog
    qtbot.waitUntil(d.isVisible)
    panel = d.panels["practice"]
    panel.locale.set_code("ja_JP")
    panel.currency.set_code("JPY")
    click(qtbot, panel.save_button)
    assert panel.done.text() == "Saved: language and region, currency."
    control = d.panels["control"]  # made again: its threshold is typed in yen
    pages = [d.nav.item(i).text() for i in range(d.nav.count())]
    assert control.threshold.currency == "JPY" and d.stack.indexOf(control.parentWidget().parentWidget()) == pages.index("Session control")
    d.show_page("control")
    radio = control.radios["threshold"]
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    type_over(qtbot, control.threshold, "1,200")
    click(qtbot, control.save_button)
    assert control.errors.shown() == [] and not control.threshold.message.isVisible()
    assert window.practice.settings()["threshold_cents"] == 1200
    click(qtbot, d.findChild(QPushButton, "settingsClose"))
    assert window.money(123450) == "￥123,450"


def test_only_an_admin_gets_the_settings_actions(busy_practice, make, qsettings, qtbot):
    from app.views.main_window import MainWindow

    staff = make.user("staff")
    user = users.UserView(staff.user_id, "s", "Staff", "staff", None, True)
    w = MainWindow(busy_practice, user, date(2026, 11, 24), settings=qsettings)
    qtbot.addWidget(w)
    assert not w.act_settings.isEnabled() and not w.act_settings_panels.isEnabled()

"""Settings > Practice settings: admin changes the working hours and name; bad input is named."""
from PySide6.QtCore import Qt

from app.views.practice_settings_dialog import PracticeSettingsDialog


def test_admin_sets_working_hours_and_the_calendar_shades_accordingly(window, qtbot):
    window.act_settings.trigger()
    d = window.active_dialog
    qtbot.waitUntil(d.isVisible)
    d.name.selectAll()
    qtbot.keyClicks(d.name, "Harbour Clinic")
    d.day_start.setValue(7)
    d.day_end.setValue(19)
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert window.practice.settings()["day_start_hour"] == 7
    assert window.calendar.week.grid.day_hours == (7, 19)
    assert window.windowTitle() == "Harbour Clinic — Practice Desk"


def test_a_bad_time_zone_is_named_and_nothing_changes(practice, admin, qtbot):
    d = PracticeSettingsDialog(practice, admin)
    qtbot.addWidget(d)
    d.show()
    d.timezone.setCurrentText("Mars/Olympus")
    d.day_start.setValue(6)
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.error.text() == "Time zone: 'Mars/Olympus' is not an IANA time zone"
    assert d.isVisible()
    assert practice.settings()["day_start_hour"] == 8 and practice.settings()["timezone"] == "America/New_York"


def test_only_an_admin_gets_the_settings_action(busy_practice, make, qsettings, qtbot):
    from datetime import date

    from app.services.people import users
    from app.views.main_window import MainWindow

    staff = make.user("staff")
    user = users.UserView(staff.user_id, "s", "Staff", "staff", None, True)
    w = MainWindow(busy_practice, user, date(2026, 11, 24), settings=qsettings)
    qtbot.addWidget(w)
    assert not w.act_settings.isEnabled()


def test_prepayment_mode_and_threshold_are_set_here(practice, admin, qtbot):
    # SPEC 6: Settings > Session control, exactly one mode active
    d = PracticeSettingsDialog(practice, admin)
    qtbot.addWidget(d)
    d.show()
    assert not d.threshold.isEnabled()
    d.prepayment.setCurrentIndex(d.prepayment.findData("threshold"))
    assert d.threshold.isEnabled()
    d.threshold.clear()
    qtbot.keyClicks(d.threshold, "200")
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert practice.settings()["prepayment_mode"] == "threshold"
    assert practice.settings()["threshold_cents"] == 20000

"""Settings panels driven by real clicks and keys (SPEC 1.1-1.5, 4.4-4.5, 6; issue 13 item 2)."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QRadioButton

from app.services import practice_settings
from app.services.money.amounts import format_money
from app.services.people import practitioners, users
from app.services.scheduling import catalog, completion
from app.views.completion_dialog import CompletionDialog
from app.views.settings.custom_status_panel import COL_EDIT, COL_LABEL, COL_ON, COL_REMOVE, COL_SHOW
from tests.views.keys import click, type_over
from tests.views.modal import answer_modal


def click_cell(qtbot, table, row: int, col: int) -> None:
    rect = table.visualRect(table.model().index(row, col))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def pick_row(qtbot, table, row: int) -> None:
    click_cell(qtbot, table, row, 0)


def completion_choices(qtbot, practice, actor, session) -> list[str]:
    d = CompletionDialog(practice, actor, session, format_money)
    qtbot.addWidget(d)
    d.show()
    return [r.text() for r in d.findChildren(QRadioButton) if r.objectName().startswith("completionType")]


@pytest.fixture
def a_session(make):
    sv = make.service("Therapy 50 min", cost=8000, wage=4000)
    [s] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), sv, make.practitioner("Dr. Ana"),
                       [make.client("Alice", "Smith")])
    return s


# --- Custom session status (SPEC 4.4, 4.5) ---------------------------------------------------------------
def test_a_custom_type_made_in_the_panel_is_offered_in_the_completion_dialog(qtbot, practice, admin, a_session,
                                                                             open_settings):
    d, panel = open_settings("status")
    panel.base.setCurrentIndex(panel.base.findData("canceled"))
    qtbot.keyClicks(panel.label, "Late Cancel")
    assert panel.counter.text() == "11 of 15 characters"
    qtbot.keyClicks(panel.description, "The client cancels within 24 hours")
    type_over(qtbot, panel.client_mod.lineEdit(), "50")
    type_over(qtbot, panel.practitioner_mod.lineEdit(), "50")
    click(qtbot, panel.save_button)
    assert "Late Cancel is added" in panel.done.text()
    row = panel.row("Late Cancel")
    assert row >= 0 and panel.model.rows[row].client_modifier == 50
    assert "Late Cancel" in completion_choices(qtbot, practice, admin, a_session)
    late = next(t for t in completion.list_completion_types(practice, admin) if t.label == "Late Cancel")
    assert completion.preview_completion(practice, admin, a_session.id, late.id).charge_per_client_cents == 4000


def test_a_sixteenth_character_is_refused_as_you_type(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("status")
    qtbot.keyClicks(panel.label, "Fifteen letters")  # 15
    assert panel.label_error.isHidden()
    assert panel.counter.text() == "15 of 15 characters"
    qtbot.keyClicks(panel.label, "X")
    assert panel.label.text() == "Fifteen letters"
    assert not panel.label_error.isHidden() and "at most 15 characters" in panel.label_error.text()
    qtbot.keyClick(panel.label, Qt.Key.Key_Backspace)
    assert panel.label_error.isHidden()


def test_switching_off_missed_removes_it_from_the_completion_dialog(qtbot, practice, admin, a_session,
                                                                   open_settings):
    assert "Missed" in completion_choices(qtbot, practice, admin, a_session)
    _d, panel = open_settings("status")
    click_cell(qtbot, panel.table, panel.row("Missed"), COL_ON)
    assert not completion.type_by_key(practice, "missed").enabled
    assert panel.model.data(panel.model.index(panel.row("Missed"), COL_ON)) == ""
    assert "Missed" not in completion_choices(qtbot, practice, admin, a_session)
    click_cell(qtbot, panel.table, panel.row("Missed"), COL_LABEL)  # a default's name switches it too
    assert completion.type_by_key(practice, "missed").enabled


def test_edit_show_description_and_remove_a_custom_type(qtbot, practice, admin, a_session, open_settings):
    completion.create_completion_type(practice, admin, completion.CompletionTypeInput(
        "canceled", "Late Cancel", "Within 24 hours", "percentage", 50, 50))
    _d, panel = open_settings("status")
    click_cell(qtbot, panel.table, panel.row("Late Cancel"), COL_SHOW)
    assert "Within 24 hours" in panel.shown_description.text()
    click_cell(qtbot, panel.table, panel.row("Late Cancel"), COL_EDIT)
    assert panel.label.text() == "Late Cancel" and panel.form_box.title() == "Editing Late Cancel"
    type_over(qtbot, panel.label, "Late Cancel 24h")
    click(qtbot, panel.save_button)
    assert panel.row("Late Cancel 24h") >= 0 and panel.row("Late Cancel") == -1
    answer_modal(qtbot, "statusRemoveConfirm", "statusRemoveYes")
    click_cell(qtbot, panel.table, panel.row("Late Cancel 24h"), COL_REMOVE)
    assert panel.row("Late Cancel 24h") == -1
    assert "Late Cancel 24h" not in completion_choices(qtbot, practice, admin, a_session)


def test_a_refused_type_is_named_next_to_its_field_and_nothing_is_saved(qtbot, practice, admin, open_settings):
    # SPEC 0.5: an empty label, then a label already used
    _d, panel = open_settings("status")
    before = completion.list_completion_types(practice, admin, enabled_only=False)
    click(qtbot, panel.save_button)
    assert panel.label_error.text() == "Label is required."
    qtbot.keyClicks(panel.label, "missed")
    click(qtbot, panel.save_button)
    assert "already used" in panel.label_error.text()
    assert completion.list_completion_types(practice, admin, enabled_only=False) == before


# --- Services, locations, practitioners (SPEC 1.3, 1.4, 2.6) ----------------------------------------------
def test_a_service_is_added_with_cost_wage_length_and_client_booking(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("services")
    assert not panel.empty.isHidden()  # nothing yet: the empty state says what to do
    qtbot.keyClicks(panel.name, "Piano lesson")
    panel.kind.setCurrentIndex(panel.kind.findData("hourly"))
    type_over(qtbot, panel.length.lineEdit(), "45")
    qtbot.keyClicks(panel.cost, "70")
    qtbot.keyClicks(panel.wage, "35.50")
    panel.tabs.setCurrentIndex(1)
    click(qtbot, panel.client_booking)
    click(qtbot, panel.save_button)
    [s] = catalog.list_services(practice, admin)
    assert (s.name, s.kind, s.default_minutes, s.cost_cents, s.wage_cents, s.client_booking) == (
        "Piano lesson", "hourly", 45, 7000, 3550, True)
    assert panel.model.data(panel.model.index(0, 2)) == "$70.00 / hour"


def test_a_service_gets_a_tax_rate_that_its_invoice_lines_carry(qtbot, practice, admin, make, open_settings):
    """SPEC 9.3: optional tax, a rate per service (none by default), rounded half-up per line."""
    from datetime import date, datetime

    from app.services.money import invoices
    from app.services.scheduling import completion

    _d, panel = open_settings("services")
    qtbot.keyClicks(panel.name, "Massage")
    qtbot.keyClicks(panel.cost, "80.05")
    qtbot.keyClicks(panel.wage, "40")
    assert panel.tax.text() == "None"
    type_over(qtbot, panel.tax.lineEdit(), "7.5")
    click(qtbot, panel.save_button)
    [s] = catalog.list_services(practice, admin)
    assert s.tax_rate_bp == 750
    assert panel.model.data(panel.model.index(0, 4)) == "7.5 %"
    client = make.client()
    [v] = make.session(datetime(2025, 12, 1, 10), datetime(2025, 12, 1, 11), s, make.practitioner(), [client])
    completion.complete_session(practice, admin, v.id, completion.type_by_key(practice, "completed").id)
    draft = invoices.create_draft(practice, admin, client.id, [v.id], date(2025, 12, 1), date(2025, 12, 31))
    assert [(line.amount_cents, line.tax_rate_bp, line.tax_cents) for line in draft.lines] == [(8005, 750, 600)]


def test_a_bad_amount_or_name_is_named_by_its_field_and_nothing_is_saved(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("services")
    qtbot.keyClicks(panel.cost, "1e3")
    qtbot.keyClicks(panel.wage, "10")
    click(qtbot, panel.save_button)
    assert "Cost" in panel.cost.message.text() and not panel.cost.message.isHidden()
    type_over(qtbot, panel.cost, "80")
    click(qtbot, panel.save_button)
    assert panel.errors.shown() == ["Name is required."]
    assert catalog.list_services(practice, admin) == []


def test_a_service_in_use_is_archived_not_deleted_and_can_be_restored(qtbot, practice, admin, make, open_settings):
    make.service("Old massage")
    _d, panel = open_settings("services")
    pick_row(qtbot, panel.table, 0)
    click(qtbot, panel.archive_button)
    assert catalog.list_services(practice, admin) == []
    assert "archived" in panel.done.text()
    click(qtbot, panel.show_archived)
    assert panel.model.data(panel.model.index(0, 0)) == "Old massage (archived)"
    pick_row(qtbot, panel.table, 0)
    assert panel.archive_button.text() == "Restore"
    click(qtbot, panel.archive_button)
    assert [s.name for s in catalog.list_services(practice, admin)] == ["Old massage"]


def test_a_location_with_client_booking(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("locations")
    qtbot.keyClicks(panel.name, "Harbour Room")
    click(qtbot, panel.client_booking)
    click(qtbot, panel.save_button)
    assert [(loc.name, loc.client_booking) for loc in catalog.list_locations(practice, admin)] == [
        ("Harbour Room", True)]


def test_a_practitioner_with_colour_and_a_custom_wage(qtbot, practice, admin, make, open_settings):
    therapy = make.service("Therapy 50 min", cost=12000, wage=6000)
    _d, panel = open_settings("practitioners")
    assert not panel.wages_box.isEnabled()  # a new practitioner must be saved first
    qtbot.keyClicks(panel.name, "Maya Okafor")
    type_over(qtbot, panel.color, "#zz0000")
    click(qtbot, panel.save_button)
    assert panel.errors.shown() == ["Colour must be a colour like #4a7fc1."]
    assert practitioners.list_practitioners(practice, admin) == []
    type_over(qtbot, panel.color, "#5B8DEF")
    click(qtbot, panel.save_button)
    [maya] = practitioners.list_practitioners(practice, admin)
    assert maya.color == "#5b8def"
    assert panel.wages_box.isEnabled()
    pick_row(qtbot, panel.wages_table, 0)
    type_over(qtbot, panel.wage, "70")
    click(qtbot, panel.wage_set)
    assert catalog.custom_wages(practice, admin, maya.id) == {therapy.id: 7000}
    assert panel.wages_model.data(panel.wages_model.index(0, 2)) == "$70.00"
    click(qtbot, panel.wage_default)
    assert catalog.custom_wages(practice, admin, maya.id) == {}


# --- Users (SPEC 1.1, 1.2) ----------------------------------------------------------------------------------
def test_a_practitioner_login_is_added_linked_then_switched_off(qtbot, practice, admin, make, open_settings):
    maya = make.practitioner("Maya Okafor")
    _d, panel = open_settings("users")
    qtbot.keyClicks(panel.username, "maya")
    qtbot.keyClicks(panel.display_name, "Maya Okafor")
    panel.role.setCurrentIndex(panel.role.findData("practitioner"))
    assert panel.practitioner.isEnabled()
    click(qtbot, panel.add_button)
    assert panel.add_errors.shown()[0].startswith("Password")
    panel.practitioner.setCurrentIndex(panel.practitioner.findData(maya.id))
    qtbot.keyClicks(panel.password, "maya-pass-1")
    click(qtbot, panel.add_button)
    made = users.login(practice, "maya", "maya-pass-1")
    assert (made.role, made.practitioner_id) == ("practitioner", maya.id)
    assert panel.selected().id == made.id
    click(qtbot, panel.active_button)
    assert "can no longer sign in" in panel.done.text()
    assert not [u for u in users.list_users(practice, admin) if u.id == made.id][0].active
    assert panel.active_button.text() == "Switch On"


def test_an_admin_cannot_switch_off_their_own_account_from_the_panel(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("users")
    pick_row(qtbot, panel.table, 0)
    assert panel.selected().id == admin.user_id
    assert not panel.active_button.isEnabled()


# --- Session control (SPEC 6) --------------------------------------------------------------------------------
def test_session_control_sets_the_threshold_mode_and_amount(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("control")
    assert panel.radios["open"].isChecked() and not panel.threshold.isEnabled()
    r = panel.radios["threshold"]
    qtbot.mouseClick(r, Qt.MouseButton.LeftButton, pos=QPoint(8, r.height() // 2))
    assert panel.threshold.isEnabled()
    type_over(qtbot, panel.threshold, "200")
    click(qtbot, panel.save_button)
    conf = practice_settings.get_settings(practice, admin)
    assert (conf["prepayment_mode"], conf["threshold_cents"]) == ("threshold", 20000)


def test_a_bad_threshold_is_named_and_nothing_changes(qtbot, practice, admin, open_settings):
    _d, panel = open_settings("control")
    r = panel.radios["threshold"]
    qtbot.mouseClick(r, Qt.MouseButton.LeftButton, pos=QPoint(8, r.height() // 2))
    type_over(qtbot, panel.threshold, "--5")
    click(qtbot, panel.save_button)
    assert not panel.threshold.message.isHidden()
    assert practice_settings.get_settings(practice, admin)["prepayment_mode"] == "open"


# --- the main window -----------------------------------------------------------------------------------------
def test_the_settings_menu_opens_the_panels_for_an_admin_only(window, qtbot, busy_practice, make, qsettings):
    from datetime import date

    from app.views.main_window import MainWindow

    window.act_settings_panels.trigger()
    d = window.active_dialog
    qtbot.waitUntil(d.isVisible)
    assert d.objectName() == "settingsDialog"
    assert d.nav.count() == 12  # Practice, the six of before, Packages, Invoices, Messages, Reminders, Card payments
    click(qtbot, d.findChild(QPushButton, "settingsClose"))
    staff = make.user("staff")
    w = MainWindow(busy_practice, users.UserView(staff.user_id, "s", "Staff", "staff", None, True),
                   date(2026, 11, 24), settings=qsettings)
    qtbot.addWidget(w)
    assert not w.act_settings_panels.isEnabled()

"""The completion dialog driven by real clicks and typing (SPEC 4.1, 4.2, 4.4, 4.5, 4.6, 0.5)."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QRadioButton

from app.services import completion, ledger, sessions
from app.services.completion import CompletionTypeInput
from app.services.money import format_money
from app.views.completion_dialog import CompletionDialog
from app.views.widgets.money_field import MoneyField


@pytest.fixture
def booked(practice, make):
    """A $120 / $60 fixed service; Alice's single session and a group of three, on Mon 5 Jan."""
    sv = make.service("Therapy 50 min", cost=12000, wage=6000)
    ana = make.practitioner("Dr. Ana Ruiz")
    alice, bob, carla = make.client("Alice", "Smith"), make.client("Bob", "Jones"), make.client("Carla", "Diaz")
    [single] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), sv, ana, [alice])
    [group] = make.session(datetime(2026, 1, 5, 17), datetime(2026, 1, 5, 18), sv, ana, [alice, bob, carla])
    return dict(ana=ana, alice=alice, bob=bob, carla=carla, single=single, group=group)


@pytest.fixture
def open_dialog(qtbot, practice, admin):
    def _open(session, actor=None):
        d = CompletionDialog(practice, actor or admin, session, format_money)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return _open


def radio(d, name) -> QRadioButton:
    found = d.findChild(QRadioButton, name)
    assert found is not None, f"no {name} offered"
    return found


def choose(qtbot, d, name) -> None:
    r = radio(d, name)
    qtbot.mouseClick(r, Qt.MouseButton.LeftButton, pos=QPoint(8, r.height() // 2))  # on the indicator
    assert r.isChecked()


def submit(qtbot, d) -> None:
    qtbot.mouseClick(d.findChild(QPushButton, "completionSubmit"), Qt.MouseButton.LeftButton)


def type_into(qtbot, field: MoneyField, text: str) -> None:
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def preview_text(d) -> str:
    return d.findChild(QLabel, "completionPreview").text()


def type_id(practice, key):
    return completion.type_by_key(practice, key).id


# SPEC 4.1, 4.2
def test_completed_shows_the_charge_first_then_charges_the_client(qtbot, practice, admin, booked, open_dialog):
    d = open_dialog(booked["single"])
    submit_button = d.findChild(QPushButton, "completionSubmit")
    assert not submit_button.isEnabled()
    choose(qtbot, d, f"completionType{type_id(practice, 'completed')}")
    assert submit_button.isEnabled()
    text = preview_text(d)
    assert "Alice Smith" in text and "$120.00" in text
    assert "Dr. Ana Ruiz" in text and "$60.00" in text
    assert ledger.client_balance(practice, admin, booked["alice"].id) == 0  # SPEC 4.3: nothing until saved
    submit(qtbot, d)
    assert d.result() == QDialog.DialogCode.Accepted
    assert d.result_session.status == "completed" and d.result_session.clients[0].charge_cents == 12000
    assert ledger.client_balance(practice, admin, booked["alice"].id) == -12000


# SPEC 4.2: Submit is enabled only once a choice is made
def test_submit_is_disabled_until_a_choice_is_made(qtbot, practice, booked, open_dialog):
    d = open_dialog(booked["single"])
    submit_button = d.findChild(QPushButton, "completionSubmit")
    assert not submit_button.isEnabled()
    qtbot.mouseClick(submit_button, Qt.MouseButton.LeftButton)
    assert d.isVisible() and d.result_session is None
    assert "Choose how to save" in preview_text(d)
    choose(qtbot, d, f"completionType{type_id(practice, 'canceled')}")
    assert submit_button.isEnabled()


# SPEC 4.1: the group preview shows each client and the total; the wage is paid once
def test_group_preview_lists_every_client_and_the_total(qtbot, practice, admin, booked, open_dialog):
    d = open_dialog(booked["group"])
    choose(qtbot, d, f"completionType{type_id(practice, 'missed')}")
    text = preview_text(d)
    for name in ("Alice Smith", "Bob Jones", "Carla Diaz"):
        assert name in text
    assert "Total charged (3 clients)" in text and "$360.00" in text
    assert "$60.00" in text
    submit(qtbot, d)
    for who in ("alice", "bob", "carla"):
        assert ledger.client_balance(practice, admin, booked[who].id) == -12000


# SPEC 4.4: "Late Cancel", percentage 50/50 -> half the cost, half the wage
def test_late_cancel_custom_type_is_offered_with_its_description_and_previews_half(
        qtbot, practice, admin, booked, open_dialog):
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "Cancelled less than 24 hours ahead.", "percentage", 50, 50))
    d = open_dialog(booked["single"])
    description = d.findChild(QLabel, f"completionType{late.id}Description")
    assert description.text() == "Cancelled less than 24 hours ahead." and description.isVisible()
    choose(qtbot, d, f"completionType{late.id}")
    text = preview_text(d)
    assert "Late Cancel" in text and "$60.00" in text and "$30.00" in text
    assert "$120.00" not in text
    submit(qtbot, d)
    assert d.result_session.completion_label == "Late Cancel"
    assert ledger.client_balance(practice, admin, booked["alice"].id) == -6000


# SPEC 4.1: the cost override is for admin and staff only
def test_cost_override_is_offered_to_admin_and_staff_but_not_to_a_practitioner(
        qtbot, practice, make, booked, open_dialog):
    assert radio(open_dialog(booked["single"]), "completionOverride").isVisible()
    staff = make.user("staff")
    assert radio(open_dialog(booked["single"], staff), "completionOverride").isVisible()
    own = make.user("practitioner", practitioner_id=booked["ana"].id)
    d = open_dialog(booked["single"], own)
    assert d.findChild(QRadioButton, "completionOverride") is None
    assert d.findChild(MoneyField, "overrideCost") is None and d.findChild(MoneyField, "overrideWage") is None
    choose(qtbot, d, f"completionType{type_id(practice, 'completed')}")  # the rest works for them
    submit(qtbot, d)
    assert d.result_session.status == "completed"


# SPEC 4.1: "Completed with cost override" takes the cost and wage typed in
def test_override_with_typed_amounts_charges_them(qtbot, practice, admin, booked, open_dialog):
    d = open_dialog(booked["group"])
    cost, wage = d.findChild(MoneyField, "overrideCost"), d.findChild(MoneyField, "overrideWage")
    assert not cost.isEnabled()  # until the override is chosen
    choose(qtbot, d, "completionOverride")
    assert cost.isEnabled() and wage.isEnabled()
    type_into(qtbot, cost, "95.50")
    type_into(qtbot, wage, "40")
    text = preview_text(d)
    assert "$95.50" in text and "$286.50" in text and "$40.00" in text
    submit(qtbot, d)
    view = d.result_session
    assert view.cost_override and view.completion_label == "Cost override"
    assert [c.charge_cents for c in view.clients] == [9550, 9550, 9550] and view.wage_cents == 4000
    assert ledger.client_balance(practice, admin, booked["bob"].id) == -9550


# SPEC 0.5: bad input gets a clear message naming the field, and changes nothing
def test_a_bad_override_amount_shows_an_error_and_changes_nothing(qtbot, practice, admin, booked, open_dialog):
    d = open_dialog(booked["single"])
    choose(qtbot, d, "completionOverride")
    cost = d.findChild(MoneyField, "overrideCost")
    type_into(qtbot, cost, "12.345")
    assert cost.shows_invalid
    submit(qtbot, d)
    error = d.findChild(QLabel, "completionError")
    assert error.isVisible() and error.text().startswith("Cost:")
    assert d.isVisible() and d.result_session is None
    assert ledger.client_balance(practice, admin, booked["alice"].id) == 0
    assert sessions.get_session(practice, admin, booked["single"].id).status == "open"
    type_into(qtbot, cost, "abc")
    submit(qtbot, d)
    assert "'abc' is not an amount" in error.text()
    type_into(qtbot, cost, "-5")
    submit(qtbot, d)
    assert error.text() == "Cost: cannot be negative"
    assert ledger.client_balance(practice, admin, booked["alice"].id) == 0
    type_into(qtbot, cost, "80")
    assert not cost.shows_invalid
    submit(qtbot, d)
    assert ledger.client_balance(practice, admin, booked["alice"].id) == -8000


# SPEC 4.5: a default switched off is not offered
def test_a_disabled_default_type_is_not_offered(qtbot, practice, admin, booked, open_dialog):
    missed = type_id(practice, "missed")
    completion.set_completion_type_enabled(practice, admin, missed, False)
    d = open_dialog(booked["single"])
    assert d.findChild(QRadioButton, f"completionType{missed}") is None
    assert radio(d, f"completionType{type_id(practice, 'completed')}").isVisible()
    assert radio(d, f"completionType{type_id(practice, 'canceled')}").isVisible()


# SPEC 4.6: re-saving replaces the charges; "Set back to open" reverses them
def test_a_saved_session_can_be_resaved_or_set_back_to_open(qtbot, practice, admin, booked, open_dialog):
    sid = booked["single"].id
    assert open_dialog(booked["single"]).findChild(QRadioButton, "completionReopen") is None
    saved = completion.complete_session(practice, admin, sid, type_id(practice, "completed"))
    d = open_dialog(saved)
    choose(qtbot, d, f"completionType{type_id(practice, 'canceled')}")
    submit(qtbot, d)
    assert ledger.client_balance(practice, admin, booked["alice"].id) == 0  # replaced, not added
    d = open_dialog(sessions.get_session(practice, admin, sid))
    choose(qtbot, d, f"completionType{type_id(practice, 'missed')}")
    choose(qtbot, d, "completionReopen")
    assert d.findChild(QPushButton, "completionSubmit").text() == "Set back to open"
    submit(qtbot, d)
    assert d.result_session.status == "open"
    assert ledger.client_balance(practice, admin, booked["alice"].id) == 0


# SPEC 0.1: amounts are typed in the practice locale
def test_override_amounts_are_read_in_the_practice_locale(qtbot, practice, admin, booked, open_dialog):
    from app.services import practice_settings

    practice_settings.update_settings(practice, admin, locale="de_DE", currency="EUR")
    d = open_dialog(booked["single"])
    choose(qtbot, d, "completionOverride")
    cost = d.findChild(MoneyField, "overrideCost")
    assert cost.text() == "120,00"
    type_into(qtbot, cost, "80,50")
    submit(qtbot, d)
    assert ledger.client_balance(practice, admin, booked["alice"].id) == -8050

"""The completion dialog driven by real clicks and typing (SPEC 4.1, 4.2, 4.4, 4.5, 4.6, 0.5)."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QDialog, QGroupBox, QLabel, QPushButton, QRadioButton, QScrollArea

from app.services.money import ledger
from app.services.money.amounts import format_money
from app.services.scheduling import completion, sessions
from app.services.scheduling.completion import CompletionTypeInput, Override
from app.views.completion_dialog import CompletionDialog
from app.views.widgets.money_field import MoneyField


@pytest.fixture(autouse=True)
def _after_the_sessions(clock):
    """Stand after the sessions these tests complete: completing one before its end asks first
    (SPEC 4.7, tested in test_calendar_fixes.py)."""
    from datetime import UTC as _UTC
    from datetime import datetime as _dt
    clock.at = _dt(2027, 1, 1, tzinfo=_UTC)



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
    assert submit_button.text() == "Set status"
    qtbot.mouseClick(submit_button, Qt.MouseButton.LeftButton)
    assert d.isVisible() and d.result_session is None
    assert "Choose a new status" in preview_text(d)
    choose(qtbot, d, f"completionType{type_id(practice, 'canceled')}")
    assert submit_button.isEnabled() and submit_button.text() == "Mark as Canceled"  # SPEC spelling


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


# SPEC 4.2, 4.4: one wording; the submit button and the preview say what the chosen status does
def test_the_submit_button_and_the_preview_follow_the_choice(qtbot, practice, admin, booked, open_dialog):
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "Cancelled less than 24 hours ahead.", "percentage", 50, 50))
    d = open_dialog(booked["single"])
    assert d.windowTitle() == "Set session status"
    assert d.findChild(QGroupBox, "completionChoices").title() == "New status"
    submit_button = d.findChild(QPushButton, "completionSubmit")
    for name, button_text, preview_label in [
            (f"completionType{type_id(practice, 'completed')}", "Mark as Completed", "Completed"),
            (f"completionType{late.id}", "Mark as Late Cancel", "Late Cancel"),
            (f"completionType{type_id(practice, 'missed')}", "Mark as Missed", "Missed"),
            ("completionOverride", "Save with cost override", "Completed with cost override")]:
        choose(qtbot, d, name)
        assert submit_button.text() == button_text
        assert preview_text(d).startswith(f"<b>{preview_label}</b> would charge:")
    assert d.findChild(QRadioButton, "completionReopen") is None  # an open session has nothing to reverse


# SPEC 4.6: re-saving a saved session; its current status is marked
def test_a_saved_session_marks_its_current_status(qtbot, practice, admin, booked, open_dialog):
    sid = booked["single"].id
    missed = type_id(practice, "missed")
    d = open_dialog(booked["single"])
    assert not any("(current)" in r.text() for r in d.findChildren(QRadioButton))  # open: nothing is current
    assert "Current status" in d.findChild(QLabel, "completionHeader").text()
    d = open_dialog(completion.complete_session(practice, admin, sid, missed))
    marked = [r.objectName() for r in d.findChildren(QRadioButton) if r.text().endswith("(current)")]
    assert marked == [f"completionType{missed}"] and radio(d, marked[0]).text() == "Missed (current)"
    choose(qtbot, d, f"completionType{missed}")
    assert d.findChild(QPushButton, "completionSubmit").text() == "Mark as Missed"  # not "Missed (current)"
    assert "<b>Missed</b>" in preview_text(d)
    choose(qtbot, d, "completionReopen")
    assert preview_text(d).startswith("<b>Set back to open</b> reverses")
    overridden = completion.complete_session(practice, admin, sid, override=Override(5000, 2000))
    d = open_dialog(overridden)
    assert radio(d, "completionOverride").text() == "Completed with cost override (current)"
    assert [r for r in d.findChildren(QRadioButton) if "(current)" in r.text()] == [radio(d, "completionOverride")]


def _visible_rect_in(widget, d) -> QRect:
    """The part of ``widget`` that is painted, in ``d``'s coordinates (empty when none)."""
    visible = widget.visibleRegion().boundingRect()
    return QRect(widget.mapTo(d, visible.topLeft()), visible.size()) if not visible.isEmpty() else QRect()


# SPEC 4.1, 4.2: with a large group the preview (a row per client) never covers the choices
def test_with_seven_clients_the_chosen_option_stays_in_view(qtbot, practice, admin, make, open_dialog):
    sv = make.service("Group class", cost=2500, wage=6000)
    ana = make.practitioner("Dr. Ana Ruiz")
    people = [make.client(first, "Group") for first in ("Ann", "Ben", "Cat", "Dov", "Eli", "Fay", "Gus")]
    [group] = make.session(datetime(2026, 1, 7, 17), datetime(2026, 1, 7, 18), sv, ana, people)
    saved = completion.complete_session(practice, admin, group.id, type_id(practice, "completed"))
    d = open_dialog(saved)
    area = d.screen().availableGeometry()
    box = d.findChild(QGroupBox, "completionChoices")
    viewport = d.findChild(QScrollArea, "completionChoicesScroll").viewport()
    preview = d.findChild(QLabel, "completionPreview")
    for name in ("completionReopen", f"completionType{type_id(practice, 'completed')}", "completionOverride",
                 "completionReopen"):
        choose(qtbot, d, name)
        qtbot.wait(20)  # let posted layout requests run: check what the user would see
        r = radio(d, name)
        assert not r.visibleRegion().isEmpty()
        shown = QRect(r.mapTo(viewport, QPoint(0, 0)), r.size())
        assert viewport.rect().contains(shown), f"{name} is scrolled out of its box"
        assert not _visible_rect_in(r, d).intersects(_visible_rect_in(preview, d)), f"the preview covers {name}"
        assert box.geometry().bottom() < d.findChild(QScrollArea, "completionPreviewScroll").geometry().top()
        assert d.rect().contains(box.geometry())  # the box keeps its bottom edge
        assert area.contains(d.frameGeometry())  # grown, but within the screen
        text = preview_text(d)
        assert all(f"{p.first_name} Group" in text for p in people)
    cost = d.findChild(MoneyField, "overrideCost")
    choose(qtbot, d, "completionOverride")
    qtbot.wait(20)
    assert viewport.rect().contains(QRect(cost.mapTo(viewport, QPoint(0, 0)), cost.size()))  # not cut


def test_the_cost_error_line_goes_once_the_amount_is_fixed(qtbot, practice, admin, booked, open_dialog):
    """Issue 13 (calendar fixes): a refused cost's error line goes as soon as the amount is typed
    again, before Save."""
    d = open_dialog(booked["single"])
    choose(qtbot, d, "completionOverride")
    cost = d.findChild(MoneyField, "overrideCost")
    type_into(qtbot, cost, "-5")
    submit(qtbot, d)
    error = d.findChild(QLabel, "completionError")
    assert error.isVisible() and error.text() == "Cost: cannot be negative"
    type_into(qtbot, cost, "80")
    assert not error.isVisible() or error.text() == ""
    assert sessions.get_session(practice, admin, booked["single"].id).status == "open"

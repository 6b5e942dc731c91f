"""Sessions > Deleted sessions (SPEC 5.2): select rows, Recover brings them back with everything
they had, a saved session's charge included. Driven with real clicks on the table and buttons."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.services.money import ledger
from app.services.money.amounts import format_money
from app.services.scheduling import completion, deletion, sessions
from app.views.deleted_sessions_dialog import DeletedSessionsDialog


@pytest.fixture
def booked(practice, make, admin):
    sv = make.service("Therapy 50 min", cost=12000, wage=6000)
    ana = make.practitioner("Dr. Ana Ruiz")
    alice, bob, carla = make.client("Alice", "Smith"), make.client("Bob", "Jones"), make.client("Carla", "Diaz")
    [saved] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9, 50), sv, ana, [alice],
                           public_note="Bring the worksheet")
    completion.complete_session(practice, admin, saved.id, completion.type_by_key(practice, "completed").id)
    [group] = make.session(datetime(2026, 1, 6, 17), datetime(2026, 1, 6, 18), sv, ana, [alice, bob])
    [other] = make.session(datetime(2026, 1, 7, 10), datetime(2026, 1, 7, 11), sv, ana, [carla])
    return dict(alice=alice, bob=bob, saved=saved, group=group, other=other)


@pytest.fixture
def open_dialog(qtbot, practice, admin):
    def _open():
        d = DeletedSessionsDialog(practice, admin, format_money)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return _open


def row_of(d: DeletedSessionsDialog, session_id: int) -> int:
    return next(r for r, s in enumerate(d.model.rows) if s.id == session_id)


def click_row(qtbot, d: DeletedSessionsDialog, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = d.table.visualRect(d.model.index(row, 1))
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def cell(d: DeletedSessionsDialog, row: int, title: str) -> str:
    col = [c.title for c in d.model.columns].index(title)
    return d.model.data(d.model.index(row, col))


def test_recover_two_selected_sessions_brings_back_the_saved_charge(qtbot, practice, admin, booked, open_dialog):
    # SPEC 5.2: deleting a saved session reverses its charge; recovering restores it
    alice = booked["alice"]
    assert ledger.client_balance(practice, admin, alice.id) == -12000
    ids = [booked["saved"].id, booked["group"].id, booked["other"].id]
    deletion.delete_sessions(practice, admin, ids)
    assert ledger.client_balance(practice, admin, alice.id) == 0

    d = open_dialog()
    assert d.model.rowCount() == 3
    assert d.count.text() == "3 deleted sessions"
    saved_row = row_of(d, booked["saved"].id)
    assert cell(d, saved_row, "Status") == "Completed"
    assert cell(d, saved_row, "Charged") == "$120.00"
    assert cell(d, saved_row, "Client(s)") == "Alice Smith"
    assert cell(d, row_of(d, booked["group"].id), "Charged") == "\u2014"  # open: nothing charged yet
    assert cell(d, row_of(d, booked["group"].id), "Client(s)") == "Bob Jones, Alice Smith"

    click_row(qtbot, d, saved_row)
    click_row(qtbot, d, row_of(d, booked["group"].id), Qt.KeyboardModifier.ControlModifier)
    assert d.recover_button.isEnabled()
    qtbot.mouseClick(d.recover_button, Qt.MouseButton.LeftButton)

    assert sorted(d.recovered) == sorted([booked["saved"].id, booked["group"].id])
    assert [s.id for s in d.model.rows] == [booked["other"].id]  # the list reloaded
    assert d.count.text() == "1 deleted session"
    assert d.recovered_note.text().startswith("2 sessions recovered")
    assert not d.recover_button.isEnabled()  # nothing selected after the reload
    assert ledger.client_balance(practice, admin, alice.id) == -12000  # the charge is back
    back = sessions.get_session(practice, admin, booked["saved"].id)
    assert not back.deleted and back.label == "Completed" and back.public_note == "Bring the worksheet"
    assert not sessions.get_session(practice, admin, booked["group"].id).deleted
    assert [s.id for s in deletion.list_deleted(practice, admin)] == [booked["other"].id]


def test_recover_is_disabled_without_a_selection(qtbot, practice, admin, booked, open_dialog):
    deletion.delete_sessions(practice, admin, [booked["saved"].id, booked["other"].id])
    d = open_dialog()
    assert not d.recover_button.isEnabled()
    qtbot.mouseClick(d.recover_button, Qt.MouseButton.LeftButton)
    assert d.recovered == [] and len(deletion.list_deleted(practice, admin)) == 2
    click_row(qtbot, d, 0)
    assert d.recover_button.isEnabled() and d.recover_button.text() == "Recover"
    click_row(qtbot, d, 1, Qt.KeyboardModifier.ShiftModifier)
    assert d.recover_button.text() == "Recover 2 sessions"
    click_row(qtbot, d, 0, Qt.KeyboardModifier.ControlModifier)
    click_row(qtbot, d, 1, Qt.KeyboardModifier.ControlModifier)
    assert not d.recover_button.isEnabled()


def test_no_deleted_sessions_shows_the_empty_state(qtbot, booked, open_dialog):
    d = open_dialog()
    assert d.windowTitle() == "Deleted sessions"
    assert d.stack.currentWidget() is d.empty and d.empty.isVisible()
    assert d.empty.text().startswith("No deleted sessions.")
    assert not d.recover_button.isEnabled()
    assert d.count.text() == ""


def test_recovering_the_last_rows_shows_the_empty_state(qtbot, practice, admin, booked, open_dialog):
    deletion.delete_sessions(practice, admin, [booked["other"].id])
    d = open_dialog()
    assert d.stack.currentWidget() is d.table
    click_row(qtbot, d, 0)
    qtbot.mouseClick(d.recover_button, Qt.MouseButton.LeftButton)
    assert d.recovered == [booked["other"].id]
    assert d.stack.currentWidget() is d.empty
    assert d.recovered_note.isVisible() and d.recovered_note.text().startswith("1 session recovered")


def test_a_refused_recovery_is_shown_and_changes_nothing(qtbot, practice, admin, booked, open_dialog):
    deletion.delete_sessions(practice, admin, [booked["saved"].id, booked["other"].id])
    d = open_dialog()
    deletion.recover_sessions(practice, admin, [booked["other"].id])  # someone else was quicker
    click_row(qtbot, d, row_of(d, booked["saved"].id))
    click_row(qtbot, d, row_of(d, booked["other"].id), Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(d.recover_button, Qt.MouseButton.LeftButton)
    assert d.error.isVisible()
    other = booked["other"].start  # named by its time, never by an internal number
    assert d.error.text() == f"The session of {other:%a %d %b %Y} at {other:%H:%M} is not deleted."
    assert d.recovered == []
    assert [s.id for s in deletion.list_deleted(practice, admin)] == [booked["saved"].id]  # one transaction


def test_the_clients_cell_lists_each_client_charge(qtbot, practice, admin, make, booked, open_dialog):
    completion.complete_session(practice, admin, booked["group"].id, completion.type_by_key(practice, "completed").id)
    deletion.delete_sessions(practice, admin, [booked["group"].id])
    d = open_dialog()
    assert cell(d, 0, "Charged") == "$120.00 each"
    tip = d.model.data(d.model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert tip == "Bob Jones: charged $120.00\nAlice Smith: charged $120.00"


def test_model_passes_the_model_tester(qtbot, qtmodeltester, practice, admin, booked, open_dialog):
    deletion.delete_sessions(practice, admin, [booked["saved"].id, booked["group"].id])
    d = open_dialog()
    qtmodeltester.check(d.model)

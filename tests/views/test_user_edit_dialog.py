"""Settings > Users and roles > Edit… driven by real clicks and keys (SPEC 1.1, 0.5; issue 13 item 2):
rename a user, make front desk a practitioner linked to their record, and the refusal to demote the
practice's last administrator shown in plain words. The rules themselves are proved without Qt in
tests/services/test_user_edit.py."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from app.services.people import users
from app.views.settings.settings_dialog import SettingsDialog
from app.views.settings.user_edit_dialog import UserEditDialog
from tests.views.modal import when_modal


@pytest.fixture
def settings_window(qtbot, practice, admin):
    d = SettingsDialog(practice, admin, page="users")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


@pytest.fixture
def users_panel(settings_window):
    return settings_window.panels["users"]


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def row_of(panel, user_id: int) -> int:
    return next(i for i, u in enumerate(panel.model.rows) if u.id == user_id)


def cell_center(panel, row: int, col: int = 0):
    return panel.table.visualRect(panel.model.index(row, col)).center()


def pick(qtbot, panel, user_id: int) -> None:
    click_at = cell_center(panel, row_of(panel, user_id))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=click_at)
    assert panel.selected().id == user_id


def type_over(qtbot, field, text: str) -> None:
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def choose(qtbot, combo, text: str) -> None:
    """Pick a combo box entry as a keyboard user does: focus it and type the start of the entry."""
    combo.setFocus()
    qtbot.keyClicks(combo, text)
    assert combo.currentText() == text


def shown_cells(panel, user_id: int) -> list[str]:
    row = row_of(panel, user_id)
    return [panel.model.data(panel.model.index(row, c)) for c in range(panel.model.columnCount())]


# SPEC 1.1
def test_spec_1_1_rename_a_user_from_the_edit_button(qtbot, users_panel, practice, admin, make):
    desk = make.user("staff")
    users_panel.reload()
    pick(qtbot, users_panel, desk.user_id)

    def rename(dialog: UserEditDialog):
        assert dialog.fields.display_name.text() == "Staff 1"
        type_over(qtbot, dialog.fields.display_name, "Jordan Ellis")
        click(qtbot, dialog.save_button)

    seen = when_modal(qtbot, rename)
    click(qtbot, users_panel.edit_button)
    assert [d.objectName() for d in seen] == ["userEditDialog"]
    assert shown_cells(users_panel, desk.user_id)[1:3] == ["Jordan Ellis", "Front desk"]
    assert users_panel.selected().id == desk.user_id
    assert users_panel.done.text() == "Jordan Ellis is saved."
    assert [u.display_name for u in users.list_users(practice, admin) if u.id == desk.user_id] == ["Jordan Ellis"]


# SPEC 1.1, 0.5
def test_spec_1_1_front_desk_becomes_a_practitioner_linked_to_their_record(qtbot, users_panel, practice, admin,
                                                                           make):
    maya = make.practitioner("Maya Okafor")
    desk = make.user("staff")
    users_panel.reload()
    pick(qtbot, users_panel, desk.user_id)
    said: list[list[str]] = []

    def promote(dialog: UserEditDialog):
        type_over(qtbot, dialog.fields.display_name, "Dr. Maya Okafor")
        choose(qtbot, dialog.fields.role, "Practitioner")
        assert dialog.fields.practitioner.isEnabled()
        click(qtbot, dialog.save_button)  # no practitioner chosen yet: refused next to that field
        said.append(dialog.errors.shown())
        assert dialog.isVisible()
        assert not dialog.fields.practitioner_error.isHidden()
        assert dialog.fields.display_name.text() == "Dr. Maya Okafor"  # what was typed stays
        assert dialog.fields.role.currentData() == "practitioner"
        choose(qtbot, dialog.fields.practitioner, "Maya Okafor")
        click(qtbot, dialog.save_button)

    when_modal(qtbot, promote)
    click(qtbot, users_panel.edit_button)
    assert said == [["Practitioner must be chosen for a practitioner login."]]
    assert shown_cells(users_panel, desk.user_id)[1:4] == ["Dr. Maya Okafor", "Practitioner", "Maya Okafor"]
    [saved] = [u for u in users.list_users(practice, admin) if u.id == desk.user_id]
    assert (saved.role, saved.practitioner_id) == ("practitioner", maya.id)


# SPEC 1.1
def test_spec_1_1_demoting_the_last_admin_is_refused_in_plain_words(qtbot, users_panel, practice, admin):
    seen: list[str] = []

    def demote(dialog: UserEditDialog):
        choose(qtbot, dialog.fields.role, "Front desk")
        click(qtbot, dialog.save_button)
        seen.extend(dialog.errors.shown())
        assert dialog.isVisible() and dialog.fields.role.currentText() == "Front desk"
        click(qtbot, dialog.cancel_button)

    when_modal(qtbot, demote)
    # a double-click on the row opens the same dialog (QTest sends its second press as the double-click)
    at = cell_center(users_panel, row_of(users_panel, admin.user_id), 1)
    qtbot.mouseClick(users_panel.table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseDClick(users_panel.table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert seen == ["You are the practice's only active administrator, so your role stays Administrator. "
                    "Make another user an administrator first."]
    assert not re.search(r"\d|SPEC", seen[0])  # no ids, no rule numbers
    assert shown_cells(users_panel, admin.user_id)[2] == "Administrator"
    assert users.first_admin(practice).id == admin.user_id
    assert users_panel.done.isHidden()


def test_the_edit_button_needs_a_chosen_user(qtbot, users_panel, admin):
    users_panel.table.clearSelection()
    assert not users_panel.edit_button.isEnabled()
    pick(qtbot, users_panel, admin.user_id)
    assert users_panel.edit_button.isEnabled()

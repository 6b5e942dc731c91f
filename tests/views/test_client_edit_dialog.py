"""Clients > New client / Edit client (SPEC 1.1, 0.5): typed into with real keys, saved with a
real click; bad input names the field, focuses it and writes nothing; archive and restore."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.services.people import clients
from app.views.client_edit_dialog import ClientEditDialog
from tests.views.modal import answer_modal


@pytest.fixture
def open_form(qtbot, practice, admin):
    def _open(client=None):
        d = ClientEditDialog(practice, admin, client)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        d.activateWindow()
        return d
    return _open


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # replace what is there
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def save(qtbot, d: ClientEditDialog) -> None:
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)


def test_create_a_client_through_the_form(qtbot, practice, admin, open_form):
    d = open_form()
    assert d.windowTitle() == "New client" and d.archive_button is None
    assert [d.notify_by.itemText(i) for i in range(d.notify_by.count())] == \
        ["E-mail", "SMS", "E-mail & SMS", "Don't notify"]
    assert d.notify_by.currentText() == "Don't notify"
    type_into(qtbot, d.first_name, "Dana")
    type_into(qtbot, d.last_name, "Whitfield")
    type_into(qtbot, d.email, "dana@example.org")
    type_into(qtbot, d.phone, "(207) 555-0199")
    type_into(qtbot, d.address, "12 Elm St")
    qtbot.keyClick(d.address, Qt.Key.Key_Return)
    qtbot.keyClicks(d.address, "Portland, ME")
    d.notify_by.setFocus()
    qtbot.keyClick(d.notify_by, Qt.Key.Key_Up)  # Don't notify -> E-mail & SMS
    assert d.notify_by.currentText() == "E-mail & SMS"
    qtbot.mouseClick(d.may_cancel, Qt.MouseButton.LeftButton, pos=QPoint(8, d.may_cancel.height() // 2))
    type_into(qtbot, d.notes, "Prefers mornings")
    save(qtbot, d)

    assert d.result() == QDialog.DialogCode.Accepted
    [c] = [c for c in clients.list_clients(practice, admin) if c.last_name == "Whitfield"]
    assert d.saved == c
    assert (c.first_name, c.email, c.phone, c.address, c.notify_by, c.may_cancel, c.notes) == (
        "Dana", "dana@example.org", "(207) 555-0199", "12 Elm St\nPortland, ME", "both", True, "Prefers mornings")


def test_bad_email_names_the_field_focuses_it_and_writes_nothing(qtbot, practice, admin, open_form):
    # SPEC 0.5
    d = open_form()
    type_into(qtbot, d.first_name, "Dana")
    type_into(qtbot, d.last_name, "Whitfield")
    type_into(qtbot, d.email, "dana-at-example")
    type_into(qtbot, d.notes, "x")
    save(qtbot, d)
    assert d.isVisible() and d.saved is None
    assert d.error.isVisible()
    assert d.error.text() == "E-mail: 'dana-at-example' is not an e-mail address"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is d.email)
    assert clients.list_clients(practice, admin, include_archived=True) == []

    type_into(qtbot, d.email, "dana@example.org")  # fixing it and saving again works
    save(qtbot, d)
    assert d.result() == QDialog.DialogCode.Accepted
    assert [c.email for c in clients.list_clients(practice, admin)] == ["dana@example.org"]


def test_missing_name_and_missing_channel_address_are_named(qtbot, practice, admin, open_form):
    d = open_form()
    type_into(qtbot, d.last_name, "Whitfield")
    save(qtbot, d)
    assert d.error.text() == "First name: is required"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is d.first_name)
    type_into(qtbot, d.first_name, "Dana")
    d.notify_by.setCurrentIndex(d.notify_by.findData("sms"))
    save(qtbot, d)
    assert d.error.text() == "Phone: is needed to notify this client by SMS"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is d.phone)
    assert clients.list_clients(practice, admin) == []


def test_edit_changes_the_phone_and_keeps_the_rest(qtbot, practice, admin, make, open_form):
    c = make.client("Alice", "Smith", email="alice@example.org", phone="555-0100", notify_by="email",
                    may_cancel=True, notes="Allergic to cats")
    d = open_form(c)
    assert d.windowTitle() == "Edit client \u2014 Alice Smith"
    assert d.notify_by.currentText() == "E-mail" and d.may_cancel.isChecked()
    assert d.archive_button.text() == "Archive\u2026" and not d.archived_note.isVisible()
    type_into(qtbot, d.phone, "(207) 555-0142")
    save(qtbot, d)
    after = clients.get_client(practice, admin, c.id)
    assert d.saved == after
    assert after.phone == "(207) 555-0142"
    assert (after.email, after.notify_by, after.may_cancel, after.notes) == (
        "alice@example.org", "email", True, "Allergic to cats")


def test_archive_asks_first_then_hides_the_client(qtbot, practice, admin, make, open_form):
    c = make.client("Alice", "Smith")
    d = open_form(c)
    seen = answer_modal(qtbot, "confirmArchive", "confirmArchiveNo")
    qtbot.mouseClick(d.archive_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].startswith("Archive Alice Smith?")
    assert d.isVisible() and d.saved is None
    assert [x.id for x in clients.list_clients(practice, admin)] == [c.id]

    answer_modal(qtbot, "confirmArchive", "confirmArchiveYes")
    qtbot.mouseClick(d.archive_button, Qt.MouseButton.LeftButton)
    assert d.result() == QDialog.DialogCode.Accepted and d.saved.archived
    assert clients.list_clients(practice, admin) == []
    assert [x.id for x in clients.list_clients(practice, admin, include_archived=True)] == [c.id]


def test_archive_warns_about_unsaved_changes(qtbot, make, open_form):
    d = open_form(make.client("Alice", "Smith"))
    type_into(qtbot, d.phone, "555-0177")
    seen = answer_modal(qtbot, "confirmArchive", "confirmArchiveNo")
    qtbot.mouseClick(d.archive_button, Qt.MouseButton.LeftButton)
    assert "not saved" in seen[0]


def test_restore_an_archived_client(qtbot, practice, admin, make, open_form):
    c = make.client("Alice", "Smith")
    archived = clients.set_archived(practice, admin, c.id, True)
    d = open_form(archived)
    assert d.archived_note.isVisible() and d.archive_button.text() == "Restore"
    qtbot.mouseClick(d.archive_button, Qt.MouseButton.LeftButton)  # nothing typed: no question
    assert d.result() == QDialog.DialogCode.Accepted and not d.saved.archived
    assert [x.id for x in clients.list_clients(practice, admin)] == [c.id]

"""Sessions > Sessions List and Open Sessions (SPEC 4.2, 4.5, 4.7, 5.1, 5.2, 2.3), driven with real
clicks: check boxes, the action drop-down, Submit, the column headers, the filters."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QStyle, QStyleOptionViewItem

from app.services.money import ledger
from app.services.scheduling import completion, deletion, session_lists
from app.services.scheduling.completion import CompletionTypeInput
from app.views.deleted_sessions_dialog import DeletedSessionsDialog
from app.views.open_sessions_dialog import OpenSessionsDialog
from app.views.sessions_list_dialog import SessionsListDialog

from .modal import answer_modal, when_modal


@pytest.fixture
def booked(practice, make, admin):
    """Five past open sessions in December 2025 (the clock: 1 Jan 2026 07:00 in New York), one
    saved, and one on 9 January (not ended yet)."""
    sv = make.service("Therapy 50 min", cost=12000, wage=6000)
    ana, ben = make.practitioner("Dr. Ana Ruiz"), make.practitioner("Ben Ode")
    alice, bob, carla = make.client("Alice", "Smith"), make.client("Bob", "Jones"), make.client("Carla", "Diaz")
    out = {"alice": alice, "bob": bob, "carla": carla, "ana": ana, "ben": ben}
    for day, who, pr in ((1, alice, ana), (2, bob, ben), (3, carla, ana), (4, alice, ben), (5, bob, ana)):
        [out[f"dec{day}"]] = make.session(datetime(2025, 12, day, 10), datetime(2025, 12, day, 10, 50), sv, pr, [who])
    [out["saved"]] = make.session(datetime(2025, 11, 28, 9), datetime(2025, 11, 28, 10), sv, ben, [carla])
    completion.complete_session(practice, admin, out["saved"].id, completion.type_by_key(practice, "completed").id)
    [out["future"]] = make.session(datetime(2026, 1, 9, 9), datetime(2026, 1, 9, 10), sv, ana, [alice])
    return out


@pytest.fixture
def open_list(qtbot, practice, admin):
    def _open(cls=SessionsListDialog, actor=admin):
        d = cls(practice, actor)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return _open


def row_of(d, session_id: int) -> int:
    return next(r for r, s in enumerate(d.model.rows) if s.id == session_id)


def cell(d, row: int, title: str) -> str:
    col = [c.title for c in d.model.columns].index(title) + 1
    return d.model.data(d.model.index(row, col))


def tick(qtbot, d, row: int) -> None:
    """Click the check box of ``row`` where it is drawn."""
    table = d.table
    table.scrollTo(d.model.index(row, 0))
    option = QStyleOptionViewItem()
    option.rect = table.visualRect(d.model.index(row, 0))
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = table.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, table)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=box.center())


def choose(qtbot, combo, text: str) -> None:
    """Open the drop-down with a click, walk to ``text`` with the arrow keys and press Enter (a
    click in a popup that has just opened is ignored by Qt, as a guard against double clicks)."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    i = combo.findText(text)
    assert i >= 0, f"{text!r} is not offered: {[combo.itemText(k) for k in range(combo.count())]}"
    while view.currentIndex().row() != i:
        qtbot.keyClick(view, Qt.Key.Key_Down if view.currentIndex().row() < i else Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentText() == text


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


# SPEC 4.2
def test_submit_is_enabled_only_once_an_action_is_chosen(qtbot, booked, open_list):
    d = open_list()
    bar = d.list
    assert not bar.submit.isEnabled()
    tick(qtbot, d, 0)
    assert not bar.submit.isEnabled()  # a checked row is not enough
    choose(qtbot, bar.action, "Save as Completed")
    assert bar.submit.isEnabled()
    choose(qtbot, bar.action, "Choose an action\u2026")
    assert not bar.submit.isEnabled()


# SPEC 4.2, 4.3
def test_bulk_complete_three_checked_rows(qtbot, practice, admin, booked, open_list):
    b = booked
    d = open_list()
    assert d.list.count.text() == "7 sessions"
    assert d.model.rows[0].id == b["future"].id  # the newest first
    for key in ("dec1", "dec2", "dec4"):
        tick(qtbot, d, row_of(d, b[key].id))
    assert d.model.checked == {b["dec1"].id, b["dec2"].id, b["dec4"].id}
    assert d.list.checked_label.text() == "3 sessions checked"
    choose(qtbot, d.list.action, "Save as Completed")
    click(qtbot, d.list.submit)

    assert d.list.note.text() == "3 sessions saved as Completed."
    assert d.changed
    for key in ("dec1", "dec2", "dec4"):  # the rows show their new status, in place
        assert cell(d, row_of(d, b[key].id), "Status") == "Completed"
    assert cell(d, row_of(d, b["dec3"].id), "Status") == "Open"
    assert d.model.checked == set() and not d.list.submit.isEnabled()
    assert ledger.client_balance(practice, admin, b["alice"].id) == -24000  # dec1 and dec4
    assert ledger.client_balance(practice, admin, b["bob"].id) == -12000


# SPEC 5.1, 5.2
def test_bulk_delete_then_recover(qtbot, practice, admin, booked, open_list):
    b = booked
    d = open_list()
    tick(qtbot, d, row_of(d, b["saved"].id))
    tick(qtbot, d, row_of(d, b["dec3"].id))
    choose(qtbot, d.list.action, "Delete")
    click(qtbot, d.list.submit)
    assert d.list.note.text().startswith("2 sessions deleted. Sessions \u25b8 Deleted Sessions")
    assert b["saved"].id not in {s.id for s in d.model.rows} and b["dec3"].id not in {s.id for s in d.model.rows}
    assert d.list.count.text() == "5 sessions"
    assert ledger.client_balance(practice, admin, b["carla"].id) == 0  # the saved session's charge reversed

    deleted = DeletedSessionsDialog(practice, admin, str)
    qtbot.addWidget(deleted)
    deleted.show()
    qtbot.waitExposed(deleted)
    assert {s.id for s in deleted.model.rows} == {b["saved"].id, b["dec3"].id}
    deleted.table.selectAll()
    click(qtbot, deleted.recover_button)
    assert sorted(deleted.recovered) == sorted([b["saved"].id, b["dec3"].id])

    d.reload()
    assert {b["saved"].id, b["dec3"].id} <= {s.id for s in d.model.rows}
    assert cell(d, row_of(d, b["saved"].id), "Status") == "Completed"
    assert ledger.client_balance(practice, admin, b["carla"].id) == -12000  # and its charge with it


def test_check_all_then_set_back_to_open(qtbot, practice, admin, booked, open_list):
    d = open_list()
    click(qtbot, d.list.check_all)
    assert d.model.checked == {s.id for s in d.model.rows}
    assert d.list.checked_label.text() == "7 sessions checked"
    tick(qtbot, d, 0)
    assert not d.list.check_all.isChecked()
    tick(qtbot, d, 0)
    assert d.list.check_all.isChecked()
    choose(qtbot, d.list.action, "Open (not saved)")
    click(qtbot, d.list.submit)
    assert {cell(d, r, "Status") for r in range(d.model.rowCount())} == {"Open"}
    assert ledger.client_balance(practice, admin, booked["carla"].id) == 0


# SPEC 4.7
def test_completing_a_session_that_has_not_ended_asks_first(qtbot, practice, admin, booked, open_list):
    b = booked
    d = open_list()
    tick(qtbot, d, row_of(d, b["future"].id))
    tick(qtbot, d, row_of(d, b["dec5"].id))
    choose(qtbot, d.list.action, "Save as Missed")
    seen = answer_modal(qtbot, "confirmEarly", "confirmCancel")
    click(qtbot, d.list.submit)
    assert "1 session of the checked has not ended yet." in seen[0]
    assert "Fri 09 Jan 2026" in seen[0]
    assert cell(d, row_of(d, b["dec5"].id), "Status") == "Open"  # nothing saved
    seen = answer_modal(qtbot, "confirmEarly", "confirmYes")
    click(qtbot, d.list.submit)
    assert cell(d, row_of(d, b["future"].id), "Status") == "Missed"
    assert cell(d, row_of(d, b["dec5"].id), "Status") == "Missed"


def test_a_refusal_is_shown_in_words_and_changes_nothing(qtbot, practice, admin, booked, open_list):
    b = booked
    d = open_list()
    tick(qtbot, d, row_of(d, b["dec1"].id))
    tick(qtbot, d, row_of(d, b["dec2"].id))
    deletion.delete_sessions(practice, admin, [b["dec2"].id])  # at another workstation
    choose(qtbot, d.list.action, "Save as Completed")
    click(qtbot, d.list.submit)
    assert d.list.error.isVisible()
    assert "no longer exists; it may have been deleted at another workstation" in d.list.error.text()
    assert cell(d, row_of(d, b["dec1"].id), "Status") == "Open"  # all or nothing
    assert ledger.client_balance(practice, admin, b["alice"].id) == 0


def test_nothing_checked_says_so(qtbot, booked, open_list):
    d = open_list()
    choose(qtbot, d.list.action, "Delete")
    click(qtbot, d.list.submit)
    assert d.list.error.text() == "Nothing is checked: tick the sessions first, then Submit."
    assert d.model.rowCount() == 7


def test_sort_by_client_then_by_date_with_header_clicks(qtbot, booked, open_list):
    b = booked
    d = open_list()
    header = d.table.horizontalHeader()

    def click_header(col: int) -> None:
        x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click_header(2)  # Client(s)
    names = [s.clients[0].name for s in d.model.rows]
    assert names == ["Carla Diaz", "Carla Diaz", "Bob Jones", "Bob Jones", "Alice Smith", "Alice Smith",
                     "Alice Smith"]  # by last name
    click_header(2)
    assert [s.clients[0].name for s in d.model.rows] == names[::-1]
    click_header(1)  # Date and time: oldest first
    assert d.model.rows[0].id == b["saved"].id
    click_header(4)  # Practitioner does not sort: the order and the arrow stay
    assert d.model.rows[0].id == b["saved"].id and header.sortIndicatorSection() == 1


def test_filters_and_empty_state(qtbot, booked, open_list):
    b = booked
    d = open_list()
    choose(qtbot, d.practitioner, "Ben Ode")
    assert {s.id for s in d.model.rows} == {b["dec2"].id, b["dec4"].id, b["saved"].id}
    assert d.list.count.text() == "3 sessions"
    choose(qtbot, d.status, "Completed")
    assert [s.id for s in d.model.rows] == [b["saved"].id]
    qtbot.keyClicks(d.search, "nobody at all")
    qtbot.waitUntil(lambda: d.model.rowCount() == 0)
    assert d.list.stack.currentWidget() is d.list.empty
    assert d.list.empty.text().startswith("No session matches these filters.")
    click(qtbot, d.clear_button)
    assert d.model.rowCount() == 7 and d.search.text() == ""
    d.client.lineEdit().setFocus()
    qtbot.keyClicks(d.client.lineEdit(), "Smith, Alice")
    qtbot.keyClick(d.client.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: d.model.rowCount() == 3)
    assert {s.id for s in d.model.rows} == {b["dec1"].id, b["dec4"].id, b["future"].id}


def test_a_custom_type_is_offered_in_the_sessions_list_only(qtbot, practice, admin, booked, open_list):
    # SPEC 4.5: custom types show in the session lists, not the open-sessions list
    completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 50))
    d = open_list()
    choose(qtbot, d.status, "Late Cancel")  # a status filter too
    assert d.model.rowCount() == 0
    click(qtbot, d.clear_button)
    tick(qtbot, d, row_of(d, booked["dec3"].id))
    choose(qtbot, d.list.action, "Save as Late Cancel")
    click(qtbot, d.list.submit)
    assert cell(d, row_of(d, booked["dec3"].id), "Status") == "Late Cancel"
    o = open_list(OpenSessionsDialog)
    assert o.list.action.findText("Save as Late Cancel") < 0
    assert o.list.action.findText("Save as Completed") > 0


# SPEC 4.2
def test_open_sessions_lists_past_unsaved_sessions_and_saving_takes_them_off(qtbot, practice, admin, booked,
                                                                              open_list):
    b = booked
    o = open_list(OpenSessionsDialog)
    assert [s.id for s in o.model.rows] == [b[f"dec{i}"].id for i in (5, 4, 3, 2, 1)]
    assert o.list.count.text() == "5 sessions"
    tick(qtbot, o, 0)
    tick(qtbot, o, 1)
    choose(qtbot, o.list.action, "Save as Canceled")
    click(qtbot, o.list.submit)
    assert [s.id for s in o.model.rows] == [b[f"dec{i}"].id for i in (3, 2, 1)]
    assert o.list.note.text() == "2 sessions saved as Canceled."
    assert o.list.count.text() == "3 sessions"
    click(qtbot, o.list.check_all)
    choose(qtbot, o.list.action, "Save as Completed")
    click(qtbot, o.list.submit)
    assert o.list.stack.currentWidget() is o.list.empty
    assert o.list.empty.text().startswith("No open sessions.")
    assert session_lists.count_open(practice, admin) == 0


def test_pages_load_as_the_list_scrolls(qtbot, practice, admin, booked, open_list, monkeypatch):
    monkeypatch.setattr(SessionsListDialog, "page_size", 3)
    d = open_list()
    assert d.model.rowCount() == 3 and d.model.canFetchMore()
    d.table.scrollToBottom()
    qtbot.waitUntil(lambda: d.model.rowCount() == 7)
    assert not d.model.canFetchMore()
    assert len({s.id for s in d.model.rows}) == 7
    d.list.check_all.click()
    assert len(d.list.model.checked_ids()) == 7


def test_a_practitioner_sees_their_own_sessions_without_bulk_tools(qtbot, make, booked, open_list):
    ben = make.user("practitioner", practitioner_id=booked["ben"].id)
    d = open_list(actor=ben)
    assert {s.practitioner_name for s in d.model.rows} == {"Ben Ode"}
    assert not d.list.action.isVisibleTo(d) and not d.list.submit.isVisibleTo(d)
    assert d.table.isColumnHidden(0)
    assert not d.practitioner.isVisibleTo(d)


# SPEC 2.3
def test_add_session_button_opens_the_session_form(qtbot, booked, open_list):
    d = open_list()
    seen = when_modal(qtbot, lambda w: None)
    click(qtbot, d.add_button)
    assert seen and seen[0].objectName() == "sessionDialog"
    assert not d.changed  # closed without saving


def test_models_pass_the_model_tester(qtbot, qtmodeltester, booked, open_list, monkeypatch):
    monkeypatch.setattr(SessionsListDialog, "page_size", 2)
    d = open_list()
    d.model.set_checked(d.model.rows[0].id, True)
    qtmodeltester.check(d.model)
    o = open_list(OpenSessionsDialog)
    qtmodeltester.check(o.model)


def test_main_window_sessions_menu_opens_both_lists(qtbot, window):
    menu = window.findChild(QMenu, "menuSessions")
    for name, dialog_name in (("actionSessionsList", "sessionsListDialog"),
                              ("actionOpenSessions", "openSessionsDialog")):
        act = next(a for a in menu.actions() if a.objectName() == name)
        act.trigger()
        qtbot.waitUntil(lambda n=dialog_name: window.active_dialog.objectName() == n)
        assert window.active_dialog.isVisible()
        window.active_dialog.reject()

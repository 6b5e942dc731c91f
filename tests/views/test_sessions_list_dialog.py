"""Sessions > Sessions List and Open Sessions (SPEC 4.2, 4.5, 4.7, 5.1, 5.2, 2.3), driven with real
clicks: check boxes, the action drop-down, Submit, the column headers, the filters."""
from __future__ import annotations

from datetime import UTC, datetime

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
    """The dialog shown; the sessions list with All dates clicked (it opens on the current month)."""
    def _open(cls=SessionsListDialog, actor=admin, all_dates=True):
        d = cls(practice, actor)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        if cls is SessionsListDialog and all_dates:
            click(qtbot, d.all_dates)
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
    assert d.model.rows[0].id == b["saved"].id  # in date order
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
    seen = answer_modal(qtbot, "confirmBulk", "confirmCancel")
    click(qtbot, d.list.submit)
    assert "1 session of the checked has not ended yet." in seen[0]
    assert "Fri 09 Jan 2026" in seen[0]
    assert cell(d, row_of(d, b["dec5"].id), "Status") == "Open"  # nothing saved
    seen = answer_modal(qtbot, "confirmBulk", "confirmYes")
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
    """Both lists' keyset-paged models (issue 13 item 3), checked by Qt's QAbstractItemModelTester
    with pages still to fetch, then again after fetchMore has read them all."""
    monkeypatch.setattr(SessionsListDialog, "page_size", 2)
    monkeypatch.setattr(OpenSessionsDialog, "page_size", 2)
    for d in (open_list(), open_list(OpenSessionsDialog)):
        assert d.model.rowCount() == 2 and d.model.canFetchMore()
        d.model.set_checked(d.model.rows[0].id, True)
        qtmodeltester.check(d.model, force_py=False)
        while d.model.canFetchMore():
            d.model.fetchMore()
        assert d.model.rowCount() == (7 if isinstance(d, SessionsListDialog) else 5)
        qtmodeltester.check(d.model, force_py=False)


def test_main_window_sessions_menu_opens_both_lists(qtbot, window):
    menu = window.findChild(QMenu, "menuSessions")
    for name, dialog_name in (("actionSessionsList", "sessionsListDialog"),
                              ("actionOpenSessions", "openSessionsDialog")):
        act = next(a for a in menu.actions() if a.objectName() == name)
        act.trigger()
        qtbot.waitUntil(lambda n=dialog_name: window.active_dialog.objectName() == n)
        assert window.active_dialog.isVisible()
        window.active_dialog.reject()


# issue 13 item 3: not all of history, newest first
def test_the_sessions_list_opens_on_this_month_and_all_dates_lifts_it(qtbot, booked, open_list):
    b = booked
    d = open_list(all_dates=False)  # the clock: 1 Jan 2026 07:00 in New York
    assert (d.first_day.text(), d.last_day.text()) == ("01 Jan 2026", "31 Jan 2026")
    assert d.first_day.isVisible() and d.last_day.isVisible()
    assert [s.id for s in d.model.rows] == [b["future"].id] and d.list.count.text() == "1 session"
    assert d.all_dates.isEnabled() and d.clear_button.isEnabled()
    click(qtbot, d.all_dates)
    assert (d.first_day.text(), d.last_day.text()) == ("Any date", "Any date")
    assert d.list.count.text() == "7 sessions"
    assert [s.start for s in d.model.rows] == sorted(s.start for s in d.model.rows)  # oldest first
    assert not d.all_dates.isEnabled() and not d.clear_button.isEnabled()


def test_this_month_is_the_practice_month_and_an_empty_one_says_so(qtbot, clock, booked, open_list):
    # 1 Mar 2026 03:30 UTC is still 28 February in New York
    clock.at = datetime(2026, 3, 1, 3, 30, tzinfo=UTC)
    d = open_list(all_dates=False)
    assert (d.first_day.text(), d.last_day.text()) == ("01 Feb 2026", "28 Feb 2026")
    assert d.list.stack.currentWidget() is d.list.empty
    assert d.list.empty.text() == ("No sessions from 01 Feb 2026 to 28 Feb 2026.\n"
                                   "Click All dates to see every session, or Add Session\u2026 to book one.")
    click(qtbot, d.all_dates)
    assert d.model.rowCount() == 7


def row_point(d, row: int, column: int = 2) -> QPoint:
    d.table.scrollTo(d.model.index(row, column))
    return d.table.visualRect(d.model.index(row, column)).center()


def double_click(qtbot, d, row: int) -> None:
    """As a user does it: press and release, then the second press (QTest's mouseDClick sends only
    the double-click event)."""
    pos = row_point(d, row)
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)


# issue 13 item 2: a row opens the session view, as a double-click on the calendar does
@pytest.mark.parametrize(("action", "dialog_name"), [("actionSessionsList", "sessionsListDialog"),
                                                     ("actionOpenSessions", "openSessionsDialog")])
def test_double_click_or_enter_on_a_row_opens_the_session_view(qtbot, clock, window, action, dialog_name):
    clock.at = datetime(2026, 11, 30, 17, tzinfo=UTC)  # November 2026, after its sessions
    menu = window.findChild(QMenu, "menuSessions")
    next(a for a in menu.actions() if a.objectName() == action).trigger()
    qtbot.waitUntil(lambda: window.active_dialog.objectName() == dialog_name)
    d = window.active_dialog
    qtbot.waitExposed(d)
    assert d.model.rowCount() >= 3

    double_click(qtbot, d, 2)
    qtbot.waitUntil(lambda: window.active_dialog.objectName() == "sessionViewDialog")
    view = window.active_dialog
    assert view.session_id == d.model.rows[2].id and view.isVisible()
    view.accept()
    qtbot.waitUntil(lambda: not view.isVisible())

    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=row_point(d, 1))
    qtbot.keyClick(d.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.active_dialog.objectName() == "sessionViewDialog")
    assert window.active_dialog.session_id == d.model.rows[1].id
    window.active_dialog.accept()
    assert d.isVisible()  # the list stays open under it


def test_a_status_set_in_the_session_view_shows_in_the_list(qtbot, clock, window, practice, admin):
    clock.at = datetime(2026, 11, 30, 17, tzinfo=UTC)
    window.open_open_sessions()
    d = window.active_dialog
    qtbot.waitExposed(d)
    first = d.model.rows[0].id
    n = d.model.rowCount()
    double_click(qtbot, d, 0)
    qtbot.waitUntil(lambda: window.active_dialog.objectName() == "sessionViewDialog")
    completion.complete_session(practice, admin, first, completion.type_by_key(practice, "completed").id)
    window.active_dialog.changed = True  # as its Set status… does
    window.active_dialog.accept()
    qtbot.waitUntil(lambda: d.model.rowCount() == n - 1)  # saved: no longer an open session
    assert first not in {s.id for s in d.model.rows}


def test_a_refresh_keeps_the_place_in_a_long_list(qtbot, booked, open_list, monkeypatch):
    monkeypatch.setattr(SessionsListDialog, "page_size", 2)
    d = open_list()
    d.resize(d.width(), 300)  # a few rows in sight
    qtbot.waitUntil(lambda: d.table.viewport().height() < 7 * 26)
    d.model.fetch_until(6)
    d.table.scrollToBottom()
    qtbot.waitUntil(lambda: d.table.verticalScrollBar().value() > 0)
    qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=row_point(d, 6))
    chosen, scrolled = d.model.rows[6].id, d.table.verticalScrollBar().value()
    assert scrolled > 0
    d.refresh()
    assert d.model.rowCount() == 7 and d.table.currentIndex().row() == 6
    assert d.model.rows[6].id == chosen
    assert d.table.verticalScrollBar().value() == scrolled  # the same rows in sight


def test_long_names_are_not_cut(qtbot, make, booked, open_list):
    long = make.service("Couples and family therapy 80 min")
    make.session(datetime(2026, 1, 12, 9), datetime(2026, 1, 12, 10, 20), long, booked["ana"], [booked["bob"]])
    d = open_list(all_dates=False)
    header, metrics = d.table.horizontalHeader(), d.table.fontMetrics()
    for title, text in (("Service", long.name), ("Practitioner", "Dr. Ana Ruiz")):
        col = [c.title for c in d.model.columns].index(title) + 1
        assert header.sectionSize(col) > metrics.horizontalAdvance(text), title


def test_a_new_order_does_not_count_again_unless_sessions_changed(qtbot, booked, open_list, monkeypatch):
    d = open_list()
    counted = []
    real = session_lists.count
    monkeypatch.setattr(session_lists, "count", lambda *a, **k: counted.append(1) or real(*a, **k))
    header = d.table.horizontalHeader()
    x = header.sectionViewportPosition(2) + header.sectionSize(2) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert d.list.sort[0] == "client" and counted == [] and d.list.count.text() == "7 sessions"
    tick(qtbot, d, 0)
    choose(qtbot, d.list.action, "Delete")
    click(qtbot, d.list.submit)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert counted == [1] and d.list.count.text() == "6 sessions"


@pytest.fixture
def on_invoice(practice, admin, booked):
    """Carla's saved session of 28 November on an issued invoice (SPEC 9.1); -> the invoice number."""
    from datetime import date

    from app.services.money import invoices
    draft = invoices.create_draft(practice, admin, booked["carla"].id, [booked["saved"].id],
                                  date(2025, 11, 1), date(2025, 11, 30))
    return invoices.issue_invoice(practice, admin, draft.id).number


# SPEC 9.1, 4.2
def test_bulk_save_of_a_session_on_an_issued_invoice_asks_and_saves_only_on_yes(qtbot, practice, admin, booked,
                                                                                 on_invoice, open_list):
    """The service's confirmation warning (NeedsConfirmation, the invoice named) is put to the front
    desk; Cancel saves nothing, yes repeats the call confirmed and every checked row is saved."""
    b = booked
    d = open_list()
    tick(qtbot, d, row_of(d, b["saved"].id))
    tick(qtbot, d, row_of(d, b["dec3"].id))
    choose(qtbot, d.list.action, "Save as Missed")
    seen = answer_modal(qtbot, "confirmBulk", "confirmCancel")
    click(qtbot, d.list.submit)
    assert seen and on_invoice in seen[0] and "credit note" in seen[0]
    assert not d.list.error.isVisible()
    assert cell(d, row_of(d, b["saved"].id), "Status") == "Completed"  # nothing saved
    assert cell(d, row_of(d, b["dec3"].id), "Status") == "Open"
    seen = answer_modal(qtbot, "confirmBulk", "confirmYes")
    click(qtbot, d.list.submit)
    assert seen
    assert cell(d, row_of(d, b["saved"].id), "Status") == "Missed"
    assert cell(d, row_of(d, b["dec3"].id), "Status") == "Missed"
    assert not d.list.error.isVisible()


# SPEC 9.1, 4.7
def test_a_bulk_save_both_early_and_on_an_invoice_asks_about_both_at_once(qtbot, practice, admin, booked,
                                                                          on_invoice, open_list):
    """Agreeing to save a session before its end does not also agree, unasked, to re-save one on an
    issued invoice: one question names both."""
    b = booked
    d = open_list()
    tick(qtbot, d, row_of(d, b["future"].id))
    tick(qtbot, d, row_of(d, b["saved"].id))
    choose(qtbot, d.list.action, "Save as Missed")
    seen = answer_modal(qtbot, "confirmBulk", "confirmCancel")
    click(qtbot, d.list.submit)
    assert seen and "Fri 09 Jan 2026" in seen[0] and on_invoice in seen[0]
    assert cell(d, row_of(d, b["saved"].id), "Status") == "Completed"
    assert cell(d, row_of(d, b["future"].id), "Status") == "Open"
    answer_modal(qtbot, "confirmBulk", "confirmYes")
    click(qtbot, d.list.submit)
    assert cell(d, row_of(d, b["saved"].id), "Status") == "Missed"
    assert cell(d, row_of(d, b["future"].id), "Status") == "Missed"

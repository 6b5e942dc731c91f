"""The client picker of the session form: searching, ticking by click or keyboard, and saying
whether the clients make a single or a group session (SPEC 2.2: detected, never asked)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from app.services.people.clients import ClientView
from app.views.widgets.client_picker import ClientPicker


def _client(cid: int, first: str, last: str, email: str = "") -> ClientView:
    return ClientView(cid, first, last, email, "", "", "none", False, "", False)


CLIENTS = [_client(1, "Carla", "Diaz", "carla@example.com"), _client(2, "Bob", "Jones"),
           _client(3, "Alice", "Smith")]


@pytest.fixture
def picker(qtbot):
    w = ClientPicker(CLIENTS)
    qtbot.addWidget(w)
    w.resize(320, 300)
    w.show()
    qtbot.waitExposed(w)
    return w


def _item(picker: ClientPicker, text: str):
    [item] = picker.list.findItems(text, Qt.MatchFlag.MatchStartsWith)
    return item


def click(qtbot, picker: ClientPicker, text: str, x: int | None = None) -> None:
    """Click a client's row: in the middle of its text, or at ``x`` (the check box is at the left)."""
    rect = picker.list.visualItemRect(_item(picker, text))
    pos = rect.center() if x is None else QPoint(rect.left() + x, rect.center().y())
    qtbot.mouseClick(picker.list.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def checked(picker: ClientPicker, text: str) -> bool:
    return _item(picker, text).checkState() == Qt.CheckState.Checked


def test_rows_are_sorted_as_given_and_start_unticked(picker):
    assert [picker.list.item(i).text() for i in range(picker.list.count())] == \
        ["Diaz, Carla", "Jones, Bob", "Smith, Alice"]
    assert picker.selected_ids() == ()
    assert picker.summary.text() == "No client chosen"
    assert picker.chosen.isHidden()


def test_one_client_is_a_single_session_two_a_group(qtbot, picker):
    # SPEC 2.2
    with qtbot.waitSignal(picker.selection_changed):
        click(qtbot, picker, "Jones")
    assert checked(picker, "Jones")
    assert picker.summary.text() == "1 client: single session"
    click(qtbot, picker, "Diaz")
    assert picker.summary.text() == "2 clients: group session"
    assert picker.chosen.text() == "Bob Jones, Carla Diaz"
    assert picker.selected_ids() == (2, 1)  # in the order ticked, not the list order


def test_clicking_the_check_box_itself_ticks_once(qtbot, picker):
    click(qtbot, picker, "Smith", x=10)
    assert checked(picker, "Smith")
    click(qtbot, picker, "Smith", x=10)
    assert not checked(picker, "Smith")
    assert picker.selected_ids() == ()


def test_clicking_again_unticks(qtbot, picker):
    click(qtbot, picker, "Jones")
    click(qtbot, picker, "Smith")
    click(qtbot, picker, "Jones")
    assert picker.selected_ids() == (3,)
    assert picker.summary.text() == "1 client: single session"


def test_search_filters_by_name_or_email_and_enter_picks_the_only_match(qtbot, picker):
    qtbot.keyClicks(picker.search, "carla@")
    visible = [i.text() for i in picker._visible_items()]
    assert visible == ["Diaz, Carla"]
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.selected_ids() == (1,)
    assert picker.search.text() == ""  # ready for the next name
    qtbot.keyClicks(picker.search, "alice smi")
    assert [i.text() for i in picker._visible_items()] == ["Smith, Alice"]
    qtbot.keyClick(picker.search, Qt.Key.Key_Enter)
    assert picker.selected_ids() == (1, 3)


def test_keyboard_down_then_space_ticks(qtbot, picker):
    qtbot.keyClicks(picker.search, "jo")
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.list.currentItem().text() == "Jones, Bob"
    qtbot.keyClick(picker.list, Qt.Key.Key_Space)
    assert picker.selected_ids() == (2,)


def test_no_match_shows_a_message_not_a_blank_list(qtbot, picker):
    qtbot.keyClicks(picker.search, "zzz")
    assert picker.stack.currentWidget() is picker.empty
    assert picker.empty.text() == "No client matches “zzz”."
    picker.search.clear()
    assert picker.stack.currentWidget() is picker.list


def test_no_clients_at_all_says_so(qtbot):
    w = ClientPicker([])
    qtbot.addWidget(w)
    w.show()
    assert w.stack.currentWidget() is w.empty
    assert "No clients yet" in w.empty.text()


def test_set_selected_ignores_unknown_ids_and_keeps_order(qtbot, picker):
    with qtbot.waitSignal(picker.selection_changed):
        picker.set_selected([3, 99, 1])
    assert picker.selected_ids() == (3, 1)
    assert checked(picker, "Smith") and checked(picker, "Diaz") and not checked(picker, "Jones")
    assert picker.summary.text() == "2 clients: group session"


def test_every_interactive_widget_has_an_object_name(picker):
    assert picker.search.objectName() == "clientPickerSearch"
    assert picker.list.objectName() == "clientPickerList"

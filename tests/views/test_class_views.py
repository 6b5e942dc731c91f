"""Classes in the window (SPEC 11): Make class… from a session's view, the class view with its eye
icons (11.2), Enroll… (11.1, with the staff override of a full class), Drop and the waitlist offer,
the Classes window and the exports. Real clicks on real widgets; modal dialogs answered by clicking
their buttons."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QPushButton, QTableView

from app.services.money.amounts import format_money
from app.services.scheduling import classes, sessions
from app.services.scheduling.classes import ClassInput
from app.services.scheduling.recurrence import RecurrenceInput
from app.views.classes.class_view_dialog import EYE_COLUMN, ClassViewDialog
from app.views.classes.classes_dialog import EMPTY_TEXT, ClassesDialog
from app.views.session_view_dialog import SessionViewDialog
from app.views.widgets.eye_icons import eye_icon
from tests.views.modal import answer_modal, when_modal

START = datetime(2026, 3, 2, 10)


@pytest.fixture
def course(practice, make, admin):
    sv = make.service("Pottery course", cost=10000, wage=3000)
    maya = make.practitioner("Maya Stone")
    host, ann = make.client("Ida", "Host"), make.client("Ann", "Lee")
    made = make.session(START, START + timedelta(hours=1), sv, maya, [host], recurrence=RecurrenceInput((0,), count=6))
    return dict(service=sv, host=host, ann=ann, ids=[s.id for s in made])


def _class(practice, admin, course, capacity=10) -> int:
    return classes.make_class(practice, admin, course["ids"][0], course["service"].id,
                              ClassInput("Pottery", capacity, datetime(2026, 3, 1, 18), datetime(2026, 3, 9, 18))).id


@pytest.fixture
def open_class(qtbot, practice, admin):
    def _open(class_id):
        d = ClassViewDialog(practice, admin, class_id, format_money)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return _open


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def click_cell(qtbot, table: QTableView, row: int, column: int) -> None:
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _booked_on(practice, admin, ids, client_id) -> list[int]:
    return [sid for sid in ids if any(c.id == client_id for c in sessions.get_session(practice, admin, sid).clients)]


def test_make_class_from_the_view_of_a_series_session(qtbot, practice, admin, course):
    # SPEC 11.1: a class is made from a recurring series; then the class view opens
    d = SessionViewDialog(practice, admin, course["ids"][2], format_money)
    qtbot.addWidget(d)
    d.show()
    button = d.findChild(QPushButton, "viewClass")
    assert button.isVisible() and button.text() == "Make class\u2026"

    def fill(dialog):
        assert dialog.objectName() == "makeClassDialog"
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, "Wheel throwing")
        dialog.capacity.setValue(8)
        answer_modal(qtbot, "classViewDialog", "classClose")  # the class view opens next; close it
        click(qtbot, dialog.findChild(QPushButton, "makeClassOk"))

    seen = when_modal(qtbot, fill)
    click(qtbot, button)
    assert seen
    [made] = classes.list_classes(practice, admin)
    assert (made.name, made.capacity, made.sessions, made.enrolled) == ("Wheel throwing", 8, 6, 1)
    assert button.text() == "Open class\u2026" and d.changed


def test_enrolling_a_client_from_the_class_view(qtbot, practice, admin, course, open_class):
    # SPEC 11.1: Enroll… adds the client to every session of the class
    d = open_class(_class(practice, admin, course))

    def enroll(dialog):
        assert dialog.objectName() == "enrollDialog"
        click(qtbot, dialog.client.lineEdit())  # the names are read now
        qtbot.keyClicks(dialog.client.lineEdit(), "Lee, Ann")
        click(qtbot, dialog.findChild(QPushButton, "enrollOk"))

    seen = when_modal(qtbot, enroll)
    click(qtbot, d.findChild(QPushButton, "classEnroll"))
    assert seen
    assert [r.client_name for r in d.enrolled_model.rows] == ["Ida Host", "Ann Lee"]
    assert _booked_on(practice, admin, course["ids"], course["ann"].id) == course["ids"]
    assert "2 of 10 seats taken" in d.findChild(QLabel, "classSummary").text()
    assert d.changed


def test_enrolling_in_a_full_class_asks_and_staff_may_go_ahead(qtbot, practice, admin, course, open_class):
    # SPEC 11.1: full -> refused unless staff override (the override is recorded on the enrollment)
    d = open_class(_class(practice, admin, course, capacity=1))

    def enroll(dialog):
        assert dialog.findChild(QPushButton, "enrollWaitlist").isVisible()  # a full class offers the waitlist
        click(qtbot, dialog.client.lineEdit())  # the names are read now
        qtbot.keyClicks(dialog.client.lineEdit(), "Lee, Ann")
        answer_modal(qtbot, "confirmWarnings", "confirmYes")
        click(qtbot, dialog.findChild(QPushButton, "enrollOk"))

    when_modal(qtbot, enroll)
    click(qtbot, d.findChild(QPushButton, "classEnroll"))
    [ann] = [r for r in d.enrolled_model.rows if r.client_name == "Ann Lee"]
    assert ann.overridden
    assert d.enrolled_model.data(d.enrolled_model.index(1, 3)) == "Staff override"


def test_toggling_an_eye_icon_hides_and_shows_a_session(qtbot, practice, admin, course, open_class):
    # SPEC 11.2: the display flags, clicked in the class's session table
    class_id = _class(practice, admin, course)
    d = open_class(class_id)
    table = d.findChild(QTableView, "classSessions")
    model = table.model()
    icon = lambda row: model.data(model.index(row, EYE_COLUMN), Qt.ItemDataRole.DecorationRole)  # noqa: E731
    assert icon(1) is eye_icon(True)
    click_cell(qtbot, table, 1, EYE_COLUMN)
    assert [s.displayed for s in classes.get_class(practice, admin, class_id).sessions] == \
        [True, False, True, True, True, True]
    assert icon(1) is eye_icon(False) and icon(0) is eye_icon(True)
    click_cell(qtbot, table, 1, 2)  # a click elsewhere on the row changes nothing
    assert not classes.get_class(practice, admin, class_id).sessions[1].displayed
    click_cell(qtbot, table, 1, EYE_COLUMN)
    assert classes.get_class(practice, admin, class_id).sessions[1].displayed and icon(1) is eye_icon(True)


def test_drop_offers_the_seat_to_the_first_on_the_waitlist(qtbot, practice, admin, make, course, open_class):
    class_id = _class(practice, admin, course, capacity=1)
    bo = make.client("Bo", "Ng")
    classes.add_to_waitlist(practice, admin, class_id, bo.id)
    d = open_class(class_id)
    enrolled = d.findChild(QTableView, "classEnrolled")
    drop = d.findChild(QPushButton, "classDrop")
    assert not drop.isEnabled()
    click_cell(qtbot, enrolled, 0, 0)
    click(qtbot, drop)
    assert d.enrolled_model.rows == [] and "Ida Host on" in d.findChild(QLabel, "classDropped").text()
    offer = d.waitlist_model.data(d.waitlist_model.index(0, 2))
    assert offer.startswith("Seat offered")
    click_cell(qtbot, d.findChild(QTableView, "classWaitlist"), 0, 1)
    click(qtbot, d.findChild(QPushButton, "classAcceptOffer"))
    assert [r.client_name for r in d.enrolled_model.rows] == ["Bo Ng"] and d.waitlist_model.rows == []


def test_the_classes_window_lists_classes_and_exports_the_list(qtbot, practice, admin, course, tmp_path,
                                                               monkeypatch):
    w = ClassesDialog(practice, admin, format_money)
    qtbot.addWidget(w)
    w.show()
    assert w.empty.isVisible() and w.empty.text() == EMPTY_TEXT and not w.table.isVisible()
    _class(practice, admin, course)
    w.reload()
    assert [r.name for r in w.model.rows] == ["Pottery"] and w.table.isVisible()
    target = tmp_path / "published.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "published"), ""))
    click(qtbot, w.findChild(QPushButton, "classesExportHtml"))
    assert "Pottery" in target.read_text("utf-8") and "Mon 02 Mar 2026" in target.read_text("utf-8")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "published.ics"), ""))
    click(qtbot, w.findChild(QPushButton, "classesExportIcs"))
    assert Path(tmp_path / "published.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    click_cell(qtbot, w.table, 0, 0)
    click(qtbot, w.findChild(QPushButton, "classesArchive"))
    assert w.model.rows == [] and w.empty.isVisible()


def test_sessions_menu_opens_the_classes_window(qtbot, window):
    from PySide6.QtGui import QAction

    action = window.findChild(QAction, "actionClasses")
    assert action.text() == "Classes\u2026" and action.isEnabled()
    assert action in window.findChild(QMenu, "menuSessions").actions()
    action.trigger()
    assert window.active_dialog.objectName() == "classesDialog" and window.active_dialog.isVisible()
    assert window.active_dialog.empty.isVisible()  # none yet: says how to make one
    window.active_dialog.close()

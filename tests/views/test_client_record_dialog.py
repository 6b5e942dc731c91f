"""The client record (SPEC 1.5, 2.3, 6): opened from the client list, it shows the client's
balance, available credit, upcoming and past sessions, and books a session for them."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from app.services.money import ledger
from app.services.money.amounts import format_money
from app.services.scheduling import completion
from app.views.client_list_dialog import ClientListDialog
from app.views.client_record_dialog import ClientRecordDialog
from tests.views.modal import when_modal


@pytest.fixture
def ann(practice, admin, make, clock):
    """Now: Thu 15 Jan 2026 noon in New York. Ann had a $120 session on the 12th (saved), paid $50,
    and has one on the 19th."""
    clock.at = datetime(2026, 1, 15, 17, tzinfo=UTC)
    sv = make.service("Therapy 50 min", cost=12000, wage=6000)
    pr = make.practitioner("Dr. Ana Ruiz")
    client = make.client("Ann", "Lee", email="ann@example.com", notes="Prefers mornings")
    [past] = make.session(datetime(2026, 1, 12, 9), datetime(2026, 1, 12, 9, 50), sv, pr, [client])
    make.session(datetime(2026, 1, 19, 9), datetime(2026, 1, 19, 9, 50), sv, pr, [client])
    completion.complete_session(practice, admin, past.id, completion.type_by_key(practice, "completed").id)
    ledger.record_payment(practice, admin, client.id, 5000, "cash")
    return client


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_spec_6_the_record_shows_balance_credit_and_sessions(qtbot, practice, admin, ann):
    d = show(qtbot, ClientRecordDialog(practice, admin, ann.id, format_money))
    assert d.name.text() == "Ann Lee"
    assert "ann@example.com" in d.details.text() and "Prefers mornings" in d.details.text()
    assert d.balance.text() == "Owes $70.00"  # $50 paid, $120 charged
    assert d.credit.text() == "Short by $190.00 for the sessions booked"  # and $120 more booked
    assert [d.upcoming_model.data(d.upcoming_model.index(0, 0))] == ["Mon 19 Jan 2026, 09:00\u201309:50"]
    assert d.past_model.data(d.past_model.index(0, 3)) == "Completed"
    assert d.upcoming_title.text() == "Upcoming sessions (1)"


def test_spec_1_5_a_practitioner_sees_no_balance(qtbot, practice, make, ann):
    other = make.practitioner("Ben Ode")
    d = show(qtbot, ClientRecordDialog(practice, make.user("practitioner", practitioner_id=other.id), ann.id,
                                       format_money))
    assert not d.balance.isVisible() and not d.credit.isVisible()
    assert "kept by the front desk" in d.details.text()  # Ann has no sessions with Ben
    assert d.upcoming_model.rowCount() == 0 and "No upcoming sessions." in d.upcoming_title.text()


def test_spec_2_3_book_a_session_from_the_record(qtbot, practice, admin, ann):
    d = show(qtbot, ClientRecordDialog(practice, admin, ann.id, format_money))

    def save(session_dialog):
        assert session_dialog.clients.summary.text() == "1 client: single session"  # Ann already chosen
        qtbot.mouseClick(session_dialog.findChild(QPushButton, "sessionSave"), Qt.MouseButton.LeftButton)

    seen = when_modal(qtbot, save)
    qtbot.mouseClick(d.book_button, Qt.MouseButton.LeftButton)
    assert seen and d.booked
    assert d.upcoming_model.rowCount() == 2  # the new one is listed at once


def test_the_client_list_opens_the_record(qtbot, practice, admin, ann):
    lst = show(qtbot, ClientListDialog(practice, admin, format_money))
    assert not lst.record_button.isEnabled()  # nothing chosen yet
    lst.select_client(ann.id)
    seen = when_modal(qtbot, lambda record: record.accept())
    qtbot.mouseClick(lst.record_button, Qt.MouseButton.LeftButton, pos=QPoint(8, lst.record_button.height() // 2))
    assert seen and seen[0].objectName() == "clientRecordDialog" and seen[0].name.text() == "Ann Lee"

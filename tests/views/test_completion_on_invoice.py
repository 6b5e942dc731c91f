"""Re-saving a session that is a line of an issued invoice asks first (SPEC 9.1: the invoice will not
change), through the real completion dialog and a real click on its Save."""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QRadioButton

from app.services.money import invoices
from app.services.scheduling import completion, sessions
from app.views.completion_dialog import CompletionDialog
from tests.views.modal import answer_modal


def test_re_saving_an_invoiced_session_names_the_invoice_and_saves_only_when_told(qtbot, practice, admin, make):
    client = make.client("Ann", "Lee")
    [s] = make.session(datetime(2025, 12, 1, 10), datetime(2025, 12, 1, 11), make.service(), make.practitioner(),
                       [client])
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    draft = invoices.create_draft(practice, admin, client.id, [s.id], date(2025, 12, 1), date(2025, 12, 31))
    number = invoices.issue_invoice(practice, admin, draft.id).number
    d = CompletionDialog(practice, admin, sessions.get_session(practice, admin, s.id), lambda c: f"${c / 100:,.2f}")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    canceled = next(r for r in d.findChildren(QRadioButton) if r.text().startswith("Canceled"))
    qtbot.mouseClick(canceled, Qt.MouseButton.LeftButton, pos=QPoint(6, 8))
    seen = answer_modal(qtbot, "confirmEarlyCompletion", "confirmNo")
    qtbot.mouseClick(d.findChild(QPushButton, "completionSubmit"), Qt.MouseButton.LeftButton)
    assert seen and number in seen[0] and "credit note" in seen[0]
    assert sessions.get_session(practice, admin, s.id).status == "completed"
    seen = answer_modal(qtbot, "confirmEarlyCompletion", "confirmYes")
    qtbot.mouseClick(d.findChild(QPushButton, "completionSubmit"), Qt.MouseButton.LeftButton)
    assert seen
    assert sessions.get_session(practice, admin, s.id).status == "canceled"

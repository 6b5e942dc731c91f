"""Payments in the windows (SPEC 9.3, issue 14 item 2): the front desk records a payment from a
client's record or from Accounting ▸ Record Payment…, allocated oldest due first or to the
invoices chosen, the rest kept as credit; the record's Payments tab lists payments, allocations,
take-backs, refunds and write-offs with a running balance, takes an allocation back, refunds, and
(admins only, with a reason) writes off; receipts and statements are saved as PDFs and read back.
Every step is a real click or key on the real widgets; what changed is checked through the services."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMenu, QPushButton

from app.services.money import invoices, payments
from app.services.money.amounts import format_money
from app.services.money.payments import HistoryKind
from app.services.people import users
from app.services.scheduling import completion
from app.views.client_record_dialog import ClientRecordDialog
from app.views.main_window import MainWindow
from tests.messaging_servers import no_keyring  # noqa: F401 - a fixture
from tests.views.modal import when_modal

NAME = "Łucja Źdźbło-Muñoz"


@pytest.fixture
def lucja(practice, admin, make):
    """Łucja owes $360.00: a $120.00 session in November 2025 on invoice A (issued first) and two in
    December on invoice B ($240.00), both issued on 1 Jan 2026 (the test clock's day)."""
    pr, svc = make.practitioner("Mateusz Łęcki"), make.service("Therapy 50 min", cost=12000)
    client = make.client("Łucja", "Źdźbło-Muñoz")
    done = completion.type_by_key(practice, "completed").id
    made = []
    for when in (datetime(2025, 11, 20, 10), datetime(2025, 12, 4, 10), datetime(2025, 12, 11, 10)):
        [s] = make.session(when, when.replace(hour=11), svc, pr, [client])
        completion.complete_session(practice, admin, s.id, done)
        made.append(s.id)
    a = invoices.create_draft(practice, admin, client.id, made[:1], date(2025, 11, 1), date(2025, 11, 30))
    b = invoices.create_draft(practice, admin, client.id, made[1:], date(2025, 12, 1), date(2025, 12, 31))
    return client, invoices.issue_invoice(practice, admin, a.id), invoices.issue_invoice(practice, admin, b.id)


def click(qtbot, widget):
    qtbot.waitUntil(widget.isVisible, timeout=1000)
    assert widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def button(parent, name) -> QPushButton:
    found = parent.findChild(QPushButton, name)
    assert found is not None, name
    return found


def typed(qtbot, field: QLineEdit, text: str) -> None:
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def record(qtbot, practice, actor, client_id):
    """The client's record, on its Payments tab (clicked)."""
    d = ClientRecordDialog(practice, actor, client_id, format_money)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    bar = d.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert d.tabs.currentWidget() is d.payments
    return d


def select(qtbot, widget, test) -> None:
    """Click the first row of the payments table that passes ``test``."""
    table = widget.table
    [row] = [i for i, r in enumerate(widget.model.rows) if test(r)][:1]
    table.scrollTo(widget.model.index(row, 0))
    rect = table.visualRect(widget.model.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.selectionModel().selectedRows()[0].row() == row


def entries(widget) -> list[tuple[str, str, str, str]]:
    """The payments table as shown: entry, invoice, amount, balance."""
    m = widget.model
    return [tuple(m.data(m.index(i, c)) for c in (1, 2, 4, 5)) for i in range(m.rowCount())]


def status(practice, admin, inv) -> tuple[str, int]:
    v = invoices.get_invoice(practice, admin, inv.id)
    return v.status, v.amount_due_cents


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_spec_9_3_record_a_payment_oldest_due_first_from_the_record(qtbot, practice, admin, lucja, tmp_path,
                                                                    monkeypatch):
    """A $200.00 cash payment pays invoice A ($120.00) and $80.00 of B; the record's balance goes from
    owing $360.00 to owing $160.00, and the receipt PDF names Łucja, the payment and the invoices."""
    client, a, b = lucja
    d = record(qtbot, practice, admin, client.id)
    assert d.balance.text() == "Owes $360.00"
    assert d.payments.empty.isVisible() and d.payments.model.rowCount() == 0
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "receipt"), ""))

    def pay(dialog):
        assert dialog.objectName() == "recordPaymentDialog"
        assert [r.number for r in dialog.open_invoices] == [a.number, b.number]
        typed(qtbot, dialog.amount, "200")
        typed(qtbot, dialog.reference, "Desk slip 17")
        assert dialog.oldest.isChecked()  # oldest due first unless told otherwise
        click(qtbot, button(dialog, "payConfirm"))
        assert dialog.done_text.text() == (f"Recorded $200.00 from {NAME}: $120.00 to invoice {a.number}, "
                                           f"$80.00 to invoice {b.number}.")
        click(qtbot, button(dialog, "payReceipt"))  # offered once recorded
        assert "Receipt saved to" in dialog.done_text.text()
        click(qtbot, button(dialog, "payClose"))

    seen = when_modal(qtbot, pay)
    click(qtbot, d.payments.record_button)
    assert seen
    assert status(practice, admin, a) == ("paid", 0)
    assert status(practice, admin, b) == ("partly paid", 16000)
    assert d.balance.text() == "Owes $160.00"  # the record's balance follows at once
    assert entries(d.payments) == [
        ("Payment", "", "$200.00", "Owes $160.00"),
        ("\u21b3 Applied to invoice", a.number, "$120.00", ""),
        ("\u21b3 Applied to invoice", b.number, "$80.00", ""),
    ]
    assert d.payments.credit.text() == "No credit: nothing paid is waiting to be applied to invoices."
    text = pdf_text(tmp_path / "receipt.pdf")  # ".pdf" added to the name typed
    assert "Łucja Źdźbło-Muñoz" in text and "$200.00" in text and a.number in text and b.number in text


def test_spec_9_3_chosen_invoices_and_the_rest_kept_as_credit(qtbot, practice, admin, lucja):
    client, a, b = lucja
    d = record(qtbot, practice, admin, client.id)

    def pay(dialog):
        typed(qtbot, dialog.amount, "150")
        click(qtbot, dialog.choose)
        assert dialog.invoices_table.isVisible()
        typed(qtbot, dialog.apply_fields[b.id], "100")
        click(qtbot, button(dialog, "payConfirm"))
        assert dialog.result is not None
        click(qtbot, button(dialog, "payClose"))

    seen = when_modal(qtbot, pay)
    click(qtbot, d.payments.record_button)
    assert seen
    qtbot.waitUntil(lambda: d.payments.model.rowCount() == 2)
    assert status(practice, admin, a) == ("issued", 12000)  # not chosen: untouched
    assert status(practice, admin, b) == ("partly paid", 14000)
    assert payments.client_credit(practice, admin, client.id) == 5000
    assert d.payments.credit.text() == "<b>$50.00</b> of payments not applied to invoices yet (credit)"
    assert d.balance.text() == "Owes $210.00"


def test_spec_9_3_an_allocation_over_what_the_invoice_owes_is_refused_under_the_invoices(qtbot, practice, admin,
                                                                                         lucja):
    client, a, b = lucja
    d = record(qtbot, practice, admin, client.id)

    def pay(dialog):
        typed(qtbot, dialog.amount, "300")
        click(qtbot, dialog.choose)
        typed(qtbot, dialog.apply_fields[a.id], "150")  # A owes $120.00
        click(qtbot, button(dialog, "payConfirm"))
        assert dialog.result is None and not dialog.allocation_error.isHidden()
        assert "$120.00" in dialog.allocation_error.text()
        click(qtbot, button(dialog, "payCancel"))

    seen = when_modal(qtbot, pay)
    click(qtbot, d.payments.record_button)
    assert seen
    assert payments.payment_history(practice, admin, client.id) == []  # nothing recorded


def test_spec_9_3_zero_amount_is_refused_under_the_amount_and_nothing_is_recorded(qtbot, practice, admin, lucja):
    client, _a, _b = lucja
    d = record(qtbot, practice, admin, client.id)
    said = []

    def pay(dialog):
        typed(qtbot, dialog.amount, "0")
        click(qtbot, button(dialog, "payConfirm"))
        said.extend(dialog.errors.shown())
        assert not dialog.amount_error.isHidden()
        click(qtbot, button(dialog, "payCancel"))

    when_modal(qtbot, pay)
    click(qtbot, d.payments.record_button)
    assert said == ["Amount must be more than zero."]
    assert payments.payment_history(practice, admin, client.id) == [] and d.balance.text() == "Owes $360.00"


def test_spec_9_3_record_payment_says_what_is_missing_under_its_field_and_enter_records(qtbot, practice, admin,
                                                                                          lucja):
    """No amount, text that is not an amount, and Choose invoices with none typed are each said once
    under their field with nothing recorded; then Enter in the amount records the payment."""
    client, a, _b = lucja
    d = record(qtbot, practice, admin, client.id)
    said = []

    def pay(dialog):
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)  # nothing typed
        said.append(dialog.errors.shown())
        assert not dialog.amount_error.isHidden()
        qtbot.keyClicks(dialog.amount, "12abc")
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        said.append(dialog.errors.shown() + [dialog.amount.message.text()])
        assert dialog.amount.shows_invalid and dialog.amount.message.isVisible()
        typed(qtbot, dialog.amount, "120")
        click(qtbot, dialog.choose)
        click(qtbot, button(dialog, "payConfirm"))
        said.append(dialog.errors.shown())
        assert not dialog.allocation_error.isHidden()
        assert payments.payment_history(practice, admin, client.id) == []
        click(qtbot, dialog.oldest)
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
        assert dialog.result is not None and dialog.done_text.isVisible()
        click(qtbot, button(dialog, "payClose"))

    seen = when_modal(qtbot, pay)
    click(qtbot, d.payments.record_button)
    assert seen
    assert said[0] == ["Amount: enter an amount."]
    assert said[1][:-1] == [] and said[1][-1].startswith("Amount: ")  # once, under the field itself
    assert said[2] == ["Type what goes to at least one invoice, or choose Keep as credit."]
    assert status(practice, admin, a) == ("paid", 0)


def test_spec_9_3_take_an_allocation_back_with_a_reason(qtbot, practice, admin, lucja):
    """An empty reason is refused under the reason and nothing changes; with one, invoice A owes
    again and the money is the client's credit."""
    client, a, _b = lucja
    payments.record_payment(practice, admin, client.id, 12000, "card")  # pays A
    d = record(qtbot, practice, admin, client.id)
    w = d.payments
    assert not w.take_back_button.isEnabled()  # nothing chosen
    select(qtbot, w, lambda r: r.kind == HistoryKind.ALLOCATION)
    said = []

    def take_back(dialog):
        assert dialog.objectName() == "takeBackDialog"
        click(qtbot, button(dialog, "takeBackDialogConfirm"))  # no reason
        said.extend(dialog.errors.shown())
        assert dialog.isVisible() and status(practice, admin, a) == ("paid", 0)
        qtbot.keyClicks(dialog.reason, "Paid the wrong invoice")
        click(qtbot, button(dialog, "takeBackDialogConfirm"))

    seen = when_modal(qtbot, take_back)
    click(qtbot, w.take_back_button)
    assert seen and said == ["Reason is required."]
    assert status(practice, admin, a) == ("issued", 12000)
    assert payments.client_credit(practice, admin, client.id) == 12000
    assert [e[0] for e in entries(w)] == ["Payment", "\u21b3 Applied (taken back)", "\u21b3 Taken back"]
    assert w.model.data(w.model.index(2, 3)) == "Card payment of 01 Jan 2026"  # the details say whose money
    assert w.done.text() == f"$120.00 taken back from invoice {a.number}."
    select(qtbot, w, lambda r: r.kind == HistoryKind.ALLOCATION)
    assert not w.take_back_button.isEnabled()  # once only


def test_spec_9_3_refund_part_of_a_payment(qtbot, practice, admin, lucja):
    """The refund starts at what the payment has left; zero is refused under the amount, an empty
    reason under the reason, nothing changed; then $50.00 goes back and the balance follows."""
    client, _a, _b = lucja
    payments.record_payment(practice, admin, client.id, 20000, "cash", allocate="none")
    d = record(qtbot, practice, admin, client.id)
    w = d.payments
    assert d.balance.text() == "Owes $160.00"
    select(qtbot, w, lambda r: r.kind == HistoryKind.PAYMENT)
    said = []

    def refund(dialog):
        assert dialog.amount.text() == "200.00"
        typed(qtbot, dialog.amount, "0")
        qtbot.keyClicks(dialog.reason, "Overpaid")
        click(qtbot, button(dialog, "refundDialogConfirm"))
        said.extend(dialog.errors.shown())
        typed(qtbot, dialog.amount, "50")
        typed(qtbot, dialog.reason, "")
        click(qtbot, button(dialog, "refundDialogConfirm"))
        said.extend(dialog.errors.shown())
        assert len(payments.payment_history(practice, admin, client.id)) == 1  # still only the payment
        qtbot.keyClicks(dialog.reason, "Overpaid")
        click(qtbot, button(dialog, "refundDialogConfirm"))

    when_modal(qtbot, refund)
    click(qtbot, w.refund_button)
    assert said == ["Amount must be more than zero.", "Reason is required."]
    assert entries(w)[-1] == ("Refund", "", "-$50.00", "Owes $210.00")
    assert d.balance.text() == "Owes $210.00"
    assert payments.client_credit(practice, admin, client.id) == 15000
    assert w.done.text() == "Refunded $50.00."


def test_spec_9_3_write_off_is_not_offered_to_staff(qtbot, practice, make, lucja):
    client, _a, _b = lucja
    staff = make.user("staff")
    d = record(qtbot, practice, staff, client.id)
    assert d.payments.record_button.isVisible() and d.payments.refund_button.isVisible()
    assert not d.payments.write_off_button.isVisible()


def test_spec_9_3_admin_writes_off_an_invoice_with_a_reason(qtbot, practice, admin, lucja):
    client, a, b = lucja
    d = record(qtbot, practice, admin, client.id)
    w = d.payments
    assert w.write_off_button.isVisible()
    said = []

    def write_off(dialog):
        assert dialog.objectName() == "writeOffDialog"
        dialog.choice.setCurrentIndex(dialog.choice.findData(a.id))
        assert dialog.amount.text() == "120.00"  # what A owes
        click(qtbot, button(dialog, "writeOffDialogConfirm"))  # no reason
        said.extend(dialog.errors.shown())
        assert status(practice, admin, a) == ("issued", 12000)
        qtbot.keyClicks(dialog.reason, "Hardship, agreed with the owner")
        click(qtbot, button(dialog, "writeOffDialogConfirm"))

    seen = when_modal(qtbot, write_off)
    click(qtbot, w.write_off_button)
    assert seen and said == ["Reason is required."]
    assert status(practice, admin, a) == ("paid", 0) and status(practice, admin, b) == ("issued", 24000)
    assert entries(w) == [("Write-off", "", "$120.00", "Owes $240.00"),
                          ("\u21b3 Applied to invoice", a.number, "$120.00", "")]
    assert d.balance.text() == "Owes $240.00"
    select(qtbot, w, lambda r: r.kind == HistoryKind.WRITEOFF)
    assert not w.receipt_button.isEnabled() and not w.refund_button.isEnabled()  # nobody paid: no receipt, no refund


def test_spec_9_2_receipt_and_statement_pdfs_from_the_payments_tab(qtbot, practice, admin, lucja, tmp_path,
                                                                   monkeypatch):
    client, a, _b = lucja
    payments.record_payment(practice, admin, client.id, 12000, "cheque", reference="Cheque 001234")
    d = record(qtbot, practice, admin, client.id)
    w = d.payments
    asked = []

    def save_as(_parent, title, suggested, _filter):
        asked.append((title, suggested))
        return str(tmp_path / ("receipt.pdf" if "receipt" in title else "statement.pdf")), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    assert not w.receipt_button.isEnabled()
    select(qtbot, w, lambda r: r.kind == HistoryKind.ALLOCATION)  # an allocation's receipt is its payment's
    click(qtbot, w.receipt_button)
    assert w.done.text() == f"Receipt saved to {tmp_path / 'receipt.pdf'}."
    text = pdf_text(tmp_path / "receipt.pdf")
    assert NAME in text and "$120.00" in text and "Cheque 001234" in text and a.number in text

    def statement(dialog):
        assert dialog.objectName() == "statementDialog"
        assert dialog.first.date().toPython() == date(2025, 11, 1)  # three months to today
        assert dialog.last.date().toPython() == date(2026, 1, 1)
        click(qtbot, button(dialog, "statementSave"))
        assert dialog.done_text.text() == f"Saved to {tmp_path / 'statement.pdf'}."
        click(qtbot, button(dialog, "statementClose"))

    seen = when_modal(qtbot, statement)
    click(qtbot, w.statement_button)
    assert seen and asked[-1][0] == "Save the statement"
    text = pdf_text(tmp_path / "statement.pdf")
    assert NAME in text and "$360.00" in text and "$120.00" in text and "$240.00" in text  # charges, payment, closing


def test_spec_9_2_statement_period_refused_under_its_field(qtbot, practice, admin, lucja, tmp_path, monkeypatch):
    client, _a, _b = lucja
    d = record(qtbot, practice, admin, client.id)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "s.pdf"), ""))
    said = []

    def statement(dialog):
        dialog.first.setDate(dialog.last.date().addDays(1))  # after the end
        click(qtbot, button(dialog, "statementSave"))
        said.extend(dialog.errors.shown())
        click(qtbot, button(dialog, "statementClose"))

    when_modal(qtbot, statement)
    click(qtbot, d.payments.statement_button)
    assert len(said) == 1 and not (tmp_path / "s.pdf").exists()


def test_spec_1_1_a_practitioner_has_no_payments_tab(qtbot, practice, make, lucja):
    client, _a, _b = lucja
    pr = make.practitioner("Ben Ode")
    d = ClientRecordDialog(practice, make.user("practitioner", practitioner_id=pr.id), client.id, format_money)
    qtbot.addWidget(d)
    d.show()
    assert not d.tabs.isTabVisible(1) and d.payments.model.rowCount() == 0


def test_spec_9_3_accounting_record_payment_for_any_client_and_the_client_list_follows(qtbot, practice, admin,
                                                                                       lucja, qsettings):
    client, a, b = lucja
    win = MainWindow(practice, users.first_admin(practice), date(2026, 1, 1), settings=qsettings,
                     auto_backup=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.act_clients.trigger()
    clients_list = win.active_dialog
    qtbot.waitExposed(clients_list)

    def balance_shown() -> str:
        m = clients_list.model
        [row] = [i for i, c in enumerate(m.rows) if c.id == client.id]
        return m.data(m.index(row, 5))

    assert balance_shown() == "Owes $360.00"
    assert win.act_record_payment in win.findChild(QMenu, "menuAccounting").actions()
    win.act_record_payment.trigger()
    dialog = win.active_dialog
    assert dialog.objectName() == "recordPaymentDialog"
    qtbot.waitExposed(dialog)
    click(qtbot, button(dialog, "payConfirm"))  # nobody chosen yet
    assert dialog.errors.shown() == ["Choose who paid."]
    qtbot.keyClicks(dialog.client.lineEdit(), "Mu")  # part of her name (QTest types Latin-1 only)
    popup = dialog.client.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=1000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.client_id == client.id and len(dialog.open_invoices) == 2
    typed(qtbot, dialog.amount, "360")
    click(qtbot, button(dialog, "payConfirm"))
    assert status(practice, admin, a) == ("paid", 0) and status(practice, admin, b) == ("paid", 0)
    assert balance_shown() == "\u2014"  # the open client list follows at once
    click(qtbot, button(dialog, "payClose"))


def test_spec_9_3_a_payment_in_a_record_opened_from_the_client_list_shows_in_the_list(qtbot, practice, admin, lucja,
                                                                                     qsettings):
    client, _a, _b = lucja
    win = MainWindow(practice, users.first_admin(practice), date(2026, 1, 1), settings=qsettings,
                     auto_backup=False)
    qtbot.addWidget(win)
    win.show()
    win.act_clients.trigger()
    clients_list = win.active_dialog
    qtbot.waitExposed(clients_list)
    clients_list.select_client(client.id)
    m = clients_list.model
    [row] = [i for i, c in enumerate(m.rows) if c.id == client.id]
    assert m.data(m.index(row, 5)) == "Owes $360.00"
    shown = []

    def in_the_record(rec):
        bar = rec.tabs.tabBar()
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())

        def pay(dialog):
            typed(qtbot, dialog.amount, "100")
            click(qtbot, button(dialog, "payConfirm"))
            click(qtbot, button(dialog, "payClose"))

        when_modal(qtbot, pay)
        click(qtbot, rec.payments.record_button)
        shown.append((rec.balance.text(), m.data(m.index(row, 5))))  # while the record is still open
        rec.accept()

    seen = when_modal(qtbot, in_the_record)
    click(qtbot, clients_list.record_button)
    assert seen and shown == [("Owes $260.00", "Owes $260.00")]


def test_spec_9_3_write_off_without_an_invoice_at_most_what_the_client_owes(qtbot, practice, admin, lucja):
    """Against no invoice a write-off forgives part of the balance: more than is owed is refused under
    the amount, nothing changed; what is owed less is written off and kept as credit for invoices."""
    client, a, _b = lucja
    d = record(qtbot, practice, admin, client.id)
    said = []

    def write_off(dialog):
        assert dialog.choice.currentData() is None  # no row chosen: no invoice
        typed(qtbot, dialog.amount, "400")
        qtbot.keyClicks(dialog.reason, "Goodwill")
        click(qtbot, button(dialog, "writeOffDialogConfirm"))
        said.extend(dialog.errors.shown())
        assert payments.payment_history(practice, admin, client.id) == []
        typed(qtbot, dialog.amount, "60")
        click(qtbot, button(dialog, "writeOffDialogConfirm"))

    seen = when_modal(qtbot, write_off)
    click(qtbot, d.payments.write_off_button)
    assert seen and said == ["Amount is more than the client owes ($360.00)."]
    assert d.balance.text() == "Owes $300.00" and status(practice, admin, a) == ("issued", 12000)
    assert d.payments.credit.text() == "<b>$60.00</b> of payments not applied to invoices yet (credit)"
    assert d.payments.done.text() == "Wrote off $60.00."


def test_spec_9_3_show_charges_lists_the_sessions_so_each_balance_follows(qtbot, practice, admin, lucja):
    client, _a, _b = lucja
    payments.record_payment(practice, admin, client.id, 5000, "cash", allocate="none")
    d = record(qtbot, practice, admin, client.id)
    w = d.payments
    assert [e[0] for e in entries(w)] == ["Payment"]
    click(qtbot, w.show_charges)
    assert [e[0] for e in entries(w)] == ["Charge", "Charge", "Charge", "Payment"]
    assert [e[3] for e in entries(w)] == ["Owes $120.00", "Owes $240.00", "Owes $360.00", "Owes $310.00"]
    click(qtbot, w.show_charges)
    assert w.model.rowCount() == 1


def test_spec_1_1_a_practitioner_has_no_record_payment(qtbot, practice, admin, make, qsettings):
    pr = make.practitioner()
    actor = make.user("practitioner", practitioner_id=pr.id)
    user = next(u for u in users.list_users(practice, admin) if u.id == actor.user_id)
    win = MainWindow(practice, user, date(2026, 1, 1), settings=qsettings, auto_backup=False)
    qtbot.addWidget(win)
    assert not win.act_record_payment.isVisible() and not win.act_record_payment.isEnabled()
    staff = make.user("staff")
    desk = next(u for u in users.list_users(practice, admin) if u.id == staff.user_id)
    front = MainWindow(practice, desk, date(2026, 1, 1), settings=qsettings, auto_backup=False)
    qtbot.addWidget(front)
    assert front.act_record_payment.isVisible() and front.act_record_payment.isEnabled()


def test_spec_9_3_a_stripe_payment_refund_says_when_stripe_has_not_refunded_it(qtbot, practice, admin, lucja,
                                                                               no_keyring):  # noqa: F811
    """Card payments not set up on this computer: the refund is in the books, and the record says
    plainly that Stripe has not given the money back, with Send to Stripe again (the refund sent to a
    working Stripe is in test_card_views.py)."""
    client, _a, _b = lucja
    payments.record_payment(practice, admin, client.id, 3000, "stripe", reference="pi_3QxAmple", allocate="none")
    d = record(qtbot, practice, admin, client.id)
    select(qtbot, d.payments, lambda r: r.kind == HistoryKind.PAYMENT)

    def refund(dialog):
        qtbot.keyClicks(dialog.reason, "Booked twice online")
        click(qtbot, button(dialog, "refundDialogConfirm"))

    when_modal(qtbot, refund)
    click(qtbot, d.payments.refund_button)
    qtbot.waitUntil(lambda: d.payments.call is not None and not d.payments.call.running, timeout=10_000)
    assert d.payments.call.wait(5_000)
    said = d.payments.stripe_failed.text()
    assert said.startswith("Refunded $30.00. But Stripe did not refund $30.00, so the client has not got the money "
                           "back: Card payments are not set up on this computer")
    assert d.payments.resend_button.isVisible()

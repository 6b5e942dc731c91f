"""Accounting ▸ Invoices from the window (SPEC 9.1, 9.2; issue 14 items 3-4): real clicks on the
real buttons make a draft from two sessions and a line item, issue it (the number shows), see it
paid, cancel an unpaid one with a reason (the credit note's number shows), save PDFs and print.
The list is a paged model checked with qtmodeltester."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QPlainTextEdit, QPushButton

from app.services.money import invoice_documents, invoices, payments
from app.services.money.invoices import InvoiceRow, LineItem
from app.services.people import users
from app.services.scheduling import completion
from app.views.events import Events
from app.views.invoices import invoice_list_model, invoice_view_dialog
from app.views.invoices.invoice_list_model import InvoiceListModel
from app.views.invoices.invoices_dialog import InvoicesDialog
from app.views.widgets.pdf_print import paint_pdf
from tests.views.modal import answer_modal, when_modal

TODAY = date(2026, 1, 1)  # the test clock's day: "last month" is December 2025
DEC = (date(2025, 12, 1), date(2025, 12, 31))
NAME = "Łucja Źdźbło-Muñoz"


@pytest.fixture
def desk(practice, admin, make):
    """Łucja with two saved $120.00 sessions in December 2025 and one in November."""
    pr, svc = make.practitioner("Mateusz Łęcki"), make.service("Therapy 50 min", cost=12000)
    client = make.client("Łucja", "Źdźbło-Muñoz", address="ul. Świętokrzyska 12/4\n00-916 Warszawa")
    done = completion.type_by_key(practice, "completed").id
    made = []
    for when in (datetime(2025, 11, 20, 10), datetime(2025, 12, 4, 10), datetime(2025, 12, 11, 10)):
        [s] = make.session(when, when.replace(hour=11), svc, pr, [client])
        completion.complete_session(practice, admin, s.id, done)
        made.append(s.id)
    return client, made


@pytest.fixture
def events():
    return Events()


@pytest.fixture
def dialog(qtbot, practice, admin, events, desk):
    d = InvoicesDialog(practice, admin, events, TODAY)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def click(qtbot, widget):
    qtbot.waitUntil(widget.isVisible, timeout=1000)  # a widget just added to a shown form appears a moment later
    assert widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def button(parent, name) -> QPushButton:
    return parent.findChild(QPushButton, name)


def issue_one(practice, admin, client, session_ids, items=()):
    draft = invoices.create_draft(practice, admin, client.id, session_ids, *DEC, items=list(items))
    return invoices.issue_invoice(practice, admin, draft.id)


def cell(d, row, col) -> str:
    return d.model.data(d.model.index(row, col))


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# -- make, issue, pay ---------------------------------------------------------------------------
def test_new_invoice_from_two_sessions_and_an_item_issued_then_paid(qtbot, practice, admin, events, desk, dialog):
    # SPEC 9.1: draft (no number) -> issue (the next number, frozen) -> paid
    client, _ = desk
    assert dialog.stack.currentWidget() is dialog.empty                      # nothing yet
    click(qtbot, dialog.new_button)
    new = dialog.new_dialog
    qtbot.waitExposed(new)
    assert (new.days()) == DEC                                              # last month to start with
    click(qtbot, new.client.lineEdit())                                     # the names are read now
    qtbot.keyClick(new.client, Qt.Key.Key_Down)                             # the first (only) client
    assert new.client.currentText() == "Źdźbło-Muñoz, Łucja"
    assert new.client.client_id() == client.id
    assert len(new.model.rows) == 2 and len(new.model.checked_ids()) == 2   # December's two, both checked
    assert new.chosen.text() == "2 of 2 checked"
    click(qtbot, new.add_item_button)
    row = new.item_rows[0]
    qtbot.keyClicks(row.description, "Written report")
    qtbot.keyClicks(row.amount, "1,234.50")
    click(qtbot, new.save_button)
    assert new.saved is not None
    view = dialog.view_dialog
    qtbot.waitExposed(view)
    assert view.view.status == "draft" and view.view.number is None
    assert view.title.text() == f"Draft invoice for {NAME}"
    assert view.findChild(type(view.title), "invoiceTotal").text() == "<b>$1,474.50</b>"
    assert [ln.amount_cents for ln in view.view.lines] == [12000, 12000, 123450]
    assert dialog.model.rows[0].number is None and cell(dialog, 0, invoice_list_model.NUMBER) == "Draft"
    assert not view.pdf_button.isVisible()                                   # a draft is not printed

    seen = answer_modal(qtbot, "confirmIssue", "confirmIssueYes")
    click(qtbot, view.issue_button)
    assert "the number is given now and the invoice can no longer be edited" in seen[0].lower()
    assert view.title.text() == "Invoice 2026-0001"
    assert view.badge.text() == "Issued"
    assert "Issued as invoice 2026-0001" in view.message.text()
    assert not view.issue_button.isVisible() and not view.edit_button.isVisible()
    assert cell(dialog, 0, invoice_list_model.NUMBER) == "2026-0001"         # the list followed
    assert cell(dialog, 0, invoice_list_model.DUE) == "$1,474.50"

    # a payment recorded elsewhere (the payments dialog announces ledger_changed)
    payments.record_payment(practice, admin, client.id, 147450, "cash")
    events.ledger_changed.emit()
    assert view.badge.text() == "Paid"
    assert view.findChild(type(view.title), "invoiceAmountDue").text().endswith("$0.00</span>")
    assert view.findChild(type(view.title), "invoicePayment1").text() == "-$1,474.50"
    assert cell(dialog, 0, invoice_list_model.STATUS) == "Paid"
    assert cell(dialog, 0, invoice_list_model.PAID) == "$1,474.50"


def test_issuing_can_be_called_off_at_the_question(qtbot, practice, admin, desk, dialog):
    client, made = desk
    draft = invoices.create_draft(practice, admin, client.id, made[1:], *DEC)
    view = dialog.open_invoice(draft.id)
    qtbot.waitExposed(view)
    answer_modal(qtbot, "confirmIssue", "confirmIssueCancel")
    click(qtbot, view.issue_button)
    assert invoices.get_invoice(practice, admin, draft.id).status == "draft"
    assert view.issue_button.isVisible()


def test_new_invoice_says_what_is_missing(qtbot, practice, admin, desk, dialog):
    # SPEC 0.5: the refusal under the field, nothing saved
    click(qtbot, dialog.new_button)
    new = dialog.new_dialog
    qtbot.waitExposed(new)
    assert new.chosen.text() == "Choose a client to see their sessions."
    click(qtbot, new.save_button)
    assert new.errors.shown() == ["Client choose the client to invoice."]
    client, _ = desk
    new.client.set_client(client.id)
    click(qtbot, new.none_button)
    click(qtbot, new.save_button)
    assert "choose at least one session or add a line item" in new.errors.shown()[0]
    click(qtbot, new.add_item_button)
    qtbot.keyClicks(new.item_rows[0].description, "Report")
    qtbot.keyClicks(new.item_rows[0].amount, "12.345")
    click(qtbot, new.save_button)
    assert new.errors.shown()[0].startswith("Line item 1 amount:")
    assert invoices.list_invoices(practice, admin) == [] and new.isVisible()


def test_edit_and_delete_a_draft(qtbot, practice, admin, events, desk, dialog):
    client, made = desk
    draft = invoices.create_draft(practice, admin, client.id, made[1:], *DEC, items=[LineItem("Report", 2500, 2000)])
    events.ledger_changed.emit()
    qtbot.waitUntil(lambda: dialog.table.isVisible() and dialog.table.viewport().height() > 50)
    at = dialog.table.visualRect(dialog.model.index(0, 1)).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert dialog.open_button.isEnabled()
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    view = dialog.view_dialog
    qtbot.waitExposed(view)
    assert view.invoice_id == draft.id
    click(qtbot, view.edit_button)
    edit = view.edit_dialog
    qtbot.waitExposed(edit)
    assert not edit.client.isEnabled() and len(edit.model.checked_ids()) == 2
    assert edit.item_rows[0].amount.text() == "25.00" and edit.item_rows[0].rate.value() == 20.0
    edit.model.setData(edit.model.index(0, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    click(qtbot, edit.save_button)
    assert [ln.amount_cents for ln in view.view.lines] == [12000, 2500]      # the view shows the draft now
    assert view.message.text() == "Draft saved."

    answer_modal(qtbot, "confirmDeleteDraft", "confirmDeleteYes")
    click(qtbot, view.delete_button)
    assert invoices.list_invoices(practice, admin) == []
    assert dialog.stack.currentWidget() is dialog.empty


# -- cancel, PDFs, print ------------------------------------------------------------------------
def test_cancel_an_unpaid_invoice_with_a_reason(qtbot, practice, admin, desk, dialog, events):
    # SPEC 9.1: a credit note in its own series, stating the reason; the sessions are free again
    client, made = desk
    inv = issue_one(practice, admin, client, made[1:])
    events.ledger_changed.emit()
    dialog.table.selectRow(0)
    click(qtbot, dialog.open_button)
    view = dialog.view_dialog
    qtbot.waitExposed(view)

    def give_reason(box):
        click(qtbot, box.confirm)                                            # no reason yet
        assert box.errors.shown() == ["Reason is required."] and box.isVisible()
        qtbot.keyClicks(box.findChild(QPlainTextEdit, "cancelReason"), "Invoiced to the wrong client")
        click(qtbot, box.confirm)

    seen = when_modal(qtbot, give_reason)
    click(qtbot, view.cancel_button)
    assert seen and seen[0].objectName() == "cancelInvoiceDialog"
    assert view.badge.text() == "Cancelled"
    assert "credit note <b>CN-2026-0001</b>" in view.banner.text()
    assert "Invoiced to the wrong client" in view.banner.text() and view.banner.isVisible()
    assert "Cancelled by credit note CN-2026-0001" in view.message.text()
    assert not view.cancel_button.isVisible() and view.credit_pdf_button.isVisible()
    assert cell(dialog, 0, invoice_list_model.STATUS) == "Cancelled"
    assert invoices.get_invoice(practice, admin, inv.id).credit_note.reason == "Invoiced to the wrong client"
    offered = invoices.uninvoiced_sessions(practice, admin, client.id, *DEC)
    assert [s.session_id for s in offered] == made[1:]


def test_cancelling_a_paid_invoice_is_refused_in_plain_words(qtbot, practice, admin, desk, dialog):
    client, made = desk
    inv = issue_one(practice, admin, client, made[1:])
    payments.record_payment(practice, admin, client.id, 5000, "card")
    view = dialog.open_invoice(inv.id)
    qtbot.waitExposed(view)
    assert view.badge.text() == "Partly paid"

    def try_it(box):
        qtbot.keyClicks(box.findChild(QPlainTextEdit, "cancelReason"), "Wrong client")
        click(qtbot, box.confirm)
        assert "Take those payments back from it first" in box.errors.general.text()
        click(qtbot, box.keep)

    when_modal(qtbot, try_it)
    click(qtbot, view.cancel_button)
    assert invoices.get_invoice(practice, admin, inv.id).status == "partly paid"


def test_save_pdf_writes_the_invoice_and_its_credit_note(qtbot, practice, admin, desk, dialog, tmp_path,
                                                        monkeypatch):
    # SPEC 9.2
    client, made = desk
    inv = issue_one(practice, admin, client, made[1:], [LineItem("Written report", 123450)])
    asked = []

    def save_dialog(parent, caption, suggested, filters):
        asked.append((caption, suggested))
        return str(tmp_path / "chosen"), filters                             # no .pdf typed: it is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    view = dialog.open_invoice(inv.id)
    qtbot.waitExposed(view)
    click(qtbot, view.pdf_button)
    assert asked[0][1].endswith("Invoice 2026-0001.pdf")
    text = pdf_text(tmp_path / "chosen.pdf")
    assert "2026-0001" in text and NAME in text and "$1,474.50" in text
    assert view.message.text() == f"Saved {tmp_path / 'chosen.pdf'}."

    invoices.cancel_invoice(practice, admin, inv.id, "Duplicate")
    view.refresh()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "credit.pdf"), ""))
    click(qtbot, view.credit_pdf_button)
    text = pdf_text(tmp_path / "credit.pdf")
    assert "CN-2026-0001" in text and "2026-0001" in text and "Duplicate" in text

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))  # the user cancelled
    click(qtbot, view.pdf_button)
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["chosen.pdf", "credit.pdf"]


def test_save_pdf_refusal_is_shown(qtbot, practice, admin, desk, dialog, tmp_path, monkeypatch):
    client, made = desk
    inv = issue_one(practice, admin, client, made[1:])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "gone" / "x.pdf"), ""))
    view = dialog.open_invoice(inv.id)
    qtbot.waitExposed(view)
    seen = answer_modal(qtbot, "errorMessage")
    click(qtbot, view.pdf_button)
    assert "no folder" in seen[0]


def test_print_paints_every_page_onto_the_printer(qtbot, practice, admin, desk, tmp_path):
    # SPEC 9.2: each document opens for printing; the pages drawn are the PDF's, none blank
    client, made = desk
    items = [LineItem(f"Item {n}", 1000 + n) for n in range(70)]                # long enough for 2+ pages
    inv = issue_one(practice, admin, client, made[1:], items)
    data = invoice_documents.invoice_pdf_bytes(practice, admin, inv.id)
    pages = len(PdfReader(__import__("io").BytesIO(data)).pages)
    assert pages >= 2
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    assert paint_pdf(data, printer) == pages
    printed = PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == pages
    for page in printed.pages:
        [image] = page.images
        pixels = image.image.convert("L")
        assert pixels.getextrema()[0] < 80                                   # dark ink: text was drawn
        assert pixels.width >= 1500                                          # sharp enough (300 dpi cap)


def test_print_button_hands_the_pdf_to_the_print_dialog(qtbot, practice, admin, desk, dialog, monkeypatch):
    client, made = desk
    inv = issue_one(practice, admin, client, made[1:])
    handed = []
    monkeypatch.setattr(invoice_view_dialog, "print_pdf", lambda parent, data, title: handed.append((data, title))
                        or True)
    view = dialog.open_invoice(inv.id)
    qtbot.waitExposed(view)
    click(qtbot, view.print_button)
    assert handed[0][0].startswith(b"%PDF") and handed[0][1] == "Invoice 2026-0001"
    assert view.message.text() == "Invoice 2026-0001 sent to the printer."


# -- the list -----------------------------------------------------------------------------------
def test_list_filters_by_status_client_and_dates(qtbot, practice, admin, make, desk, dialog, events):
    client, made = desk
    other = make.client("Ann", "Lee")
    issue_one(practice, admin, client, made[1:2])
    cancelled = issue_one(practice, admin, client, made[2:])
    invoices.cancel_invoice(practice, admin, cancelled.id, "Duplicate")
    invoices.create_draft(practice, admin, other.id, [], *DEC, items=[LineItem("Report", 500)])
    events.ledger_changed.emit()
    assert [cell(dialog, r, invoice_list_model.STATUS) for r in range(3)] == ["Draft", "Cancelled", "Issued"]
    assert dialog.count.text() == "3 invoices"
    dialog.status.setCurrentIndex(dialog.status.findData("cancelled"))
    assert [r.id for r in dialog.model.rows] == [cancelled.id]
    assert dialog.model.data(dialog.model.index(0, invoice_list_model.STATUS),
                             Qt.ItemDataRole.ToolTipRole) == "Cancelled by credit note CN-2026-0001"
    dialog.status.setCurrentIndex(0)
    dialog.client.set_client(other.id, "Lee, Ann")
    assert [r.client_name for r in dialog.model.rows] == ["Ann Lee"]
    click(qtbot, dialog.clear_button)
    assert len(dialog.model.rows) == 3
    dialog.first_day.setDate(dialog.first_day.date().addYears(126))           # from 1 Jan 2026: issued ones
    assert dialog.first_day.date().year() == 2026
    assert {r.status for r in dialog.model.rows} == {"issued", "cancelled"}
    dialog.status.setCurrentIndex(dialog.status.findData("paid"))
    assert dialog.stack.currentWidget() is dialog.empty and dialog.empty.text() == "No invoice matches these filters."


def test_overdue_is_marked(qtbot, practice, admin, desk, clock):
    client, made = desk
    issue_one(practice, admin, client, made[1:])                              # due 15 Jan 2026
    clock.advance(days=31)
    rows = invoices.list_invoices(practice, admin)
    assert rows[0].overdue
    model = InvoiceListModel(lambda c: f"${c / 100:.2f}")
    model.load(lambda after: rows if after is None else [])
    assert model.data(model.index(0, invoice_list_model.STATUS)) == "Issued, overdue"
    assert model.data(model.index(0, invoice_list_model.DUE_DATE), Qt.ItemDataRole.ForegroundRole) == \
        invoice_list_model.RED


def _row(i: int) -> InvoiceRow:
    return InvoiceRow(i, f"2026-{i:04d}", "issued", 1, "Ann Lee", date(2026, 1, 1), date(2026, 1, 15), None, None,
                      1000 + i, 0, 1000 + i, i % 7 == 0, None)


def test_list_model_pages_with_fetch_more(qtmodeltester):
    # ARCHITECTURE: keyset pages behind canFetchMore/fetchMore, checked with qtmodeltester
    everything = [_row(i) for i in range(450, 0, -1)]                         # newest (highest id) first
    asked = []

    def fetch(after):
        asked.append(after)
        start = 0 if after is None else next(n for n, r in enumerate(everything) if r.id == after) + 1
        return everything[start:start + invoice_list_model.PAGE]

    model = InvoiceListModel(lambda c: f"${c / 100:.2f}")
    model.load(fetch)
    assert len(model.rows) == invoice_list_model.PAGE and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert [r.id for r in model.rows] == [r.id for r in everything]
    assert asked == [None, 251, 51]
    assert model.data(model.index(449, invoice_list_model.NUMBER)) == "2026-0001"
    qtmodeltester.check(model)


def test_list_model_over_real_rows(qtmodeltester, practice, admin, desk):
    client, made = desk
    issue_one(practice, admin, client, made[1:])
    invoices.create_draft(practice, admin, client.id, made[:1], date(2025, 11, 1), date(2025, 11, 30))
    model = InvoiceListModel(lambda c: f"${c / 100:.2f}")
    model.load(lambda after: invoices.list_invoices(practice, admin, after=after))
    assert model.rowCount() == 2
    qtmodeltester.check(model)


# -- the menu -----------------------------------------------------------------------------------
def test_accounting_menu_opens_invoices_and_practitioners_have_none(qtbot, practice, admin, make, qsettings):
    from app.views.main_window import MainWindow

    w = MainWindow(practice, users.first_admin(practice), TODAY, settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    assert w.act_invoices.isVisible() and w.act_invoices.isEnabled()
    assert w.act_invoices in w.findChild(type(w.menuBar().actions()[0].menu()), "menuAccounting").actions()
    w.act_invoices.trigger()
    assert isinstance(w.active_dialog, InvoicesDialog)
    w.active_dialog.close()

    pr = make.practitioner()
    actor = make.user("practitioner", practitioner_id=pr.id)
    user = next(u for u in users.list_users(practice, admin) if u.id == actor.user_id)
    p = MainWindow(practice, user, TODAY, settings=qsettings, auto_backup=False)
    qtbot.addWidget(p)
    assert not p.act_invoices.isVisible() and not p.act_invoices.isEnabled()
    QApplication.processEvents()


def test_line_items_added_and_removed(qtbot, practice, admin, desk, dialog):
    client, _ = desk
    click(qtbot, dialog.new_button)
    new = dialog.new_dialog
    qtbot.waitExposed(new)
    new.client.set_client(client.id)
    for _ in range(3):
        click(qtbot, new.add_item_button)
    first, second, third = new.item_rows
    click(qtbot, second.remove)
    click(qtbot, new.add_item_button)
    fourth = new.item_rows[-1]
    assert new.item_rows == [first, third, fourth]
    positions = {new.items_grid.getItemPosition(new.items_grid.indexOf(r.description))[0] for r in new.item_rows}
    assert len(positions) == 3                                               # each on a grid row of its own
    for row, (text, amount) in zip(new.item_rows, (("Report", "10"), ("", ""), ("Copy of notes", "2.50")), strict=True):
        qtbot.keyClicks(row.description, text)
        qtbot.keyClicks(row.amount, amount)
    third.rate.setValue(20)
    assert new.line_items() == [LineItem("Report", 1000, 0), LineItem("Copy of notes", 250, 0)]  # blank row left out
    click(qtbot, new.save_button)
    assert [ln.amount_cents for ln in new.saved.lines][-2:] == [1000, 250]

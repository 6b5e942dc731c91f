"""Receipts and statements from the books (SPEC 9.2, 9.3; issue 14 items 2 and 4).

A client named "Łucja Źdźbło-Muñoz" has sessions in November and December 2025, two invoices issued
on 1 January 2026 (one with a line item of its own), payments, an allocation taken back, a refund, a
write-off and a credit note. The statement's rows come from the ledger: opening + rows = closing,
the closing balance is the client's ledger balance at the end of the period, and consecutive periods
join up. The PDFs are read back with pypdf and show the amounts in the practice's format.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.documents.model import RowKind
from app.services import practice_settings
from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.money import invoices, ledger, payment_documents, payments
from app.services.money.amounts import format_money
from app.services.scheduling import completion
from tests.services.fingerprint import fingerprint

NAME = "Łucja Źdźbło-Muñoz"


def norm(text: str) -> str:
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)


def pdf_text(path) -> str:
    return "\n".join(norm(page.extract_text()) for page in PdfReader(path).pages)


@pytest.fixture
def desk(make):
    return make.user("staff")


def books(practice, admin, desk, make, clock, currency="USD", locale="en_US"):
    """The client's year end; returns a namespace of what was made."""
    practice_settings.update_settings(practice, admin, practice_name="Harbour Street Therapy", currency=currency,
                                      locale=locale, practice_address="418 Harbour Street\nPortland, ME 04101",
                                      payment_instructions="Pay by transfer to account 000123.",
                                      tax_note="EIN 12-3456789")
    client = make.client("Łucja", "Źdźbło-Muñoz", address="ul. Świętokrzyska 12/4\n00-916 Warszawa")
    svc, pr = make.service("Therapy 50 min", cost=12000, wage=6000), make.practitioner("Dr. Ana Ruiz")
    done = completion.type_by_key(practice, "completed").id
    sessions = []
    for day in (date(2025, 11, 20), date(2025, 12, 2), date(2025, 12, 9), date(2025, 12, 16)):
        [s] = make.session(datetime(day.year, day.month, day.day, 10), datetime(day.year, day.month, day.day, 11),
                           svc, pr, [client])
        completion.complete_session(practice, admin, s.id, done)
        sessions.append(s.id)
    early = payments.record_payment(practice, desk, client.id, 12000, "cheque", received_on=date(2025, 11, 25),
                                    reference="No. 118", allocate="none")
    december = (date(2025, 12, 1), date(2025, 12, 31))
    first = invoices.issue_invoice(practice, desk, invoices.create_draft(
        practice, desk, client.id, sessions[1:3], *december, items=[("Assessment report", 4550, 0)]).id)
    second = invoices.issue_invoice(practice, desk, invoices.create_draft(
        practice, desk, client.id, sessions[3:], *december).id)
    clock.advance(hours=2)
    paid = payments.record_payment(practice, desk, client.id, 30000, "transfer", reference="TRF 8812")
    clock.advance(days=3)
    back = payments.take_back_allocation(practice, desk, paid.allocations[-1].id, "meant for the next invoice")
    refund = payments.refund_payment(practice, desk, paid.payment.id, 1000, "overpaid")
    cancelled = invoices.cancel_invoice(practice, desk, second.id, "sent twice")
    clock.advance(days=2)
    forgiven = payments.write_off(practice, admin, client.id, 1550, "goodwill")

    class B:
        pass
    b = B()
    b.client, b.first, b.second, b.paid, b.early, b.back, b.refund = client, first, second, paid, early, back, refund
    b.cancelled, b.forgiven = cancelled, forgiven
    return b


@pytest.fixture
def b(practice, admin, desk, make, clock):
    return books(practice, admin, desk, make, clock)


def money(cents: int, currency="USD", locale="en_US") -> str:
    return format_money(cents, currency, locale)


# -- the statement -----------------------------------------------------------------------------------
def test_statement_rows_add_up_from_opening_to_the_ledger_balance(practice, desk, b):  # SPEC 9.2
    doc = payment_documents.statement_document(practice, desk, b.client.id, date(2025, 12, 1), date(2026, 1, 31))
    assert doc.opening_balance == 12000 - 12000  # November: one session, paid by the cheque
    running = doc.opening_balance
    for row in doc.rows:
        running += row.amount
        assert row.balance == running, row
    assert doc.closing_balance == running
    assert doc.closing_balance == -ledger.client_balance(practice, desk, b.client.id)  # all of it is in the period
    assert [row.kind for row in doc.rows] == [
        RowKind.SESSION, RowKind.SESSION, RowKind.SESSION,  # 2, 9 and 16 December
        RowKind.INVOICE, RowKind.INVOICE,                   # 1 January: the report of $45.50 is its own charge
        RowKind.PAYMENT,                                    # the transfer
        RowKind.REFUND, RowKind.CREDIT_NOTE,                # 4 January
        RowKind.WRITE_OFF,                                  # 6 January
    ]
    amounts = [row.amount for row in doc.rows]
    assert amounts == [12000, 12000, 12000, 4550, 0, -30000, 1000, 0, -1550]
    invoice_rows = [row for row in doc.rows if row.kind == RowKind.INVOICE]
    assert [r.reference for r in invoice_rows] == [b.first.number, b.second.number]
    assert money(b.first.total_cents) in invoice_rows[0].description
    credit = next(row for row in doc.rows if row.kind == RowKind.CREDIT_NOTE)
    assert credit.reference == b.cancelled.credit_note.number and b.second.number in credit.description
    pay = next(row for row in doc.rows if row.kind == RowKind.PAYMENT)
    assert (pay.reference, pay.date) == ("Bank transfer TRF 8812", date(2026, 1, 1))
    assert [row.description for row in doc.rows if row.kind in (RowKind.REFUND, RowKind.WRITE_OFF)] == \
        ["overpaid", "goodwill"]
    assert {row.reference for row in doc.rows if row.kind == RowKind.SESSION} == {"Therapy 50 min"}


def test_consecutive_periods_join_up(practice, desk, b):  # SPEC 9.2: each closing is the next opening
    days = [date(2025, 11, 1), date(2025, 11, 30), date(2025, 12, 9), date(2026, 1, 1), date(2026, 1, 4),
            date(2026, 3, 31)]
    docs = []  # each period starts the day after the one before ends
    first = days[0]
    for last in days[1:]:
        docs.append(payment_documents.statement_document(practice, desk, b.client.id, first, last))
        first = date.fromordinal(last.toordinal() + 1)
    for before, after in zip(docs, docs[1:], strict=False):
        assert before.closing_balance == after.opening_balance
    for doc in docs:
        assert doc.opening_balance + sum(row.amount for row in doc.rows) == doc.closing_balance
    assert sum(len(doc.rows) for doc in docs) == len(payment_documents.statement_document(
        practice, desk, b.client.id, days[0], days[-1]).rows)
    assert [row.kind for row in docs[-1].rows] == [RowKind.WRITE_OFF]
    assert docs[-1].closing_balance == -ledger.client_balance(practice, desk, b.client.id) == 10000


def test_a_corrected_session_shows_the_charge_and_its_correction(practice, admin, desk, make, clock):  # SPEC 0.4
    client = make.client("Ann", "Lee")
    svc, pr = make.service("Therapy 50 min", cost=12000, wage=6000), make.practitioner()
    [s] = make.session(datetime(2025, 12, 2, 10), datetime(2025, 12, 2, 11), svc, pr, [client])
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    completion.reopen_session(practice, admin, s.id)  # set back to open on 1 January: a reversal
    doc = payment_documents.statement_document(practice, desk, client.id, date(2025, 12, 1), date(2026, 1, 31))
    assert [(row.kind, row.amount, row.date) for row in doc.rows] == [
        (RowKind.SESSION, 12000, date(2025, 12, 2)), (RowKind.SESSION, -12000, date(2026, 1, 1))]
    assert doc.rows[1].description.startswith("correction of the session of Dec 2, 2025")
    assert doc.closing_balance == 0


def test_statement_pdf_prints_every_row_in_the_practice_format(practice, desk, b, tmp_path):  # SPEC 9.2
    path = payment_documents.save_statement_pdf(practice, desk, b.client.id, date(2025, 12, 1), date(2026, 1, 31),
                                                tmp_path / "statement.pdf")
    doc = payment_documents.statement_document(practice, desk, b.client.id, date(2025, 12, 1), date(2026, 1, 31))
    text = pdf_text(path)
    assert NAME in text and "Świętokrzyska" in text and "Harbour Street Therapy" in text
    assert "Opening balance" in text and "Closing balance" in text
    for row in doc.rows:
        if row.amount:
            assert money(abs(row.amount)) in text, row
        assert money(row.balance) in text
    assert money(doc.closing_balance) in text
    assert "$120.00" in text and "$300.00" in text and "$15.50" in text
    assert b.first.number in text and b.cancelled.credit_note.number in text


def test_statement_in_euros_the_german_way(practice, admin, desk, make, clock, tmp_path):  # SPEC 9.2, 0.1
    b = books(practice, admin, desk, make, clock, "EUR", "de_DE")
    path = payment_documents.save_statement_pdf(practice, desk, b.client.id, date(2025, 12, 1), date(2026, 1, 31),
                                                tmp_path / "Kontoauszug.PDF")
    text = pdf_text(path)
    assert NAME in text
    assert "120,00 €" in text and "300,00 €" in text and "45,50 €" in text
    receipt = pdf_text(payment_documents.save_receipt_pdf(practice, desk, b.paid.payment.id, tmp_path / "q.pdf"))
    assert "300,00 €" in receipt and NAME in receipt


# -- the receipt -------------------------------------------------------------------------------------
def test_receipt_lists_what_the_payment_paid_and_what_is_left(practice, desk, b):  # SPEC 9.2, 9.3
    doc = payment_documents.receipt_document(practice, desk, b.paid.payment.id)
    assert (doc.amount, doc.method, doc.reference, doc.payment_date) == (30000, "Bank transfer", "TRF 8812",
                                                                          date(2026, 1, 1))
    assert doc.client.name == NAME
    # the transfer paid the first invoice ($285.50); what went to the second was taken back
    assert [(a.invoice_number, a.amount, a.invoice_date) for a in doc.allocations] == [
        (b.first.number, b.first.total_cents, date(2026, 1, 1))]
    assert doc.credit_left == 30000 - b.first.total_cents - 1000
    assert "Refunded from this payment: $10.00 on Jan 4, 2026." == doc.public_note
    assert doc.number == f"P-{b.paid.payment.id:06d}"


def test_receipt_pdf_shows_the_amounts(practice, desk, b, tmp_path):  # SPEC 9.2
    path = payment_documents.save_receipt_pdf(practice, desk, b.paid.payment.id, str(tmp_path / "receipt.pdf"))
    text = pdf_text(path)
    assert NAME in text and "Bank transfer" in text and "TRF 8812" in text
    assert "$300.00" in text and money(b.first.total_cents) in text and b.first.number in text
    assert money(30000 - b.first.total_cents - 1000) in text
    assert "$10.00" in text


def test_a_write_off_has_no_receipt(practice, desk, b):
    with pytest.raises(ValidationError) as e:
        payment_documents.receipt_document(practice, desk, b.forgiven.payment.id)
    assert e.value.field == "payment"
    with pytest.raises(NotFound):
        payment_documents.receipt_document(practice, desk, 999_999)


# -- refusals ----------------------------------------------------------------------------------------
def test_practitioners_get_neither(practice, make, b, tmp_path):  # SPEC 1.1
    pract = make.user("practitioner", practitioner_id=make.practitioner().id)
    with pytest.raises(PermissionDenied):
        payment_documents.statement_document(practice, pract, b.client.id, date(2025, 12, 1), date(2025, 12, 31))
    with pytest.raises(PermissionDenied):
        payment_documents.save_receipt_pdf(practice, pract, b.paid.payment.id, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize("path, why", [("receipt.pdf", "full path"), ("/tmp/receipt.txt", "ending in .pdf"),
                                       ("/no/such/folder/receipt.pdf", "does not exist"), ("", "name of a file")])
def test_bad_file_names_are_refused_plainly(practice, desk, b, path, why):  # SPEC 0.5
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        payment_documents.save_receipt_pdf(practice, desk, b.paid.payment.id, path)
    assert e.value.field == "file" and why in e.value.message
    assert fingerprint(practice) == before


def test_a_failed_save_leaves_no_half_file(practice, desk, b, tmp_path, monkeypatch):
    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(payment_documents.os, "replace", disk_full)
    with pytest.raises(ValidationError) as e:
        payment_documents.save_statement_pdf(practice, desk, b.client.id, date(2025, 12, 1), date(2025, 12, 31),
                                             tmp_path / "s.pdf")
    assert e.value.field == "file" and "No space left on device" in e.value.message
    assert list(tmp_path.glob("*.pdf")) == []


def test_statement_periods_are_checked(practice, desk, b):  # SPEC 0.5
    with pytest.raises(ValidationError) as e:
        payment_documents.statement_document(practice, desk, b.client.id, date(2026, 1, 31), date(2026, 1, 1))
    assert e.value.field == "to"
    with pytest.raises(ValidationError) as e:
        payment_documents.statement_document(practice, desk, b.client.id, datetime(2026, 1, 1, tzinfo=UTC),
                                             date(2026, 1, 31))
    assert e.value.field == "from"
    with pytest.raises(NotFound):
        payment_documents.statement_document(practice, desk, 999_999, date(2026, 1, 1), date(2026, 1, 31))


def test_a_card_payments_receipt_laid_out_at_hand_is_the_one_read_back(practice, admin, desk, make):  # SPEC 9.3, 10.4
    """A billing run's card charge lays its receipt out from what its transaction has just written
    (payment_documents._new_payment_receipt, no reading back): the same document receipt_document
    reads, whether the payment pays part of the invoice, the rest of it with credit left, or nothing."""
    from app.services.money import invoice_documents

    client = make.client("Zoë", "Ünal-Brook", address="1 Main Street\nPortland")
    svc, pr = make.service("Therapy 50 min", cost=12000, wage=6000), make.practitioner("Dr. Ana Ruiz")
    [s] = make.session(datetime(2025, 12, 2, 10), datetime(2025, 12, 2, 11), svc, pr, [client])
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    inv = invoices.issue_invoice(practice, desk, invoices.create_draft(
        practice, desk, client.id, [s.id], date(2025, 12, 1), date(2025, 12, 31)).id)
    header = invoice_documents.practice_header(practice)
    for amount, plan in ((5000, ((inv.id, 5000),)), (9000, ((inv.id, 7000),)), (2500, "none")):
        with practice.uow() as tx:
            r = payments.record_payment_in(tx, practice, desk, client.id, amount, "stripe", practice.clock.now(),
                                           "pi_test_1", f"Card payment of invoice {inv.number}", plan)
            made = [(a.invoice_id, a.amount_cents) for a in r.allocations]
            doc = payment_documents._new_payment_receipt(tx, practice, header, r.payment.id, made)
        assert doc == payment_documents.receipt_document(practice, desk, r.payment.id)
    assert doc.credit_left == 2500 and doc.allocations == ()

"""Issued invoices and credit notes as PDFs (SPEC 9.2, 9.1; issue 14 item 4).

A real invoice is made through the services (two saved sessions and a free line item of 1,234.50
for a client named Łucja Źdźbło-Muñoz), issued, rendered, and its PDF read back with pypdf: the
number, every line's amount and the total in the practice's own format, the client's name (Ł, ź, ñ
need the bundled font), the practice's name, address, tax note and payment instructions.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from app.services import practice_settings
from app.services.errors import PermissionDenied, RuleViolation, ValidationError
from app.services.money import invoice_documents, invoices, payments
from app.services.money.invoices import LineItem
from app.services.scheduling import completion

NAME = "Łucja Źdźbło-Muñoz"
JAN = (date(2026, 1, 1), date(2026, 1, 31))


def norm(text: str) -> str:
    """One kind of space: babel writes '1.234,50\\xa0€'."""
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)


def pdf_text(path_or_file) -> str:
    return "\n".join(norm(page.extract_text()) for page in PdfReader(path_or_file).pages)


def setup_practice(practice, admin, locale="en_US", currency="USD"):
    practice_settings.update_settings(
        practice, admin, practice_name="Harbour Street Therapy", practice_address="418 Harbour Street\nPortland, ME",
        tax_note="EIN 12-3456789", payment_instructions="Bank transfer to account 000123456789, quoting the number.",
        locale=locale, currency=currency)


def issued_invoice(practice, admin, make, cost=12000):
    """Two saved sessions of ``cost`` and a free line item of 1,234.50 for Łucja, issued."""
    pr, svc = make.practitioner("Mateusz Łęcki"), make.service("Therapy 50 min", cost=cost)
    client = make.client("Łucja", "Źdźbło-Muñoz", address="ul. Świętokrzyska 12/4\n00-916 Warszawa")
    done = completion.type_by_key(practice, "completed").id
    made = []
    for day in (5, 12):
        [s] = make.session(datetime(2026, 1, day, 10), datetime(2026, 1, day, 11), svc, pr, [client])
        completion.complete_session(practice, admin, s.id, done)
        made.append(s.id)
    draft = invoices.create_draft(practice, admin, client.id, made, *JAN,
                                  items=[LineItem("Written report for the referring physician", 123450)],
                                  note="Thank you for coming.")
    return client, invoices.issue_invoice(practice, admin, draft.id, date(2026, 2, 1))


@pytest.mark.parametrize("locale, currency, line, item, total", [
    ("en_US", "USD", "$120.00", "$1,234.50", "$1,474.50"),
    ("de_DE", "EUR", "120,00 €", "1.234,50 €", "1.474,50 €"),
])
def test_issued_invoice_pdf_says_number_lines_total_and_name(practice, admin, make, tmp_path, locale, currency,
                                                             line, item, total):
    # SPEC 9.2: number, dates, lines, totals and amount due in the practice's format; every name prints
    setup_practice(practice, admin, locale, currency)
    _, inv = issued_invoice(practice, admin, make)
    path = invoice_documents.save_invoice_pdf(practice, admin, inv.id, tmp_path / "invoice.pdf")
    text = pdf_text(path)
    assert inv.number == "2026-0001" and inv.number in text
    assert NAME in text and "Warszawa" in text and "Mateusz Łęcki" in text
    assert text.count(line) >= 2                      # each session's line
    assert item in text                               # the free line item
    assert "Written report for the referring physician" in text
    assert total in text                              # the total (and the amount due)
    assert "Harbour Street Therapy" in text and "418 Harbour Street" in text
    assert "EIN 12-3456789" in text and "Bank transfer to account 000123456789" in text
    assert "Thank you for coming." in text
    assert "Amount due" in text


def test_document_carries_the_invoice_as_the_books_have_it(practice, admin, make):
    setup_practice(practice, admin)
    client, inv = issued_invoice(practice, admin, make)
    doc = invoice_documents.invoice_document(practice, admin, inv.id)
    assert (doc.number, doc.issue_date, doc.due_date) == (inv.number, date(2026, 2, 1), inv.due_date)
    assert [line.amount for line in doc.lines] == [12000, 12000, 123450]
    assert [line.date for line in doc.lines] == [date(2026, 1, 5), date(2026, 1, 12), None]
    assert doc.lines[0].service == "Therapy 50 min" and doc.lines[0].description == ""   # not printed twice
    assert doc.lines[0].label == "Completed" and doc.lines[0].practitioner == "Mateusz Łęcki"
    assert doc.lines[2].description.startswith("Written report") and doc.lines[2].service == ""
    assert (doc.subtotal, doc.tax_total, doc.total, doc.amount_due) == (147450, 0, 147450, 147450)
    assert doc.client.name == NAME and doc.practice.currency == "USD" and doc.practice.locale == "en_US"
    assert (doc.period_start, doc.period_end) == JAN and doc.status_note == ""


def test_payments_applied_are_printed_and_a_paid_invoice_says_so(practice, admin, make, tmp_path):
    # SPEC 9.2: payments and the amount due
    setup_practice(practice, admin)
    client, inv = issued_invoice(practice, admin, make)
    payments.record_payment(practice, admin, client.id, 47450, "transfer", reference="TRF 8812")
    text = pdf_text(invoice_documents.save_invoice_pdf(practice, admin, inv.id, tmp_path / "part.pdf"))
    assert "Bank transfer, ref. TRF 8812" in text and "-$474.50" in text
    assert "$1,000.00" in text                                  # still due
    payments.record_payment(practice, admin, client.id, 100000, "cash")
    doc = invoice_documents.invoice_document(practice, admin, inv.id)
    assert doc.amount_due == 0 and doc.payments_applied == 147450 and len(doc.payments) == 2
    assert doc.status_note.startswith("Paid")
    text = pdf_text(invoice_documents.save_invoice_pdf(practice, admin, inv.id, tmp_path / "paid.pdf"))
    assert "Paid" in text and "Cash" in text


def test_cancelled_invoice_and_its_credit_note(practice, admin, make, tmp_path):
    # SPEC 9.1: cancelling issues a credit note in its own series that references the invoice and
    # states the reason; the invoice, printed again, says it is cancelled
    setup_practice(practice, admin)
    _, inv = issued_invoice(practice, admin, make)
    cancelled = invoices.cancel_invoice(practice, admin, inv.id, "Invoiced to the wrong client")
    text = pdf_text(invoice_documents.save_invoice_pdf(practice, admin, inv.id, tmp_path / "invoice.pdf"))
    assert f"Cancelled by credit note {cancelled.credit_note.number}" in text
    path = invoice_documents.save_credit_note_pdf(practice, admin, inv.id, tmp_path / "credit.pdf")
    text = pdf_text(path)
    assert cancelled.credit_note.number == "CN-2026-0001" and "CN-2026-0001" in text
    assert inv.number in text and "Invoiced to the wrong client" in text
    assert NAME in text and "$1,474.50" in text and text.count("$120.00") >= 2
    doc = invoice_documents.credit_note_document(practice, admin, inv.id)
    assert (doc.total, doc.invoice_number, doc.invoice_date) == (147450, inv.number, date(2026, 2, 1))
    assert invoice_documents.credit_note_pdf_bytes(practice, admin, inv.id).startswith(b"%PDF")


def test_drafts_and_uncancelled_invoices_have_no_such_document(practice, admin, make, tmp_path):
    setup_practice(practice, admin)
    client, inv = issued_invoice(practice, admin, make)
    with pytest.raises(RuleViolation, match="not cancelled"):
        invoice_documents.credit_note_document(practice, admin, inv.id)
    draft = invoices.create_draft(practice, admin, client.id, [], *JAN, items=[LineItem("Copy of notes", 500)])
    with pytest.raises(RuleViolation, match="draft"):
        invoice_documents.save_invoice_pdf(practice, admin, draft.id, tmp_path / "draft.pdf")
    assert not (tmp_path / "draft.pdf").exists()


def test_practitioners_get_no_invoice_documents(practice, admin, make, tmp_path):
    # SPEC 1.1: invoices are the front desk's
    setup_practice(practice, admin)
    _, inv = issued_invoice(practice, admin, make)
    pract = make.user("practitioner", practitioner_id=make.practitioner().id)
    for call in (invoice_documents.invoice_document, invoice_documents.invoice_pdf_bytes):
        with pytest.raises(PermissionDenied):
            call(practice, pract, inv.id)
    with pytest.raises(PermissionDenied):
        invoice_documents.save_invoice_pdf(practice, pract, inv.id, tmp_path / "x.pdf")
    staff = make.user("staff")
    assert invoice_documents.invoice_pdf_bytes(practice, staff, inv.id).startswith(b"%PDF")


@pytest.mark.parametrize("name, says", [("relative.pdf", "full path"), ("{tmp}/notes.txt", ".pdf"),
                                        ("{tmp}/no such folder/x.pdf", "no folder"), ("", "name of a file"),
                                        ("{tmp}/a\x00b.pdf", "file")])
def test_a_bad_file_name_is_refused_and_writes_nothing(practice, admin, make, tmp_path, name, says):
    # SPEC 0.5
    setup_practice(practice, admin)
    _, inv = issued_invoice(practice, admin, make)
    before = sorted(tmp_path.iterdir())
    with pytest.raises(ValidationError, match=re.escape(says)) as err:
        invoice_documents.save_invoice_pdf(practice, admin, inv.id, name.format(tmp=tmp_path))
    assert err.value.field == "file"
    assert sorted(tmp_path.iterdir()) == before


def test_saving_replaces_a_file_of_that_name_whole(practice, admin, make, tmp_path):
    setup_practice(practice, admin)
    _, inv = issued_invoice(practice, admin, make)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "Invoice.PDF"
    target.write_bytes(b"old")
    assert invoice_documents.save_invoice_pdf(practice, admin, inv.id, str(target)) == target
    assert target.read_bytes().startswith(b"%PDF") and inv.number in pdf_text(target)
    assert [p.name for p in target.parent.iterdir()] == ["Invoice.PDF"]   # no part file left behind

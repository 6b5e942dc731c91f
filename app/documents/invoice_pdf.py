"""The invoice PDF (SPEC 9.1, 9.2): the practice and the client, number and dates, the lines, the
totals with the payments applied and the amount due, payment instructions and the public note."""
from __future__ import annotations

from .layout import Sheet
from .model import InvoiceDoc


def render(doc: InvoiceDoc, path_or_file) -> None:
    """Write ``doc`` as a PDF to a path or a binary file object."""
    sheet = Sheet(doc.practice)
    meta = [("Invoice number", doc.number), ("Issue date", sheet.date(doc.issue_date)),
            ("Due date", sheet.date(doc.due_date)),
            ("Service period", sheet.period(doc.period_start, doc.period_end))]
    story = sheet.heading("Invoice", doc.client, meta)
    story += sheet.alert(doc.status_note)
    story.append(sheet.doc_lines(doc.lines))

    totals = [("Subtotal", sheet.money(doc.subtotal))]
    if doc.tax_total or any(line.tax for line in doc.lines):
        totals.append(("Tax", sheet.money(doc.tax_total)))
    totals.append(("Total", sheet.money(doc.total)))
    strong = [len(totals) - 1]
    for payment in doc.payments:
        totals.append((f"{payment.description}, {sheet.date(payment.date)}", sheet.money(-payment.amount)))
    one_says_all = len(doc.payments) == 1 and doc.payments[0].amount == doc.payments_applied
    if (doc.payments_applied or doc.payments) and not one_says_all:
        totals.append(("Payments applied", sheet.money(-doc.payments_applied)))
    totals.append(("Amount due", sheet.money(doc.amount_due)))
    story.append(sheet.totals(totals, strong=strong, big=-1))

    story += sheet.note("Payment", doc.practice.payment_instructions if doc.amount_due > 0 else "")
    story += sheet.note("Note", doc.public_note)
    sheet.build(path_or_file, story, reference=f"Invoice {doc.number}",
                title=f"Invoice {doc.number} — {doc.client.name}")

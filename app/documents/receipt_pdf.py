"""The receipt for one payment (SPEC 9.2, 9.3): how much was received, when and how, which
invoices it was put against, and what is left as the client's credit."""
from __future__ import annotations

from .layout import Column, Sheet
from .model import ReceiptDoc


def render(doc: ReceiptDoc, path_or_file) -> None:
    """Write ``doc`` as a PDF to a path or a binary file object."""
    sheet = Sheet(doc.practice)
    meta = [("Receipt number", doc.number), ("Payment date", sheet.date(doc.payment_date)),
            ("Method", doc.method), ("Reference", doc.reference)]
    story = sheet.heading("Receipt", doc.client, meta, client_label="Received from")
    story.append(sheet.totals([("Amount received", sheet.money(doc.amount))], big=0, rule=False))
    if doc.allocations:
        story += sheet.caption("Applied to")
        rows = [[a.invoice_number, sheet.date(a.invoice_date), sheet.money(a.amount)] for a in doc.allocations]
        story.append(sheet.items([Column("Invoice", flex=2, wrap=True), Column("Invoice date", flex=1),
                                  Column("Amount applied", "RIGHT")], rows))
    totals = [("Credit on account from this payment", sheet.money(doc.credit_left))] if doc.credit_left else []
    if totals:
        story.append(sheet.totals(totals, strong=[0]))
    story += sheet.note("Note", doc.public_note)
    reference = f"Receipt {doc.number}" if doc.number else f"Receipt of {sheet.date(doc.payment_date)}"
    sheet.build(path_or_file, story, reference=reference, title=f"{reference} — {doc.client.name}")

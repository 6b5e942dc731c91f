"""The client statement for a period (SPEC 9.2): opening balance, each invoice, payment, credit
note, refund and write-off with the running balance, and the closing balance. Unnumbered.

Amounts that add to what the client owes print under "Charges", those that reduce it under
"Payments & credits"; a balance below zero is money in the client's favour."""
from __future__ import annotations

from reportlab.lib.units import mm

from .layout import Column, Sheet
from .model import StatementDoc


def render(doc: StatementDoc, path_or_file) -> None:
    """Write ``doc`` as a PDF to a path or a binary file object."""
    sheet = Sheet(doc.practice)
    period = sheet.period(doc.period_start, doc.period_end)
    meta = [("Period", period), ("Date", sheet.date(doc.issue_date))]
    story = sheet.heading("Statement", doc.client, meta, client_label="Account of")

    columns = [Column("Date", min_width=14 * mm), Column("Type"), Column("Reference", flex=1, wrap=True),
               Column("Charges", "RIGHT"), Column("Payments & credits", "RIGHT"),
               Column("Balance", "RIGHT", min_width=20 * mm)]
    rows = [[sheet.date(doc.period_start), "", "Opening balance", "", "", sheet.money(doc.opening_balance)]]
    for row in doc.rows:
        what = " — ".join(part for part in (row.reference, row.description) if part)
        charge = sheet.money(row.amount) if row.amount > 0 else ""
        credit = sheet.money(-row.amount) if row.amount < 0 else ""
        rows.append([sheet.date(row.date), row.kind.value, what, charge, credit, sheet.money(row.balance)])
    rows.append([sheet.date(doc.period_end), "", "Closing balance", "", "", sheet.money(doc.closing_balance)])
    story.append(sheet.items(columns, rows, bold_rows=[0, len(rows) - 1]))

    if doc.closing_balance > 0:
        summary = ("Balance due", sheet.money(doc.closing_balance))
    elif doc.closing_balance < 0:
        summary = ("In credit", sheet.money(-doc.closing_balance))
    else:
        summary = ("Balance", sheet.money(0))
    story.append(sheet.totals([summary], big=0))
    if min([doc.opening_balance, doc.closing_balance, *(row.balance for row in doc.rows)]) < 0:
        story += sheet.remark("A balance below zero means you are in credit.")
    story += sheet.note("Payment", doc.practice.payment_instructions if doc.closing_balance > 0 else "")
    story += sheet.note("Note", doc.public_note)
    sheet.build(path_or_file, story, reference=f"Statement {period}",
                title=f"Statement {period} — {doc.client.name}")

"""The credit note PDF (SPEC 9.1, 9.2): it cancels one issued invoice, names it and the reason,
and shows what is credited."""
from __future__ import annotations

from reportlab.lib.units import mm

from .layout import Sheet
from .model import CreditNoteDoc


def render(doc: CreditNoteDoc, path_or_file) -> None:
    """Write ``doc`` as a PDF to a path or a binary file object."""
    sheet = Sheet(doc.practice)
    meta = [("Credit note number", doc.number), ("Date", sheet.date(doc.date)),
            ("Cancels invoice", doc.invoice_number), ("Invoice date", sheet.date(doc.invoice_date))]
    story = sheet.heading("Credit note", doc.client, meta, client_label="Issued to")
    story += sheet.note("Reason", doc.reason, before=0, after=5 * mm)
    if doc.lines:
        story.append(sheet.doc_lines(doc.lines))
    totals = [("Tax", sheet.money(doc.tax_total))] if doc.tax_total else []
    totals.append(("Total credited", sheet.money(doc.total)))
    story.append(sheet.totals(totals, big=-1))
    story += sheet.note("Note", doc.public_note)
    sheet.build(path_or_file, story, reference=f"Credit note {doc.number}",
                title=f"Credit note {doc.number} — {doc.client.name}")

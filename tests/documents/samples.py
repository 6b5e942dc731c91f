"""Sample documents for the PDF tests and the screenshots in docs/screenshots/pdf-*.png.

The client's name has Ł, ź and ñ (STACK.md trap 5); one line is long enough to wrap and one
amount is 1,234.50, so both locales' grouping and decimal marks show. Totals are added up here,
as the services would, because the renderers print figures and never compute them.

    python -m tests.documents.samples docs/screenshots   # writes pdf-*.png (first pages) there
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from app.documents import credit_note_pdf, invoice_pdf, receipt_pdf, statement_pdf
from app.documents.model import (
    Allocation,
    AppliedPayment,
    CreditNoteDoc,
    DocLine,
    InvoiceDoc,
    Party,
    PracticeHeader,
    ReceiptDoc,
    RowKind,
    StatementDoc,
    StatementRow,
)

CLIENT = Party("Łucja Źdźbło-Muñoz", "ul. Świętokrzyska 12/4\n00-916 Warszawa\nPoland")

LONG_DESCRIPTION = (
    "Initial assessment and treatment planning, including a review of the referral letter, "
    "the intake questionnaire and previous reports from Dr. Øyvind Gärtner; written summary "
    "sent to the client and, with her consent, to the referring physician."
)

LOCALES = {
    "en_US": dict(currency="USD", address="418 Harbour Street, Suite 2\nPortland, ME 04101",
                  tax_note="EIN 12-3456789", payment_instructions=(
                      "Please pay within 30 days by check to Harbour Street Therapy, or by bank "
                      "transfer to account 000123456789 (routing 011000138), quoting the invoice number.")),
    "de_DE": dict(currency="EUR", address="Hafenstraße 18\n20459 Hamburg",
                  tax_note="Umsatzsteuerbefreit nach § 4 Nr. 14 UStG",
                  payment_instructions=(
                      "Bitte überweisen Sie den Betrag innerhalb von 14 Tagen auf IBAN "
                      "DE89 3704 0044 0532 0130 00 unter Angabe der Rechnungsnummer.")),
}


def practice(locale: str = "en_US", logo: Path | None = None) -> PracticeHeader:
    conf = LOCALES[locale]
    return PracticeHeader("Harbour Street Therapy", conf["address"], conf["tax_note"],
                          conf["payment_instructions"], logo, conf["currency"], locale)


def lines(n: int = 5, tax_bp: int = 0) -> tuple[DocLine, ...]:
    """``n`` lines: sessions over January 2026 (one with the long description, one of 1,234.50)
    and a free item last."""
    services = [("Individual therapy 50 min", 12000), ("Couples session 80 min", 18050),
                ("Assessment", 123450), ("Late cancellation", 6000)]
    out = []
    for i in range(n - 1):
        name, amount = services[i % len(services)]
        label = "Late cancel" if name.startswith("Late") else "Completed"
        description = LONG_DESCRIPTION if name == "Assessment" and i < len(services) else ""
        amount += i // len(services)  # every amount differs, so each line can be found
        tax = (amount * tax_bp + 5000) // 10000
        out.append(DocLine(description, amount, date(2026, 1, 2) + timedelta(days=i % 28), name,
                           "Dr. Åsa Øberg" if i % 2 else "Mateusz Łęcki", label, tax, tax_bp))
    out.append(DocLine("Printed exercise workbook", 2575, None, tax=(2575 * tax_bp + 5000) // 10000,
                       tax_rate_bp=tax_bp))
    return tuple(out)


def invoice(locale: str = "en_US", n: int = 5, tax_bp: int = 0, **extra) -> InvoiceDoc:
    ls = lines(n, tax_bp)
    subtotal = sum(line.amount for line in ls)
    tax = sum(line.tax for line in ls)
    payments = (AppliedPayment(date(2026, 2, 3), "Card payment", 10000),
                AppliedPayment(date(2026, 2, 9), "Cash", 5000))
    paid = sum(p.amount for p in payments)
    fields = dict(
        practice=practice(locale), client=CLIENT, number="2026-0042", issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 3), lines=ls, subtotal=subtotal, tax_total=tax, total=subtotal + tax,
        payments_applied=paid, amount_due=subtotal + tax - paid, period_start=date(2026, 1, 2),
        period_end=date(2026, 1, 30), payments=payments,
        public_note="Thank you. Sessions cancelled less than 24 hours ahead are charged in full.")
    fields.update(extra)
    return InvoiceDoc(**fields)


def credit_note(locale: str = "en_US") -> CreditNoteDoc:
    ls = lines(4)
    return CreditNoteDoc(practice(locale), CLIENT, "CN-2026-0001", date(2026, 2, 10), "2026-0042",
                         "Invoiced to the wrong client: the sessions were covered by the client's package.",
                         sum(line.amount for line in ls), ls, invoice_date=date(2026, 2, 1))


def receipt(locale: str = "en_US") -> ReceiptDoc:
    allocations = (Allocation("2026-0031", 30050, date(2026, 1, 5)),
                   Allocation("2026-0042", 123450, date(2026, 2, 1)))
    return ReceiptDoc(practice(locale), CLIENT, date(2026, 2, 12), "Bank transfer", 160000,
                      reference="TRF 2026/02/8812", number="R-2026-0107", allocations=allocations,
                      credit_left=160000 - 30050 - 123450, public_note="Thank you for your payment.")


def statement(locale: str = "en_US") -> StatementDoc:
    movements = [
        (date(2026, 1, 5), RowKind.INVOICE, "2026-0031", "", 30050),
        (date(2026, 1, 20), RowKind.PAYMENT, "Card", "", -20000),
        (date(2026, 2, 1), RowKind.INVOICE, "2026-0042", "", 123450),
        (date(2026, 2, 10), RowKind.CREDIT_NOTE, "CN-2026-0001", "cancels 2026-0042", -123450),
        (date(2026, 2, 12), RowKind.PAYMENT, "Bank transfer", "TRF 2026/02/8812", -160000),
        (date(2026, 2, 14), RowKind.REFUND, "Bank transfer", "part of TRF 2026/02/8812", 50000),
        (date(2026, 2, 20), RowKind.INVOICE, "2026-0051", "", 18050),
        (date(2026, 2, 25), RowKind.WRITE_OFF, "2026-0031", "small balance", -50),
    ]
    opening = 4500
    balance, rows = opening, []
    for day, kind, ref, text, amount in movements:
        balance += amount
        rows.append(StatementRow(day, kind, ref, amount, balance, text))
    return StatementDoc(practice(locale), CLIENT, date(2026, 1, 1), date(2026, 2, 28), opening,
                        tuple(rows), balance, issue_date=date(2026, 3, 1))


RENDERERS = {
    "invoice": (invoice, invoice_pdf.render),
    "credit-note": (credit_note, credit_note_pdf.render),
    "receipt": (receipt, receipt_pdf.render),
    "statement": (statement, statement_pdf.render),
}


def first_page_png(pdf: Path, png_stem: Path, dpi: int = 80) -> Path:
    """The PDF's first page as ``<png_stem>.png`` (pdftoppm, poppler-utils)."""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(png_stem)], check=True, capture_output=True, timeout=60)
    return png_stem.with_suffix(".png")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("docs/screenshots")
    locale = argv[1] if len(argv) > 1 else "en_US"
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: sudo apt-get install -y poppler-utils", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for kind, (make, render) in RENDERERS.items():
            pdf = Path(tmp) / f"{kind}.pdf"
            render(make(locale), pdf)
            png = first_page_png(pdf, Path(tmp) / f"pdf-{kind}", dpi=90)
            shutil.copy(png, out / png.name)
            print(out / png.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

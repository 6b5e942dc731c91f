"""Invoice, credit note, receipt and statement PDFs read back (SPEC 9.2, issue 14 item 4).

Each PDF is rendered to tmp_path and its text read back with pypdf: the document's number, every
line's amount and the total in the practice's format (en_US '$1,234.50', de_DE '1.234,50 €'), and
the client "Łucja Źdźbło-Muñoz" (Ł, ź, ñ need the bundled font: STACK.md trap 5). The first page of
each is drawn to PNG with pdftoppm (installed by `make test` as root when missing).
"""
from __future__ import annotations

import ast
import io
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.documents import credit_note_pdf, invoice_pdf, receipt_pdf, statement_pdf
from app.documents.layout import page_size, wrap
from app.documents.model import (
    AppliedPayment,
    DocLine,
    InvoiceDoc,
    Party,
    PracticeHeader,
    RowKind,
    StatementRow,
)
from tests.documents import samples

LOCALES = ["en_US", "de_DE"]
NAME = "Łucja Źdźbło-Muñoz"


def norm(text: str) -> str:
    """Spaces as one plain space: babel writes '1.234,50\\xa0€', and a PDF's text may come back with
    either kind."""
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)


def pdf_text(path) -> list[str]:
    """The normalised text of each page."""
    return [norm(page.extract_text()) for page in PdfReader(path).pages]


def render(kind: str, doc, tmp_path: Path) -> Path:
    path = tmp_path / f"{kind}.pdf"
    samples.RENDERERS[kind][1](doc, path)
    return path


# ---- what each document says -------------------------------------------------------------
@pytest.mark.parametrize("locale, total, big_line", [("en_US", "$1,620.75", "$1,234.50"),
                                                     ("de_DE", "1.620,75 €", "1.234,50 €")])
def test_invoice_prints_number_lines_total_and_name(tmp_path, locale, total, big_line):  # SPEC 9.2
    doc = samples.invoice(locale)
    text = "\n".join(pdf_text(render("invoice", doc, tmp_path)))
    assert doc.number in text
    assert NAME in text
    money = samples.practice(locale)
    for line in doc.lines:
        assert norm(_money(line.amount, money)) in text
    assert big_line in text
    assert total in text                                   # the total, in the practice's format
    assert norm(_money(doc.amount_due, money)) in text     # and what is still owed
    assert "Amount due" in text and "Payments applied" in text
    for payment in doc.payments:
        assert norm(_money(-payment.amount, money)) in text
    assert doc.practice.tax_note in text and "Harbour Street Therapy" in text
    assert "Initial assessment and treatment planning" in text      # the long description, wrapped
    assert "physician." in text


@pytest.mark.parametrize("locale, total", [("en_US", "$1,560.75"), ("de_DE", "1.560,75 €")])
def test_credit_note_prints_number_invoice_reason_and_total(tmp_path, locale, total):  # SPEC 9.1, 9.2
    doc = samples.credit_note(locale)
    text = "\n".join(pdf_text(render("credit-note", doc, tmp_path)))
    assert doc.number in text and doc.invoice_number in text
    assert "Invoiced to the wrong client" in text
    assert NAME in text
    for line in doc.lines:
        assert norm(_money(line.amount, doc.practice)) in text
    assert total in text


@pytest.mark.parametrize("locale, amount, credit", [("en_US", "$1,600.00", "$65.00"),
                                                    ("de_DE", "1.600,00 €", "65,00 €")])
def test_receipt_prints_payment_allocations_and_credit(tmp_path, locale, amount, credit):  # SPEC 9.2, 9.3
    doc = samples.receipt(locale)
    text = "\n".join(pdf_text(render("receipt", doc, tmp_path)))
    assert doc.number in text and doc.reference in text and "Bank transfer" in text
    assert NAME in text
    assert amount in text
    for allocation in doc.allocations:
        assert allocation.invoice_number in text
        assert norm(_money(allocation.amount, doc.practice)) in text
    assert credit in text


@pytest.mark.parametrize("locale, closing", [("en_US", "-$774.50"), ("de_DE", "-774,50 €")])
def test_statement_prints_every_row_with_running_balance(tmp_path, locale, closing):  # SPEC 9.2
    doc = samples.statement(locale)
    text = "\n".join(pdf_text(render("statement", doc, tmp_path)))
    assert NAME in text
    assert "Opening balance" in text and "Closing balance" in text
    assert norm(_money(doc.opening_balance, doc.practice)) in text
    for row in doc.rows:
        assert row.reference in text and row.kind.value in text
        assert norm(_money(abs(row.amount), doc.practice)) in text
        assert norm(_money(row.balance, doc.practice)) in text
    assert closing in text
    assert "In credit" in text                            # the closing balance is in the client's favour
    assert {RowKind.INVOICE, RowKind.PAYMENT, RowKind.CREDIT_NOTE, RowKind.REFUND,
            RowKind.WRITE_OFF} <= {row.kind for row in doc.rows}


def _money(cents: int, practice: PracticeHeader) -> str:
    from app.money_format import format_money

    return format_money(cents, practice.currency, practice.locale)


# ---- pages ---------------------------------------------------------------------------------
def test_a_60_line_invoice_spans_pages_repeating_the_header_row(tmp_path):
    doc = samples.invoice("en_US", n=60)
    pages = pdf_text(render("invoice", doc, tmp_path))
    assert len(pages) >= 2
    header = "Date\nItem\nPractitioner\nAmount"
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Invoice 2026-0042" in page                 # every page's footer names the invoice
    with_lines = [page for page in pages if "Mateusz Łęcki" in page]
    assert len(with_lines) >= 2
    assert all(header in page for page in with_lines)      # the header row, repeated
    text = "\n".join(pages)
    for line in doc.lines:
        assert norm(_money(line.amount, doc.practice)) in text
    assert norm(_money(doc.total, doc.practice)) in pages[-1]


def test_a_row_taller_than_a_page_is_split_not_refused(tmp_path):
    long = " ".join(f"word{i}" for i in range(2500))      # about four pages of one description
    doc = samples.invoice("en_US", n=3)
    doc = replace(doc, lines=(replace(doc.lines[0], description=long), *doc.lines[1:]))
    pages = pdf_text(render("invoice", doc, tmp_path))
    assert len(pages) >= 3
    assert "word2499" in "\n".join(pages)


@pytest.mark.parametrize("locale, paper", [("en_US", "Letter"), ("en_CA", "Letter"), ("fr_CA", "Letter"),
                                           ("de_DE", "A4"), ("en_GB", "A4"), ("pl_PL", "A4")])
def test_paper_follows_the_locale_region(tmp_path, locale, paper):
    expected = {"Letter": (612, 792), "A4": (595, 842)}[paper]
    assert tuple(round(x) for x in page_size(locale)) == expected
    doc = samples.invoice("en_US")
    doc = replace(doc, practice=replace(doc.practice, locale=locale))
    box = PdfReader(render("invoice", doc, tmp_path)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == expected


def test_every_text_is_in_the_embedded_dejavu_font(tmp_path):  # STACK.md trap 5
    reader = PdfReader(render("statement", samples.statement("de_DE"), tmp_path))
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object()      # embedded, not referenced
    assert names and all("DejaVuSans" in name for name in names), names


def test_markup_and_odd_characters_print_as_typed(tmp_path):
    doc = samples.invoice("en_US")
    doc = replace(doc, client=Party("Ana & Bo <Ltd> Ŧ ő ₺", "line 1\n\nline 3"),
                  public_note="a <b>not bold</b> & 100% plain")
    text = "\n".join(pdf_text(render("invoice", doc, tmp_path)))
    assert "Ana & Bo <Ltd> Ŧ ő ₺" in text
    assert "a <b>not bold</b> & 100% plain" in text


def test_render_writes_to_a_file_object():
    out = io.BytesIO()
    invoice_pdf.render(samples.invoice("de_DE"), out)
    assert out.getvalue().startswith(b"%PDF-")
    assert "2026-0042" in norm(PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text())


def test_a_currency_symbol_the_font_lacks_prints_in_a_form_it_has(tmp_path):
    jp = PracticeHeader("Tokyo Practice", currency="JPY", locale="ja_JP")
    doc = replace(samples.invoice("en_US"), practice=jp)
    text = "\n".join(pdf_text(render("invoice", doc, tmp_path)))
    assert "¥1,620,75" not in text and "¥162,075" in text   # JPY has no minor digits; ￥ -> ¥
    ge = PracticeHeader("Tbilisi Practice", currency="GEL", locale="ka_GE")
    doc = replace(samples.invoice("en_US"), practice=ge)
    assert "1 620,75 GEL" in "\n".join(pdf_text(render("invoice", doc, tmp_path)))


def test_logo_is_drawn_and_a_missing_one_does_not_stop_printing(tmp_path, caplog):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 120), (30, 80, 140)).save(logo)
    doc = samples.invoice("en_US")
    path = render("invoice", replace(doc, practice=replace(doc.practice, logo_path=logo)), tmp_path)
    xobjects = PdfReader(path).pages[0]["/Resources"].get("/XObject", {})
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())

    gone = replace(doc, practice=replace(doc.practice, logo_path=tmp_path / "moved.png"))
    text = "\n".join(pdf_text(render("invoice", gone, tmp_path)))
    assert doc.number in text
    assert "moved.png" in caplog.text


def test_status_words_print_on_a_cancelled_invoice(tmp_path):  # SPEC 9.1
    doc = replace(samples.invoice("en_US"), status_note="Cancelled by credit note CN-2026-0001")
    assert "Cancelled by credit note CN-2026-0001" in pdf_text(render("invoice", doc, tmp_path))[0]


# ---- the model and the layering ------------------------------------------------------------
def test_amounts_are_integer_minor_units_never_float():  # SPEC 0.1
    with pytest.raises(TypeError, match="amount"):
        DocLine("x", 80.0)
    with pytest.raises(TypeError, match="balance"):
        StatementRow(date(2026, 1, 1), RowKind.PAYMENT, "r", -100, True)
    with pytest.raises(TypeError, match="total"):
        replace(samples.invoice("en_US"), total=1620.75)
    doc = replace(samples.invoice("en_US"), lines=list(samples.lines(2)))
    assert isinstance(doc.lines, tuple)


def test_wrap_breaks_at_spaces_and_inside_overlong_words_only():
    assert wrap("1.234,50\u00a0€ and more", 10_000) == ["1.234,50\u00a0€ and more"]
    lines = wrap("short " + "x" * 200, 100)
    assert lines[0] == "short" and all(lines) and "".join(lines[1:]) == "x" * 200
    assert wrap("a\n\nb", 100) == ["a", "", "b"]


def test_documents_import_no_services_sqlalchemy_or_qt():  # ARCHITECTURE.md: the layers
    folder = Path(invoice_pdf.__file__).parent
    for source in folder.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert "services" not in name and not name.startswith(("sqlalchemy", "PySide6", "..views")), \
                    f"{source.name} imports {name}"


# ---- pictures ------------------------------------------------------------------------------
@pytest.fixture
def pdftoppm():
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed and could not be: `make test` installs it "
                    "when run as root with apt-get; otherwise run `sudo apt-get install -y poppler-utils`")


@pytest.mark.parametrize("kind", list(samples.RENDERERS))
@pytest.mark.parametrize("locale", LOCALES)
def test_first_page_draws_to_png(tmp_path, pdftoppm, kind, locale):
    from PIL import Image

    make, _ = samples.RENDERERS[kind]
    png = samples.first_page_png(render(kind, make(locale), tmp_path), tmp_path / kind, dpi=60)
    with Image.open(png) as image:
        expected = [round(x / 72 * 60) for x in page_size(locale)]
        assert all(abs(a - b) <= 1 for a, b in zip(image.size, expected, strict=True))
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
        assert 0.005 < dark / (image.size[0] * image.size[1]) < 0.2   # text on a white page


def test_every_renderer_has_the_same_signature():
    for module in (invoice_pdf, credit_note_pdf, receipt_pdf, statement_pdf):
        assert list(module.render.__code__.co_varnames[:2]) == ["doc", "path_or_file"]


def test_invoice_doc_needs_no_payments_or_period():
    doc = InvoiceDoc(PracticeHeader("P"), Party("C"), "1", date(2026, 1, 1), date(2026, 1, 31),
                     (DocLine("Item", 500),), 500, 0, 500, amount_due=500)
    out = io.BytesIO()
    invoice_pdf.render(doc, out)
    text = norm(PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text())
    assert "$5.00" in text and "Payments applied" not in text
    paid = replace(doc, payments=(AppliedPayment(date(2026, 1, 9), "Cash", 500),), payments_applied=500,
                   amount_due=0)
    out = io.BytesIO()
    invoice_pdf.render(paid, out)
    text = norm(PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text())
    assert "Cash, Jan 9, 2026" in text and "Payments applied" not in text   # one payment says it all


def test_a_kept_font_subset_embeds_the_same_bytes_as_a_fresh_one(tmp_path):
    """fonts.py keeps cut and compressed subsets for the next document; what it embeds must be what
    ReportLab would have embedded."""
    from app.documents import fonts

    def font_files(path) -> dict[str, bytes]:
        out = {}
        for ref in PdfReader(path).pages[0]["/Resources"]["/Font"].values():
            font = ref.get_object()
            out[str(font["/BaseFont"]).split("+")[-1] + str(font["/FirstChar"])] = \
                font["/FontDescriptor"]["/FontFile2"].get_data()
        return out

    doc = samples.invoice("de_DE")
    fonts._subset_bytes.cache_clear()
    fonts._flate.cache_clear()
    first = tmp_path / "fresh"
    first.mkdir()
    fresh = font_files(render("invoice", doc, first))     # cut and compressed by ReportLab
    kept = font_files(render("invoice", doc, tmp_path))   # from the cache
    assert fonts._subset_bytes.cache_info().hits >= 2
    assert fresh == kept and len(fresh) >= 2

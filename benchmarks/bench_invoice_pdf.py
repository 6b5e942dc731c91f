"""One invoice PDF, side by side with the bare ReportLab table floor of ../shared/bench/floors.py.

Measures, with time.perf_counter (median, min, max over --runs, interleaved with the floor so
machine noise hits both alike; timing.py's Timings and interleaved):

  invoice PDF, 20 lines   app.documents.invoice_pdf.render of a 20-line invoice (the sample of
                          tests/documents/samples.py: a client named Łucja Źdźbło-Muñoz, one long
                          wrapped description, two payments, notes) into a BytesIO: layout, the
                          embedded DejaVu Sans subset, "Page 1 of 1" footers, compression
  floor                   floors.py's "bare ReportLab 30-line table PDF", exactly as it runs it:
                          SimpleDocTemplate(BytesIO(), pagesize=A4).build([Table(rows)]) of 30
                          rows of five short strings in built-in Helvetica (nothing embedded)
  (reference)             the same bare table in the bundled DejaVu Sans, embedded: Helvetica
                          cannot print Ł, ź (STACK.md trap 5), so this is what any of our PDFs
                          pays at least; printed to show how much of the ratio is the font

floors.py keeps that floor inside its main(), so it is repeated here word for word; the script
checks that floors.py still contains it and says so if it has changed. The first render of a
process also registers the fonts and loads babel's locale data: it is printed apart (cold) and
kept out of the median (warm-up runs, as in the other benchmarks). The issue's target: the
invoice within 1.5x of the floor.

Usage (from the project root, in the project's venv):
    python benchmarks/bench_invoice_pdf.py
    python benchmarks/bench_invoice_pdf.py --runs 200 --lines 20 --locale de_DE
    python benchmarks/bench_invoice_pdf.py --profile     # + cProfile of the invoice renders
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if __package__ in (None, ""):  # run as a script: make the project and this folder importable
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))

import reportlab  # noqa: E402
from bench_calendar import DEFAULT_FLOORS  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.platypus import SimpleDocTemplate, Table  # noqa: E402
from timing import interleaved  # noqa: E402

from app.documents import fonts, invoice_pdf  # noqa: E402
from tests.documents import samples  # noqa: E402

# floors.py, main(): the rows and the timed statement of its ReportLab floor
FLOOR_ROWS = [["2026-01-%02d" % (i + 1), "Therapy 60 min", "Dr. Someone", "Completed", "$80.00"] for i in range(30)]  # noqa: UP031 (as floors.py writes it)
FLOOR_STATEMENT = "SimpleDocTemplate(BytesIO(), pagesize=A4).build([Table(rows)])"


def floor() -> None:
    SimpleDocTemplate(BytesIO(), pagesize=A4).build([Table(FLOOR_ROWS)])


def floor_in_dejavu() -> None:
    """For reference, not a floor of floors.py: the same bare table in the bundled, embedded font
    (what any PDF that can print Ł must pay over built-in Helvetica)."""
    table = Table(FLOOR_ROWS, style=[("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)])
    SimpleDocTemplate(BytesIO(), pagesize=A4, initialFontName=fonts.REGULAR).build([table])


def floor_is_current(path: Path) -> bool | None:
    """Whether floors.py still builds its ReportLab floor as repeated here (None: no floors.py)."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return FLOOR_STATEMENT in text and '"Therapy 60 min", "Dr. Someone", "Completed", "$80.00"' in text


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="One invoice PDF vs the bare ReportLab table floor.")
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--lines", type=int, default=20)
    ap.add_argument("--locale", default="en_US", choices=sorted(samples.LOCALES))
    ap.add_argument("--floors", default=str(DEFAULT_FLOORS), help="floors.py to check (default %(default)s)")
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args(argv)

    try:
        from reportlab.lib import rl_accel
        accel = "C accelerators" if type(rl_accel.fp_str).__name__ == "builtin_function_or_method" else "pure Python"
    except ImportError:
        accel = "?"
    print(f"Python {platform.python_version()}, ReportLab {reportlab.Version} ({accel}), {platform.machine()}")
    current = floor_is_current(Path(a.floors))
    if current is None:
        print(f"floors.py not found at {a.floors}: the floor below is the copy in this script")
    elif not current:
        print(f"WARNING: {a.floors} no longer builds its ReportLab floor as this script does; update FLOOR_*")

    doc = samples.invoice(a.locale, n=a.lines)

    def product() -> None:
        invoice_pdf.render(doc, BytesIO())

    t = time.perf_counter()
    product()
    cold = (time.perf_counter() - t) * 1000
    out = BytesIO()
    invoice_pdf.render(doc, out)
    print(f"invoice: {a.lines} lines, {a.locale}, {len(out.getvalue()):,} bytes; "
          f"first render in this process (fonts registered, locale data loaded) {cold:.1f} ms\n")

    timings = interleaved({"product": product, "floor": floor, "dejavu": floor_in_dejavu}, a.runs, 3)
    p, f, d = timings["product"], timings["floor"], timings["dejavu"]
    print(f"{'invoice PDF, ' + str(a.lines) + ' lines':42s} {p.text()}")
    print(f"  floor {'bare ReportLab 30-line table PDF':34s} {f.text()}   ratio x{p.median / f.median:.2f}")
    print(f"  (same bare table in embedded DejaVu Sans   {d.text()}   ratio x{p.median / d.median:.2f};"
          f" the font alone x{d.median / f.median:.2f} the floor)")

    if a.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(50):
            product()
        prof.disable()
        print("\ncProfile of 50 invoice renders (top 25 by own time):")
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()

"""The PDFs' font: DejaVu Sans, bundled in resources/fonts/ and registered with ReportLab once.

ReportLab's built-in Helvetica is not embedded and draws Ł, ź, ő, ₺ as black boxes (STACK.md
trap 5); DejaVu Sans covers Latin, Greek and Cyrillic, and is embedded (as a subset of the glyphs
used) so a PDF looks the same on every machine. The files sit at ``<root>/resources/fonts``: the
repository root when run from a checkout, the bundle's ``_internal`` folder in the PyInstaller
build (installer/practice-desk.spec ships them there), both two folders above this package.
"""
from __future__ import annotations

import threading
from pathlib import Path

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FAMILY = "DejaVuSans"  # <b> in a Paragraph picks BOLD

FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the bundled fonts with ReportLab (once per process; later calls return at once).

    Raises FileNotFoundError naming the missing file when the installation lacks them, rather
    than letting ReportLab fall back to a font that cannot print every client's name."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, filename in FILES.items():
            path = FONTS_DIR / filename
            if not path.is_file():
                raise FileNotFoundError(f"The PDF font {filename} is missing from {FONTS_DIR}; "
                                        "reinstall Practice Desk")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # a family, so <b> inside a Paragraph uses the bold file (italics fall back to upright)
        for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR), (1, 1, BOLD)):
            addMapping(FAMILY, bold, italic, face)
        _registered = True


def covers(text: str) -> bool:
    """Whether the bundled font has a glyph for every character of ``text`` (spaces and
    direction marks aside), so it prints without a blank box."""
    register_fonts()
    from reportlab.pdfbase import pdfmetrics

    glyphs = pdfmetrics.getFont(REGULAR).face.charToGlyph
    return all(ord(ch) in glyphs for ch in text if not ch.isspace() and ch not in "\u200e\u200f")

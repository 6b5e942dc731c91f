"""The PDFs' font: DejaVu Sans, bundled in resources/fonts/ and registered with ReportLab once.

ReportLab's built-in Helvetica is not embedded and draws Ł, ź, ő, ₺ as black boxes (STACK.md
trap 5); DejaVu Sans covers Latin, Greek and Cyrillic, and is embedded (as a subset of the glyphs
used) so a PDF looks the same on every machine. The files sit at ``<root>/resources/fonts``: the
repository root when run from a checkout, the bundle's ``_internal`` folder in the PyInstaller
build (installer/practice-desk.spec ships them there), both two folders above this package.
"""
from __future__ import annotations

import threading
import zlib
from functools import lru_cache
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
            font = TTFont(name, str(path))
            font.face.__class__ = _subset_caching_face()  # same face, plus the cache below
            pdfmetrics.registerFont(font)
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


# ---- embedding the same subsets again and again ----------------------------------------------
# Each PDF embeds the glyphs it uses of each font: ReportLab cuts that subset out of the TTF and
# zlib-compresses it, about 2 ms a font and most of what a one-page invoice spends beyond a bare
# Helvetica table. Invoices of one practice use nearly the same glyphs (ASCII is always in the
# first subset), so the cut and the compressed bytes are kept for the next document. Both are
# pure functions of the font and the glyph list, so a cached subset is byte-identical to a fresh
# one. If a ReportLab upgrade renames what is hooked here, the hook does nothing: still correct.
_SUBSETS_KEPT = 32


@lru_cache(maxsize=_SUBSETS_KEPT)
def _subset_bytes(face, glyphs: tuple[int, ...]) -> bytes:
    return face._make_subset_uncached(list(glyphs))


@lru_cache(maxsize=_SUBSETS_KEPT)
def _flate(data: bytes) -> bytes:
    return zlib.compress(data)


class _CachedFlate:
    """ReportLab's Flate stream filter (PDFStreamFilterZCompress), remembering its last results."""

    pdfname = "FlateDecode"

    def encode(self, text):
        return _flate(text.encode("utf8") if isinstance(text, str) else bytes(text))

    def decode(self, encoded):
        return zlib.decompress(encoded)


_CACHED_FLATE = _CachedFlate()


@lru_cache(maxsize=1)
def _subset_caching_face():
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import TTFontFace

    class SubsetCachingFace(TTFontFace):
        def _make_subset_uncached(self, subset):
            return TTFontFace.makeSubset(self, subset)

        def makeSubset(self, subset):  # noqa: N802 (ReportLab's name)
            return _subset_bytes(self, tuple(subset))

        def addSubsetObjects(self, doc, fontname, subset):  # noqa: N802 (ReportLab's name)
            ref = super().addSubsetObjects(doc, fontname, subset)
            stream = getattr(doc, "idToObject", {}).get(f"fontFile:{self.filename}({fontname})")
            if stream is not None and getattr(stream, "filters", None) == [pdfdoc.PDFZCompress]:
                stream.filters = [_CACHED_FLATE]
            return ref

    return SubsetCachingFace

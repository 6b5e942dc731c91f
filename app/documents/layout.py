"""The look shared by every PDF: paper, fonts, the heading, item tables, totals, notes and the footer.

A renderer makes a ``Sheet`` for the practice, asks it for flowables (``heading``, ``items``,
``totals``, ``note``...) in the order they print, and hands them to ``Sheet.build``. All text is
drawn in the bundled DejaVu Sans (``fonts``), amounts and dates in the practice's locale (babel,
through ``app.money_format``), on Letter paper in the US and Canada and A4 elsewhere.

Text goes into table cells as plain strings, wrapped here to the column's width (``wrap``), not
as Paragraphs: nothing a user typed is parsed as markup (a client called "A & <B>" prints as
typed), and a table of plain strings builds several times faster, which matters for a batch of
3,000 invoices. Long item tables repeat their header row on every page and may split a tall row
between pages.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, partial

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, SimpleDocTemplate, Spacer, Table

from ..money_format import babel_locale, currency_digits, format_money
from .fonts import BOLD, REGULAR, covers, register_fonts
from .model import DocLine, Party, PracticeHeader

log = logging.getLogger(__name__)

LETTER_TERRITORIES = frozenset({"US", "CA"})  # everyone else prints on A4

INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
RULE = colors.HexColor("#b5b5b5")
HEAD_BG = colors.HexColor("#ececec")
ALERT = colors.HexColor("#a31515")

MARGIN_X = 18 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 20 * mm   # room for the footer
FRAME_PAD = 6             # SimpleDocTemplate's frame keeps 6 points inside the margins
PAD = 4                   # horizontal padding inside a table cell, points
LOGO_BOX = (45 * mm, 20 * mm)


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float
    color: colors.Color = INK

    @property
    def leading(self) -> float:
        return round(self.size * 1.3, 1)


BODY = TextStyle(REGULAR, 9)
SMALL = TextStyle(REGULAR, 8, MUTED)
CELL = TextStyle(REGULAR, 8.5)
HEAD = TextStyle(BOLD, 8)
STRONG = TextStyle(BOLD, 10)
PRACTICE = TextStyle(BOLD, 14)
TITLE = TextStyle(BOLD, 20)
BIG = TextStyle(BOLD, 11)
ALERT_TEXT = TextStyle(BOLD, 10, ALERT)
FOOTER = TextStyle(REGULAR, 7.5, MUTED)


def _table(data, colWidths=None, style=(), **kwargs) -> Table:  # noqa: N803 (ReportLab's name)
    """A Table whose cells default to the bundled font: ReportLab's default is Helvetica, which an
    empty cell would otherwise still put in the PDF as a font that is not embedded. (A style that
    starts by setting every cell's font needs no default.)"""
    first = style[0] if style else None
    if not (first and first[0] == "FONT" and first[1] == (0, 0) and first[2] == (-1, -1)):
        style = [("FONT", (0, 0), (-1, -1), REGULAR, CELL.size), *style]
    return Table(data, colWidths=colWidths, style=style, **kwargs)


def page_size(locale: str) -> tuple[float, float]:
    """Letter for a US or Canadian locale, A4 for every other (en_US, fr_CA -> Letter; de_DE -> A4)."""
    from babel import Locale, UnknownLocaleError

    try:
        territory = Locale.parse(locale).territory
    except (ValueError, UnknownLocaleError):
        territory = None
    return LETTER if territory in LETTER_TERRITORIES else A4


def wrap(text: str, width: float, style: TextStyle = CELL) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points in ``style``: at spaces, at the
    text's own line breaks, and inside a word only when the word alone is too wide."""
    text = str(text)
    if "\n" not in text and "\r" not in text and stringWidth(text, style.font, style.size) <= width:
        return [text]  # most cells: one measure
    space = stringWidth(" ", style.font, style.size)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        # only plain spaces break: a no-break or thin space (babel's '1.234,50\xa0€',
        # 'Jan 2\u2009–\u200930') keeps its neighbours together and its own width
        words = [word for word in paragraph.split(" ") if word]
        if not words:
            lines.append("")
            continue
        line, used = "", 0.0  # widths add up exactly: ReportLab does not kern
        for word in words:
            w = stringWidth(word, style.font, style.size)
            if line and used + space + w <= width:
                line, used = f"{line} {word}", used + space + w
                continue
            if line:
                lines.append(line)
            line, used = word, w
            while used > width and len(line) > 1:
                cut = _fit_chars(line, width, style)
                lines.append(line[:cut])
                line = line[cut:]
                used = stringWidth(line, style.font, style.size)
        lines.append(line)
    return lines


def _fit_chars(word: str, width: float, style: TextStyle) -> int:
    """How many leading characters of ``word`` fit in ``width`` (at least one)."""
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(word[:mid], style.font, style.size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


@cache
def money_formatter(currency: str, locale: str) -> Callable[[int], str]:
    """How amounts print for a practice: as the app shows them (``format_money``), unless the
    font lacks the currency's symbol there (ja_JP's full-width '￥', ka_GE's '₾', bn_BD's '৳'):
    then its compatibility form if that prints ('¥'), else the ISO code in the locale's
    pattern ('1 234,50 GEL'), never a blank box."""
    sample = format_money(-123456789, currency, locale)
    if covers(sample):
        return partial(format_money, currency=currency, locale=locale)
    if covers(unicodedata.normalize("NFKC", sample)):
        return lambda cents: unicodedata.normalize("NFKC", format_money(cents, currency, locale))
    from babel import Locale
    from babel.numbers import format_currency

    pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace("\u00a4", "\u00a4\u00a4")
    digits = currency_digits(currency)

    def with_code(cents: int) -> str:
        text = format_currency(Decimal(cents).scaleb(-digits), currency, format=pattern, locale=locale)
        return re.sub(r"(?<=\d)(?=[A-Z]{3})|(?<=[A-Z]{3})(?=\d)", "\u00a0", text)  # '1,234.50 BDT'

    return with_code


def text_width(text: str, style: TextStyle) -> float:
    return max((stringWidth(line, style.font, style.size) for line in str(text).splitlines()), default=0.0)


@dataclass(frozen=True)
class Column:
    """An item table's column. ``flex`` columns share the width the others leave, in proportion;
    the others are as wide as their widest cell. ``wrap`` columns break their text to fit."""

    header: str
    align: str = "LEFT"         # or "RIGHT" (amounts)
    flex: float = 0.0
    wrap: bool = False
    min_width: float = 0.0


class Sheet:
    """One document's page and formats: the practice's paper, money and dates."""

    def __init__(self, practice: PracticeHeader):
        register_fonts()
        self.practice = practice
        self.pagesize = page_size(practice.locale)
        self.width = self.pagesize[0] - 2 * (MARGIN_X + FRAME_PAD)  # what the frame holds
        self._dates: dict[date, str] = {}

    # ---- formats ---------------------------------------------------------------------------
    def money(self, cents: int) -> str:
        return money_formatter(self.practice.currency, self.practice.locale)(cents)

    def date(self, day: date | None) -> str:
        if day is None:
            return ""
        text = self._dates.get(day)
        if text is None:  # an invoice's lines share a few dates: format each once
            from babel.dates import format_date

            text = self._dates[day] = format_date(day, "medium", locale=babel_locale(self.practice.locale))
        return text

    def period(self, first: date | None, last: date | None) -> str:
        """'Jan 1 – 31, 2026' (en_US), '1.–31. Jan. 2026' (de_DE); one side alone if the other is missing."""
        from babel.dates import format_interval

        if first is None or last is None:
            return self.date(first or last)
        if first == last:
            return self.date(first)
        return format_interval(first, last, "yMMMd", locale=babel_locale(self.practice.locale))

    def percent(self, basis_points: int) -> str:
        from babel.numbers import format_percent

        return format_percent(basis_points / 10000, "#,##0.##%", locale=self.practice.locale)

    # ---- blocks ----------------------------------------------------------------------------
    def block(self, rows: Iterable[tuple[str, TextStyle]], width: float, align: str = "LEFT",
              gap_after: Sequence[int] = ()) -> Table:
        """Lines of text, each in its own style, wrapped to ``width``; rows listed in ``gap_after``
        get a little space below them."""
        data, style = [], [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                           ("ALIGN", (0, 0), (-1, -1), align), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        for text, st in rows:
            if not text:
                continue
            i = len(data)
            data.append(["\n".join(wrap(text, width, st))])
            style += [("FONT", (0, i), (0, i), st.font, st.size, st.leading),
                      ("TEXTCOLOR", (0, i), (0, i), st.color)]
            if i in gap_after:
                style.append(("BOTTOMPADDING", (0, i), (0, i), 6))
        if not data:
            data = [[""]]
        return _table(data, colWidths=[width], style=style, hAlign=align)

    def heading(self, title: str, client: Party, meta: Sequence[tuple[str, str]],
                client_label: str = "Bill to") -> list[Flowable]:
        """The top of the first page: the practice (and its logo), then the document's title and
        the client on the left, its number and dates on the right."""
        p = self.practice
        logo = self._logo()
        logo_w = logo.drawWidth + 6 * mm if logo is not None else 0
        who = self.block([(p.name, PRACTICE), *((line, BODY) for line in p.address.splitlines()),
                          (p.tax_note, SMALL)], self.width - logo_w, gap_after=(0,))
        top = _table([[who, logo or ""]], colWidths=[self.width - logo_w, logo_w or 0.1],
                    style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                           ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE)])

        meta = [(label, value) for label, value in meta if value]
        label_w = max((text_width(label, SMALL) for label, _ in meta), default=0) + 3 * mm
        value_w = min(max((text_width(value, BODY) for _, value in meta), default=0) + 1,
                      self.width * 0.45 - label_w)
        facts = _table([[label, "\n".join(wrap(value, value_w, BODY))] for label, value in meta] or [[""]],
                      colWidths=[label_w, value_w],
                      style=[("FONT", (0, 0), (0, -1), SMALL.font, SMALL.size, BODY.leading),
                             ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                             ("FONT", (1, 0), (1, -1), BODY.font, BODY.size, BODY.leading),
                             ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
        facts_w = label_w + value_w
        left_w = self.width - facts_w - 8 * mm
        to = self.block([(title, TITLE), (client_label, SMALL), (client.name, STRONG),
                         *((line, BODY) for line in client.address.splitlines())],
                        left_w, gap_after=(0,))
        middle = _table([[to, facts]], colWidths=[self.width - facts_w, facts_w],
                       style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (0, 0), 10), ("TOPPADDING", (1, 0), (1, 0), 14),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
        return [top, middle, Spacer(1, 7 * mm)]

    def _logo(self) -> Image | None:
        path = self.practice.logo_path
        if not path:
            return None
        try:
            from reportlab.lib.utils import ImageReader

            w, h = ImageReader(str(path)).getSize()
        except Exception as exc:  # a moved or broken logo must not stop an invoice from printing
            log.warning("logo %s not printed: %s", path, exc)
            return None
        scale = min(LOGO_BOX[0] / w, LOGO_BOX[1] / h)
        return Image(str(path), width=w * scale, height=h * scale, hAlign="RIGHT")

    def alert(self, text: str) -> list[Flowable]:
        """A status the reader must not miss ("Cancelled by credit note CN-2026-0001")."""
        if not text:
            return []
        box = self.block([(text, ALERT_TEXT)], self.width - 2 * PAD - 2)
        return [_table([[box]], colWidths=[self.width],
                      style=[("BOX", (0, 0), (-1, -1), 1, ALERT), ("LEFTPADDING", (0, 0), (-1, -1), PAD + 1),
                             ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]),
                Spacer(1, 5 * mm)]

    def items(self, columns: Sequence[Column], rows: Sequence[Sequence[str]],
              bold_rows: Sequence[int] = ()) -> Table:
        """A table of items under a header row that repeats on every page. Fixed columns fit their
        widest cell; flex columns share the rest and wrap. ``bold_rows`` index ``rows``."""
        widths = []
        for i, col in enumerate(columns):
            if col.flex:
                widths.append(None)
                continue
            widest = max([text_width(col.header, HEAD), *(text_width(r[i], CELL) for r in rows)])
            widths.append(max(widest + 2 * PAD + 1, col.min_width))
        fixed = sum(w for w in widths if w is not None)
        flex_total = sum(c.flex for c in columns) or 1
        room = max(self.width - fixed, 40 * mm)
        widths = [w if w is not None else room * c.flex / flex_total for w, c in zip(widths, columns, strict=True)]
        data = [[c.header for c in columns]]
        for row in rows:
            data.append([("\n".join(wrap(cell, w - 2 * PAD, CELL)) if c.wrap else cell)
                         for cell, w, c in zip(row, widths, columns, strict=True)])
        style = [("FONT", (0, 0), (-1, -1), CELL.font, CELL.size, CELL.leading),
                 ("FONT", (0, 0), (-1, 0), HEAD.font, HEAD.size, HEAD.leading),
                 ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                 ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                 ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                 ("LINEBELOW", (0, 0), (-1, 0), 0.75, MUTED),
                 ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
        style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i, c in enumerate(columns) if c.align == "RIGHT"]
        style += [("FONT", (0, r + 1), (-1, r + 1), BOLD, CELL.size, CELL.leading) for r in bold_rows]
        return _table(data, colWidths=widths, style=style, repeatRows=1, splitInRow=1, hAlign="LEFT")

    def doc_lines(self, lines: Sequence[DocLine]) -> Table:
        """An invoice's or credit note's lines: date, the service (with its completion label) and
        description, practitioner, tax (only when a line has some) and amount."""
        with_tax = any(line.tax or line.tax_rate_bp for line in lines)
        columns = [Column("Date", min_width=14 * mm), Column("Item", flex=3, wrap=True),
                   Column("Practitioner", flex=1.1, wrap=True)]
        if with_tax:
            columns.append(Column("Tax", "RIGHT"))
        columns.append(Column("Amount", "RIGHT", min_width=20 * mm))
        rows = []
        for line in lines:
            title = " · ".join(part for part in (line.service, line.label) if part)
            item = "\n".join(part for part in (title, line.description) if part)
            row = [self.date(line.date), item, line.practitioner]
            if with_tax:
                rate = f" ({self.percent(line.tax_rate_bp)})" if line.tax_rate_bp else ""
                row.append(self.money(line.tax) + rate if (line.tax or line.tax_rate_bp) else "")
            row.append(self.money(line.amount))
            rows.append(row)
        return self.items(columns, rows)

    def totals(self, rows: Sequence[tuple[str, str]], strong: Sequence[int] = (),
               big: int | None = None, rule: bool = True) -> Table:
        """Label-amount pairs under a table, against the right margin; ``strong`` rows in bold,
        the ``big`` one larger, with a rule above it when ``rule`` (the amount due)."""
        label_w = max(text_width(label, BIG) for label, _ in rows) + 2 * PAD + 6 * mm
        label_w = min(label_w, self.width * 0.6)
        value_w = max(text_width(value, BIG) for _, value in rows) + 2 * PAD + 1
        data = [["\n".join(wrap(label, label_w - 2 * PAD, BODY)), value] for label, value in rows]
        style = [("FONT", (0, 0), (-1, -1), BODY.font, BODY.size, BODY.leading),
                 ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                 ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        style += [("FONT", (0, r), (-1, r), BOLD, BODY.size, BODY.leading) for r in strong]
        if big is not None:
            big %= len(rows)
            style += [("FONT", (0, big), (-1, big), BIG.font, BIG.size, BIG.leading),
                      ("TOPPADDING", (0, big), (-1, big), 5)]
            if rule:
                style.append(("LINEABOVE", (0, big), (-1, big), 0.75, INK))
        return _table(data, colWidths=[label_w, value_w], style=style, hAlign="RIGHT", spaceBefore=4)

    def note(self, title: str, text: str, before: float = 6 * mm, after: float = 0) -> list[Flowable]:
        """A titled paragraph (payment instructions, a public note) with space ``before`` and
        ``after`` it; nothing when ``text`` is empty."""
        if not text or not text.strip():
            return []
        return [Spacer(1, before), self.block([(title, HEAD), (text, BODY)], self.width, gap_after=(0,)),
                Spacer(1, after)]

    def remark(self, text: str) -> list[Flowable]:
        """A line of small print."""
        return [Spacer(1, 3 * mm), self.block([(text, SMALL)], self.width)]

    def caption(self, text: str) -> list[Flowable]:
        """A small title over the table that follows."""
        return [Spacer(1, 6 * mm), self.block([(text, HEAD)], self.width), Spacer(1, 2)]

    # ---- the document ----------------------------------------------------------------------
    def build(self, target, story: list[Flowable], reference: str, title: str) -> None:
        """Write the PDF to ``target`` (a path or a binary file). Every page's footer names the
        practice and ``reference`` ("Invoice 2026-0001") and says "Page 2 of 3"."""
        doc = SimpleDocTemplate(
            target if not hasattr(target, "__fspath__") else str(target),
            pagesize=self.pagesize, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
            title=title, author=self.practice.name, subject=reference, creator="Practice Desk",
            initialFontName=REGULAR,  # not Helvetica, which the PDF would list as a font not embedded
        )
        doc.build(story, canvasmaker=_numbered_canvas(self.practice.name, reference, self.pagesize))


def _numbered_canvas(practice_name: str, reference: str, pagesize):
    """A canvas class that holds its pages back until the end, so each footer can say how many
    pages there are ("Page 1 of 2")."""
    width = pagesize[0]

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int):
            y = MARGIN_BOTTOM - 9 * mm
            x0, x1 = MARGIN_X + FRAME_PAD, width - MARGIN_X - FRAME_PAD  # the content's edges
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(x0, y + 10, x1, y + 10)
            self.setFont(FOOTER.font, FOOTER.size)
            self.setFillColor(FOOTER.color)
            left = f"{practice_name} · {reference}" if practice_name else reference
            right = f"Page {number} of {total}"
            room = x1 - x0 - stringWidth(right, FOOTER.font, FOOTER.size) - 6 * mm
            self.drawString(x0, y, wrap(left, room, FOOTER)[0])
            self.drawRightString(x1, y, right)
            self.restoreState()

    return NumberedCanvas

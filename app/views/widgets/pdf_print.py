"""Printing a PDF made by ``app/documents`` (SPEC 9.2: each document opens for printing from the
app): Qt's print dialog, then every page of the PDF drawn onto the printer with QtPdf.

``paint_pdf`` does the drawing and is what tests call, on a QPrinter writing a PDF file; ``print_pdf``
only adds the dialog. Pages are rendered as images at the printer's resolution, at most
``MAX_DPI`` (a page at 1200 dpi would be a 500 MB image), and scaled to fit the printable area
keeping their proportions.
"""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

MAX_DPI = 300


class PdfNotReadable(Exception):
    """The bytes given are not a PDF QtPdf can read (never expected of our own documents)."""


def _load(data: bytes):
    from PySide6.QtPdf import QPdfDocument  # PySide6-Addons; imported when something is printed

    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buffer)  # a QBuffer is read at once
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() == 0:
        raise PdfNotReadable(f"the PDF could not be read ({doc.error()})")
    return doc, buffer


def page_size_of(data: bytes) -> QPageSize:
    """The first page's paper (Letter or A4: the practice locale picks it)."""
    doc, _buffer = _load(data)
    return QPageSize(QSizeF(doc.pagePointSize(0)), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)


def paint_pdf(data: bytes, printer: QPrinter) -> int:
    """Draw every page of the PDF ``data`` onto ``printer``, one printer page each; returns the
    number of pages drawn."""
    doc, _buffer = _load(data)
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        area.moveTo(0, 0)  # the painter's origin is the printable area's corner
        for page in range(doc.pageCount()):
            if page:
                printer.newPage()
            points = doc.pagePointSize(page)
            image = doc.render(page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
            scale = min(area.width() / image.width(), area.height() / image.height())
            w, h = round(image.width() * scale), round(image.height() * scale)
            painter.drawImage(QRect(area.x() + (area.width() - w) // 2, area.y(), w, h), image)
    finally:
        painter.end()
    return doc.pageCount()


def print_pdf(parent: QWidget | None, data: bytes, title: str) -> bool:
    """Qt's print dialog for the PDF ``data`` (its paper chosen to start with); True once printed."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setPageSize(page_size_of(data))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    dialog = QPrintDialog(printer, parent)
    dialog.setObjectName("printDialog")
    dialog.setWindowTitle(f"Print {title}")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    paint_pdf(data, printer)
    return True

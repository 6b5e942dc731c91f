"""Printed things (SPEC 9.2): invoice, credit note, receipt and statement PDFs with ReportLab.

``model`` holds what a document says as plain values; one renderer per document
(``invoice_pdf.render(doc, path_or_file)`` and its siblings) lays it out with the shared
``layout``, in the bundled DejaVu Sans (``fonts``). This package imports no services: the
services fill the model, and money is written with the neutral ``app.money_format``.
"""

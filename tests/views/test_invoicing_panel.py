"""Settings > Invoices (SPEC 9.1, 9.2): number formats with the next number shown as typed, payment
terms, what every invoice prints, and the logo, which is kept in the practice file and printed."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog

from app.services import practice_logo
from app.services.errors import ValidationError
from app.services.money import invoice_documents, invoices
from app.services.scheduling import completion
from tests.views.keys import click, type_over


def png_bytes(w=200, h=80) -> bytes:
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor("#2b6cb0"))
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(buf.data())


def test_formats_terms_and_printed_notes_are_saved_and_issuing_follows_them(qtbot, practice, admin, make,
                                                                             open_settings):
    _d, panel = open_settings("invoicing")
    assert "2026-0001" in panel.invoice_sample.text()
    type_over(qtbot, panel.invoice_format, "INV/{year}/{seq:05d}")
    assert "INV/2026/00001" in panel.invoice_sample.text()
    type_over(qtbot, panel.terms.lineEdit(), "30")
    qtbot.keyClicks(panel.instructions, "Pay to IBAN DE89 3704")
    qtbot.keyClicks(panel.tax_note, "VAT no. GB123456789")
    click(qtbot, panel.save_button)
    assert panel.done.text() == "Saved: invoice numbers, payment terms, payment instructions, tax note."
    client = make.client()
    [s] = make.session(datetime(2025, 12, 1, 10), datetime(2025, 12, 1, 11), make.service(), make.practitioner(),
                       [client])
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    draft = invoices.create_draft(practice, admin, client.id, [s.id], date(2025, 12, 1), date(2025, 12, 31))
    v = invoices.issue_invoice(practice, admin, draft.id, issue_date=date(2026, 1, 2))
    assert (v.number, v.due_date) == ("INV/2026/00001", date(2026, 2, 1))
    doc = invoice_documents.invoice_document(practice, admin, v.id)
    assert doc.practice.payment_instructions == "Pay to IBAN DE89 3704"
    assert doc.practice.tax_note == "VAT no. GB123456789"


def test_a_format_without_seq_is_named_as_typed_and_not_saved(qtbot, practice, open_settings):
    _d, panel = open_settings("invoicing")
    type_over(qtbot, panel.invoice_format, "INV-{year}")
    assert "seq" in panel.invoice_sample.text()
    click(qtbot, panel.save_button)
    assert any("Invoice number format" in t for t in panel.errors.shown())
    assert practice.settings()["invoice_number_format"] == "{year}-{seq:04d}"


def test_the_logo_is_chosen_shown_printed_and_removed(qtbot, practice, admin, open_settings, tmp_path, monkeypatch):
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(logo), ""))
    _d, panel = open_settings("invoicing")
    assert panel.logo.text() == "No logo" and not panel.remove_logo.isEnabled()
    click(qtbot, panel.choose_logo)
    assert not panel.logo.pixmap().isNull() and panel.remove_logo.isEnabled()
    assert practice_logo.get_logo(practice) == logo.read_bytes()
    path = practice_logo.logo_path(practice)
    assert path.read_bytes() == logo.read_bytes()
    assert invoice_documents.practice_header(practice).logo_path == path
    click(qtbot, panel.remove_logo)
    assert practice_logo.get_logo(practice) is None and practice_logo.logo_path(practice) is None
    assert panel.logo.text() == "No logo"


def test_a_file_that_is_no_picture_or_too_large_is_refused_by_the_logo_field(qtbot, practice, open_settings,
                                                                              tmp_path, monkeypatch):
    bad = tmp_path / "notes.png"
    bad.write_bytes(b"hello, not a picture")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    _d, panel = open_settings("invoicing")
    click(qtbot, panel.choose_logo)
    assert panel.errors.shown() == ["Logo must be a PNG or JPEG picture."]
    assert practice_logo.get_logo(practice) is None


@pytest.mark.parametrize("data, words", [(b"", "empty"), (png_bytes()[:8] + b"x" * (512 * 1024), "too large"),
                                         ("logo.png", "picture file")])
def test_set_logo_checks_its_input(practice, admin, data, words):
    with pytest.raises(ValidationError) as e:
        practice_logo.set_logo(practice, admin, data)
    assert e.value.field == "logo" and words in e.value.message
    assert practice_logo.get_logo(practice) is None


def test_only_an_admin_sets_the_logo(practice, make):
    from app.services.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        practice_logo.set_logo(practice, make.user("staff"), png_bytes())

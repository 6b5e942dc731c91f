"""Statement PDF… from a client's record (SPEC 9.2): the period (from and to, both included; the
last three months by default) and where to save it. The statement itself comes from
``payment_documents.save_statement_pdf``; refusals are shown under the field they name."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QPushButton, QVBoxLayout

from ...services.errors import ServiceError
from ...services.money import payment_documents
from ..widgets.pdf_file import ask_pdf_path
from ..widgets.record_table import FieldErrors, Stack, done_label, heading, muted


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def three_months_to(today: date) -> date:
    """The first day of the month two months before ``today``'s: with today, three calendar months."""
    k = today.year * 12 + today.month - 1 - 2
    return date(k // 12, k % 12 + 1, 1)


class StatementDialog(QDialog):
    """``saved`` is the path of the last statement saved here (None until then)."""

    def __init__(self, practice, actor, client_id: int, client_name: str, today: date, parent=None):
        super().__init__(parent)
        self.setObjectName("statementDialog")
        self.setWindowTitle(f"Statement for {client_name}")
        self.practice, self.actor, self.client_id, self.client_name = practice, actor, client_id, client_name
        self.saved = None
        self.errors = FieldErrors("statement")
        self.first = QDateEdit(_qdate(three_months_to(today)), objectName="statementFrom", calendarPopup=True)
        self.last = QDateEdit(_qdate(today), objectName="statementTo", calendarPopup=True)
        for edit in (self.first, self.last):
            edit.setDisplayFormat("dd MMM yyyy")
            edit.setFixedWidth(150)
        form = QFormLayout()
        form.addRow("From", Stack(self.first, self.errors.line("From", "from")))
        form.addRow("To", Stack(self.last, self.errors.line("To", "to")))
        self.file_error = self.errors.line("File", "file")
        self.done_text = done_label("statementDone")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("statementClose")
        self.save_button = QPushButton("Save PDF\u2026", objectName="statementSave")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        title = heading(f"Statement for {client_name}", "statementHeading")
        title.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(title)
        layout.addWidget(muted("The balance at the start, every session, invoice, credit note, payment, refund and "
                               "write-off of the period with the running balance, and the balance at the end.",
                               "statementIntro"))
        layout.addLayout(form)
        layout.addWidget(self.file_error)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.done_text)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def save(self) -> None:
        self.errors.clear()
        self.done_text.hide()
        first, last = _pydate(self.first.date()), _pydate(self.last.date())
        path = ask_pdf_path(self, "Save the statement", f"Statement {first:%Y-%m-%d} to {last:%Y-%m-%d} "
                                                        f"{self.client_name}")
        if path is None:
            return
        try:
            self.saved = payment_documents.save_statement_pdf(self.practice, self.actor, self.client_id, first, last,
                                                              path)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.done_text.setText(f"Saved to {self.saved}.")
        self.done_text.show()

"""A small dialog that asks for an amount (optional), a reason and, if offered, one of a few
choices, then hands them to the caller's ``submit`` (which calls a service). A refusal is shown
under the field the service names and the dialog stays open; once ``submit`` returns, its result is
kept in ``result`` and the dialog is accepted. Used for Refund…, Take back allocation… and
Write off… in a client's payments (SPEC 9.3).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout

from ...services.errors import ServiceError
from .money_field import MoneyField
from .record_table import FieldErrors, Stack, heading, muted


class AmountReasonDialog(QDialog):
    """``submit(amount_cents or None, reason, choice data or None) -> result``; it raises a
    ``ServiceError`` to refuse. ``amount``: None asks no amount, else the amount shown at first (0 =
    empty). ``choices``: (text, data) pairs, ``current`` the data chosen at first; ``choice_changed(data)``
    may return an amount to show for that choice."""

    def __init__(self, name: str, title: str, intro: str, submit: Callable, confirm: str, *,
                 locale: str = "en_US", currency: str = "USD", amount: int | None = None,
                 choices: Sequence[tuple[str, object]] = (), choice_label: str = "Invoice",
                 choice_changed: Callable[[object], int | None] | None = None, current: object = None,
                 reason_hint: str = "Why (kept in the audit log)", parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.submit, self.result = submit, None
        self._choice_changed = choice_changed
        self.errors = FieldErrors(name)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.choice: QComboBox | None = None
        if choices:
            self.choice = QComboBox(objectName=f"{name}Choice")
            for text, data in choices:
                self.choice.addItem(text, data)
            self.choice.setCurrentIndex(max(self.choice.findData(current), 0))
            form.addRow(choice_label, Stack(self.choice, self.errors.line("Choice", "invoice", "payment",
                                                                          "allocation")))
        self.amount: MoneyField | None = None
        if amount is not None:
            self.amount = MoneyField(locale, "Amount", currency=currency, objectName=f"{name}Amount")
            if amount:
                self.amount.set_cents(amount)
            self.amount.setMaximumWidth(180)
            self.amount_error = self.errors.line("Amount", "amount")
            form.addRow("Amount", Stack(self.amount, self.amount.message, self.amount_error))
        self.reason = QLineEdit(objectName=f"{name}Reason", maxLength=500, placeholderText=reason_hint)
        self.reason.setMinimumWidth(320)
        form.addRow("Reason", Stack(self.reason, self.errors.line("Reason", "reason")))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.confirm = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm.setText(confirm)
        self.confirm.setObjectName(f"{name}Confirm")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName(f"{name}Cancel")
        buttons.accepted.connect(self.done_clicked)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading(title, f"{name}Heading"))
        self.intro = muted(intro, f"{name}Intro")
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        if self.choice is not None:
            self.choice.currentIndexChanged.connect(self._chosen)
            self._chosen()
        (self.amount or self.reason).setFocus()

    def _chosen(self, *_args) -> None:
        if self._choice_changed is None or self.amount is None:
            return
        shown = self._choice_changed(self.choice.currentData())
        if shown:
            self.amount.set_cents(shown)

    def done_clicked(self) -> None:
        self.errors.clear()
        cents = None
        if self.amount is not None:
            try:
                cents = self.amount.cents()
            except ValueError as exc:  # not an amount: said beside the field, nothing is asked of the service
                if not self.amount.shows_invalid:  # empty (bad text is already said under the field)
                    self.amount_error.setText(f"{exc}.")
                    self.amount_error.show()
                return
        choice = self.choice.currentData() if self.choice is not None else None
        try:
            self.result = self.submit(cents, self.reason.text(), choice)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.accept()

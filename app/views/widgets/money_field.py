"""A line edit for amounts of money typed in the practice locale ("80", "80.50"; "80,50" in de_DE).

The text is read by ``money.parse_amount`` (babel, strict) into integer cents; bad text gets a red
border and a tooltip saying why, and ``cents()`` raises ValueError with a message naming the field.
"""
from __future__ import annotations

from babel.numbers import format_decimal, get_decimal_symbol
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit

from ...services.money.amounts import parse_amount

_INVALID_STYLE = "QLineEdit { border: 2px solid #c53030; border-radius: 3px; padding: 1px 2px; }"


class MoneyField(QLineEdit):
    """``MoneyField(locale="en_US", label="Amount", allow_negative=False, parent=None)``.

    ``cents() -> int`` (ValueError on bad or empty text), ``set_cents(int)``, ``is_valid()``;
    signal ``cents_changed(int)`` fires whenever the text turns into a (new) valid amount.
    """

    cents_changed = Signal(int)

    def __init__(self, locale: str = "en_US", label: str = "Amount", allow_negative: bool = False, parent=None,
                 **kwargs):
        super().__init__(parent, **kwargs)
        self.locale, self.label, self.allow_negative = locale, label, allow_negative
        self._invalid = False
        self.setPlaceholderText(f"0{get_decimal_symbol(locale)}00")
        self.textChanged.connect(self._check)

    # value ------------------------------------------------------------------
    def cents(self) -> int:
        text = self.text().strip()
        if not text:
            raise ValueError(f"{self.label}: enter an amount")
        try:
            value = parse_amount(text, self.locale)
        except ValueError as exc:
            raise ValueError(f"{self.label}: {exc}") from exc
        if value < 0 and not self.allow_negative:
            raise ValueError(f"{self.label}: cannot be negative")
        return value

    def set_cents(self, cents: int) -> None:
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise TypeError("set_cents takes whole cents (int)")
        sign, cents = ("-", -cents) if cents < 0 else ("", cents)
        whole, part = divmod(cents, 100)
        # grouping and decimal mark of the locale, built from integers (never a float)
        self.setText(f"{sign}{format_decimal(whole, locale=self.locale)}{get_decimal_symbol(self.locale)}{part:02d}")

    def is_valid(self) -> bool:
        try:
            self.cents()
        except ValueError:
            return False
        return True

    # look -------------------------------------------------------------------
    def _check(self, text: str) -> None:
        """Red border for text that is not an amount; an empty field is not flagged while typing."""
        try:
            value = self.cents()
        except ValueError as exc:
            self._set_invalid(bool(text.strip()), str(exc))
            return
        self._set_invalid(False, "")
        self.cents_changed.emit(value)

    def _set_invalid(self, invalid: bool, reason: str) -> None:
        self.setToolTip(reason)
        if invalid == self._invalid:
            return
        self._invalid = invalid
        self.setStyleSheet(_INVALID_STYLE if invalid else "")

    @property
    def shows_invalid(self) -> bool:
        """True while the red border is shown (for tests and screenshots)."""
        return self._invalid

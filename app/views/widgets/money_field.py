"""A line edit for amounts of money typed in the practice locale and currency ("80", "80.50";
"80,50" in de_DE; "1,200" for JPY, which has no decimals; "12.500" for KWD, which has three).

The text is read by ``money.parse_amount`` (babel, strict) into integer minor units of the currency
(SPEC 0.1): "1e3", "NaN", "--5", too many decimals or more than 10,000,000 major units are refused,
never interpreted. Bad text gets a red border, a tooltip and a plain message in ``message`` (a label
the form puts under the field); ``cents()`` raises ValueError with that message, naming the field.
"""
from __future__ import annotations

from babel.numbers import format_decimal, get_decimal_symbol
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit

from ...services.money.amounts import currency_digits, max_amount, parse_amount

_INVALID_STYLE = "QLineEdit { border: 2px solid #c53030; border-radius: 3px; padding: 1px 2px; }"


class MoneyField(QLineEdit):
    """``MoneyField(locale="en_US", label="Amount", allow_negative=False, parent=None, currency="USD")``.

    ``cents() -> int`` minor units (ValueError on bad or empty text), ``set_cents(int)``, ``is_valid()``;
    ``message``: a word-wrapped red QLabel (object name ``<field name>Message``) saying what is wrong,
    hidden while the text is fine; put it under the field. Signal ``cents_changed(object)`` (an int that
    may exceed 32 bits) fires whenever the text turns into a (new) valid amount.
    """

    cents_changed = Signal(object)

    def __init__(self, locale: str = "en_US", label: str = "Amount", allow_negative: bool = False, parent=None,
                 currency: str = "USD", **kwargs):
        super().__init__(parent, **kwargs)
        self.locale, self.label, self.allow_negative, self.currency = locale, label, allow_negative, currency
        self.digits = currency_digits(currency)
        self._invalid = False
        self.message = QLabel(objectName=f"{self.objectName() or 'money'}Message", wordWrap=True)
        self.message.setStyleSheet("color: #c53030;")
        self.message.setVisible(False)
        self.setPlaceholderText("0" if self.digits == 0 else f"0{get_decimal_symbol(locale)}{'0' * self.digits}")
        # the longest text that can be right: the maximum with its grouping and decimals, and a little room
        self.setMaxLength(40)
        self.textChanged.connect(self._check)

    # value ------------------------------------------------------------------
    def cents(self) -> int:
        text = self.text().strip()
        if not text:
            raise ValueError(f"{self.label}: enter an amount")
        try:
            value = parse_amount(text, self.locale, self.currency)
        except ValueError as exc:
            raise ValueError(f"{self.label}: {exc}") from exc
        if value < 0 and not self.allow_negative:
            raise ValueError(f"{self.label}: cannot be negative")
        return value

    def set_cents(self, cents: int) -> None:
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise TypeError("set_cents takes whole minor units (int)")
        if abs(cents) > max_amount(self.currency):
            raise ValueError(f"{self.label}: more than the largest amount allowed")
        sign, cents = ("-", -cents) if cents < 0 else ("", cents)
        whole, part = divmod(cents, 10 ** self.digits)
        # grouping and decimal mark of the locale, built from integers (never a float)
        text = f"{sign}{format_decimal(whole, locale=self.locale)}"
        if self.digits:
            text += f"{get_decimal_symbol(self.locale)}{part:0{self.digits}d}"
        self.setText(text)

    def is_valid(self) -> bool:
        try:
            self.cents()
        except ValueError:
            return False
        return True

    # look -------------------------------------------------------------------
    def _check(self, text: str) -> None:
        """Red border and message for text that is not an amount; an empty field is not flagged while typing."""
        try:
            value = self.cents()
        except ValueError as exc:
            self._set_invalid(bool(text.strip()), str(exc))
            return
        self._set_invalid(False, "")
        self.cents_changed.emit(value)

    def _set_invalid(self, invalid: bool, reason: str) -> None:
        self.setToolTip(reason)
        self.message.setText(reason if invalid else "")
        self._show_message(invalid and self.isVisible())
        if invalid == self._invalid:
            return
        self._invalid = invalid
        self.setStyleSheet(_INVALID_STYLE if invalid else "")

    def _show_message(self, visible: bool) -> None:
        if self.message.parent() is not None:  # placed in a form; never a window of its own
            self.message.setVisible(visible)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._show_message(self._invalid)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._show_message(False)

    @property
    def shows_invalid(self) -> bool:
        """True while the red border is shown (for tests and screenshots)."""
        return self._invalid

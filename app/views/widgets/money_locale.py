"""Choosing how a practice writes money: currency and language-and-region boxes that find a code by
any part of it or its name ("euro", "german"), and the sample amount that shows the choice
("Amounts look like 1.234,50 €"). Used by the new-practice wizard and Settings ▸ Practice."""
from __future__ import annotations

import re
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from ...services.errors import ValidationError
from ...services.money.amounts import currency_digits, format_money
from ...services.people import users

SAMPLE_MAJOR_HUNDREDTHS = 123450  # the sample amount: 1,234.50


@cache
def currency_choices() -> list[tuple[str, str]]:
    """Currencies in use today (legal tender somewhere), as (code, "EUR — Euro")."""
    from babel import Locale
    from babel.numbers import get_currency_name, get_territory_currencies

    codes = {c for t in Locale("en").territories for c in get_territory_currencies(t, tender=True)}
    return [(c, f"{c} \u2014 {get_currency_name(c, locale='en')}") for c in sorted(codes)]


@cache
def locale_choices() -> list[tuple[str, str]]:
    """Languages with a region (how amounts and dates are written), as ("de_DE", "German (Germany) — de_DE")."""
    from babel import Locale
    from babel.localedata import locale_identifiers

    ids = [i for i in locale_identifiers() if re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", i)]
    shown = [(i, f"{Locale.parse(i).get_display_name('en')} \u2014 {i}") for i in ids]
    return sorted(shown, key=lambda pair: pair[1].casefold())


def sample_amount(currency: str, locale: str) -> str | None:
    """1,234.50 in ``currency`` written as ``locale`` writes it; None if either is not known."""
    try:
        users.check_new_practice(currency=currency, locale=locale)
    except ValidationError:
        return None
    digits = currency_digits(currency)
    minor = SAMPLE_MAJOR_HUNDREDTHS * 10 ** digits // 100
    return format_money(minor, currency, locale)


def sample_html(currency: str, locale: str) -> str:
    """The sample amount as a label shows it beside "Amounts look like", or a hint when it cannot be."""
    shown = sample_amount(currency, locale)
    return (f"<b style='font-size: 13pt'>{shown}</b>" if shown
            else "<span style='color:#4a5568'>(choose a currency and a language)</span>")


class CodeBox(QComboBox):
    """An editable list of codes with their names; typing any part of either finds it. ``code()`` is
    the chosen code, or what was typed (the check then says what is wrong with it)."""

    def __init__(self, choices: list[tuple[str, str]], upper: bool, objectName: str):
        super().__init__(objectName=objectName)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(12)
        self._upper = upper
        for code, text in choices:
            self.addItem(text, code)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)

    def code(self) -> str:
        text = self.currentText().strip()
        found = self.findText(text)
        if found >= 0:
            return self.itemData(found)
        typed = text.partition("\u2014")[0].strip()
        return typed.upper() if self._upper else typed

    def set_code(self, code: str) -> None:
        found = self.findData(code)
        if found >= 0:
            self.setCurrentIndex(found)
        else:
            self.setEditText(code)

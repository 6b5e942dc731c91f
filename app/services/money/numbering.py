"""Gap-free document numbers (SPEC 9.1): invoices and credit notes, each a series per year.

A number is taken inside the transaction that issues the document: ``next_seq`` increments the
series' row (``NumberSeries``) under the write lock the unit of work already holds (BEGIN IMMEDIATE
on SQLite; ``SELECT ... FOR UPDATE`` on PostgreSQL), so two workstations issuing at once wait for
each other and never share or skip a number; a transaction that fails gives its number back by
rolling back. ``format_number`` prints it with the practice's format setting
(``invoice_number_format`` "{year}-{seq:04d}" -> 2026-0001; ``credit_note_number_format``
"CN-{year}-{seq:04d}" -> CN-2026-0001), which ``check_format`` validates when it is set.
"""
from __future__ import annotations

import re
import string

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ...models import NumberSeries
from .. import validate
from ..errors import ValidationError

INVOICE, CREDIT = "invoice", "credit"
MAX_NUMBER = 40  # the number columns' width
_SAMPLES = ((2026, 1), (2026, 2), (2026, 10), (2026, 99_999), (2027, 1), (2200, 1))
EXAMPLE = "{year}-{seq:04d}"


def check_format(field: str, value) -> str:
    """A number format holding ``{year}`` and ``{seq}`` (with an optional format spec such as
    ``:04d``) and any literal text; braces meant literally are doubled. Refused: other fields,
    attribute or index access, conversions, formats that give two documents the same number or a
    number longer than 40 characters."""
    value = validate.text(field, value, 60)
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValidationError(field, "has a { or } without its pair (write {{ or }} for a brace)") from exc
    names = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in ("year", "seq") or conversion is not None:
            shown = "{" + (name or "") + ("!" + conversion if conversion else "") + "}"
            raise ValidationError(field, f"{shown[:30]} is not known: use {{year}} and {{seq}}, like {EXAMPLE}")
        if "{" in (spec or "") or re.search(r"\d{3,}", spec or ""):
            raise ValidationError(field, f"the width in {{{name}:{spec[:20]}}} is not allowed: use e.g. {EXAMPLE}")
        names.append(name)
    if "year" not in names or "seq" not in names:
        raise ValidationError(field, f"must hold {{year}} and {{seq}}, like {EXAMPLE}")
    try:
        samples = [value.format(year=y, seq=s) for y, s in _SAMPLES]
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError(field, f"cannot print a number ({str(exc)[:80]}); use e.g. {EXAMPLE}") from exc
    if len(set(samples)) != len(samples):
        raise ValidationError(field, f"would give two documents the same number; use e.g. {EXAMPLE}")
    if max(len(s) for s in samples) > MAX_NUMBER:
        raise ValidationError(field, f"makes numbers longer than {MAX_NUMBER} characters")
    return value


def format_number(fmt: str, year: int, seq: int) -> str:
    return fmt.format(year=year, seq=seq)


def next_seq(tx: Session, series: str, year: int, flush: bool = True) -> int:
    """The next number of ``series`` in ``year`` (1 for a year's first), taken in the caller's
    transaction. Call it only inside ``practice.uow()``.

    The series' row, once read locked, is kept for the rest of the unit of work (``tx.info``), so the
    next number of a batch (a billing run's 25 invoices in one transaction) is taken without reading
    it again: it is read again only when a savepoint rolled back since (SQLAlchemy then expires it, or
    forgets it if it was inserted there). ``flush=False``: the new value is written with the caller's
    next flush (the issuing invoice's own), in the same transaction and under the same lock."""
    held = tx.info.setdefault(_HELD, {})
    row = held.get((series, year))
    if row is None or _stale(row):
        row = tx.get(NumberSeries, (series, year), with_for_update=True)
        if row is None:
            row = NumberSeries(series=series, year=year, last_seq=0)
            tx.add(row)
        held[(series, year)] = row
    row.last_seq += 1
    if flush:
        tx.flush()
    return row.last_seq


_HELD = "number_series_held"


def _stale(row: NumberSeries) -> bool:
    state = inspect(row)
    return not state.persistent or bool(state.expired_attributes)

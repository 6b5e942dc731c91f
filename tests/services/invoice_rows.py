"""Invoice rows written straight through the models, for tests of payments and allocations.

This stands in for ``app.services.money.invoices.issue_invoice`` until tests can use it (the two were
written at the same time; ``test_payments.test_paying_invoices_issued_by_the_invoice_service`` now
uses the service). An invoice here is only what payments read — its client, status, number (year and
sequence), issue and due dates and frozen total — with no lines and no charges in the ledger, so a
test can choose any due date or total. Tests that need the whole invoice use the service.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.models import Invoice


def invoice_row(practice, client_id: int, total_cents: int, due_date: date | None = None,
                issue_date: date | None = None, status: str = "issued", number: str | None = None) -> int:
    """One invoice of ``client_id`` -> its id. Issued and cancelled ones get the next number of a test
    series (``T-2026-0001``) in the issue date's year; a draft gets none."""
    issue_date = issue_date or date(2025, 12, 1)
    due_date = due_date or issue_date
    with practice.uow() as tx:
        year = seq = None
        if status != "draft":
            year = issue_date.year
            seq = (tx.scalar(select(func.max(Invoice.seq)).where(Invoice.year == year)) or 0) + 1
            number = number or f"T-{year}-{seq:04d}"
        inv = Invoice(client_id=client_id, status=status, number=number if status != "draft" else None, year=year,
                      seq=seq, issue_date=issue_date if status != "draft" else None,
                      due_date=due_date if status != "draft" else None, total_cents=total_cents,
                      created_at=datetime(2025, 12, 1, tzinfo=UTC))
        tx.add(inv)
        tx.flush()
        return inv.id


def issued(practice, client, total_cents: int, due: date, **kw) -> int:
    """An issued invoice of ``client`` (a ClientView or an id) due on ``due``."""
    return invoice_row(practice, getattr(client, "id", client), total_cents, due_date=due, **kw)

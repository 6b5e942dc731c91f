"""Accounting ▸ Invoices: the invoices list, a new invoice, an invoice's view (SPEC 9.1, 9.2)."""

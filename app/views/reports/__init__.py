"""Accounting > Reports (SPEC 9.4): one tab per report, each a table with a totals row, a CSV export
and the ledger lines behind its figures; ageing and revenue with a chart."""

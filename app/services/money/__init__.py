"""Amounts in minor units, pricing, the ledger, prepayment."""

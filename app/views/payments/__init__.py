"""Payments in the windows (SPEC 9.2, 9.3): recording one, a client's payment history with its
actions, and saving receipts and statements as PDFs."""

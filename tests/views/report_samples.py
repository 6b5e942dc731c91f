"""Screenshots of Accounting ▸ Reports (SPEC 9.4), one per tab with its chart, on the demo practice.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.report_samples docs/screenshots

The demo has no invoices, so ageing would be empty: this issues some first, through the invoice
service as the front desk would (a month of a client's sessions per invoice, issued at the month's
end, due after the practice's payment terms), and pays a few of them in part or in whole.
Writes report-balances.png, report-ageing.png, report-wages.png and report-revenue.png.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 3, 15)
MONTHS = [(date(2025, 12, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 1, 31)),
          (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), date(2026, 3, 10))]


def add_invoices(practice, admin, n_clients: int = 16) -> int:
    """Issues a month's invoice for each of ``n_clients`` clients over three months; pays some."""
    from app.services.money import invoices, payments
    from app.services.people import clients

    people = clients.list_clients(practice, admin)[:n_clients]
    issued = 0
    for m, (first, last) in enumerate(MONTHS):
        for i, c in enumerate(people):
            found = invoices.uninvoiced_sessions(practice, admin, c.id, first, last)
            if not found:
                continue
            draft = invoices.create_draft(practice, admin, c.id, [s.session_id for s in found], first, last)
            inv = invoices.issue_invoice(practice, admin, draft.id, last)
            issued += 1
            if (i + m) % 3 == 0:  # paid in whole
                payments.record_payment(practice, admin, c.id, inv.total_cents, "card",
                                        received_on=min(last + timedelta(days=10), TODAY), allocate=[(inv.id, inv.total_cents)])
            elif (i + m) % 3 == 1 and inv.total_cents > 100:  # in part
                half = inv.total_cents // 2
                payments.record_payment(practice, admin, c.id, half, "cash",
                                        received_on=min(last + timedelta(days=20), TODAY), allocate=[(inv.id, half)])
    return issued


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.demo import build_demo
    from app.services.people import users
    from app.views.reports.reports_dialog import ReportsDialog

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor
        print(f"issued {add_invoices(practice, admin)} invoices")
        dialog = ReportsDialog(practice, admin, TODAY)
        dialog.resize(1100, 760)
        dialog.show()
        for name in ("balances", "ageing", "wages", "revenue"):
            page = dialog.show_page(name)
            if name == "wages":
                page.period.preset.setCurrentText("Last month")
            for _ in range(3):
                app.processEvents()
            path = out / f"report-{name}.png"
            dialog.grab().save(str(path))
            print(f"wrote {path}: {page.model.rowCount()} rows")
        dialog.close()
        practice.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

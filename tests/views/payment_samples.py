"""Screenshots of the payments windows (SPEC 9.3) on the demo practice with invoices issued and some
paid through the services (tests.views.report_samples.add_invoices):

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.payment_samples docs/screenshots

Writes record-payment.png (Accounting ▸ Record Payment… with a client chosen and amounts typed
against two invoices), client-payments.png (a client's record on its Payments tab after a payment,
a take-back, a refund and a write-off) and statement-dialog.png. With ``--all`` also the refund,
take-back and write-off dialogs as their buttons open them (refund-dialog.png, take-back-dialog.png,
write-off-dialog.png).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _settle(app) -> None:
    for _ in range(4):
        app.processEvents()


def _save(app, widget, path: Path) -> None:
    widget.show()
    _settle(app)
    widget.grab().save(str(path))
    print(f"wrote {path}")


def _grab_modal(app, path: Path) -> None:
    """Once the modal dialog the next click opens is shown: save it and close it."""
    from PySide6.QtCore import QTimer

    def grab():
        w = app.activeModalWidget()
        if w is None:
            QTimer.singleShot(20, grab)
            return
        _settle(app)
        w.grab().save(str(path))
        print(f"wrote {path}")
        w.reject()
    QTimer.singleShot(0, grab)


def main(out: Path, every: bool = False) -> None:
    from PySide6.QtWidgets import QApplication

    from app.demo import build_demo
    from app.services.money import invoices, payments
    from app.services.money.amounts import format_money
    from app.services.money.payments import HistoryKind
    from app.services.people import users
    from app.views.client_record_dialog import ClientRecordDialog
    from app.views.payments.record_payment_dialog import RecordPaymentDialog
    from app.views.payments.statement_dialog import StatementDialog
    from app.views.widgets.record_table import select_where
    from tests.views.report_samples import TODAY, add_invoices

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor
        add_invoices(practice, admin)
        conf = practice.settings()

        def money(cents: int) -> str:
            return format_money(cents, conf["currency"], conf["locale"])

        owed = [r for r in invoices.list_invoices(practice, admin, status="issued", limit=1000)
                if r.amount_due_cents > 0]
        by_client: dict[int, list] = {}
        for r in owed:
            by_client.setdefault(r.client_id, []).append(r)
        client_id = max(by_client, key=lambda c: len(by_client[c]))  # the client with most invoices to pay
        mine = sorted(by_client[client_id], key=lambda r: r.due_date)
        name = mine[0].client_name

        # Accounting ▸ Record Payment…: the client chosen, amounts against two invoices
        d = RecordPaymentDialog(practice, admin, money)
        d.client.ensure_loaded()  # as a click into the box does
        d.client.set_client(client_id)
        d.amount.setText(f"{(mine[0].amount_due_cents + 5000) / 100:.2f}")
        d.reference.setText("Transfer 2026-03-14 / 88412")
        d.method.setCurrentIndex(d.method.findData("transfer"))
        d.choose.setChecked(True)
        d.apply_fields[mine[0].id].setText(f"{mine[0].amount_due_cents / 100:.2f}")
        if len(mine) > 1:
            d.apply_fields[mine[1].id].setText("50.00")
        d.resize(640, d.sizeHint().height())
        _save(app, d, out / "record-payment.png")
        d.close()

        # the client's payments after a payment, a take-back, a refund and a write-off
        paid = payments.record_payment(practice, admin, client_id, mine[0].amount_due_cents + 4000, "card",
                                       reference="Card slip 4471")
        payments.take_back_allocation(practice, admin, paid.allocations[0].id, "Meant for the next invoice")
        payments.refund_payment(practice, admin, paid.payment.id, 4000, "Paid twice at the desk")
        if len(mine) > 1:
            payments.write_off(practice, admin, client_id, min(2000, mine[1].amount_due_cents),
                               "Late fee waived", invoice_id=mine[1].id)
        record = ClientRecordDialog(practice, admin, client_id, money)
        record.tabs.setCurrentIndex(1)
        record.show()
        _settle(app)
        select_where(record.payments.table, lambda r: r.kind == HistoryKind.TAKE_BACK)  # today's, at the end
        _save(app, record, out / "client-payments.png")

        statement = StatementDialog(practice, admin, client_id, name, TODAY)
        _save(app, statement, out / "statement-dialog.png")
        statement.close()
        if every:  # the record's own dialogs, opened by their buttons on the rows they act on
            w = record.payments
            for file, kind, button in (("refund-dialog.png", HistoryKind.PAYMENT, w.refund_button),
                                       ("take-back-dialog.png", HistoryKind.ALLOCATION, w.take_back_button),
                                       ("write-off-dialog.png", HistoryKind.PAYMENT, w.write_off_button)):
                select_where(w.table, lambda r, k=kind: r.kind == k and r.id not in w.taken_back)
                _grab_modal(app, out / file)
                button.click()
        record.close()
        practice.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0] if args else "docs/screenshots"), every="--all" in sys.argv)

"""Screenshots of card payments through Stripe (SPEC 10.4, 9.3, 0.6) on the demo practice with invoices
(tests.views.report_samples.add_invoices), the recording Stripe server and an SMTP server on
127.0.0.1 and an in-memory keyring:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.card_samples docs/screenshots

Writes settings-card-payments.png (a test key saved, Test connection answered),
settings-card-payments-no-keyring.png, client-card-on-file.png (a client's record after Send card
link… and Check for saved card), invoice-charged.png and invoice-charge-declined.png (Charge card…
on an invoice: paid with the receipt e-mailed; a card declined with its reason) and
client-refund-not-sent.png (a refund of a card payment Stripe refused, with Send to Stripe again).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

KEY = "sk_test_51PqRsTuVwXyZaBcD4242"


def _wait(app, *runs) -> None:
    """Until each background call / e-mail run (a callable giving it) has started and ended."""
    for get in runs:
        for _ in range(4000):
            app.processEvents()
            run = get()
            if run is not None and not run.running:
                run.wait(5_000)
                break
            time.sleep(0.005)
        else:
            raise TimeoutError("a background call did not finish")
    for _ in range(4):
        app.processEvents()


def _save(app, widget, path: Path) -> None:
    widget.show()
    for _ in range(4):
        app.processEvents()
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(out: Path) -> None:
    import keyring
    from keyring.backends import fail
    from PySide6.QtWidgets import QApplication

    from app.demo import build_demo
    from app.services.billing import card_settings, cards
    from app.services.messaging import settings as msettings
    from app.services.money import invoices
    from app.services.money.amounts import format_money
    from app.services.people import clients, users
    from app.views.client_record_dialog import ClientRecordDialog
    from app.views.events import Events
    from app.views.invoices.invoice_view_dialog import InvoiceViewDialog
    from app.views.settings.settings_dialog import SettingsDialog
    from tests.messaging_servers import MemoryKeyring, SmtpServer
    from tests.stripe_servers import CARD_DECLINED, CARD_OK, RecordingStripe
    from tests.views.report_samples import TODAY, add_invoices

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    smtp, stripe = SmtpServer(), RecordingStripe(secret_key=KEY)
    smtp.start()
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor
        add_invoices(practice, admin)
        conf = practice.settings()

        def money(cents: int) -> str:
            return format_money(cents, conf["currency"], conf["locale"])

        msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp.port,
                                          mail_security="none", mail_from="office@example.com")
        card_settings.update_card_settings(practice, admin, api_base=stripe.url, retry_cycles=3,
                                           return_url="https://www.example.com/card-saved")

        # Settings ▸ Card payments: the key typed and saved, then Test connection
        d = SettingsDialog(practice, admin, page="cards")
        d.resize(1180, 680)
        d.show()
        panel = d.panels["cards"]
        panel.key.setText(KEY)
        panel.save()
        panel.test_connection()
        _wait(app, lambda: panel.call)
        _save(app, d, out / "settings-card-payments.png")
        print("  ", panel.badge.text(), "|", panel.done.text(), "|", panel.test_result.text())
        d.close()

        keyring.set_keyring(fail.Keyring())
        d = SettingsDialog(practice, admin, page="cards")
        d.resize(1180, 680)
        _save(app, d, out / "settings-card-payments-no-keyring.png")
        d.close()
        keyring.set_keyring(MemoryKeyring())
        card_settings.set_card_key(practice, admin, KEY)

        # a client's card on file: Send card link…, the client saves a card, Check for saved card
        emails = {c.id for c in clients.list_clients(practice, admin, limit=10_000) if c.email}
        owed = [r for r in invoices.list_invoices(practice, admin, status="issued", limit=1000)
                if r.amount_due_cents > 0 and r.client_id in emails]
        first, second = owed[0], next(r for r in owed if r.client_id != owed[0].client_id)
        record = ClientRecordDialog(practice, admin, first.client_id, money)
        record.show()
        box = record.card_box
        box.send_link()
        _wait(app, lambda: box.call, lambda: box.sender_run)
        print("  ", box.result.text())
        stripe.complete_setup(list(stripe.sessions)[-1], CARD_OK)
        box.check()
        _wait(app, lambda: box.call)
        _save(app, record, out / "client-card-on-file.png")
        print("  ", box.label.text(), "|", box.result.text())
        record.close()

        # Charge card… on the invoice (the question answered yes: its own look is a plain message box)
        for row, name, pm in ((first, "invoice-charged.png", None), (second, "invoice-charge-declined.png",
                                                                     CARD_DECLINED)):
            if pm is not None:
                cards.send_card_link(practice, admin, row.client_id)
                stripe.complete_setup(list(stripe.sessions)[-1], pm)
                cards.poll_card_links(practice, admin)
            v = InvoiceViewDialog(practice, admin, Events(), row.id, TODAY)
            v.show()
            v.charger.ask = lambda *_a: True
            v.charge_card()
            _wait(app, lambda v=v: v.charger.call)
            if pm is None:
                _wait(app, lambda v=v: v.charger.sender_run)
            _save(app, v, out / name)
            print("  ", v.charge_result.text())
            v.close()

        # a refund of the card payment that Stripe refuses (the key was replaced there): said, with Send again
        from app.services.money import payments
        from app.services.money.payments import HistoryKind
        from app.views.widgets.record_table import select_where

        paid = next(c for c in cards.list_charges(practice, admin, first.id) if c.succeeded)
        for a in payments.payment_detail(practice, admin, paid.payment_id).allocations:
            payments.take_back_allocation(practice, admin, a.id, "Session cancelled by the practice")
        back = payments.refund_payment(practice, admin, paid.payment_id, 4000, "Session cancelled by the practice")
        stripe.secret_key = "sk_test_rotated_elsewhere"
        cards.send_refund(practice, admin, back.gateway)
        stripe.secret_key = KEY
        record = ClientRecordDialog(practice, admin, first.client_id, money)
        record.show()
        record.tabs.setCurrentIndex(1)
        select_where(record.payments.table, lambda r: r.kind == HistoryKind.REFUND)
        _save(app, record, out / "client-refund-not-sent.png")
        print("  ", record.payments.stripe_failed.text())
        record.close()
        practice.close()
    smtp.stop()
    stripe.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

"""Screenshots of automatic invoicing (SPEC 10.1, 10.3) on the demo practice, with a real SMTP server
on 127.0.0.1 that refuses one client's address:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.auto_invoicing_samples docs/screenshots

Writes auto-settings.png (monthly, completed and scheduled sessions, e-mailed: the next-run sentence),
auto-settings-error.png (no sessions chosen: the sentence says what is missing), auto-history.png
(the end-of-March run with a client that could not be invoiced, selected with its reason and Retry)
and auto-progress.png (the catch-up progress dialog the main window shows at start).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 3, 15)


def main(out: Path) -> None:
    import keyring
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.demo import build_demo
    from app.services.billing import auto_invoicing
    from app.services.billing import settings as auto_settings
    from app.services.messaging import settings as msettings
    from app.services.money.amounts import max_amount
    from app.services.people import clients, users
    from app.services.scheduling import participants, session_lists
    from app.views.invoices.auto_history_dialog import AutoHistoryDialog
    from app.views.invoices.auto_invoicing_dialog import AutoInvoicingDialog
    from app.views.main_window import MainWindow
    from tests.messaging_servers import REFUSED_PREFIX, MemoryKeyring, SmtpServer

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    smtp = SmtpServer()
    smtp.start()
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor
        tz = ZoneInfo(practice.settings()["timezone"])
        msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp.port,
                                          mail_security="none", mail_user="", mail_from="office@example.com")
        auto_settings.update_auto_invoicing(practice, admin, auto_settings.AutoInvoiceInput(
            enabled=True, interval="monthly", weekday=4, run_time=time(18, 0), completed=True, scheduled=True,
            email=True, start_date=date(2026, 3, 1)))

        d = AutoInvoicingDialog(practice, admin)
        d.show()
        app.processEvents()
        d.adjustSize()
        app.processEvents()
        d.grab().save(str(out / "auto-settings.png"))
        print("sentence:", d.sentence.text())
        d.completed.setChecked(False)
        d.scheduled.setChecked(False)
        d.save_button.click()
        app.processEvents()
        d.grab().save(str(out / "auto-settings-error.png"))
        print("error:", d.sentence.text(), d.errors.shown())
        d.close()

        # one client whose April sessions come to more than the largest invoice; one whose address is refused
        page = session_lists.list_page(practice, admin, session_lists.ListFilter(date(2026, 4, 1), date(2026, 4, 30),
                                                                                 status="open"), limit=500).rows
        singles = [r for r in page if len(r.clients) == 1]
        client_id = singles[0].clients[0].id
        for r in [r for r in singles if r.clients[0].id == client_id][:2]:
            participants.set_participant_price(practice, admin, r.id, client_id, max_amount("USD"))
        others = [c for c in clients.list_clients(practice, admin) if c.email and c.id != client_id]
        refused = others[3]
        clients.update_client(practice, admin, refused.id, clients.ClientInput(
            refused.first_name, refused.last_name, email=f"{REFUSED_PREFIX}example.com", phone=refused.phone,
            address=refused.address, notify_by=refused.notify_by, may_cancel=refused.may_cancel, notes=refused.notes))

        practice.clock.at = datetime(2026, 3, 31, 19, 0, tzinfo=tz).astimezone(UTC)
        scratch = QSettings(str(Path(tmp) / "ui.ini"), QSettings.Format.IniFormat)
        w = MainWindow(practice, users.first_admin(practice), date(2026, 3, 31), settings=scratch, auto_backup=False)
        w.resize(1280, 800)
        w.show()
        w.auto_invoicing.timer.start()
        assert w.auto_invoicing.run_now(show_progress=True)
        w.auto_invoicing.progress.setMaximum(40)
        w.auto_invoicing.progress.setValue(12)
        w.auto_invoicing.progress.setLabelText("Invoicing the cycle of 31 Mar 2026: client 13 of 40")
        app.processEvents()
        w.auto_invoicing.progress.grab().save(str(out / "auto-progress.png"))
        while w.auto_invoicing.running:
            app.processEvents()
        app.processEvents()
        print("status bar:", w.statusBar().currentMessage())
        w.auto_invoicing.pause()
        w.close()

        h = AutoHistoryDialog(practice, admin)
        h.show()
        app.processEvents()
        h.result_table.selectRow(0)
        app.processEvents()
        h.grab().save(str(out / "auto-history.png"))
        [run] = auto_invoicing.list_runs(practice, admin)
        print("run:", run.clients, "clients,", run.invoiced, "invoiced,", run.failed, "failed;",
              "retry enabled:", h.retry.isEnabled(), "rows:", h.results.rowCount())
        h.close()
        practice.close()
    smtp.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

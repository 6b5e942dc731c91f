"""Screenshots of Sessions ▸ Cancellations (SPEC 7.1, 7.2) on the demo practice, with a real SMTP
server and SMS provider on 127.0.0.1 and an in-memory keyring:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.cancellation_samples docs/screenshots

Writes cancellations.png (a snow day chosen: the affected sessions and the message preview) and
cancellations-results.png (after Notify and cancel: each client's result, one refused address) and\nclosures.png (Sessions ▸ Closures… with Cancel sessions on this closure…).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 3, 15)
SNOW = TODAY + timedelta(days=2)


def _wait(app, cond, rounds=3000):
    import time

    for _ in range(rounds):
        app.processEvents()
        if cond():
            return
        time.sleep(0.005)
    raise TimeoutError("the send did not finish")


def click_when_shown(name: str, button: str) -> None:
    """Answer the modal box ``name`` (opened by the next call) with its button ``button``."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    def answer():
        for w in QApplication.topLevelWidgets():
            if w.objectName() == name and w.isVisible():
                w.findChild(QPushButton, button).click()
                return
        QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)


def main(out: Path) -> None:
    import keyring
    from PySide6.QtWidgets import QApplication

    from app.demo import build_demo
    from app.services.messaging import settings as msettings
    from app.services.people import clients, users
    from app.views.cancellations_dialog import CancellationsDialog
    from tests.messaging_servers import REFUSED_PREFIX, MemoryKeyring, SmsProvider, SmtpServer

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    smtp, sms = SmtpServer(), SmsProvider()
    smtp.start()
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor
        msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp.port,
                                          mail_security="none", mail_user="desk", mail_from="office@example.com",
                                          sms_url=sms.url, sms_sender="Practice")
        msettings.set_mail_password(practice, admin, "mail-secret")
        msettings.set_sms_token(practice, admin, "token")

        d = CancellationsDialog(practice, admin, first_day=SNOW)
        d.show()
        app.processEvents()
        # one client's address is refused by the server: their line shows why
        first = next(r for a in d.affected for r in a.recipients if r.channels)
        c = clients.get_client(practice, admin, first.client_id)
        clients.update_client(practice, admin, c.id, clients.ClientInput(
            c.first_name, c.last_name, f"{REFUSED_PREFIX}example.com", c.phone, c.address, "email", c.may_cancel,
            c.notes))
        d.refresh()
        d.sessions_table.selectRow(0)
        app.processEvents()
        d.grab().save(str(out / "cancellations.png"))
        print("affected:", d.summary.text())

        click_when_shown("cancelConfirm", "cancelConfirmYes")
        d.run()
        _wait(app, lambda: d.outbox_sender is None)
        app.processEvents()
        d.grab().save(str(out / "cancellations-results.png"))
        print("results:", d.results_note.text())
        d.close()

        from app.services.scheduling import closures
        from app.views.closures_dialog import ClosuresDialog

        closures.add_closure(practice, admin, SNOW, None, "Snow day")
        closures.add_closure(practice, admin, date(2026, 12, 24), date(2026, 12, 26), "Christmas")
        closures.add_closure(practice, admin, date(2026, 1, 1), None, "New Year's Day")
        c = ClosuresDialog(practice, admin)
        c.show()
        c.table.selectRow(0)
        app.processEvents()
        c.grab().save(str(out / "closures.png"))
        c.close()
        practice.close()
    smtp.stop()
    sms.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

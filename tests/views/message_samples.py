"""Screenshots of Settings ▸ Messages and the Outbox (SPEC 7.2, 0.6) on the demo practice, with a
real SMTP server and SMS provider on 127.0.0.1 and an in-memory keyring:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.message_samples docs/screenshots

Writes settings-messages.png (set up, a test message sent), settings-messages-no-keyring.png (a
computer without a keyring) and outbox.png (sent, failed, waiting e-mails and SMS, one selected).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 3, 15)


def _wait(app, cond, rounds=2000):
    import time

    for _ in range(rounds):
        app.processEvents()
        if cond():
            return
        time.sleep(0.005)
    raise TimeoutError("the send did not finish")


def main(out: Path) -> None:
    import keyring
    from keyring.backends import fail
    from PySide6.QtWidgets import QApplication

    from app.demo import build_demo
    from app.models.enums import MessageChannel, MessagePurpose
    from app.services.messaging import outbox
    from app.services.messaging import settings as msettings
    from app.services.people import clients, users
    from app.views.outbox_window import OutboxWindow
    from app.views.settings.settings_dialog import SettingsDialog
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

        d = SettingsDialog(practice, admin, page="messages")
        d.resize(1150, 720)
        d.show()
        panel = d.panels["messages"]
        panel.test_to.setText("owner@example.com")
        panel.send_test()
        _wait(app, lambda: panel.sender_run is not None and not panel.sender_run.running)
        app.processEvents()
        d.grab().save(str(out / "settings-messages.png"))
        print("test message:", panel.test_result.text())
        d.close()

        keyring.set_keyring(fail.Keyring())
        d = SettingsDialog(practice, admin, page="messages")
        d.resize(1150, 720)
        d.show()
        app.processEvents()
        d.grab().save(str(out / "settings-messages-no-keyring.png"))
        d.close()
        keyring.set_keyring(MemoryKeyring())
        msettings.set_mail_password(practice, admin, "mail-secret")
        msettings.set_sms_token(practice, admin, "token")

        people = [c for c in clients.list_clients(practice, admin) if c.email][:6]
        for i, c in enumerate(people):
            to = f"{REFUSED_PREFIX}example.com" if i == 2 else c.email
            m = outbox.queue_message(practice, admin, outbox.MessageDraft(
                MessageChannel.EMAIL, to, f"Dear {c.first_name},\n\nyour session on Monday 16 March at 10:00 is "
                "canceled because the practice is closed (snow).", subject="Your session on Monday is canceled",
                purpose=MessagePurpose.CANCELLATION, client_id=c.id))
            if i < 4:
                outbox.send_message(practice, admin, m.id)
        r = outbox.queue_message(practice, admin, outbox.MessageDraft(
            MessageChannel.SMS, "+1 555 0142", "Reminder: your session is tomorrow at 09:00.",
            purpose=MessagePurpose.REMINDER, client_id=people[0].id))
        outbox.send_message(practice, admin, r.id)
        smtp.stop()
        m = outbox.queue_message(practice, admin, outbox.MessageDraft(
            MessageChannel.EMAIL, people[1].email, "Please find your invoice attached.", subject="Invoice 2026-0007",
            purpose=MessagePurpose.INVOICE, client_id=people[1].id, attachment=b"%PDF-1.4\n%%EOF\n",
            attachment_name="Invoice 2026-0007.pdf"))
        outbox.send_message(practice, admin, m.id)

        w = OutboxWindow(practice, admin)
        w.show()
        app.processEvents()
        failed = next(m for m in w.model.rows if m.status == "failed" and m.recipient.startswith(REFUSED_PREFIX))
        w.select_message(failed.id)
        app.processEvents()
        w.grab().save(str(out / "outbox.png"))
        print("outbox:", w.counts.text(), w.model.rowCount(), "rows")
        w.close()
        practice.close()
    sms.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

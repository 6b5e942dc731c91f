"""Screenshot of the automatic invoicing history after a run that charged cards on file (SPEC 10.3,
10.4): one paid, one declined with its reason, one whose bank asks the client to confirm, one without
a card. Real stripe library against the recording Stripe server, aiosmtpd on 127.0.0.1:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.auto_billing_samples docs/screenshots

Writes auto-history-cards.png.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> None:
    import keyring
    from PySide6.QtWidgets import QApplication

    from app.services.billing import auto_invoicing, card_settings
    from app.services.billing import settings as auto_settings
    from app.services.clock import FixedClock
    from app.services.messaging import settings as msettings
    from app.services.people import users
    from app.services.practice import Practice
    from app.services.scheduling import completion
    from app.views.invoices.auto_history_dialog import AutoHistoryDialog
    from tests.conftest import Builder
    from tests.messaging_servers import MemoryKeyring, SmtpServer
    from tests.services.billing.test_auto_billing import MONTHLY, NY, put_card
    from tests.stripe_servers import CARD_AUTH, CARD_DECLINED, CARD_OK, RecordingStripe

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    smtp, stripe = SmtpServer(), RecordingStripe()
    smtp.start()
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "practice.sqlite"
        users.create_practice(path, "Harbourview Therapy & Music", "America/New_York", "admin", "password123").close()
        clock = FixedClock(datetime(2027, 1, 2, 14, tzinfo=UTC))
        practice = Practice.open(path, clock=clock)
        admin = users.first_admin(practice).actor
        make = Builder(practice, admin)
        msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp.port,
                                          mail_security="none", mail_from="office@example.com")
        card_settings.update_card_settings(practice, admin, api_base=stripe.url, return_url="https://example.com/ok")
        card_settings.set_card_key(practice, admin, stripe.secret_key)
        pr, svc = make.practitioner("Dr. Maya Okafor"), make.service("Therapy 50 min", cost=12000, wage=6000)
        for first, last, pm in (("Amelia", "Lindqvist", CARD_OK), ("Samuel", "Park", CARD_DECLINED),
                                ("Ingrid", "Varga", CARD_AUTH), ("Hiroshi", "Patel", None)):
            c = make.client(first, last, email=f"{first.lower()}@example.com", notify_by="email")
            for day in (5, 12, 19):
                [s] = make.session(datetime(2027, 1, day, 10), datetime(2027, 1, day, 10, 50), svc, pr, [c],
                                   confirm=True)
                completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
            if pm:
                put_card(practice, c.id, pm)
        auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
        clock.at = datetime(2027, 1, 31, 18, 5, tzinfo=NY).astimezone(UTC)
        summary = auto_invoicing.run_due(practice, admin)
        print("\n".join(summary.lines()))
        h = AutoHistoryDialog(practice, admin)
        h.resize(1250, 560)
        h.show()
        h.result_table.selectRow(1)
        app.processEvents()
        h.grab().save(str(out / "auto-history-cards.png"))
        h.close()
        practice.close()
    smtp.stop()
    stripe.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

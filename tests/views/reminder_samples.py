"""Screenshots of Settings ▸ Reminders (SPEC 7.4) on the demo practice:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.reminder_samples docs/screenshots

Writes settings-reminders.png (e-mail set up, reminders on 24 hours before, the example filled in) and
settings-reminders-not-set-up.png (no e-mail or SMS yet: the page says so; a subject naming a field
that cannot be filled in, refused on Save).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 3, 15)


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.demo import build_demo
    from app.services.messaging import reminders
    from app.services.messaging import settings as msettings
    from app.services.people import users
    from app.views.settings.settings_dialog import SettingsDialog

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor

        d = SettingsDialog(practice, admin, page="reminders")
        d.resize(1150, 720)
        d.show()
        app.processEvents()
        panel = d.panels["reminders"]
        panel.subject.setText("See you on {day} at {time}")
        panel.save()
        app.processEvents()
        d.grab().save(str(out / "settings-reminders-not-set-up.png"))
        print("not set up:", panel.not_set_up.text(), "|", panel.errors.shown())
        d.close()

        msettings.update_message_settings(practice, admin, mail_host="smtp.example.com", mail_port=587,
                                          mail_security="starttls", mail_from="office@example.com")
        reminders.update_reminder_settings(practice, admin, enabled=True, hours_before=24)
        d = SettingsDialog(practice, admin, page="reminders")
        d.resize(1150, 720)
        d.show()
        app.processEvents()
        d.grab().save(str(out / "settings-reminders.png"))
        panel = d.panels["reminders"]
        print("set up:", panel.preview_subject.text())
        d.close()
        practice.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

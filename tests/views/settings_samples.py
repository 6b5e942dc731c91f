"""Screenshots of Settings (issue 13 item 2), one per page, on the demo practice as an admin sees it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.settings_samples docs/screenshots

Writes settings-<page>.png for each page of the Settings window (1180x680, its opening size), the
first row of each table chosen so that its form shows a real record. Messages has its own
screenshots (settings-messages*.png, made with its mail and SMS set-up) and is left out here.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 3, 15)
NAMES = {"practice": "practice", "users": "users", "practitioners": "practitioners", "services": "services",
         "packages": "packages", "locations": "locations", "status": "status", "control": "control",
         "invoicing": "invoicing"}


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication, QTableView

    from app.demo import build_demo
    from app.services.people import users
    from app.views.settings.settings_dialog import SettingsDialog

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor
        dialog = SettingsDialog(practice, admin)
        dialog.show()
        for key, name in NAMES.items():
            dialog.show_page(key)
            panel = dialog.panels[key]
            table = panel.findChild(QTableView)
            if table is not None and table.model() is not None and table.model().rowCount() and key != "status":
                table.selectRow(0)
            for _ in range(3):
                app.processEvents()
            path = out / f"settings-{name}.png"
            dialog.grab().save(str(path))
            print(f"wrote {path}")
        dialog.close()
        practice.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

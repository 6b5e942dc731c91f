"""Screenshots of client cancellations (SPEC 8) on the demo practice:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.client_cancel_samples docs/screenshots

Writes session-control-cancellations.png (Settings ▸ Session control with the switch on and three
policy levels: 2 h Missed, 12 h Late Cancel, 48 h Short notice), client-permissions.png (the bulk tool after permission was given to some clients) and
client-cancel.png (Client cancels… on a group session the next morning, asked 5 hours before: one
client charged by the 12-hour level, the others staying).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2026, 3, 16)  # a Monday


def _settle(app) -> None:
    for _ in range(4):
        app.processEvents()


def _save(app, widget, path: Path) -> None:
    widget.show()
    _settle(app)
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.demo import LATE_CANCEL, build_demo
    from app.services.money.amounts import format_money
    from app.services.people import users
    from app.services.scheduling import client_cancellations as cc
    from app.services.scheduling import completion, sessions
    from app.views.client_cancel_dialog import ClientCancelDialog
    from app.views.client_permissions_dialog import ClientPermissionsDialog
    from app.views.settings.settings_dialog import SettingsDialog

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor
        conf = practice.settings()

        def money(cents: int) -> str:
            return format_money(cents, conf["currency"], conf["locale"])

        completion.create_completion_type(practice, admin, completion.CompletionTypeInput(
            "canceled", "Short notice", "Canceled less than 48 hours ahead: a quarter of the fee.", "percentage", 25, 0))
        types = {t.label: t.id for t in completion.list_completion_types(practice, admin)}
        cc.set_cancellation_policy(practice, admin, True, [
            cc.PolicyLevelInput(2, types["Missed"]), cc.PolicyLevelInput(12, types[LATE_CANCEL]),
            cc.PolicyLevelInput(48, types["Short notice"])])

        settings = SettingsDialog(practice, admin, page="control")
        settings.resize(1180, 860)
        _save(app, settings, out / "session-control-cancellations.png")
        settings.close()

        tool = ClientPermissionsDialog(practice, admin)
        tool.show()
        _settle(app)
        for i in range(0, tool.clients.count(), 2):
            tool.clients.item(i).setCheckState(Qt.CheckState.Checked)
        tool.apply()
        tool.search.setText("")
        _save(app, tool, out / "client-permissions.png")
        tool.close()

        cc.set_client_permissions(practice, admin, None, True)
        tz = practice.tz
        start = datetime.combine(TODAY + timedelta(days=1), datetime.min.time(), tz)
        upcoming = sessions.list_sessions(practice, admin, start, start + timedelta(days=7))
        group = next(s for s in upcoming if s.kind == "group" and s.status == "open")
        practice.clock.at = group.start - timedelta(hours=5, minutes=20)
        dialog = ClientCancelDialog(practice, admin, group, money)
        dialog.client.setCurrentIndex(1)
        _save(app, dialog, out / "client-cancel.png")
        dialog.close()
        practice.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0] if args else "docs/screenshots"))

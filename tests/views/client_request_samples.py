"""Screenshots of client requests (SPEC 1.4) on the demo practice:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.client_request_samples docs/screenshots

Writes client-requests.png (Clients ▸ Requests… with four requests waiting), client-requests-all.png
(every request: one accepted, one declined with its reason), client-request-form.png (New request…
filled in: only the services and the location open to client booking are offered) and
client-request-refused.png (Accept in available-credit mode for a client without enough credit: the
refusal in plain words) and client-request-decline.png (Decline… asking the reason).
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
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
    from PySide6.QtCore import QDate, QTime
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.demo import build_demo
    from app.services import practice_settings
    from app.services.errors import RuleViolation
    from app.services.people import clients, practitioners, users
    from app.services.scheduling import client_requests
    from app.services.scheduling.client_requests import RequestInput
    from app.views.client_requests_dialog import ClientRequestsDialog
    from app.views.widgets.messages import error_text

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        practice = build_demo(Path(tmp) / "demo.sqlite", TODAY)
        admin = users.first_admin(practice).actor
        choices = client_requests.booking_choices(practice, admin)
        svc = {c.name: c.id for c in choices.services}
        studio = choices.locations[0].id
        pract = {p.name: p.id for p in practitioners.list_practitioners(practice, admin)}
        people = clients.list_clients(practice, admin)[:6]

        def ask(i, service, day, hour, who=None, note="", minute=0, length=60):
            start = datetime(2026, 3, day, hour, minute)
            end = datetime(2026, 3, day, hour + (minute + length) // 60, (minute + length) % 60)
            return client_requests.record_request(practice, admin, RequestInput(
                people[i].id, svc[service], start, end, studio, pract.get(who), note))

        ask(0, "Piano lesson", 18, 16, "Lucas Bennett", "Her first lesson; has a keyboard at home")
        ask(1, "Voice lesson", 19, 11, None, "Any teacher, mornings only", minute=30, length=45)
        ask(2, "Piano lesson", 20, 17, "Lucas Bennett")
        ask(3, "Group class", 23, 18, "Sofia Marchetti", "Bringing a friend next time")
        taken = ask(4, "Voice lesson", 17, 15, "Sofia Marchetti")
        client_requests.accept_request(practice, admin, taken.id, confirm=True)
        gone = ask(5, "Piano lesson", 21, 9, "Lucas Bennett", "Saturday morning")
        client_requests.decline_request(practice, admin, gone.id, "Lucas does not teach on Saturdays")

        inbox = ClientRequestsDialog(practice, admin)
        inbox.resize(1120, 420)
        _save(app, inbox, out / "client-requests.png")
        inbox.filter.setCurrentIndex(1)
        _save(app, inbox, out / "client-requests-all.png")
        inbox.filter.setCurrentIndex(0)

        form = inbox.make_form()
        form.client.ensure_loaded()
        form.client.setCurrentIndex(form.client.findData(people[2].id))
        form.service.setCurrentIndex(form.service.findData(svc["Voice lesson"]))
        form.location.setCurrentIndex(1)
        form.practitioner.setCurrentIndex(form.practitioner.findData(pract["Sofia Marchetti"]))
        form.date.setDate(QDate(2026, 3, 24))
        form.start.setTime(QTime(14, 0))
        form.note.setPlainText("Preparing for an audition in April")
        _save(app, form, out / "client-request-form.png")
        form.close()

        practice_settings.update_settings(practice, admin, prepayment_mode="credit")
        row = inbox.model.rows[0]
        try:
            client_requests.accept_request(practice, admin, row.id, pract["Lucas Bennett"], confirm=True)
            raise SystemExit("the demo client had enough credit: pick another for the refusal")
        except RuleViolation as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot accept this request", error_text(exc),
                              QMessageBox.StandardButton.Ok, inbox)
            _save(app, box, out / "client-request-refused.png")
            box.close()

        decline = inbox.make_decline_dialog(inbox.model.rows[1])
        decline.reason.setText("No voice teacher is free that morning; offered Thursday instead")
        _save(app, decline, out / "client-request-decline.png")
        decline.close()
        inbox.close()
        practice.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

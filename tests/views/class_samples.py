"""Screenshots of classes (SPEC 11): the class view with its eye icons, and the published
group-sessions list exported as HTML and rendered by Qt (QTextBrowser).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.class_samples docs/screenshots

Writes class-view.png and class-list-html.png, plus classes-window.png, make-class.png and
enroll.png to look at. A practice of its own in a temporary folder: a 10-session pottery course
($100 a session, $30 wage) with four clients enrolled, one dropped, two on the waitlist (the first
offered the seat), only the first two sessions displayed; and a one-session workshop.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def build(path: Path):
    from app.services.clock import FixedClock
    from app.services.people import clients, practitioners, users
    from app.services.practice import Practice
    from app.services.scheduling import catalog, classes, sessions
    from app.services.scheduling.classes import ClassInput
    from app.services.scheduling.recurrence import RecurrenceInput

    users.create_practice(path, "Riverside Studio", "America/New_York", "admin", "correct horse").close()
    practice = Practice.open(path, clock=FixedClock(datetime(2026, 2, 20, 15, tzinfo=UTC)))
    admin = users.first_admin(practice).actor
    sv = catalog.create_service(practice, admin, catalog.ServiceInput("Pottery course", "fixed", 10000, 3000))
    ws = catalog.create_service(practice, admin, catalog.ServiceInput("Glaze workshop", "fixed", 4500, 2000))
    room = catalog.create_location(practice, admin, "Studio B")
    maya = practitioners.create_practitioner(practice, admin, practitioners.PractitionerInput("Maya Stone"))
    names = [("Ida", "Host"), ("Ann", "Lee"), ("Bo", "Ng"), ("Cy", "Park"), ("Dee", "Rossi"), ("Eli", "Sato"),
             ("Fay", "Quinn")]
    people = [clients.create_client(practice, admin, clients.ClientInput(f, last)) for f, last in names]
    start = datetime(2026, 3, 2, 18)
    made = sessions.add_session(practice, admin, sessions.SessionInput(
        start, start + timedelta(hours=2), sv.id, maya.id, (people[0].id,), room.id),
        recurrence=RecurrenceInput((0,), count=10))
    course = classes.make_class(practice, admin, made[0].id, sv.id, ClassInput(
        "Wheel throwing for beginners", 5, datetime(2026, 3, 1, 18), datetime(2026, 3, 9, 18)))
    for c in people[1:5]:
        classes.enroll(practice, admin, course.id, c.id)
    for c in people[5:7]:
        classes.add_to_waitlist(practice, admin, course.id, c.id)
    classes.drop(practice, admin, course.id, people[3].id)  # Cy drops: Eli, first in line, is offered the seat
    for s in made[2:]:
        classes.set_session_displayed(practice, admin, course.id, s.id, False)
    [one] = sessions.add_session(practice, admin, sessions.SessionInput(
        datetime(2026, 3, 14, 10), datetime(2026, 3, 14, 13), ws.id, maya.id, (people[4].id,), room.id))
    classes.make_class(practice, admin, one.id, ws.id, ClassInput(
        "Glazes & <finishes>", 8, datetime(2026, 3, 13, 12), datetime(2026, 3, 13, 12)))
    return practice, admin, course, made


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication, QTextBrowser

    from app.services.money.amounts import format_money
    from app.services.scheduling import class_list, sessions
    from app.views.classes.class_view_dialog import ClassViewDialog
    from app.views.classes.classes_dialog import ClassesDialog
    from app.views.classes.enroll_dialog import EnrollDialog
    from app.views.classes.make_class_dialog import MakeClassDialog

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        practice, admin, course, made = build(Path(tmp) / "classes.sqlite")
        view = ClassViewDialog(practice, admin, course.id, format_money)
        view.resize(900, 700)
        view.show()
        app.processEvents()
        view.grab().save(str(out / "class-view.png"))
        enroll = EnrollDialog(practice, admin, view.view, view)
        enroll.show()
        app.processEvents()
        enroll.grab().save(str(out / "enroll.png"))
        enroll.close()
        view.close()

        listing = ClassesDialog(practice, admin, format_money)
        listing.show()
        app.processEvents()
        listing.grab().save(str(out / "classes-window.png"))
        listing.close()

        session = sessions.get_session(practice, admin, made[0].id)
        make = MakeClassDialog(practice, admin, session, format_money)
        make.show()
        app.processEvents()
        make.grab().save(str(out / "make-class.png"))
        make.close()

        page = class_list.export_html(practice, admin, Path(tmp) / "group-sessions.html")
        browser = QTextBrowser()
        browser.setHtml(page.read_text("utf-8"))
        browser.resize(900, 640)
        browser.show()
        app.processEvents()
        browser.grab().save(str(out / "class-list-html.png"))
        browser.close()
        practice.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

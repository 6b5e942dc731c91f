"""Screenshots of the new-practice wizard's last two pages (SPEC 1.5; the first two are
new-practice-wizard.png and new-practice-wizard-money.png):

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.wizard_samples docs/screenshots

Writes new-practice-wizard-admin.png and new-practice-wizard-file.png. Nothing is created: the
wizard is not finished, the folder it proposes is only shown.
"""
from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.views.new_practice_wizard import NewPracticeWizard

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    w = NewPracticeWizard(folder=Path("/home/maria/Documents"), now=datetime(2026, 3, 2, 15, 30, tzinfo=UTC))
    w.show()
    w.name.setText("Harbour Street Therapy")
    w.address.setPlainText("12 Harbour Street\nPortland, ME 04101")
    w.next()
    w.timezone.search.setText("new y")
    app.processEvents()
    w.next()
    w.username.setText("maria")
    w.display_name.setText("Maria Lopez")
    w.password.setText("harbour-street-2026")
    w.password2.setText("harbour-street-2026")
    for i, name in enumerate(("admin", "file")):
        if i:
            w.next()  # never on the last page: that would create the practice
        app.processEvents()
        path = out / f"new-practice-wizard-{name}.png"
        w.grab().save(str(path))
        print(f"wrote {path}: {w.currentPage().title()}")
    w.reject()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

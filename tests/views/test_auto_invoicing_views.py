"""Automatic invoicing in the window (SPEC 10.1-10.3), with real clicks: the settings dialog whose
next-run sentence follows the form, a field refused by name, the history with a failed client and
Retry, the catch-up at start off the GUI thread with its progress dialog, and the menu."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QMenu, QTimeEdit

from app.services.billing import auto_invoicing
from app.services.billing import settings as auto_settings
from app.services.money.amounts import max_amount
from app.services.people import users
from app.services.scheduling import completion, participants
from app.views.invoices.auto_history_dialog import AutoHistoryDialog
from app.views.invoices.auto_invoicing_dialog import AutoInvoicingDialog
from tests.services.fingerprint import fingerprint

NY = ZoneInfo("America/New_York")
MONTHLY = auto_settings.AutoInvoiceInput(enabled=True, interval="monthly", weekday=4, run_time=time(18, 0),
                                         completed=True, scheduled=True, email=False, start_date=date(2027, 1, 1))


def at(clock, *a):
    clock.at = datetime(*a, tzinfo=NY).astimezone(UTC)


@pytest.fixture
def desk(practice, admin, make, clock):
    """Ann: a session completed on 12 Jan 2027 and one open on 9 Feb; Ben: one open on 16 Feb."""
    at(clock, 2027, 1, 2, 9)
    pr, svc = make.practitioner("Maya Stone"), make.service("Therapy", cost=8000, wage=4000)
    ann, ben = make.client("Ann", "Archer"), make.client("Ben", "Baker")
    [jan] = make.session(datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 11), svc, pr, [ann])
    [feb] = make.session(datetime(2027, 2, 9, 10), datetime(2027, 2, 9, 11), svc, pr, [ann])
    make.session(datetime(2027, 2, 16, 10), datetime(2027, 2, 16, 11), svc, pr, [ben])
    at(clock, 2027, 1, 20, 9)
    completion.complete_session(practice, admin, jan.id, completion.type_by_key(practice, "completed").id)
    return {"ann": ann, "ben": ben, "feb": feb}


def open_settings(qtbot, practice, actor):
    d = AutoInvoicingDialog(practice, actor)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def click(qtbot, widget):
    """A click where a person clicks: a check box on its box, a button in its middle."""
    pos = QPoint(8, widget.height() // 2) if isinstance(widget, QCheckBox) else widget.rect().center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def choose(qtbot, combo, index):
    """Pick an entry of a drop-down with the keyboard, as a person tabbing through the form does."""
    combo.setFocus()
    while combo.currentIndex() < index:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    while combo.currentIndex() > index:
        qtbot.keyClick(combo, Qt.Key.Key_Up)


def test_the_next_run_sentence_follows_the_form_and_save_keeps_it(qtbot, practice, admin, clock):
    # SPEC 10.1: the page says in words when the next run happens, live while the form changes
    at(clock, 2027, 2, 3, 9)
    d = open_settings(qtbot, practice, admin)
    assert d.sentence.text().startswith("Automatic invoicing is off.")
    assert not d.weekday.isEnabled()  # monthly runs on the last day: no weekday to choose
    click(qtbot, d.enabled)
    assert d.enabled.isChecked()
    assert d.sentence.text() == ("Monthly: on the last day of each month at 18:00, invoicing the sessions completed "
                                 "in the past month. Next run: Sunday 28 February 2027 at 18:00.")
    click(qtbot, d.scheduled)
    assert "and next month's scheduled sessions" in d.sentence.text()
    choose(qtbot, d.interval, 0)  # every week
    assert d.weekday.isEnabled()
    choose(qtbot, d.weekday, 0)  # Monday
    d.run_time.setFocus()
    d.run_time.setSelectedSection(QTimeEdit.Section.HourSection)
    qtbot.keyClicks(d.run_time, "07:30")
    assert d.sentence.text() == ("Weekly: every Monday at 07:30, invoicing the sessions completed in the past week "
                                 "and next week's scheduled sessions. Next run: Monday 8 February 2027 at 07:30.")
    click(qtbot, d.save_button)
    assert d.done_line.text() == "Saved. Automatic invoicing is on." and d.errors.shown() == []
    s = auto_settings.get_auto_invoicing(practice, admin)
    assert (s.enabled, s.interval, s.weekday, s.run_time, s.completed, s.scheduled) == (
        True, "weekly", 0, time(7, 30), True, True)


def test_no_sessions_chosen_is_named_and_nothing_is_saved(qtbot, practice, admin, clock):
    # SPEC 0.5: bad input names the field and changes nothing
    d = open_settings(qtbot, practice, admin)
    before = fingerprint(practice)
    click(qtbot, d.enabled)
    click(qtbot, d.completed)
    assert not d.completed.isChecked() and not d.scheduled.isChecked()
    assert d.sentence.text() == "Sessions to invoice must be completed sessions, scheduled sessions or both."
    click(qtbot, d.save_button)
    assert d.errors.shown() == ["Sessions to invoice must be completed sessions, scheduled sessions or both."]
    assert fingerprint(practice) == before
    click(qtbot, d.completed)
    assert d.sentence.text().startswith("Monthly: on the last day of each month")


def test_staff_see_the_settings_but_cannot_change_them(qtbot, practice, make):
    # SPEC 10.1, 1.1: the settings are the admin's
    d = open_settings(qtbot, practice, make.user("staff"))
    assert not d.enabled.isEnabled() and not d.interval.isEnabled() and d.save_button.isHidden()
    assert d.done_line.text() == "Only an administrator can change these settings."


def test_history_shows_a_failure_with_its_reason_and_retry_fixes_it(qtbot, practice, admin, clock, desk):
    # SPEC 10.3: each run and each client's result, the error and its reason, with Retry
    participants.set_participant_price(practice, admin, desk["feb"].id, desk["ann"].id, max_amount("USD"))
    auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
    at(clock, 2027, 1, 31, 18, 30)
    auto_invoicing.run_due(practice, admin)
    h = AutoHistoryDialog(practice, admin)
    qtbot.addWidget(h)
    h.show()
    qtbot.waitExposed(h)
    assert h.runs.rowCount() == 1 and h.empty.isHidden()
    run_text = [h.runs.data(h.runs.index(0, c)) for c in range(h.runs.columnCount())]
    assert run_text[:8] == ["Sun 31 Jan 2027 18:00", "Monthly", "completed 1–31 Jan 2027; scheduled 1–28 Feb 2027",
                            "2", "1", "1", "$80.00", "finished with failures"]
    first = [h.results.data(h.results.index(0, c)) for c in range(h.results.columnCount())]
    assert first[:2] == ["Ann Archer", "failed"] and "more than the largest amount allowed" in first[6]
    assert h.retry.isEnabled()
    qtbot.mouseClick(h.result_table.viewport(), Qt.MouseButton.LeftButton,
                     pos=h.result_table.visualRect(h.results.index(1, 0)).center())
    assert h.current_result().client_name == "Ben Baker" and not h.retry.isEnabled()
    qtbot.mouseClick(h.result_table.viewport(), Qt.MouseButton.LeftButton,
                     pos=h.result_table.visualRect(h.results.index(0, 0)).center())
    assert h.retry.isEnabled()
    qtbot.mouseClick(h.retry, Qt.MouseButton.LeftButton)  # the cause is still there: said again
    assert not h.retry.isEnabled()  # while it runs off the GUI thread
    qtbot.waitUntil(lambda: not h.retry_call.running, timeout=30_000)
    assert "could still not be invoiced" in h.error.text() and h.error.isVisible()
    participants.set_participant_price(practice, admin, desk["feb"].id, desk["ann"].id, None)
    qtbot.mouseClick(h.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not h.retry_call.running, timeout=30_000)
    assert h.done_line.text() == "Ann Archer: invoice 2027-0002 for $160.00." and h.error.isHidden()
    assert [h.runs.data(h.runs.index(0, c)) for c in (3, 4, 5, 7)] == ["2", "2", "", "finished"]
    assert all(r.status == "invoiced" for r in h.results.rows) and not h.retry.isEnabled()


def test_history_when_nothing_ran_yet(qtbot, practice, admin):
    h = AutoHistoryDialog(practice, admin)
    qtbot.addWidget(h)
    h.show()
    assert h.runs.rowCount() == 0 and h.empty.isVisible() and not h.retry.isEnabled()


def test_catch_up_at_start_runs_off_the_gui_thread_with_progress(qtbot, practice, admin, clock, desk, qsettings):
    # SPEC 10.2: catch-up at start for cycles missed while closed, off the GUI thread, with a progress dialog
    from app.views.main_window import MainWindow

    auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
    at(clock, 2027, 3, 2, 9)  # closed over the end of January and of February
    w = MainWindow(practice, users.first_admin(practice), date(2027, 3, 2), settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    runner = w.auto_invoicing
    runner.first_ms = 0
    seen, ledger = [], []
    runner.finished.connect(lambda r: seen.append(r))
    w.events.ledger_changed.connect(lambda: ledger.append(1))
    runner.start()
    qtbot.waitUntil(lambda: runner.running, timeout=5000)
    assert runner.progress is not None and runner.progress.isVisible()  # the window stays usable behind it
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    [summary] = seen
    assert summary.cycles == ("2027-01-31", "2027-02-28") and summary.invoices == 2 and summary.ok
    assert runner.progress is None and not runner.running
    assert w.statusBar().currentMessage() == "Automatic invoicing: 2 runs, 2 invoices."
    assert ledger  # open invoice lists and client records show the new invoices
    assert not runner.run_now()  # nothing due any more: no second run, no dialog
    runner.pause()
    assert not runner.timer.isActive()


def test_practitioners_get_no_catch_up_and_no_menu(qtbot, practice, admin, make, clock, desk, qsettings):
    from app.views.main_window import MainWindow

    w = MainWindow(practice, users.first_admin(practice), date(2027, 1, 20), settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    menu = w.findChild(QMenu, "menuAutoInvoices")
    assert menu.actions() == [w.act_auto_settings, w.act_auto_history] and menu.menuAction().isVisible()
    w.act_auto_history.trigger()
    assert isinstance(w.active_dialog, AutoHistoryDialog)
    w.active_dialog.close()
    w.act_auto_settings.trigger()
    assert isinstance(w.active_dialog, AutoInvoicingDialog)
    w.active_dialog.close()

    pr = make.practitioner()
    actor = make.user("practitioner", practitioner_id=pr.id)
    user = next(u for u in users.list_users(practice, admin) if u.id == actor.user_id)
    p = MainWindow(practice, user, date(2027, 1, 20), settings=qsettings, auto_backup=False)
    qtbot.addWidget(p)
    assert not p.findChild(QMenu, "menuAutoInvoices").menuAction().isVisible()
    assert not p.act_auto_settings.isEnabled() and not p.act_auto_history.isEnabled()
    staff = make.user("staff")
    desk_user = next(u for u in users.list_users(practice, admin) if u.id == staff.user_id)
    s = MainWindow(practice, desk_user, date(2027, 1, 20), settings=qsettings, auto_backup=False)
    qtbot.addWidget(s)
    assert s.act_auto_settings.isEnabled() and s.act_auto_history.isEnabled()  # staff read the settings
    s.act_auto_settings.trigger()
    assert s.active_dialog.save_button.isHidden()
    s.active_dialog.close()
    p.auto_invoicing.start()
    assert not p.auto_invoicing.timer.isActive()


def test_stop_on_the_progress_dialog_ends_the_run_and_the_next_start_finishes_it(qtbot, practice, admin, make, clock,
                                                                                  desk, qsettings):
    # SPEC 10.2 / ARCHITECTURE: long work off the GUI thread with a progress dialog that can be cancelled;
    # what was not done is done at the next run, nobody twice
    from PySide6.QtWidgets import QPushButton

    from app.views.main_window import MainWindow

    at(clock, 2027, 1, 20, 9)
    for n in range(40):
        c = make.client("Many", f"Client{n:02d}")
        make.session(datetime(2027, 2, 1 + n % 27, 8 + n % 9), datetime(2027, 2, 1 + n % 27, 9 + n % 9),
                     make.service(), make.practitioner(), [c], confirm=True)
    auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
    at(clock, 2027, 1, 31, 18, 30)
    w = MainWindow(practice, users.first_admin(practice), date(2027, 1, 31), settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    runner = w.auto_invoicing
    runner.first_ms = 0
    seen = []
    runner.finished.connect(lambda r: seen.append(r))
    runner.start()
    qtbot.waitUntil(lambda: runner.progress is not None and runner.progress.isVisible(), timeout=5000)
    [stop] = [b for b in runner.progress.findChildren(QPushButton) if b.text() == "Stop"]
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    first = seen[0]
    assert first.stopped and first.invoices < 42
    assert "stopped, the rest is done at the next run" in w.statusBar().currentMessage()
    [run] = auto_invoicing.list_runs(practice, admin)
    assert run.status == "unfinished"
    assert runner.run_now(show_progress=False)  # the next check takes it up again
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=60_000)
    assert first.invoices + seen[1].invoices == 42 and seen[1].cycles == ("2027-01-31",)
    [run] = auto_invoicing.list_runs(practice, admin)
    assert (run.status, run.invoiced) == ("finished", 42)
    runner.pause()


def test_package_mode_says_scheduled_sessions_are_not_invoiced(qtbot, practice, admin):
    # SPEC 6.3: in package mode future sessions cannot be invoiced; the page says so when they are chosen
    from app.services import practice_settings

    practice_settings.update_settings(practice, admin, prepayment_mode="package")
    d = open_settings(qtbot, practice, admin)
    assert d.package_note.isHidden()
    click(qtbot, d.scheduled)
    assert d.package_note.isVisible() and "only completed sessions will be" in d.package_note.text()
    click(qtbot, d.scheduled)
    assert d.package_note.isHidden()

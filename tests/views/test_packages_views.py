"""Package mode in the windows (SPEC 6.3, issue 14 item 1), driven by real clicks and keys: chosen in
Session control, packages set up on the Packages page, sold from a client's record, and what each
client has left shown in the session form, with the warning when nothing is left."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.services import practice_settings
from app.services.money import ledger, packages
from app.services.money.amounts import format_money
from app.services.money.packages import PackageInput
from app.services.scheduling import sessions
from app.views.client_list_dialog import ClientListDialog
from app.views.client_record_dialog import ClientRecordDialog
from app.views.session_dialog import SessionDialog
from app.views.settings.settings_dialog import SettingsDialog
from app.views.widgets.package_text import shares_text
from tests.views.modal import answer_modal, when_modal
from tests.views.test_client_picker import click as click_client

MON = datetime(2026, 1, 19, 9)


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def type_over(qtbot, field, text: str) -> None:
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def shop(practice, admin, make, clock):
    """Package mode; Therapy and Yoga; "Three therapy sessions" for $100.00; Ann Lee and Bob Hart."""
    clock.at = datetime(2026, 1, 15, 17, tzinfo=UTC)
    practice_settings.update_settings(practice, admin, prepayment_mode="package")

    class S:
        therapy = make.service("Therapy 50 min", cost=12000, wage=6000)
        yoga = make.service("Yoga class", cost=2500, wage=1500)
        pract = make.practitioner("Dr. Ana Ruiz")
        three = packages.create_package(practice, admin, PackageInput("Three therapy sessions", 3, 10000,
                                                                      (therapy.id,)))
        ann = make.client("Ann", "Lee")
        bob = make.client("Bob", "Hart")
    return S


def money(cents: int) -> str:
    return format_money(cents, "USD", "en_US")


# --- words ----------------------------------------------------------------------------------------
def test_shares_read_as_the_issue_says():
    assert shares_text((3334, 3333, 3333), money) == "$33.34, $33.33, $33.33"
    assert shares_text((1667,) * 4 + (1666,) * 2, money) == "first 4 \u00d7 $16.67, then $16.66"
    assert shares_text((2500,) * 4, money) == "$25.00 each"


# --- Settings ▸ Session control ---------------------------------------------------------------------
def test_package_mode_is_chosen_and_saved_in_session_control(qtbot, practice, admin):
    d = show(qtbot, SettingsDialog(practice, admin, page="control"))
    panel = d.panels["control"]
    assert panel.findChild(QLabel, "sessionControlLater") is None  # client cancellations are built (SPEC 8)
    assert panel.cancellations.title() == "Client cancellations"
    assert "no sessions left" in panel.findChild(QLabel, "prepaymentPackageHint").text()
    click(qtbot, panel.radios["package"])
    assert not panel.threshold.isEnabled()
    click(qtbot, panel.save_button)
    assert practice_settings.get_settings(practice, admin)["prepayment_mode"] == "package"
    assert panel.done.text() == "Saved: Package mode."


# --- Settings ▸ Packages -----------------------------------------------------------------------------
def test_a_package_made_in_the_panel_is_offered_in_sell_package(qtbot, practice, admin, make):
    therapy, yoga = make.service("Therapy 50 min"), make.service("Yoga class")
    ann = make.client("Ann", "Lee")
    d = show(qtbot, SettingsDialog(practice, admin, page="packages"))
    panel = d.panels["packages"]
    assert d.nav.item(4).text() == "Packages"  # right after Services
    assert not panel.mode_note.isHidden()  # open mode: the page says packages are not used yet
    qtbot.keyClicks(panel.name, "Ten sessions")
    type_over(qtbot, panel.sessions.lineEdit(), "10")
    qtbot.keyClicks(panel.price, "1000.05")
    assert panel.shares.text() == "Each session: first 5 \u00d7 $100.01, then $100.00"
    click(qtbot, panel.checks.boxes[therapy.id])
    click(qtbot, panel.checks.boxes[yoga.id])
    click(qtbot, panel.save_button)
    [made] = packages.list_packages(practice, admin)
    assert (made.name, made.sessions, made.price_cents, made.service_ids) == (
        "Ten sessions", 10, 100005, (therapy.id, yoga.id))
    assert "Ten sessions is added" in panel.done.text()
    row = [panel.model.data(panel.model.index(0, c)) for c in range(panel.model.columnCount())]
    assert row == ["Ten sessions", "10", "$1,000.05", "first 5 \u00d7 $100.01, then $100.00",
                   "Therapy 50 min, Yoga class"]

    record = show(qtbot, ClientRecordDialog(practice, admin, ann.id, money))
    assert not record.sell_button.isVisible()  # open mode and nothing bought: no packages section
    practice_settings.update_settings(practice, admin, prepayment_mode="package")
    record.reload()
    assert record.sell_button.isVisible() and record.packages_title.text() == "Packages \u2014 none bought yet."

    def look(sell):
        assert [sell.package.itemText(i) for i in range(sell.package.count())] == ["Ten sessions"]
        assert "10 sessions for $1,000.05" in sell.details.text() and "Therapy 50 min, Yoga class" in sell.details.text()
        click(qtbot, sell.findChild(QPushButton, "sellCancel"))

    seen = when_modal(qtbot, look)
    click(qtbot, record.sell_button)
    assert seen and seen[0].objectName() == "sellPackageDialog"
    assert not record.sold and packages.client_packages(practice, admin, ann.id) == []


def test_no_sessions_or_no_name_is_refused_under_its_field(qtbot, practice, admin, make):
    therapy = make.service("Therapy 50 min")
    d = show(qtbot, SettingsDialog(practice, admin, page="packages"))
    panel = d.panels["packages"]
    qtbot.keyClicks(panel.name, "Empty box")
    type_over(qtbot, panel.sessions.lineEdit(), "0")
    qtbot.keyClicks(panel.price, "100")
    click(qtbot, panel.checks.boxes[therapy.id])
    click(qtbot, panel.save_button)
    assert panel.errors.shown() == ["Number of sessions must be between 1 and 1000."]
    assert panel.findChild(QLabel, "packagesSessionsError").isVisible()  # under the Sessions field
    type_over(qtbot, panel.sessions.lineEdit(), "5")
    type_over(qtbot, panel.name, "   ")
    click(qtbot, panel.save_button)
    assert panel.errors.shown() == ["Name is required."]
    assert panel.findChild(QLabel, "packagesNameError").isVisible()
    assert packages.list_packages(practice, admin, include_archived=True) == []


def test_a_package_is_archived_not_deleted_and_restored(qtbot, practice, admin, shop):
    d = show(qtbot, SettingsDialog(practice, admin, page="packages"))
    panel = d.panels["packages"]
    assert panel.mode_note.isHidden()  # package mode is on
    assert panel.current.name == "Three therapy sessions"
    click(qtbot, panel.archive_button)
    assert packages.list_packages(practice, admin) == []
    click(qtbot, panel.show_archived)
    assert panel.model.data(panel.model.index(0, 0)) == "Three therapy sessions (archived)"
    panel.table.selectRow(0)
    assert panel.archive_button.text() == "Restore"
    click(qtbot, panel.archive_button)
    assert [p.name for p in packages.list_packages(practice, admin)] == ["Three therapy sessions"]


# --- the client record ---------------------------------------------------------------------------------
def sell_in(qtbot, record, method_text: str, reference: str):
    def fill(sell):
        assert sell.package.currentText() == "Three therapy sessions"
        assert "3 sessions for $100.00" in sell.details.text() and "$33.34, $33.33, $33.33" in sell.details.text()
        sell.method.setCurrentIndex(sell.method.findText(method_text))
        qtbot.keyClicks(sell.reference, reference)
        click(qtbot, sell.findChild(QPushButton, "sellConfirm"))
    return when_modal(qtbot, fill)


def test_selling_a_package_shows_what_remains_in_the_record(qtbot, practice, admin, make, shop):
    make.session(MON, MON.replace(minute=50), shop.therapy, shop.pract, [shop.ann], confirm=True)  # nothing yet
    record = show(qtbot, ClientRecordDialog(practice, admin, shop.ann.id, money))
    assert record.balance.text() == "\u2014"  # nothing paid, nothing charged
    seen = sell_in(qtbot, record, "Cheque", "CHQ 0042")
    click(qtbot, record.sell_button)
    assert seen and record.sold
    rows = [[record.packages_model.data(record.packages_model.index(0, c)) for c in range(5)]]
    assert rows == [["Three therapy sessions", "Thu 15 Jan 2026", "3", "1", "2"]]  # the booked session took one
    assert record.packages_title.text() == "Packages (1) \u2014 2 sessions left"
    assert record.balance.text() == "Credit $100.00"
    assert record.credit.text() == "$66.66"  # less the booked session's share, $33.34
    [pay] = [e for e in ledger.client_entries(practice, admin, shop.ann.id) if e.kind == "payment"]
    assert (pay.method, pay.amount_cents, pay.memo) == ("cheque", 10000, "Package: Three therapy sessions")


def test_selling_from_the_client_list_tells_the_other_views(qtbot, practice, admin, shop):
    lst = show(qtbot, ClientListDialog(practice, admin, money))
    lst.select_client(shop.bob.id)

    def in_record(record):
        sold = sell_in(qtbot, record, "Card", "")
        click(qtbot, record.sell_button)
        assert sold and record.sold
        record.accept()

    seen = when_modal(qtbot, in_record)
    click(qtbot, lst.record_button)
    assert seen and lst.sold and lst.changed  # the main window announces ledger_changed and clients_changed
    bob_row = next(r for r, c in enumerate(lst.model.rows) if c.id == shop.bob.id)
    assert lst.model.data(lst.model.index(bob_row, 5)) == "Credit $100.00"


def test_a_practitioner_sees_no_packages_and_cannot_sell(qtbot, practice, admin, make, shop):
    packages.sell_package(practice, admin, shop.ann.id, shop.three.id, "cash")
    actor = make.user("practitioner", practitioner_id=shop.pract.id)
    record = show(qtbot, ClientRecordDialog(practice, actor, shop.ann.id, money))
    assert not record.packages.isVisible() and not record.sell_button.isVisible()


# --- the session form ------------------------------------------------------------------------------------
def open_session_dialog(qtbot, practice, actor):
    d = show(qtbot, SessionDialog(practice, actor, start=MON, end=MON.replace(minute=50)))
    d.activateWindow()
    qtbot.waitUntil(d.isActiveWindow)
    return d


def wait_warnings(qtbot, d) -> str:
    qtbot.waitUntil(lambda: d.warnings.isVisible(), timeout=3000)
    return d.warnings.text()


def test_the_session_form_shows_what_each_client_has_left(qtbot, practice, admin, shop):
    packages.sell_package(practice, admin, shop.ann.id, shop.three.id, "cash")
    d = open_session_dialog(qtbot, practice, admin)
    d.service.setCurrentIndex(d.service.findData(shop.therapy.id))
    assert not d.package_left.isVisible()  # nobody chosen yet
    click_client(qtbot, d.clients, "Lee")
    assert d.package_left.isVisible() and d.package_left.text() == "Ann Lee: 3 sessions left on packages"
    click_client(qtbot, d.clients, "Hart")
    assert "Bob Hart: no sessions left on packages for this service" in d.package_left.text()
    d.service.setCurrentIndex(d.service.findData(shop.yoga.id))  # the package does not cover yoga
    assert "Ann Lee: no sessions left on packages for this service" in d.package_left.text()
    click_client(qtbot, d.clients, "Hart")
    click_client(qtbot, d.clients, "Lee")
    assert not d.package_left.isVisible()


def test_nothing_is_shown_outside_package_mode(qtbot, practice, admin, shop):
    practice_settings.update_settings(practice, admin, prepayment_mode="open")
    d = open_session_dialog(qtbot, practice, admin)
    click_client(qtbot, d.clients, "Lee")
    assert not d.package_left.isVisible() and d.package_left.text() == ""


def test_booking_a_client_with_nothing_left_warns_staff_who_may_book_anyway(qtbot, practice, admin, make, shop):
    staff = make.user("staff")
    d = open_session_dialog(qtbot, practice, staff)
    d.service.setCurrentIndex(d.service.findData(shop.therapy.id))
    click_client(qtbot, d.clients, "Hart")
    text = wait_warnings(qtbot, d)
    assert text.splitlines() == ["\u26a0 Check before saving (you can still save):",
                                 "\u2022 Bob Hart has nothing left on a package for this service."]
    seen = answer_modal(qtbot, "confirmWarnings", "confirmYes")
    qtbot.mouseClick(d.findChild(QPushButton, "sessionSave"), Qt.MouseButton.LeftButton)
    assert seen and "Bob Hart has nothing left on a package" in seen[0]
    assert d.result() == d.DialogCode.Accepted
    start = datetime.combine(date(2026, 1, 19), datetime.min.time()).replace(tzinfo=practice.tz)
    assert len(sessions.list_sessions(practice, admin, start, start.replace(hour=23))) == 1


def test_a_practitioner_is_refused_a_client_with_nothing_left(qtbot, practice, admin, make, shop):
    actor = make.user("practitioner", practitioner_id=shop.pract.id)
    d = open_session_dialog(qtbot, practice, actor)
    d.service.setCurrentIndex(d.service.findData(shop.therapy.id))
    click_client(qtbot, d.clients, "Hart")
    assert not d.package_left.isVisible()  # what clients have left is the front desk's
    assert "cannot be saved" in wait_warnings(qtbot, d)
    qtbot.mouseClick(d.findChild(QPushButton, "sessionSave"), Qt.MouseButton.LeftButton)
    assert d.error.isVisible() and "no package sessions left" in d.error.text()
    assert d.saved == []

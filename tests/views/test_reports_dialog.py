"""Accounting > Reports (SPEC 9.4): each tab shows the service's figures with a totals row, in the
practice's currency and locale; Export CSV… writes exactly the table's rows; a double-click on a
figure opens the ledger lines (or, for wages, the sessions) that add up to it; ageing and revenue
draw their chart; a practitioner does not get the action, staff get balances and ageing only."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from app.documents.csv_export import read_csv
from app.money_format import currency_digits, format_money
from app.services import practice_settings
from app.services.money import payments, reports
from app.services.money.reports import Figure
from app.services.people import users
from app.services.scheduling import completion
from app.views.reports.bar_chart import nice_ticks
from app.views.reports.reports_dialog import ReportsDialog
from tests.services.invoice_rows import issued

TODAY = date(2025, 12, 31)


@pytest.fixture
def books(practice, admin, make, clock):
    """Ann: $80 sessions saved Nov 20 and Dec 3, an open $60 hourly hour, paid $100, one invoice
    30 days past due part paid. Bo: an $80 session saved Dec 3 with Dr. Two, invoices in every
    ageing bucket. Wages $40 a session."""
    clock.at = datetime(2025, 12, 15, 18, tzinfo=UTC)
    therapy, yoga = make.service("Therapy", cost=8000, wage=4000), make.service("Yoga", kind="hourly", cost=6000)
    one, two = make.practitioner("Dr. One"), make.practitioner("Dr. Two")
    ann, bo = make.client("Ann", "Lee"), make.client("Bo", "Ray")
    [a1] = make.session(datetime(2025, 11, 20, 10), datetime(2025, 11, 20, 11), therapy, one, [ann])
    [a2] = make.session(datetime(2025, 12, 3, 10), datetime(2025, 12, 3, 11), therapy, one, [ann])
    make.session(datetime(2025, 12, 20, 10), datetime(2025, 12, 20, 11), yoga, one, [ann])
    [b1] = make.session(datetime(2025, 12, 3, 12), datetime(2025, 12, 3, 13), therapy, two, [bo])
    for s in (a1, a2, b1):
        completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    payments.record_payment(practice, admin, ann.id, 10000, "cash", allocate="none")
    for cents, due in ((1000, date(2025, 12, 31)), (2000, date(2025, 12, 30)), (4000, date(2025, 11, 30)),
                       (6000, date(2025, 10, 1))):
        issued(practice, bo, cents, due)
    inv = issued(practice, ann, 8000, date(2025, 12, 1), issue_date=date(2025, 11, 1))
    payments.record_payment(practice, admin, ann.id, 3000, "card", allocate=[(inv, 3000)])
    return dict(ann=ann, bo=bo, one=one, two=two)


@pytest.fixture
def open_reports(qtbot, practice):
    def _open(actor):
        d = ReportsDialog(practice, actor, TODAY)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitExposed(d)
        return d
    return _open


def click_tab(qtbot, d: ReportsDialog, name: str):
    bar = d.tabs.tabBar()
    i = d.tabs.indexOf(d.pages[name])
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
    assert d.tabs.currentWidget() is d.pages[name]
    return d.pages[name]


def texts(page) -> list[list[str]]:
    m = page.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def column(page, title: str) -> int:
    return page.model.header().index(title)


def cell_center(page, row: int, col: int) -> QPoint:
    return page.table.visualRect(page.model.index(row, col)).center()


def row_of(page, name: str) -> int:
    return next(i for i, r in enumerate(page.model.rows) if getattr(r, "name", getattr(r, "label", None)) == name)


def usd(cents: int) -> str:
    return format_money(cents, "USD", "en_US")


def test_spec_9_4_each_tab_shows_the_service_figures_with_totals(qtbot, practice, admin, books, open_reports):
    d = open_reports(admin)
    assert [d.tabs.tabText(i) for i in range(d.tabs.count())] == ["Balances", "Ageing", "Wages", "Revenue"]

    page = click_tab(qtbot, d, "balances")
    rows = reports.balances(practice, admin)
    assert texts(page) == [[r.name, usd(r.balance_cents), usd(r.open_charges_cents), usd(r.available_cents),
                            usd(r.unallocated_cents)] for r in rows] + [[
        "Total", usd(sum(r.balance_cents for r in rows)), usd(sum(r.open_charges_cents for r in rows)),
        usd(sum(r.available_cents for r in rows)), usd(sum(r.unallocated_cents for r in rows))]]
    assert texts(page)[row_of(page, "Ann Lee")] == ["Ann Lee", "-$30.00", "$60.00", "-$90.00", "$100.00"]
    money_col = column(page, "Balance")
    assert page.model.data(page.model.index(0, money_col), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    last = page.model.rowCount() - 1
    assert page.model.data(page.model.index(last, 0), Qt.ItemDataRole.FontRole).bold()

    page = click_tab(qtbot, d, "ageing")
    assert page.as_of.date().toPython() == TODAY
    by_name = {r[0]: r[1:] for r in texts(page)}
    assert by_name["Bo Ray"] == ["$10.00", "$20.00", "$40.00", "$0.00", "$60.00", "$130.00", "$0.00"]
    assert by_name["Ann Lee"] == ["$0.00", "$50.00", "$0.00", "$0.00", "$0.00", "$50.00", "$100.00"]
    assert by_name["Total"] == ["$10.00", "$70.00", "$40.00", "$0.00", "$60.00", "$180.00", "$100.00"]
    assert page.chart.categories == ["Current", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"]
    assert page.chart.values == [1000, 7000, 4000, 0, 6000]  # the chart draws the totals row

    page = click_tab(qtbot, d, "wages")
    assert page.period.period() == (date(2025, 12, 1), date(2025, 12, 31))
    assert texts(page) == [["Dr. One", "1", "$40.00"], ["Dr. Two", "1", "$40.00"], ["Total", "2", "$80.00"]]

    page = click_tab(qtbot, d, "revenue")
    assert page.period.period() == (date(2025, 1, 1), date(2025, 12, 31))
    shown = texts(page)
    assert len(shown) == 13 and shown[-1] == ["Total", "3", "$240.00"]
    assert shown[10:12] == [["November 2025", "1", "$80.00"], ["December 2025", "2", "$160.00"]]
    assert page.chart.values[10:] == [8000, 16000] and page.chart.categories[11] == "Dec 2025"
    assert page.chart.ticks[0] == 0 and page.chart.ticks[-1] >= 160


def test_spec_9_4_changing_the_period_grouping_or_day_reloads(qtbot, practice, admin, books, open_reports):
    d = open_reports(admin)
    page = click_tab(qtbot, d, "revenue")
    page.by.setCurrentIndex(page.by.findData("practitioner"))
    assert page.model.header()[0] == "Practitioner"
    assert texts(page) == [["Dr. One", "2", "$160.00"], ["Dr. Two", "1", "$80.00"], ["Total", "3", "$240.00"]]
    assert page.chart.categories == ["Dr. One", "Dr. Two"]
    page.period.preset.setCurrentText("Last month")  # November 2025
    assert texts(page) == [["Dr. One", "1", "$80.00"], ["Total", "1", "$80.00"]]
    page = click_tab(qtbot, d, "ageing")
    page.as_of.setDate(date(2025, 11, 30))  # Bo's invoices were issued Dec 1; Ann paid Dec 15
    assert texts(page) == [["Ann Lee", "$80.00", *["$0.00"] * 4, "$80.00", "$0.00"],
                           ["Total", "$80.00", *["$0.00"] * 4, "$80.00", "$0.00"]]
    assert page.chart.values == [8000, 0, 0, 0, 0]


def test_spec_0_5_a_refused_period_shows_under_the_controls(qtbot, admin, books, open_reports):
    d = open_reports(admin)
    page = click_tab(qtbot, d, "wages")
    before = texts(page)
    page.period.last.setDate(date(2025, 11, 1))  # before the first day
    assert page.error.isVisible() and page.error.text() == "To: must be on or after the first day"
    assert texts(page) == before  # the last good figures stay
    page.period.last.setDate(date(2025, 12, 31))
    assert page.error.isHidden()


@pytest.mark.parametrize("name", ["balances", "ageing", "wages", "revenue"])
def test_spec_9_4_a_reports_csv_export_matches_its_table(qtbot, tmp_path, monkeypatch, admin, books, open_reports,
                                                        name):
    d = open_reports(admin)
    page = click_tab(qtbot, d, name)
    target = tmp_path / f"{name}-report"  # no extension typed: .csv is added
    asked = []

    def save_dialog(parent, caption, suggested, filters):
        asked.append((caption, suggested, filters))
        return str(target), "CSV files (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0][1].endswith(".csv") and "*.csv" in asked[0][2]
    written = read_csv(target.with_suffix(".csv"))
    assert written[0] == page.model.header()
    shown = texts(page)
    assert len(written) - 1 == len(shown) == page.model.rowCount()
    digits = currency_digits("USD")
    for r, (line, row) in enumerate(zip(written[1:], shown, strict=True)):
        for c, col in enumerate(page.model.columns):
            if col.money:  # a plain decimal with the currency's digits: 1234.50
                assert line[c] == f"{Decimal(line[c]):.{digits}f}", line[c]
                assert usd(int(Decimal(line[c]).scaleb(digits))) == row[c], (r, c)
            else:
                assert line[c] == row[c], (r, c)
    assert page.saved.isVisible() and f"Saved {len(shown)} rows" in page.saved.text()


def test_spec_9_4_csv_amounts_stay_plain_in_another_locale(qtbot, tmp_path, monkeypatch, practice, admin, books,
                                                          open_reports):
    practice_settings.update_settings(practice, admin, locale="de_DE")  # the currency is fixed once money is recorded
    d = open_reports(admin)
    page = click_tab(qtbot, d, "balances")
    assert texts(page)[row_of(page, "Ann Lee")][1] == "-30,00\xa0$"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "b.csv"), ""))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    by_name = {line[0]: line for line in read_csv(tmp_path / "b.csv")}
    assert by_name["Ann Lee"] == ["Ann Lee", "-30.00", "60.00", "-90.00", "100.00"]


def test_cancelling_the_file_dialog_writes_nothing(qtbot, tmp_path, monkeypatch, admin, books, open_reports):
    d = open_reports(admin)
    page = click_tab(qtbot, d, "balances")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.saved.isHidden() and page.error.isHidden()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "no" / "x.csv"), ""))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible() and "could not be written" in page.error.text()


def real_double_click(qtbot, view, pos: QPoint) -> None:
    """What a mouse sends: press and release, then the double-click (QTest.mouseDClick sends only the
    last, which an item view takes as a first press when nothing was pressed there before)."""
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def double_click(qtbot, page, row: int, col: int):
    real_double_click(qtbot, page.table, cell_center(page, row, col))
    lines = page.figure_dialog
    assert lines is not None and lines.isVisible()
    return lines


def line_total(lines) -> str:
    m = lines.model
    assert m.is_total(m.rowCount() - 1)
    return m.data(m.index(m.rowCount() - 1, m.columnCount() - 1))


def test_spec_9_4_double_click_a_balance_opens_the_lines_that_add_up_to_it(qtbot, practice, admin, books,
                                                                          open_reports):
    d = open_reports(admin)
    page = click_tab(qtbot, d, "balances")
    r = row_of(page, "Ann Lee")
    figure = page.model.rows[r].balance_cents
    lines = double_click(qtbot, page, r, column(page, "Balance"))
    entries = lines.model.rows
    assert entries == reports.figure_entries(practice, admin, Figure("balance", client_id=books["ann"].id))
    assert sum(e.amount_cents for e in entries) == figure == -3000
    assert line_total(lines) == usd(figure) == texts(page)[r][1]
    assert lines.windowTitle() == "Balance of Ann Lee"
    assert "add up to -$30.00" in lines.summary.text()
    qtbot.mouseClick(lines.findChild(QPushButton, "figureLinesClose"), Qt.MouseButton.LeftButton)
    assert not lines.isVisible()
    # the totals row is no figure of one client: nothing opens
    real_double_click(qtbot, page.table, cell_center(page, page.model.rowCount() - 1, 1))
    assert page.figure_dialog is lines and not lines.isVisible()


def test_spec_9_4_double_click_a_wage_opens_the_sessions_behind_it(qtbot, practice, admin, books, open_reports):
    d = open_reports(admin)
    page = click_tab(qtbot, d, "wages")
    page.period.set_period(date(2025, 11, 1), date(2025, 12, 31))
    r = row_of(page, "Dr. One")
    lines = double_click(qtbot, page, r, column(page, "Wages"))
    sessions = lines.model.rows
    assert [(w.service_name, w.clients, w.amount_cents) for w in sessions] == [("Therapy", "Ann Lee", 4000)] * 2
    assert sum(w.amount_cents for w in sessions) == page.model.rows[r].wages_cents == 8000
    assert line_total(lines) == "$80.00"
    assert lines.model.header() == ["Date", "Session", "Session start", "Service", "Clients", "Memo", "Wage"]


def test_spec_9_4_double_click_a_revenue_row_opens_its_charges(qtbot, practice, admin, books, open_reports):
    d = open_reports(admin)
    page = click_tab(qtbot, d, "revenue")
    r = row_of(page, "December 2025")
    lines = double_click(qtbot, page, r, column(page, "Charged"))
    assert -sum(e.amount_cents for e in lines.model.rows) == page.model.rows[r].charged_cents == 16000
    assert line_total(lines) == "$160.00" == texts(page)[r][2]
    assert sorted(e.client_name for e in lines.model.rows) == ["Ann Lee", "Bo Ray"]


def test_the_lines_dialog_exports_its_lines(qtbot, tmp_path, monkeypatch, admin, books, open_reports):
    d = open_reports(admin)
    page = click_tab(qtbot, d, "balances")
    lines = double_click(qtbot, page, row_of(page, "Ann Lee"), 0)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "lines.csv"), ""))
    qtbot.mouseClick(lines.export_button, Qt.MouseButton.LeftButton)
    written = read_csv(tmp_path / "lines.csv")
    assert written[0] == lines.model.header() and len(written) == lines.model.rowCount() + 1
    assert written[-1][-1] == "-30.00"


def test_models_pass_the_model_tester(qtbot, qtmodeltester, admin, books, open_reports):
    d = open_reports(admin)
    for name in d.pages:
        qtmodeltester.check(click_tab(qtbot, d, name).model)


def test_spec_1_1_staff_see_balances_and_ageing_only(qtbot, make, books, open_reports):
    d = open_reports(make.user("staff"))
    assert list(d.pages) == ["balances", "ageing"]
    assert click_tab(qtbot, d, "ageing").model.rowCount() == 3


def test_spec_1_1_a_practitioner_does_not_get_the_reports_action(qtbot, practice, make, books, qsettings):
    from app.views.main_window import MainWindow

    pid = books["one"].id
    actor = make.user("practitioner", practitioner_id=pid)
    user = users.UserView(actor.user_id, "p", "Dr. One", "practitioner", pid, True)
    w = MainWindow(practice, user, TODAY, settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    assert w.act_reports in w.findChild(type(w.menuBar().actions()[0].menu()), "menuAccounting").actions()
    assert not w.act_reports.isEnabled()


def test_the_admin_opens_reports_from_the_accounting_menu(qtbot, practice, admin, books, qsettings):
    from app.views.main_window import MainWindow

    w = MainWindow(practice, users.first_admin(practice), TODAY, settings=qsettings, auto_backup=False)
    qtbot.addWidget(w)
    w.show()
    assert w.act_reports.isEnabled()
    w.act_reports.trigger()
    d = w.active_dialog
    assert isinstance(d, ReportsDialog) and d.isVisible()
    assert d.tabs.currentWidget() is d.pages["balances"] and d.pages["balances"].model.rowCount() == 3
    d.close()


@pytest.mark.parametrize(("lo", "hi", "ticks"), [
    (0, 9487.5, [0, 2000, 4000, 6000, 8000, 10000]), (0, 0, [0, 20, 40, 60, 80, 100]),
    (-80, 160, [-100, 0, 100, 200]), (0, 1.2, [0, 0.25, 0.5, 0.75, 1, 1.25]), (0, 7, [0, 2, 4, 6, 8]),
])
def test_chart_ticks_are_round_and_include_zero(lo, hi, ticks):
    assert nice_ticks(lo, hi) == ticks

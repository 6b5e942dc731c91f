"""Reports > Revenue (SPEC 9.4): what clients were charged in a period, by month, service or
practitioner, with a bar chart beside the table. A double-click on a row opens the charges behind
it (``reports.figure_entries``); reversals count in the period they were made (SPEC 0.4)."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel

from ...services.money import reports
from ...services.money.reports import Figure
from ..widgets.period_picker import PeriodPicker, presets
from .figure_lines_dialog import FigureLinesDialog, entry_columns
from .report_model import ReportColumn
from .report_tab import ReportTab
from .wages_tab import period_text

LINES = 5000
BY = {"month": "Month", "service": "Service", "practitioner": "Practitioner"}


def _short(row, by: str) -> str:
    """A bar's label: 'Mar 2026' for a month; a name cut to fit under a bar."""
    if by == "month":
        return date.fromisoformat(f"{row.key}-01").strftime("%b %Y")
    return row.label if len(row.label) <= 16 else row.label[:15] + "…"


class RevenueTab(ReportTab):
    name = "revenue"
    title = "Revenue"
    hint = ("Charged to clients in the period, by the day of the charge; a correction counts in the month it was "
            "made. Double-click a row to see the charges behind it.")

    def columns(self):
        return [ReportColumn("Month", lambda r: r.label),
                ReportColumn("Charges", lambda r: r.entries, number=True, total=True),
                ReportColumn("Charged", lambda r: r.charged_cents, money=True, total=True)]

    def add_controls(self, row) -> None:
        self.period = PeriodPicker("revenue", self.ctx.today, *presets(self.ctx.today)["Last 12 months"])
        self.period.changed.connect(lambda: self.loaded and self.refresh())
        self.by = QComboBox(objectName="revenueBy")
        for key, text in BY.items():
            self.by.addItem(text, key)
        self.by.currentIndexChanged.connect(lambda _i: self.loaded and self.refresh())
        row.addWidget(self.period)
        row.addSpacing(12)
        row.addWidget(QLabel("By"))
        row.addWidget(self.by)

    def add_body(self, body) -> None:
        self.chart = self.chart_under_table(body, "revenueChart", "Charged by month")

    def grouping(self) -> str:
        return self.by.currentData()

    def load(self):
        by = self.grouping()
        self.model.columns[0] = ReportColumn(BY[by], lambda r: r.label)
        return reports.revenue(self.ctx.practice, self.ctx.actor, *self.period.period(), by)

    def show_rows(self, rows) -> None:
        by = self.grouping()
        self.chart.chart().setTitle(f"Charged by {by}")
        self.chart.set_bars([_short(r, by) for r in rows], [r.charged_cents for r in rows])

    def open_figure(self, row) -> None:
        first, last = self.period.period()
        by = self.grouping()
        lines = reports.figure_entries(self.ctx.practice, self.ctx.actor,
                                       Figure("revenue", first_day=first, last_day=last, by=by, key=row.key),
                                       limit=LINES)
        self.show_dialog(FigureLinesDialog(
            self.ctx, f"Charged: {row.label}, {period_text(first, last)}",
            entry_columns("Charged", sign=-1, practitioner=by != "practitioner"), lines, row.charged_cents,
            "charges", f"revenue-{by}-{row.key or 'other'}-{first.isoformat()}-{last.isoformat()}.csv", LINES, self))

    def csv_name(self) -> str:
        first, last = self.period.period()
        return f"revenue-by-{self.grouping()}-{first.isoformat()}-{last.isoformat()}.csv"

"""Reports > Ageing (SPEC 9.4): what each client owed on a chosen day by days past due (current,
1-30, 31-60, 61-90, over 90), with money paid but not yet allocated apart; under the table, a chart
of the whole practice's amounts per bucket."""
from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from ...services.money import reports
from ..widgets.period_picker import date_field, pydate
from .report_model import ReportColumn
from .report_tab import ReportTab

BUCKETS = ("Current", "1–30 days", "31–60 days", "61–90 days", "Over 90 days")
COLORS = [QColor(c) for c in ("#38a169", "#d69e2e", "#dd6b20", "#e53e3e", "#9b2c2c")]


def _bucket(i: int):
    return lambda r: r.buckets_cents[i]


class AgeingTab(ReportTab):
    name = "ageing"
    title = "Ageing"
    hint = ("Owed on invoices issued by the chosen day, less what was allocated to them by then, by days past "
            "the due date. Unallocated credit (paid, not yet allocated to an invoice) is kept apart.")

    def columns(self):
        return [ReportColumn("Client", lambda r: r.name),
                *(ReportColumn(title, _bucket(i), money=True, total=True) for i, title in enumerate(BUCKETS)),
                ReportColumn("Total owed", lambda r: r.total_cents, money=True, total=True),
                ReportColumn("Unallocated credit", lambda r: r.unallocated_cents, money=True, total=True)]

    def add_controls(self, row) -> None:
        self.as_of = date_field("ageingAsOf", self.ctx.today)
        self.as_of.dateChanged.connect(lambda _d: self.loaded and self.refresh())
        row.addWidget(QLabel("As of"))
        row.addWidget(self.as_of)

    def add_body(self, body) -> None:
        self.chart = self.chart_under_table(body, "ageingChart", "Owed by days past due")

    def load(self):
        return reports.ageing(self.ctx.practice, self.ctx.actor, pydate(self.as_of.date()))

    def show_rows(self, rows) -> None:
        sums = [sum(r.buckets_cents[i] for r in rows) for i in range(len(BUCKETS))]
        self.chart.set_bars(BUCKETS, sums, COLORS)

    def csv_name(self) -> str:
        return f"ageing-{pydate(self.as_of.date()).isoformat()}.csv"

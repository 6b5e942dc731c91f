"""Reports > Wages (SPEC 9.4): each practitioner's wages for a period; a double-click on one opens
the wage lines with the sessions behind them (``reports.wage_sessions``)."""
from __future__ import annotations

from ...services.money import reports
from ..widgets.period_picker import PeriodPicker, month_of
from .figure_lines_dialog import FigureLinesDialog, wage_columns
from .report_model import ReportColumn
from .report_tab import ReportTab


def period_text(first, last) -> str:
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


class WagesTab(ReportTab):
    name = "wages"
    title = "Wages"
    hint = ("Wage lines dated in the period, reversals included. Double-click a practitioner to see the sessions "
            "behind their wages.")

    def columns(self):
        return [ReportColumn("Practitioner", lambda r: r.name),
                ReportColumn("Sessions paid", lambda r: r.sessions, number=True, total=True),
                ReportColumn("Wages", lambda r: r.wages_cents, money=True, total=True)]

    def add_controls(self, row) -> None:
        self.period = PeriodPicker("wages", self.ctx.today, *month_of(self.ctx.today))
        self.period.changed.connect(lambda: self.loaded and self.refresh())
        row.addWidget(self.period)

    def add_body(self, body) -> None:
        self.chart = self.chart_under_table(body, "wagesChart", "Wages by practitioner", 2)  # a few rows

    def load(self):
        return reports.wages(self.ctx.practice, self.ctx.actor, *self.period.period())

    def show_rows(self, rows) -> None:
        self.chart.set_bars([r.name for r in rows], [r.wages_cents for r in rows])

    def open_figure(self, row) -> None:
        first, last = self.period.period()
        lines = reports.wage_sessions(self.ctx.practice, self.ctx.actor, row.practitioner_id, first, last)
        self.show_dialog(FigureLinesDialog(
            self.ctx, f"Wages of {row.name}, {period_text(first, last)}", wage_columns(), lines, row.wages_cents,
            "wage lines", f"wages-{row.practitioner_id}-{first.isoformat()}-{last.isoformat()}.csv", parent=self))

    def csv_name(self) -> str:
        first, last = self.period.period()
        return f"wages-{first.isoformat()}-{last.isoformat()}.csv"

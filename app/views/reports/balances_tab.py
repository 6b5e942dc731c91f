"""Reports > Balances (SPEC 6, 9.4): every client's balance, what their open sessions will cost,
their available credit and the money they paid that is not yet allocated to an invoice. A
double-click on a client opens the ledger lines that add up to their balance."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from ...services.money import reports
from ...services.money.reports import Figure
from .figure_lines_dialog import FigureLinesDialog, entry_columns
from .report_model import ReportColumn
from .report_tab import ReportTab

LINES = 5000


class BalancesTab(ReportTab):
    name = "balances"
    title = "Balances"
    hint = ("Balance: payments less charges of saved sessions. Available: the balance less what open sessions "
            "will cost. Double-click a client to see the ledger lines behind their balance.")

    def columns(self):
        return [ReportColumn("Client", lambda r: r.name),
                ReportColumn("Balance", lambda r: r.balance_cents, money=True, total=True),
                ReportColumn("Open charges", lambda r: r.open_charges_cents, money=True, total=True),
                ReportColumn("Available", lambda r: r.available_cents, money=True, total=True),
                ReportColumn("Unallocated credit", lambda r: r.unallocated_cents, money=True, total=True)]

    def add_controls(self, row) -> None:
        self.include_zero = QCheckBox("Include clients with nothing", objectName="balancesIncludeZero")
        self.include_zero.toggled.connect(lambda _on: self.refresh())
        row.addWidget(self.include_zero)

    def load(self):
        return reports.balances(self.ctx.practice, self.ctx.actor, include_zero=self.include_zero.isChecked())

    def open_figure(self, row) -> None:
        lines = reports.figure_entries(self.ctx.practice, self.ctx.actor, Figure("balance", client_id=row.client_id),
                                       limit=LINES)
        self.show_dialog(FigureLinesDialog(
            self.ctx, f"Balance of {row.name}", entry_columns(client=False), lines, row.balance_cents,
            "ledger lines", f"balance-{row.client_id}-{self.ctx.today.isoformat()}.csv", LINES, self))

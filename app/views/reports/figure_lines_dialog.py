"""The ledger lines behind one figure of a report (SPEC 9.4: each figure traceable to its ledger
lines): a client's balance, a practitioner's wages with the sessions behind them, or a revenue row.
The lines come from ``reports.figure_entries`` or ``reports.wage_sessions``; the totals row under
them equals the figure the user double-clicked. Export CSV… writes the lines as shown."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout

from ...documents import csv_export
from ..widgets.messages import error_label
from ..widgets.record_table import done_label, heading, muted, records_table
from .report_model import ReportColumn, ReportModel
from .report_tab import ReportContext, ask_csv_path

KIND_LABELS = {"charge": "Charge", "wage": "Wage", "payment": "Payment", "refund": "Refund", "writeoff": "Write-off"}


def _kind(e) -> str:
    text = KIND_LABELS.get(e.kind, e.kind)
    return f"{text} (reversal)" if e.reverses_id is not None else text


def _session(session_id) -> str:
    return f"#{session_id}" if session_id is not None else ""


def entry_columns(amount_title: str = "Amount", sign: int = 1, client: bool = True,
                  practitioner: bool = False) -> list[ReportColumn]:
    """Columns for ``reports.EntryLine`` rows; ``sign=-1`` shows charges as what was charged."""
    cols = [ReportColumn("Date", lambda e: e.effective_at), ReportColumn("Line", lambda e: e.id, number=True),
            ReportColumn("Kind", _kind)]
    if client:
        cols.append(ReportColumn("Client", lambda e: e.client_name))
    if practitioner:
        cols.append(ReportColumn("Practitioner", lambda e: e.practitioner_name))
    cols += [ReportColumn("Session", lambda e: _session(e.session_id)),
             ReportColumn("Memo", lambda e: e.memo, stretch=True),
             ReportColumn(amount_title, lambda e: sign * e.amount_cents, money=True, total=True)]
    return cols


def wage_columns() -> list[ReportColumn]:
    """Columns for ``reports.WageSession`` rows: each wage line with the session behind it."""
    return [ReportColumn("Date", lambda w: w.effective_at),
            ReportColumn("Session", lambda w: _session(w.session_id)),
            ReportColumn("Session start", lambda w: w.session_start),
            ReportColumn("Service", lambda w: w.service_name),
            ReportColumn("Clients", lambda w: w.clients, stretch=True),
            ReportColumn("Memo", lambda w: w.memo),
            ReportColumn("Wage", lambda w: w.amount_cents, money=True, total=True)]


class FigureLinesDialog(QDialog):
    """``figure_cents`` is the figure as the report showed it; ``limit`` how many lines the service
    was asked for (when that many came back, the list may be cut and the total says so)."""

    def __init__(self, ctx: ReportContext, title: str, columns: Sequence[ReportColumn], rows: Sequence,
                 figure_cents: int, what: str, csv_name: str, limit: int | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("figureLinesDialog")
        self.setWindowTitle(title)
        self.ctx, self.csv_name, self.title = ctx, csv_name, title
        self.model = ReportModel(columns, ctx.money, self)
        self.model.set_rows(rows)
        self.table = records_table(self.model, "figureLinesTable")
        n = len(rows)
        total = sum(int(columns[-1].value(r)) for r in rows)
        if limit is not None and n >= limit:
            text = f"The first {n:,} {what} are shown: they add up to {ctx.money(total)} of {ctx.money(figure_cents)}."
        elif n:
            text = f"{n:,} {what if n != 1 else what.rstrip('s')} add{'s' * (n == 1)} up to {ctx.money(total)}."
        else:
            text = f"No {what}: the figure is {ctx.money(figure_cents)}."
        self.summary = muted(text, "figureLinesSummary")
        self.export_button = QPushButton("Export CSV…", objectName="figureLinesExport")
        self.export_button.clicked.connect(self.export_csv)
        self.error = error_label("figureLinesError")
        self.error.hide()
        self.saved = done_label("figureLinesDone")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("figureLinesClose")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, "figureLinesHeading"))
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.saved)
        layout.addWidget(buttons)
        self.resize(900, 420)

    def export_csv(self):
        self.saved.hide()
        path = ask_csv_path(self, f"Export {self.title} as CSV", self.csv_name)
        if path is None:
            return None
        try:
            n = csv_export.write_csv(path, self.model.header(), self.model.export_rows(), self.ctx.currency)
        except OSError as exc:
            self.error.setText(f"The file could not be written: {exc.strerror or exc}.")
            self.error.show()
            return None
        self.saved.setText(f"Saved {n} row{'s' * (n != 1)} to {path}.")
        self.saved.show()
        return path

"""What every report tab shares (SPEC 9.4): its controls in a row above the table, Refresh and
Export CSV…, a line for a service's refusal or what was saved, the table with its totals row, and a
double-click on a figure that opens the ledger lines behind it. A tab loads when first shown."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...documents import csv_export
from ...money_format import currency_digits, format_money_short
from ...services.errors import ServiceError
from ..widgets.messages import error_label, error_text
from ..widgets.record_table import done_label, muted, records_table
from .report_model import ReportColumn, ReportModel


@dataclass(frozen=True)
class ReportContext:
    """What the tabs need from the window: the practice and who acts, the practice's today, and
    its money (currency and locale from the practice settings)."""

    practice: object
    actor: object
    today: date
    currency: str
    locale: str
    money: Callable[[int], str]

    @property
    def digits(self) -> int:
        return currency_digits(self.currency)

    def short(self, cents: int) -> str:
        """An amount for a chart's axis ('$12.5K')."""
        return format_money_short(cents, self.currency, self.locale)


def csv_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home())


def ask_csv_path(parent: QWidget, caption: str, suggested: str) -> Path | None:
    """The file to write, from the save dialog (tests replace ``QFileDialog.getSaveFileName``);
    None if cancelled. A name without an extension gets '.csv'."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, caption, str(csv_folder() / suggested),
                                                  "CSV files (*.csv);;All files (*)")
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix else path.with_suffix(".csv")


class ReportTab(QWidget):
    """Subclasses set ``name`` (object names start with it), ``title``, ``columns()``, ``load()``
    (the service call), and optionally ``open_figure(row)`` and ``show_rows(rows)`` (a chart)."""

    name = "report"
    title = "Report"
    hint = ""  # under the table, e.g. "Double-click a balance to see its ledger lines."

    def __init__(self, ctx: ReportContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"{self.name}Tab")
        self.loaded = False
        self.figure_dialog = None  # the last ledger-lines dialog opened from this tab
        self.model = ReportModel(self.columns(), ctx.money, self)
        self.table = records_table(self.model, f"{self.name}Table")
        # columns as wide as their text, left to right, so a figure stays near its name (_fit_columns)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self._activated)
        self.refresh_button = QPushButton("Refresh", objectName=f"{self.name}Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export CSV…", objectName=f"{self.name}Export")
        self.export_button.clicked.connect(self.export_csv)
        self.error = error_label(f"{self.name}Error")
        self.error.hide()
        self.saved = done_label(f"{self.name}Done")
        self.controls = QHBoxLayout()
        self.controls.setContentsMargins(0, 0, 0, 0)
        self.add_controls(self.controls)
        self.controls.addStretch(1)
        self.controls.addWidget(self.refresh_button)
        self.controls.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.controls)
        layout.addWidget(self.error)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.add_body(self.body)
        layout.addLayout(self.body, 1)
        if self.hint:
            layout.addWidget(muted(self.hint, f"{self.name}Hint"))
        layout.addWidget(self.saved)

    # for subclasses --------------------------------------------------------------------------------
    def columns(self) -> Sequence[ReportColumn]:
        raise NotImplementedError

    def load(self) -> list:
        raise NotImplementedError

    def add_controls(self, row: QHBoxLayout) -> None:
        """Put the period, as-of date or other choices in ``row``."""

    def add_body(self, body: QVBoxLayout) -> None:
        """The table, and a chart beside or under it."""
        body.addWidget(self.table)

    def chart_under_table(self, body: QVBoxLayout, name: str, title: str, chart_share: int = 1):
        """A bar chart under the table, the two parted by a splitter (the chart taking ``chart_share``
        parts of the height to the table's one); returns the chart."""
        from .bar_chart import BarChart  # QtCharts only once a report with a chart opens

        chart = BarChart(name, title, self.ctx.short, self.ctx.digits)
        split = QSplitter(Qt.Orientation.Vertical, objectName=f"{self.name}Splitter")
        split.addWidget(self.table)
        split.addWidget(chart)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, chart_share)
        if chart_share != 1:  # else the table keeps the height its rows ask for (revenue's 13 rows)
            split.setSizes([300, 300 * chart_share])
        split.setChildrenCollapsible(False)
        body.addWidget(split)
        return chart

    def show_rows(self, rows: list) -> None:
        """After a refresh: draw the chart."""

    def open_figure(self, row) -> None:
        """Open the ledger lines behind ``row``'s figure (a service row, never the totals row)."""

    def csv_name(self) -> str:
        return f"{self.name}-{self.ctx.today.isoformat()}.csv"

    # ---------------------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def refresh(self) -> bool:
        self.loaded = True
        self.error.hide()
        try:
            rows = self.load()
        except ServiceError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            return False
        self.model.set_rows(rows)
        self._fit_columns()
        self.show_rows(rows)
        return True

    def _fit_columns(self) -> None:
        """Each column as wide as its text (names at least 180 px, figures 100) plus some air."""
        for c in range(len(self.model.columns)):
            self.table.resizeColumnToContents(c)
            least = 180 if c == 0 else 100
            self.table.setColumnWidth(c, max(least, self.table.columnWidth(c) + 16))

    def export_csv(self) -> Path | None:
        """Writes exactly the table's rows, totals row included, to the file the user chooses."""
        self.saved.hide()
        path = ask_csv_path(self, f"Export {self.title} as CSV", self.csv_name())
        if path is None:
            return None
        try:
            n = csv_export.write_csv(path, self.model.header(), self.model.export_rows(), self.ctx.currency)
        except OSError as exc:
            self.error.setText(f"The file could not be written: {exc.strerror or exc}.")
            self.error.show()
            return None
        self.error.hide()
        self.saved.setText(f"Saved {n} row{'s' * (n != 1)} to {path}.")
        self.saved.show()
        return path

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_figure(row)

    def show_dialog(self, dialog) -> None:
        """Opens a ledger-lines dialog over the report without blocking it. The one before is
        deleted now (not on close: a click on its Close button must not delete the button under it)."""
        if self.figure_dialog is not None:
            self.figure_dialog.deleteLater()
        self.figure_dialog = dialog
        dialog.open()

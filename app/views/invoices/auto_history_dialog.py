"""Accounting ▸ Auto Invoices ▸ Auto History… (SPEC 10.3): each automatic invoicing run (when, the
interval, the periods invoiced, clients, invoices, failures, total) and, for the run chosen, each
client's result: the invoice and amount, whether it was e-mailed and how that went, or the error and
its reason. Retry tries a failed client again (or sends a failed e-mail again), off the GUI thread."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import BillingResultStatus, MessageStatus
from ...services.billing import auto_invoicing
from ...services.errors import ServiceError
from ...services.money.amounts import format_money
from ..widgets.background_call import BackgroundCall
from ..widgets.messages import error_label, error_text
from ..widgets.record_table import done_label, muted
from ..widgets.rows_model import Column, RowsTableModel

RED, GREEN = QColor("#c53030"), QColor("#276749")
INTERVAL_TEXT = {"weekly": "Weekly", "biweekly": "Every other week", "monthly": "Monthly"}


def _span(first, last) -> str:
    if first is None:
        return ""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def periods(run: auto_invoicing.RunView) -> str:
    """The periods the run invoiced, in words."""
    parts = []
    if run.completed_first is not None:
        parts.append(f"completed {_span(run.completed_first, run.completed_last)}")
    if run.scheduled_first is not None:
        parts.append(f"scheduled {_span(run.scheduled_first, run.scheduled_last)}")
    return "; ".join(parts)


def email_text(r: auto_invoicing.ResultView) -> str:
    if not r.emailed:
        return "not e-mailed" if r.status == BillingResultStatus.INVOICED else ""
    return {MessageStatus.SENT: "sent", MessageStatus.QUEUED: "waiting to be sent",
            MessageStatus.SENDING: "being sent", MessageStatus.FAILED: "failed"}.get(r.email_status, r.email_status)


CARD_TEXT = {"succeeded": "charged", "declined": "declined", "needs_authentication": "client to confirm",
             "failed": "not charged", "pending": "no answer yet"}


def card_text(r: auto_invoicing.ResultView) -> str:
    """The invoice's card charge (SPEC 10.4): charged, declined, ... or "" (no card on file)."""
    return CARD_TEXT.get(r.charge_status, r.charge_status)


def reason(r: auto_invoicing.ResultView) -> str:
    if r.status == BillingResultStatus.FAILED:
        return r.error
    if r.email_status == MessageStatus.FAILED:
        return f"E-mail: {r.email_error}"
    if r.charge_status and r.charge_status != "succeeded" and r.charge_error:
        return f"Card: {r.charge_error}"
    return r.note


class AutoHistoryDialog(QDialog):
    def __init__(self, practice, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("autoHistoryDialog")
        self.setWindowTitle("Automatic invoicing history")
        self.practice, self.actor = practice, actor
        conf = practice.settings()
        self.money = lambda cents: format_money(cents, conf["currency"], conf["locale"])
        self.changed = False
        self.retry_call: BackgroundCall | None = None
        self.runs = RowsTableModel([
            Column("Run", lambda r: f"{r.scheduled_for:%a %d %b %Y %H:%M}"),
            Column("Interval", lambda r: INTERVAL_TEXT.get(r.interval, r.interval)),
            Column("Sessions invoiced", periods),
            Column("Clients", lambda r: r.clients, align_right=True),
            Column("Invoiced", lambda r: r.invoiced, align_right=True),
            Column("Failed", lambda r: r.failed or "", align_right=True, color=lambda r: RED if r.failed else None),
            Column("Total", lambda r: self.money(r.total_cents), align_right=True),
            Column("Status", lambda r: r.status, color=lambda r: RED if r.failed else None),
            Column("Started by", lambda r: r.started_by if r.source == auto_invoicing.APP
                   else f"{r.started_by} ({r.source})"),
        ], self)
        self.results = RowsTableModel([
            Column("Client", lambda r: r.client_name),
            Column("Result", lambda r: r.status,
                   color=lambda r: RED if r.status == BillingResultStatus.FAILED else GREEN),
            Column("Invoice", lambda r: r.invoice_number or ""),
            Column("Amount", lambda r: self.money(r.amount_cents) if r.invoice_id else "", align_right=True),
            Column("E-mail", email_text, color=lambda r: RED if r.email_status == MessageStatus.FAILED else None),
            Column("Card", card_text, color=lambda r: GREEN if r.charge_status == "succeeded"
                   else RED if r.charge_status else None),
            Column("Reason", reason),
        ], self)
        self.run_table = self._table(self.runs, "autoRunsTable")
        self.run_table.horizontalHeader().setStretchLastSection(False)
        self.run_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the periods
        self.result_table = self._table(self.results, "autoResultsTable")
        self.run_table.selectionModel().currentRowChanged.connect(lambda *_: self.show_results())
        self.result_table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.empty = muted("No automatic invoicing run yet. Runs are listed here once they have happened "
                           "(Accounting ▸ Auto Invoices ▸ Auto Settings… switches them on).", "autoHistoryEmpty")
        self.detail = QLabel(objectName="autoRunDetail", wordWrap=True)
        self.retry = QPushButton("Retry", objectName="autoRetry", enabled=False)
        self.retry.setToolTip("Invoice this client again for the run's periods, or send its e-mail again")
        self.retry.clicked.connect(self.retry_selected)
        self.error = error_label("autoHistoryError")
        self.done_line = done_label("autoHistoryDone")
        close = QPushButton("Close", objectName="autoHistoryClose")
        close.clicked.connect(self.accept)
        lower = QWidget()
        lbox = QVBoxLayout(lower)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(self.detail)
        lbox.addWidget(self.result_table)
        split = QSplitter(Qt.Orientation.Vertical, objectName="autoHistorySplit")
        split.addWidget(self.run_table)
        split.addWidget(lower)
        split.setSizes([200, 320])
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.done_line)
        layout.addLayout(buttons)
        self.resize(1060, 640)
        self.refresh()

    @staticmethod
    def _table(model, name) -> QTableView:
        t = QTableView(objectName=name)
        t.setModel(model)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.verticalHeader().hide()
        t.setWordWrap(False)
        t.horizontalHeader().setStretchLastSection(True)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return t

    def refresh(self, keep_run: int | None = None) -> None:
        rows = auto_invoicing.list_runs(self.practice, self.actor)
        self.runs.set_rows(rows)
        self.empty.setVisible(not rows)
        if rows:
            index = next((i for i, r in enumerate(rows) if r.id == keep_run), 0)
            self.run_table.selectRow(index)
        self.show_results()

    def current_run(self) -> auto_invoicing.RunView | None:
        i = self.run_table.currentIndex()
        return self.runs.rows[i.row()] if i.isValid() else None

    def current_result(self) -> auto_invoicing.ResultView | None:
        i = self.result_table.currentIndex()
        return self.results.rows[i.row()] if i.isValid() else None

    def show_results(self, keep_client: int | None = None) -> None:
        run = self.current_run()
        rows = auto_invoicing.run_results(self.practice, self.actor, run.id) if run else []
        self.results.set_rows(rows)
        if run is None:
            self.detail.setText("")
        else:
            mailed = "e-mailed with the PDF" if run.email else "not e-mailed"
            none = " No client had sessions to invoice." if not rows and run.finished_at else ""
            unfinished = (" This run was stopped before the end; the rest is done at the next run."
                          if run.finished_at is None else "")
            self.detail.setText(f"Run of {run.run_date:%A %d %B %Y}: {periods(run)}; invoices {mailed}."
                                f"{none}{unfinished}")
        if rows:
            index = next((i for i, r in enumerate(rows) if r.client_id == keep_client), 0)
            self.result_table.selectRow(index)
        self._enable()

    def _enable(self) -> None:
        r = self.current_result()
        self.retry.setEnabled(r is not None and r.can_retry)

    def retry_selected(self) -> None:
        """Retry off the GUI thread (it may invoice and then talk to the mail server) under a wait dialog."""
        r, run = self.current_result(), self.current_run()
        if r is None or run is None or (self.retry_call is not None and self.retry_call.running):
            return
        self.error.hide()
        self.done_line.hide()
        self.retry.setEnabled(False)
        self.retry_call = BackgroundCall(self, f"Trying {r.client_name} again…", auto_invoicing.retry_client,
                                         self.practice, self.actor, run.id, r.client_id, title="Retry")
        self.retry_call.finished.connect(lambda got: self._retried(run.id, r.client_id, got))
        self.retry_call.start()

    def _retried(self, run_id: int, client_id: int, got) -> None:
        if isinstance(got, ServiceError):
            self.error.setText(error_text(got))
            self.error.show()
            self._enable()
            return
        if isinstance(got, Exception):
            self.error.setText(f"The retry stopped because of an unexpected problem ({type(got).__name__}: {got}).")
            self.error.show()
            self._enable()
            return
        self.changed = True
        if got.status == BillingResultStatus.FAILED:
            self.error.setText(f"{got.client_name} could still not be invoiced: {got.error}")
            self.error.show()
        elif got.email_status == MessageStatus.FAILED:
            self.error.setText(f"Invoice {got.invoice_number} is made, but its e-mail could still not be sent: "
                               f"{got.email_error}")
            self.error.show()
        else:
            self.done_line.setText(f"{got.client_name}: invoice {got.invoice_number} for "
                                   f"{self.money(got.amount_cents)}"
                                   + (", e-mailed." if got.email_status == MessageStatus.SENT else "."))
            self.done_line.show()
        self.refresh(keep_run=run_id)
        self.show_results(keep_client=client_id)

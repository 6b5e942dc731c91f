"""Clients ▸ Requests…: the front desk's inbox of sessions clients asked for (SPEC 1.1, 1.4).

Pending requests first, soonest first (or every request, the decided ones with their outcome). New
request… records one on the client's behalf. Accept books the session through the service with the
client rules: a refusal (not enough credit, nothing left on a package, SPEC 6) is shown in plain words
and books nothing; a conflict or closure is asked about as the session form asks ("Save anyway?").
Decline… asks the reason to give the client."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ..models.enums import RequestStatus
from ..services.errors import NeedsConfirmation, ServiceError
from ..services.people import practitioners
from ..services.scheduling import client_requests
from ..services.scheduling.client_requests import RequestView
from .client_request_form import ClientRequestDialog
from .widgets.amount_reason_dialog import AmountReasonDialog
from .widgets.messages import confirm_warnings, show_error
from .widgets.record_table import (
    RecordsModel,
    RichColumn,
    done_label,
    muted,
    records_table,
    select_where,
    selected_row,
)

PAGE = 200
EMPTY_PENDING = "No requests waiting. When a client asks for a session, record it with New request\u2026"
EMPTY_ALL = "No client requests yet. When a client asks for a session, record it with New request\u2026"
STATUS_COLORS = {RequestStatus.ACCEPTED: QColor("#276749"), RequestStatus.DECLINED: QColor("#9b2c2c")}


def when(r: RequestView) -> str:
    return f"{r.start:%a %d %b %Y}, {r.start:%H:%M}\u2013{r.end:%H:%M}"


def outcome(r: RequestView) -> str:
    if r.status == RequestStatus.ACCEPTED:
        return "Accepted: booked"
    if r.status == RequestStatus.DECLINED:
        return f"Declined: {r.decline_reason}"
    return "Pending"


def _recorded(r: RequestView) -> str:
    text = (f"{outcome(r)}\n" if r.decline_reason else "") + f"Recorded {r.recorded_at:%d %b %Y %H:%M}" + (f" by {r.recorded_by}" if r.recorded_by else "")
    if r.decided_at is not None:
        text += f"\n{r.status.capitalize()} {r.decided_at:%d %b %Y %H:%M}" + (
            f" by {r.decided_by}" if r.decided_by else "")
    return text


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


class ClientRequestsDialog(QDialog):
    """``changed``: a request was accepted, so a session was booked (the calendar should reload)."""

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("clientRequestsDialog")
        self.setWindowTitle("Client requests")
        self.practice, self.actor = practice, actor
        self.changed = False
        self.limit = PAGE
        self.model = RecordsModel([
            RichColumn("When", when),
            RichColumn("Client", lambda r: r.client_name),
            RichColumn("Service", lambda r: r.service_name),
            RichColumn("Location", lambda r: r.location_name or "\u2014"),
            RichColumn("Practitioner", lambda r: r.practitioner_name or "Anyone"),
            RichColumn("Note", lambda r: _short(r.note), tooltip=lambda r: r.note, stretch=True),
            RichColumn("Status", lambda r: _short(outcome(r), 34), tooltip=_recorded,
                       color=lambda r: STATUS_COLORS.get(r.status))], self)
        self.table = records_table(self.model, "requestsTable")
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._sync())
        self.empty = muted(EMPTY_PENDING, "requestsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.filter = QComboBox(objectName="requestsFilter")
        self.filter.addItem("Pending requests", RequestStatus.PENDING.value)
        self.filter.addItem("All requests", None)
        self.filter.currentIndexChanged.connect(lambda _i: self.reload())
        new = QPushButton("New request\u2026", objectName="requestsNew")
        new.clicked.connect(self.new_request)
        self.more = QPushButton("Show more", objectName="requestsMore")
        self.more.clicked.connect(self._show_more)
        self.count = QLabel(objectName="requestsCount")
        self.count.setStyleSheet("color: #4a5568;")

        self.practitioner = QComboBox(objectName="requestsPractitioner")
        self.practitioner.addItem("Choose who\u2026", None)
        for p in practitioners.list_practitioners(practice, actor):
            self.practitioner.addItem(p.name, p.id)
        self.accept_button = QPushButton("Accept", objectName="requestsAccept")
        self.decline_button = QPushButton("Decline\u2026", objectName="requestsDecline")
        close = QPushButton("Close", objectName="requestsClose")
        self.accept_button.clicked.connect(self.accept_selected)
        self.decline_button.clicked.connect(self.decline_selected)
        close.clicked.connect(self.accept)
        self.done_line = done_label("requestsDone")

        top = QHBoxLayout()
        top.addWidget(self.filter)
        top.addWidget(self.count, 1)
        top.addWidget(new)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Book with"))
        bottom.addWidget(self.practitioner)
        bottom.addWidget(self.accept_button)
        bottom.addWidget(self.decline_button)
        bottom.addStretch(1)
        bottom.addWidget(self.more)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.done_line)
        layout.addLayout(bottom)
        self.resize(1040, 460)
        self.reload()

    # -- the list ---------------------------------------------------------------------------------
    def status(self) -> str | None:
        return self.filter.currentData()

    def reload(self) -> None:
        keep = selected_row(self.table)
        try:
            rows = client_requests.list_requests(self.practice, self.actor, self.status(), self.limit + 1)
            waiting = client_requests.count_requests(self.practice, self.actor)
        except ServiceError as exc:
            show_error(self, exc)
            rows, waiting = [], 0
        has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        self.model.set_rows(rows)
        if keep is not None:
            select_where(self.table, lambda r: r.id == keep.id)
        if selected_row(self.table) is None and rows and rows[0].pending:
            self.table.selectRow(0)  # the next one waiting
        self.empty.setText(EMPTY_PENDING if self.status() else EMPTY_ALL)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.more.setVisible(has_more)
        self.count.setText(f"{waiting} waiting" if waiting else "Nothing waiting")
        self._sync()

    def _show_more(self) -> None:
        self.limit += PAGE
        self.reload()

    def _sync(self) -> None:
        row = selected_row(self.table)
        pending = row is not None and row.pending
        for w in (self.accept_button, self.decline_button, self.practitioner):
            w.setEnabled(pending)
        if pending:
            self.practitioner.setCurrentIndex(max(0, self.practitioner.findData(row.practitioner_id)))

    # -- actions ----------------------------------------------------------------------------------
    def make_form(self) -> ClientRequestDialog:
        day = self.practice.clock.now().astimezone(self.practice.tz).date()
        return ClientRequestDialog(self.practice, self.actor, day, self)

    def new_request(self) -> None:
        try:
            form = self.make_form()
        except ServiceError as exc:
            show_error(self, exc)
            return
        if form.exec() and form.recorded is not None:
            self.reload()
            select_where(self.table, lambda r: r.id == form.recorded.id)
            self._say(f"Recorded {form.recorded.client_name}'s request for {when(form.recorded)}.")
        form.deleteLater()

    def accept_selected(self) -> None:
        row = selected_row(self.table)
        if row is None or not row.pending:
            return
        chosen = self.practitioner.currentData()
        try:
            try:
                done = client_requests.accept_request(self.practice, self.actor, row.id, chosen)
            except NeedsConfirmation as need:
                if not confirm_warnings(self, need.warnings):
                    return
                done = client_requests.accept_request(self.practice, self.actor, row.id, chosen, confirm=True)
        except ServiceError as exc:
            show_error(self, exc, "Cannot accept this request")
            self.reload()  # decided at another desk meanwhile: show it as it is now
            return
        self.changed = True
        self.reload()
        s = done.session
        self._say(f"Accepted: {row.client_name} is booked with {s.practitioner_name} on {s.start:%a %d %b} at "
                  f"{s.start:%H:%M}.")

    def make_decline_dialog(self, row: RequestView) -> AmountReasonDialog:
        return AmountReasonDialog(
            "declineRequest", "Decline request",
            f"{row.client_name} asked for {row.service_name} on {when(row)}. Nothing is booked; the reason is "
            "kept with the request.",
            lambda _cents, reason, _choice: client_requests.decline_request(self.practice, self.actor, row.id, reason),
            "Decline", reason_hint="Why, as you will tell the client", parent=self)

    def decline_selected(self) -> None:
        row = selected_row(self.table)
        if row is None or not row.pending:
            return
        dialog = self.make_decline_dialog(row)
        if dialog.exec() and dialog.result is not None:
            self._say(f"Declined {row.client_name}'s request: {dialog.result.decline_reason}")
        dialog.deleteLater()
        self.reload()

    def _say(self, text: str) -> None:
        self.done_line.setText(text)
        self.done_line.show()

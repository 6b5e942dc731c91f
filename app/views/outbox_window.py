"""The outbox (SPEC 7.1, 7.2, 7.4): every e-mail and SMS with its recipient, subject, status, error
and time, newest first, read a page at a time as the list scrolls; a filter by status; Retry for a
failed message, Retry all failed, Send queued. Sending runs off the GUI thread (OutboxSender) with a
progress dialog that can be stopped; the list is read again when it ends."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
)

from ..models.enums import MessageStatus
from ..services.errors import ServiceError
from ..services.messaging import outbox
from .events import events_near
from .settings.record_panel import button
from .widgets.messages import error_text
from .widgets.outbox_sender import OutboxSender
from .widgets.record_table import muted

PAGE = 200
_ROOT = QModelIndex()
STATUS_WORDS = {"queued": "Waiting", "sending": "Sending", "sent": "Sent", "failed": "Failed"}
STATUS_COLOURS = {"failed": QColor("#c53030"), "sent": QColor("#276749"), "sending": QColor("#b7791f")}
CHANNEL_WORDS = {"email": "E-mail", "sms": "SMS"}
PURPOSE_WORDS = {"cancellation": "Cancellation", "reminder": "Reminder", "invoice": "Invoice", "test": "Test",
                 "card_link": "Card link", "receipt": "Receipt",
                 "other": "Other"}
COLUMNS = ("Queued", "Channel", "To", "Subject or text", "Purpose", "Status", "Tries", "Sent", "Error")


class OutboxModel(QAbstractTableModel):
    """Outbox rows read in pages of ``PAGE`` through ``list_outbox`` (keyset on the id)."""

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.practice, self.actor = practice, actor
        self.status: str | None = None
        self.rows: list[outbox.OutboxView] = []
        self._more = False

    def load(self, status: str | None) -> None:
        self.beginResetModel()
        self.status, self.rows, self._more = status, [], False
        self.endResetModel()
        self._fetch()

    def _fetch(self) -> None:
        before = self.rows[-1].id if self.rows else None
        page = outbox.list_outbox(self.practice, self.actor, self.status, PAGE, before)
        self._more = len(page) == PAGE
        if page:
            self.beginInsertRows(_ROOT, len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def canFetchMore(self, parent=_ROOT) -> bool:  # noqa: N802 (Qt name)
        return not parent.isValid() and self._more

    def fetchMore(self, parent=_ROOT) -> None:  # noqa: N802 (Qt name)
        if not parent.isValid() and self._more:
            self._fetch()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt name)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def _when(self, at) -> str:
        return "" if at is None else at.astimezone(self.practice.tz).strftime("%d %b %Y %H:%M")

    def text(self, m: outbox.OutboxView, column: int) -> str:
        if column == 0:
            return self._when(m.created_at)
        if column == 1:
            return CHANNEL_WORDS.get(m.channel, m.channel)
        if column == 2:
            return f"{m.client_name} <{m.recipient}>" if m.client_name else m.recipient
        if column == 3:
            text = m.subject or m.body
            text = " ".join(text.split())
            return (text[:60] + "…" if len(text) > 60 else text) + (" + attachment" if m.attachment_name else "")
        if column == 4:
            return PURPOSE_WORDS.get(m.purpose, m.purpose)
        if column == 5:
            return STATUS_WORDS.get(m.status, m.status)
        if column == 6:
            return str(m.attempts)
        if column == 7:
            return self._when(m.sent_at)
        return m.error.splitlines()[0] if m.error else ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(m, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (2, 3, 8):
            if index.column() == 2:
                return self.text(m, 2)
            return m.error if index.column() == 8 else (m.subject + "\n\n" + m.body).strip()
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (5, 8):
            return STATUS_COLOURS.get(m.status)
        return None


class OutboxWindow(QDialog):
    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("outboxWindow")
        self.setWindowTitle("Outbox")
        self.practice, self.actor = practice, actor
        self.sender_run: OutboxSender | None = None
        self.filter = QComboBox(objectName="outboxFilter")
        self.filter.addItem("All messages", None)
        for status in (MessageStatus.FAILED, MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.SENDING):
            self.filter.addItem(STATUS_WORDS[status], str(status))
        self.filter.currentIndexChanged.connect(self.reload)
        self.counts = muted("", "outboxCounts")
        self.model = OutboxModel(practice, actor, self)
        self.table = QTableView(objectName="outboxTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for i, width in enumerate((140, 62, 270, 250, 95, 70, 45, 140, 200)):
            self.table.setColumnWidth(i, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.empty = QLabel("No messages yet. E-mails and SMS to clients appear here as they are queued.",
                            objectName="outboxEmpty", alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #4a5568; padding: 24px;")
        self.detail = QPlainTextEdit(objectName="outboxDetail", readOnly=True)
        self.detail.setFixedHeight(110)
        self.detail.setPlaceholderText("Choose a message to read it and its error in full.")
        self.retry_button = button("Retry", "outboxRetry", self.retry_selected)
        self.retry_all_button = button("Retry all failed", "outboxRetryAll", self.retry_all)
        self.send_button = button("Send waiting", "outboxSendQueued", self.send_queued)
        self.refresh_button = button("Refresh", "outboxRefresh", self.reload)
        close = button("Close", "outboxClose", self.accept)
        self.error = muted("", "outboxError")
        self.error.setStyleSheet("color: #c53030;")
        self.error.hide()
        self.table.selectionModel().selectionChanged.connect(self._picked)

        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.filter)
        top.addWidget(self.counts, 1)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.retry_all_button)
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(1320, 620)
        self.reload()
        events = events_near(parent)
        if events is not None:  # messages queued at another desk (live refresh) show without a click
            events.messages_changed.connect(self._reload_unless_sending)

    def _reload_unless_sending(self) -> None:
        if not self._busy():  # while this window sends, it shows each result as it comes
            self.reload()

    # --- reading -----------------------------------------------------------------------------------
    def reload(self, *_args) -> None:
        self.error.hide()
        try:
            self.model.load(self.filter.currentData())
            waiting = outbox.count_outbox(self.practice, self.actor, MessageStatus.QUEUED)
            failed = outbox.count_outbox(self.practice, self.actor, MessageStatus.FAILED)
        except ServiceError as exc:
            self._say(exc)
            return
        self.counts.setText(f"{waiting} waiting, {failed} failed")
        self.retry_all_button.setEnabled(failed > 0 and not self._busy())
        self.send_button.setEnabled(waiting > 0 and not self._busy())
        has_rows = bool(self.model.rows)
        self.table.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        if not has_rows and self.filter.currentData() is not None:
            self.empty.setText(f"No {STATUS_WORDS[self.filter.currentData()].lower()} messages.")
        self._picked()

    def selected(self) -> outbox.OutboxView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def select_message(self, message_id: int) -> None:
        for i, m in enumerate(self.model.rows):
            if m.id == message_id:
                self.table.selectRow(i)
                return

    def _picked(self, *_args) -> None:
        m = self.selected()
        self.retry_button.setEnabled(m is not None and m.status == MessageStatus.FAILED and not self._busy())
        if m is None:
            self.detail.clear()
            return
        lines = [f"To: {m.recipient}" + (f" ({m.client_name})" if m.client_name else "")]
        if m.subject:
            lines.append(f"Subject: {m.subject}")
        if m.attachment_name:
            lines.append(f"Attachment: {m.attachment_name}")
        if m.error:
            lines.append(f"Not sent: {m.error}")
        lines += ["", m.body]
        self.detail.setPlainText("\n".join(lines))

    def _busy(self) -> bool:
        return self.sender_run is not None and self.sender_run.running

    def _say(self, exc: ServiceError) -> None:
        self.error.setText(error_text(exc))
        self.error.show()

    # --- sending -----------------------------------------------------------------------------------
    def retry_selected(self) -> None:
        m = self.selected()
        if m is not None and m.status == MessageStatus.FAILED:
            self._send([m.id], "the message")

    def retry_all(self) -> None:
        try:
            ids = [i for i in outbox.pending_ids(self.practice, self.actor, include_failed=True)]
            failed = {m.id for m in outbox.list_outbox(self.practice, self.actor, MessageStatus.FAILED, 10_000)}
        except ServiceError as exc:
            self._say(exc)
            return
        self._send([i for i in ids if i in failed], "the failed messages")

    def send_queued(self) -> None:
        try:
            ids = outbox.pending_ids(self.practice, self.actor)
        except ServiceError as exc:
            self._say(exc)
            return
        self._send(ids, "the waiting messages")

    def _send(self, ids: list[int], what: str) -> None:
        if not ids or self._busy():
            return
        keep = self.selected()
        self.sender_run = OutboxSender(self, self.practice, self.actor, ids, what)
        self.sender_run.finished.connect(lambda _results: self._sent(keep.id if keep else None))
        for b in (self.retry_button, self.retry_all_button, self.send_button):
            b.setEnabled(False)
        self.sender_run.start()

    def _sent(self, keep_id: int | None) -> None:
        self.reload()
        if keep_id is not None:
            self.select_message(keep_id)

    def done(self, result: int) -> None:
        if self.sender_run is not None and self.sender_run.running:
            self.sender_run.stop()
            self.sender_run.wait()
        super().done(result)

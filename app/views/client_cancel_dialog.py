"""Client cancels… (SPEC 8): staff record a client's cancellation on the client's behalf.

The dialog asks for the client (a group session: which one) and the time the client asked (now unless
changed), and before anything is saved shows the policy level that applies and what the client is
charged and the practitioner paid: amounts and refusals come from
``client_cancellations.quote_client_cancel``; the dialog does no arithmetic of its own.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from html import escape

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..services.errors import NeedsConfirmation, ServiceError
from ..services.scheduling import client_cancellations
from ..services.scheduling.client_cancellations import CancelQuote, CancelResult
from ..services.scheduling.session_views import SessionView
from .widgets.date_typing import typing_skips_weekday
from .widgets.messages import confirm_warnings, error_label, error_text

_MUTED = "color: #4a5568;"


def notice_text(notice: timedelta) -> str:
    """'30 h', '23 h 59 min', '45 min': how long before the start the client asked."""
    minutes = int(notice.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


class ClientCancelDialog(QDialog):
    """``ClientCancelDialog(practice, actor, session, money, parent=None)``.

    Attributes: ``client`` (the combo of the session's clients), ``asked`` (the time asked), ``quote``
    (the QLabel with the level and the charge), ``error``, ``submit``; ``recorded`` is the
    CancelResult once recorded (then the dialog accepts).
    """

    def __init__(self, practice, actor, session: SessionView, money: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.setObjectName("clientCancelDialog")
        self.setWindowTitle("Client cancels")
        self.practice, self.actor, self.session, self.money = practice, actor, session, money
        self.recorded: CancelResult | None = None
        self.current: CancelQuote | None = None
        s = session

        header = QLabel(f"<b style='font-size: 12pt'>{escape(s.title)}</b><br>"
                        f"{s.start:%a %d %b %Y}, {s.start:%H:%M}\u2013{s.end:%H:%M}<br>"
                        f"{escape(s.service_name)} \u00b7 {escape(s.practitioner_name)}",
                        objectName="clientCancelHeader", wordWrap=True)
        header.setTextFormat(Qt.TextFormat.RichText)

        self.client = QComboBox(objectName="clientCancelClient")
        for c in s.clients:
            self.client.addItem(c.name, c.id)
        self.client.setEnabled(len(s.clients) > 1)
        self.asked = QDateTimeEdit(objectName="clientCancelAsked")
        self.asked.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        typing_skips_weekday(self.asked)
        self.asked.setCalendarPopup(True)
        self.now_button = QPushButton("Now", objectName="clientCancelNow")
        self.now_button.clicked.connect(self.set_now)
        asked_row = QWidget()
        row = QHBoxLayout(asked_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.asked, 1)
        row.addWidget(self.now_button)
        form = QFormLayout()
        form.addRow("Client", self.client)
        form.addRow("Client asked at", asked_row)
        hint = QLabel("When the client phoned or wrote to cancel. The policy counts the hours from then to the "
                      "session's start.", objectName="clientCancelHint", wordWrap=True)
        hint.setStyleSheet(_MUTED)
        form.addRow("", hint)

        self.quote = QLabel(objectName="clientCancelQuote", wordWrap=True)
        self.quote.setTextFormat(Qt.TextFormat.RichText)
        self.quote.setStyleSheet("background: #f7fafc; border: 1px solid #d5d9e0; border-radius: 4px; padding: 8px;")
        self.quote.setMinimumHeight(70)
        self.error = error_label("clientCancelError")
        self.error.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.submit = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.submit.setObjectName("clientCancelSubmit")
        self.submit.setText("Record cancellation")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("clientCancelCancel")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.quote)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(500)

        self.set_now()
        self.client.currentIndexChanged.connect(self.refresh)
        self.asked.dateTimeChanged.connect(self.refresh)
        self.refresh()

    # input --------------------------------------------------------------------
    def set_now(self) -> None:
        now = self.practice.clock.now().astimezone(self.practice.tz).replace(second=0, microsecond=0, tzinfo=None)
        self.asked.setDateTime(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute)))

    def asked_at(self):
        """The time asked as the practice's wall-clock time (naive), to the minute."""
        return self.asked.dateTime().toPython().replace(second=0, microsecond=0)

    def client_id(self) -> int:
        return self.client.currentData()

    # showing ------------------------------------------------------------------
    def refresh(self, *_args) -> None:
        self.error.hide()
        try:
            q = client_cancellations.quote_client_cancel(self.practice, self.actor, self.session.id,
                                                         self.client_id(), self.asked_at())
        except ServiceError as exc:
            self.current = None
            self.quote.setText(f"<span style='color: #c53030;'>{escape(error_text(exc))}</span>")
            self.submit.setEnabled(False)
            return
        self.current = q
        self.quote.setText(self.quote_html(q))
        self.submit.setEnabled(True)

    def quote_html(self, q: CancelQuote) -> str:
        name = escape(q.client_name)
        when = f"Asked <b>{notice_text(q.notice)}</b> before the start."
        if q.free:
            lines = [when, "<b>Free cancellation</b>: early enough for every policy level. Saved as "
                     f"{escape(q.label)}; nothing is charged."]
        else:
            lines = [when, f"Policy level: less than {q.level.hours} hours before \u2192 <b>{escape(q.label)}</b>.",
                     f"{name} is charged <b>{escape(self.money(q.charge_cents))}</b>."]
            if q.whole_session:
                lines.append(f"{escape(self.session.practitioner_name)} is paid {escape(self.money(q.wage_cents))}.")
        if not q.whole_session:
            lines.append(f"<span style='{_MUTED}'>Only {name} is canceled; the other clients stay booked and "
                         "the session stays open for them. The practitioner is paid when the session is "
                         "saved.</span>")
        return "<br>".join(lines)

    # saving -------------------------------------------------------------------
    def _submit(self) -> None:
        for confirm in (False, True):
            try:
                self.recorded = client_cancellations.client_cancels(self.practice, self.actor, self.session.id,
                                                                  self.client_id(), self.asked_at(), confirm=confirm)
            except NeedsConfirmation as exc:
                if confirm_warnings(self, exc.warnings):
                    continue
                return
            except ServiceError as exc:
                self.error.setText(error_text(exc))
                self.error.show()
                return
            self.accept()
            return

"""The session view (double-click on a session): every detail, each client with their charge, a
red line when the practice is closed that day (SPEC 7.3), and the Set status… (SPEC 4.2), Edit,
Delete (SPEC 5.1) and Client cancels… (SPEC 8) buttons."""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from ..services.people.capabilities import capabilities
from ..services.scheduling import classes, closures, deletion, participants, sessions
from ..services.scheduling.session_views import SessionView
from . import style
from .completion_dialog import CompletionDialog
from .session_popup import CLOSED_STYLE, closure_text, status_html, when_text
from .widgets.messages import show_error

ParticipantStatus = participants.ParticipantStatus
_HISTORY_WORDS = {ParticipantStatus.REMOVED: "taken off", ParticipantStatus.CANCELED_BY_CLIENT: "canceled by the client",
                  ParticipantStatus.DROPPED: "dropped from the class"}

_MUTED = "color: #4a5568;"
DELETED_PLACE = "Sessions \u25b8 Deleted Sessions\u2026"  # where deleted sessions are recovered (SPEC 5.2)


class SessionViewDialog(QDialog):
    """``SessionViewDialog(practice, actor, session_id, money, parent=None)``.

    Signals: ``edit_requested(int)`` (the dialog closes; the caller opens the edit dialog) and
    ``delete_requested(int)`` (a session of a series: the caller asks this / following / all).
    Attributes: ``session`` (the SessionView shown, reloaded after every change), ``changed``
    (True once something was saved or deleted here), ``deleted`` (True once deleted here).
    """

    edit_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, practice, actor, session_id: int, money: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.setObjectName("sessionViewDialog")
        self.practice, self.actor, self.money = practice, actor, money
        self.session_id = session_id
        self.changed = False
        self.deleted = False
        self.session: SessionView = sessions.get_session(practice, actor, session_id)

        self.title = QLabel(objectName="viewTitle", wordWrap=True)
        self.title.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.when = QLabel(objectName="viewWhen")
        self.closure = QLabel(objectName="viewClosure", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.closure.setStyleSheet(CLOSED_STYLE)
        self.banner = QLabel(objectName="viewBanner", wordWrap=True)
        self.banner.setStyleSheet("background: #fff5f5; color: #9b2c2c; border: 1px solid #feb2b2; padding: 4px;")
        self.service = QLabel(objectName="viewService", wordWrap=True)
        self.practitioner = QLabel(objectName="viewPractitioner", wordWrap=True)
        self.location = QLabel(objectName="viewLocation", wordWrap=True)
        self.status = QLabel(objectName="viewStatus", textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.wage = QLabel(objectName="viewWage", wordWrap=True)
        self.series = QLabel(objectName="viewSeries", wordWrap=True)
        self.clients = QLabel(objectName="viewClients", textFormat=Qt.TextFormat.RichText)
        self.clients.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.public_note = QLabel(objectName="viewPublicNote", wordWrap=True)
        self.private_note = QLabel(objectName="viewPrivateNote", wordWrap=True)
        self.private_note.setStyleSheet("background: #fffaf0; border: 1px solid #f6e05e; border-radius: 3px; "
                                        "padding: 4px;")
        for label in (self.public_note, self.private_note):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Service", self.service)
        form.addRow("Practitioner", self.practitioner)
        form.addRow("Location", self.location)
        form.addRow("Status", self.status)
        form.addRow("Wage", self.wage)
        form.addRow("Series", self.series)
        form.addRow("Note", self.public_note)
        form.addRow("Private note", self.private_note)
        self.form = form

        clients_scroll = QScrollArea(objectName="viewClientsScroll")
        clients_scroll.setWidget(self.clients)
        clients_scroll.setWidgetResizable(True)
        self.clients_scroll = clients_scroll
        clients_scroll.setStyleSheet("QScrollArea { border: 1px solid #d5d9e0; background: white; }")
        self.clients.setStyleSheet("background: white; padding: 4px;")
        self.clients_heading = QLabel(objectName="viewClientsHeading")
        self.clients_heading.setStyleSheet("font-weight: bold; margin-top: 6px;")

        self.complete_button = QPushButton("Set status\u2026", objectName="viewComplete")
        self.edit_button = QPushButton("Edit\u2026", objectName="viewEdit")
        self.delete_button = QPushButton("Delete\u2026", objectName="viewDelete")
        self.client_cancel_button = QPushButton("Client cancels\u2026", objectName="viewClientCancel")  # SPEC 8
        self.client_cancel_button.clicked.connect(self._client_cancel)
        self.class_button = QPushButton("Make class\u2026", objectName="viewClass")  # SPEC 11: group or series
        self.class_button.clicked.connect(self._class)
        close = QPushButton("Close", objectName="viewClose")
        close.setDefault(True)
        self.complete_button.clicked.connect(self._complete)
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.client_cancel_button)
        buttons.addWidget(self.class_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        # SPEC 0.3: the service refuses anyway; a practitioner is not offered what they cannot do
        self.delete_button.setVisible(capabilities(actor).front_desk)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.when)
        layout.addWidget(self.closure)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.clients_heading)
        layout.addWidget(clients_scroll)
        layout.addStretch(1)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)
        self._fill()

    # showing ----------------------------------------------------------------
    def _fill(self) -> None:
        s = self.session
        self.setWindowTitle(f"Session \u2014 {s.title}")
        self.title.setText(s.title)
        self.when.setText(when_text(s))
        # SPEC 7.3: a session on a closure stands out (looked up for its date in the practice time zone)
        day = s.start.date()
        labels = [c.label for c in closures.list_closures(self.practice, self.actor, day, day)]
        self.closure.setText(closure_text(", ".join(labels)) if labels else "")
        self.closure.setVisible(bool(labels))
        self.banner.setText(f"This session is deleted. Recover it from {DELETED_PLACE}")
        self.banner.setVisible(s.deleted)
        self.service.setText(f"{s.service_name} ({'per hour' if s.service_kind == 'hourly' else 'fixed price'})")
        dot = style.practitioner_color(s.practitioner_color).name()
        self.practitioner.setText(f"<span style='color: {dot}'>\u25cf</span> {escape(s.practitioner_name)}")
        self.location.setText(s.location_name or "\u2014")
        self.status.setText(status_html(s))
        self.wage.setText(f"{self.money(s.wage_cents)} paid" if s.status != "open"
                          else f"{self.money(s.wage_cents)} when completed")
        self.series.setText("Part of a recurring series" if s.series_id is not None else "Single session")
        self.clients_heading.setText(f"Clients ({len(s.clients)})" if s.kind == "group" else "Client")
        self.clients.setText(self._clients_html())
        # as tall as the list, up to about eight clients; a larger group scrolls
        self.clients_scroll.setFixedHeight(min(self.clients.sizeHint().height(), 180) + 2)
        # a note row appears only when there is a note this user may see (SPEC 2.4)
        self.public_note.setText(s.public_note)
        self.private_note.setText(s.private_note or "")
        self.form.setRowVisible(self.public_note, bool(s.public_note))
        self.form.setRowVisible(self.private_note, bool(s.private_note))
        for button in (self.complete_button, self.edit_button, self.delete_button):
            button.setEnabled(not s.deleted)
        # SPEC 8: staff record it on the client's behalf, on an open session (the service checks the rest)
        self.client_cancel_button.setVisible(capabilities(self.actor).front_desk)
        self.client_cancel_button.setEnabled(not s.deleted and s.status == "open")
        self.class_id = None
        if capabilities(self.actor).front_desk and not s.deleted:
            try:
                self.class_id = classes.class_of_session(self.practice, self.actor, s.id)
            except ServiceError:
                self.class_id = None
        self.class_button.setText("Open class\u2026" if self.class_id is not None else "Make class\u2026")
        self.class_button.setVisible(capabilities(self.actor).front_desk and not s.deleted
                                     and (self.class_id is not None or s.kind == "group" or s.series_id is not None))

    def _clients_html(self) -> str:
        s = self.session
        rows = []
        for c in s.clients:
            if c.charge_cents is not None:
                amount = f"charged {self.money(c.charge_cents)}"
            else:
                amount = f"<span style='{_MUTED}'>{escape(self.money(s.cost_cents))} when completed</span>"
            rows.append(f"<tr><td style='padding-right: 24px'>{escape(c.name)}</td><td align='right'>{amount}</td></tr>")
        rows += [f"<tr><td colspan='2' style='{_MUTED}'>{escape(line)}</td></tr>" for line in self._history()]
        return f"<table width='100%'>{''.join(rows)}</table>"

    def _history(self) -> list[str]:
        """Clients who were on the session and are not any more: who took them off, and when (SPEC 3.4)."""
        try:
            history = participants.session_participants(self.practice, self.actor, self.session_id)
        except ServiceError:
            return []
        lines = []
        for h in history:
            if h.status == ParticipantStatus.BOOKED:
                continue
            what = _HISTORY_WORDS.get(h.status, "taken off")
            by = f" by {h.changed_by_name}" if h.changed_by_name else ""
            when = f" on {h.changed_at:%a %d %b %Y, %H:%M}" if h.changed_at else ""
            lines.append(f"{h.client_name}: {what}{by}{when}")
        return lines


    def reload(self) -> None:
        self.session = sessions.get_session(self.practice, self.actor, self.session_id)
        self._fill()

    # actions ----------------------------------------------------------------
    def make_completion_dialog(self) -> CompletionDialog:
        return CompletionDialog(self.practice, self.actor, self.session, self.money, self)

    def _complete(self) -> None:
        dialog = self.make_completion_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_session is not None:
            self.changed = True
            self.reload()
        dialog.deleteLater()

    def make_client_cancel_dialog(self):
        from .client_cancel_dialog import ClientCancelDialog

        return ClientCancelDialog(self.practice, self.actor, self.session, self.money, self)

    def _client_cancel(self) -> None:
        dialog = self.make_client_cancel_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.recorded is not None:
            self.changed = True
            self.reload()
        dialog.deleteLater()

    def make_class_dialog(self):
        from .classes.make_class_dialog import MakeClassDialog

        return MakeClassDialog(self.practice, self.actor, self.session, self.money, self)

    def make_class_view(self, class_id: int):
        from .classes.class_view_dialog import ClassViewDialog

        return ClassViewDialog(self.practice, self.actor, class_id, self.money, self)

    def _class(self) -> None:
        """Open the session's class, or make one from it (SPEC 11.1) and then open it."""
        class_id = self.class_id
        if class_id is None:
            dialog = self.make_class_dialog()
            made = dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_view is not None
            class_id = dialog.result_view.id if made else None
            dialog.deleteLater()
            if class_id is None:
                return
            self.changed = True
        view = self.make_class_view(class_id)
        view.exec()
        self.changed |= view.changed
        view.deleteLater()
        self.reload()

    def _edit(self) -> None:
        self.accept()
        self.edit_requested.emit(self.session_id)

    def confirm_delete(self) -> bool:
        s = self.session
        box = QMessageBox(QMessageBox.Icon.Question, "Delete session",
                          f"Delete the session of {s.title} on {when_text(s)}?\n\n"
                          f"It can be recovered from {DELETED_PLACE}\n\nIf it was saved, its charges and "
                          "wage are reversed until it is recovered.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmDelete")
        box.button(QMessageBox.StandardButton.Yes).setText("Delete")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmDeleteYes")
        box.button(QMessageBox.StandardButton.No).setText("Keep it")
        box.button(QMessageBox.StandardButton.No).setObjectName("confirmDeleteNo")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        answer = box.exec()
        box.deleteLater()
        return answer == QMessageBox.StandardButton.Yes

    def _delete(self) -> None:
        if self.session.series_id is not None:  # the caller asks: this one / following / whole series
            self.accept()
            self.delete_requested.emit(self.session_id)
            return
        if not self.confirm_delete():
            return
        try:
            deletion.delete_session(self.practice, self.actor, self.session_id, scope="this")
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.changed = self.deleted = True
        self.reload()  # shows it as deleted should the caller keep the dialog around
        self.accept()


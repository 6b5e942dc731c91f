"""A class (SPEC 11): its price and deadlines, its sessions with their display flags as eye /
crossed-eye icons (click one to show or hide that session in the published list, 11.2), the clients
enrolled (Enroll…, Drop), those who dropped, the waitlist (Accept offer, Remove), and the exports of
the published list."""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ...services.errors import NeedsConfirmation, ServiceError
from ...services.scheduling import classes
from ...services.scheduling.classes import ClassView
from ..events import events_near
from ..widgets.eye_icons import eye_icon
from ..widgets.messages import confirm_warnings, show_error
from ..widgets.record_table import RecordsModel, RichColumn, heading, muted, records_table, selected_row
from .enroll_dialog import EnrollDialog
from .export import export_list

EYE_COLUMN = 0
_GREY = QColor("#718096")


def _day(d) -> str:
    return f"{d:%a %d %b %Y}"


class SessionsModel(RecordsModel):
    """The class's sessions; column 0 shows the display flag as an icon (no text)."""

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() == EYE_COLUMN:
            row = self.rows[index.row()]
            if role == Qt.ItemDataRole.DecorationRole:
                return eye_icon(row.displayed)
            if role == Qt.ItemDataRole.ToolTipRole:
                return ("Shown in the published group-sessions list: click to hide it" if row.displayed
                        else "Not shown in the published list: click to show it")
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return "shown" if row.displayed else "hidden"
            return None
        return super().data(index, role)


class ClassViewDialog(QDialog):
    """``ClassViewDialog(practice, actor, class_id, money, parent=None)``. ``view`` is the ClassView
    shown (reloaded after each change); ``changed`` is True once something was saved here."""

    def __init__(self, practice, actor, class_id: int, money: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.setObjectName("classViewDialog")
        self.practice, self.actor, self.money, self.class_id = practice, actor, money, class_id
        self.changed = False
        self.view: ClassView = classes.get_class(practice, actor, class_id)

        self.title = QLabel(objectName="classTitle", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.summary = QLabel(objectName="classSummary", wordWrap=True, textFormat=Qt.TextFormat.RichText)

        grey = lambda r: _GREY if r.held else None  # noqa: E731 - held sessions read as past
        self.sessions_model = SessionsModel([
            RichColumn("Listed", lambda r: ""),
            RichColumn("Date", lambda r: _day(r.start), color=grey),
            RichColumn("Time", lambda r: f"{r.start:%H:%M}\u2013{r.end:%H:%M}", color=grey),
            RichColumn("Practitioner", lambda r: r.practitioner_name, color=grey, stretch=True),
            RichColumn("Location", lambda r: r.location_name or "\u2014", color=grey),
            RichColumn("Status", lambda r: r.label, color=grey),
            RichColumn("Clients", lambda r: r.booked, align_right=True, color=grey)], self)
        self.sessions_table = records_table(self.sessions_model, "classSessions")
        self.sessions_table.clicked.connect(self._clicked)

        self.enrolled_model = RecordsModel([
            RichColumn("Client", lambda r: r.client_name, stretch=True),
            RichColumn("Enrolled", lambda r: f"{_day(r.enrolled_at)}"),
            RichColumn("By", lambda r: r.enrolled_by or "\u2014"),
            RichColumn("Note", lambda r: "Staff override" if r.overridden else "")], self)
        self.enrolled_table = records_table(self.enrolled_model, "classEnrolled")
        self.enrolled_table.selectionModel().selectionChanged.connect(self._sync_buttons)
        self.dropped = muted("", "classDropped")
        self.dropped.setWordWrap(True)

        self.waitlist_model = RecordsModel([
            RichColumn("#", lambda r: r.position, align_right=True),
            RichColumn("Client", lambda r: r.client_name, stretch=True),
            RichColumn("Status", lambda r: f"Seat offered {r.offered_at:%d %b %H:%M}" if r.offered_at
                       else f"Waiting since {r.added_at:%d %b}",
                       tooltip=lambda r: f"Added {_day(r.added_at)} {r.added_at:%H:%M}")], self)
        self.waitlist_table = records_table(self.waitlist_model, "classWaitlist")
        self.waitlist_table.selectionModel().selectionChanged.connect(self._sync_buttons)

        self.enroll_button = QPushButton("Enroll\u2026", objectName="classEnroll")
        self.drop_button = QPushButton("Drop", objectName="classDrop")
        self.accept_button = QPushButton("Accept offer", objectName="classAcceptOffer")
        self.remove_button = QPushButton("Remove from waitlist", objectName="classRemoveWaiting")
        self.html_button = QPushButton("Export HTML\u2026", objectName="classExportHtml")
        self.ics_button = QPushButton("Export iCalendar\u2026", objectName="classExportIcs")
        close = QPushButton("Close", objectName="classClose")
        self.enroll_button.clicked.connect(self._enroll)
        self.drop_button.clicked.connect(self._drop)
        self.accept_button.clicked.connect(self._accept_offer)
        self.remove_button.clicked.connect(self._remove_waiting)
        self.html_button.clicked.connect(lambda: export_list(self, practice, actor, "html"))
        self.ics_button.clicked.connect(lambda: export_list(self, practice, actor, "ics"))
        close.clicked.connect(self.accept)

        enrolled_buttons = QHBoxLayout()
        enrolled_buttons.addWidget(self.enroll_button)
        enrolled_buttons.addWidget(self.drop_button)
        enrolled_buttons.addStretch(1)
        waitlist_buttons = QHBoxLayout()
        waitlist_buttons.addWidget(self.accept_button)
        waitlist_buttons.addWidget(self.remove_button)
        waitlist_buttons.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.html_button)
        bottom.addWidget(self.ics_button)
        bottom.addStretch(1)
        bottom.addWidget(close)

        people = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        self.enrolled_heading = heading("Enrolled", "classEnrolledHeading")
        left.addWidget(self.enrolled_heading)
        left.addWidget(self.enrolled_table, 1)
        left.addWidget(self.dropped)
        left.addLayout(enrolled_buttons)
        self.waitlist_heading = heading("Waitlist", "classWaitlistHeading")
        right.addWidget(self.waitlist_heading)
        right.addWidget(self.waitlist_table, 1)
        right.addLayout(waitlist_buttons)
        people.addLayout(left, 1)
        people.addSpacing(12)
        people.addLayout(right, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        self.sessions_heading = heading("Sessions", "classSessionsHeading")
        layout.addWidget(self.sessions_heading)
        layout.addWidget(muted("Click an eye to show or hide that session in the published group-sessions list. "
                               "Enrolling joins every session not yet held.", "classEyeHint"))
        layout.addWidget(self.sessions_table, 3)
        layout.addLayout(people, 2)
        layout.addSpacing(6)
        layout.addLayout(bottom)
        self.resize(820, 640)
        self._fill()

    # showing ----------------------------------------------------------------
    def _fill(self) -> None:
        v = self.view
        self.setWindowTitle(f"Class \u2014 {v.name}")
        self.title.setText(v.name + (" (archived)" if v.archived else ""))
        n = len(v.sessions)
        self.summary.setText(
            f"{escape(v.service_name)}: {escape(self.money(v.cost_cents))} a session \u00b7 {n} session"
            f"{'s' if n != 1 else ''} \u00b7 <b>{escape(self.money(v.total_cents))}</b> the class \u00b7 wages "
            f"{escape(self.money(v.wages_cents))}<br>"
            f"{len(v.enrolled)} of {v.capacity} seats taken"
            + (f", {v.offers} offered" if v.offers else "") + f" \u00b7 {v.seats_left} left<br>"
            f"Enroll by {_day(v.enroll_deadline)} {v.enroll_deadline:%H:%M} \u00b7 "
            f"drop by {_day(v.drop_deadline)} {v.drop_deadline:%H:%M}")
        self.sessions_heading.setText(f"Sessions ({n})")
        self.sessions_model.set_rows(v.sessions)
        self.sessions_table.setCurrentIndex(QModelIndex())  # no focus frame beside the first eye
        self.enrolled_heading.setText(f"Enrolled ({len(v.enrolled)})")
        self.enrolled_model.set_rows(v.enrolled)
        self.dropped.setText("Dropped: " + "; ".join(
            f"{d.client_name} on {_day(d.dropped_at)}" + (f" by {d.dropped_by}" if d.dropped_by else "")
            + (" (after the deadline)" if d.drop_overridden else "") for d in v.dropped) if v.dropped else "")
        self.dropped.setVisible(bool(v.dropped))
        self.waitlist_heading.setText(f"Waitlist ({len(v.waitlist)})")
        self.waitlist_model.set_rows(v.waitlist)
        for b in (self.enroll_button, self.html_button, self.ics_button):
            b.setEnabled(not v.archived)
        self._sync_buttons()

    def _sync_buttons(self, *_args) -> None:
        live = not self.view.archived
        self.drop_button.setEnabled(live and selected_row(self.enrolled_table) is not None)
        waiting = selected_row(self.waitlist_table)
        self.accept_button.setEnabled(live and waiting is not None and waiting.offered_at is not None)
        self.remove_button.setEnabled(live and waiting is not None)

    def reload(self) -> None:
        self.view = classes.get_class(self.practice, self.actor, self.class_id)
        self._fill()

    def _done(self, view: ClassView) -> None:
        self.view, self.changed = view, True
        self._fill()
        events = events_near(self)
        if events is not None:
            events.sessions_changed.emit()

    # actions ----------------------------------------------------------------
    def _clicked(self, index: QModelIndex) -> None:
        if index.column() != EYE_COLUMN or self.view.archived:
            return
        row = self.sessions_model.rows[index.row()]
        self._call(lambda confirm: classes.set_session_displayed(self.practice, self.actor, self.class_id,
                                                                 row.session_id, not row.displayed), confirmable=False)

    def make_enroll_dialog(self) -> EnrollDialog:
        return EnrollDialog(self.practice, self.actor, self.view, self)

    def _enroll(self) -> None:
        dialog = self.make_enroll_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_view is not None:
            self._done(dialog.result_view)
        dialog.deleteLater()

    def _drop(self) -> None:
        row = selected_row(self.enrolled_table)
        if row is not None:
            self._call(lambda confirm: classes.drop(self.practice, self.actor, self.class_id, row.client_id, confirm))

    def _accept_offer(self) -> None:
        row = selected_row(self.waitlist_table)
        if row is not None:
            self._call(lambda confirm: classes.accept_offer(self.practice, self.actor, self.class_id, row.client_id,
                                                            confirm))

    def _remove_waiting(self) -> None:
        row = selected_row(self.waitlist_table)
        if row is not None:
            declined = row.offered_at is not None
            self._call(lambda confirm: classes.remove_from_waitlist(self.practice, self.actor, self.class_id,
                                                                    row.client_id, declined), confirmable=False)

    def _call(self, action, confirmable: bool = True) -> None:
        """Run a service call; overridable rules are asked about and the call repeated (staff)."""
        try:
            try:
                view = action(False)
            except NeedsConfirmation as exc:
                if not confirmable or not confirm_warnings(self, exc.warnings):
                    return
                view = action(True)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self._done(view)

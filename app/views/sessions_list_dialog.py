"""Sessions > Sessions List (SPEC 4.2, 5.1, 2.3): every session, filtered by date range,
practitioner, client, location, status and words, sorted by date or client; check rows, choose an
action, Submit. Add Session… opens the session form. A practitioner sees only their own sessions.

It opens on the current month (first to last day, in date order); All dates lifts the date range.
A double-click on a row, or Enter, asks for the session view (``session_activated``)."""
from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from ..services.people import clients, practitioners
from ..services.people.capabilities import capabilities
from ..services.scheduling import catalog, completion, session_lists
from ..services.scheduling.session_lists import ListFilter
from .widgets.session_checklist import SessionChecklist

NO_DATE = QDate(1900, 1, 1)  # the date edits' "Any" value
SEARCH_DELAY_MS = 300


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


class _DateEdit(QDateEdit):
    """A date field whose lowest value means "Any date"; its calendar then opens on ``today``."""

    def __init__(self, name: str, today: date):
        super().__init__(objectName=name)
        self.today = today
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd MMM yyyy")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText("Any date")  # shown at the minimum date: no limit
        self.setDate(NO_DATE)
        self.setMinimumWidth(125)
        self.calendarWidget().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.calendarWidget() and event.type() == QEvent.Type.Show and self.date() == NO_DATE:
            watched.setCurrentPage(self.today.year, self.today.month)  # not January 1900
        return super().eventFilter(watched, event)


def _date_of(edit: QDateEdit) -> date | None:
    d = edit.date()
    return None if d == NO_DATE else date(d.year(), d.month(), d.day())


class _LazyComboBox(QComboBox):
    """A combo box that fills itself (``load()``) the first time it gets the focus or opens."""

    def __init__(self, load, **kw):
        super().__init__(**kw)
        self._load = load

    def ensure_loaded(self) -> None:
        if self._load is not None:
            load, self._load = self._load, None
            load()

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.ensure_loaded()
        super().focusInEvent(event)

    def showPopup(self) -> None:  # noqa: N802 (Qt name)
        self.ensure_loaded()
        super().showPopup()


class SessionsListDialog(QDialog):
    """``changed`` turns True once sessions were saved, deleted or added here, so the caller can
    announce ``sessions_changed``. ``session_activated(id)``: a row was double-clicked (the caller
    opens the session view, then calls ``refresh``)."""

    session_activated = Signal(int)
    page_size = session_lists.PAGE  # rows per page read from the database

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("sessionsListDialog")
        self.setWindowTitle("Sessions list")
        self.practice, self.actor = practice, actor
        self.caps = capabilities(actor)
        self.changed = False

        today = practice.clock.now().astimezone(practice.tz).date()
        self.first_day, self.last_day = _DateEdit("filterFrom", today), _DateEdit("filterTo", today)
        for edit, day in zip((self.first_day, self.last_day), month_of(today), strict=True):
            edit.setDate(QDate(day.year, day.month, day.day))
        self.all_dates = QPushButton("All dates", objectName="allDates")
        self.all_dates.setToolTip("Show sessions of every date (clear From and To)")
        self.all_dates.setAutoDefault(False)
        self.all_dates.clicked.connect(self.show_all_dates)
        self.practitioner = QComboBox(objectName="filterPractitioner")
        self.client = _LazyComboBox(self._load_clients, objectName="filterClient")
        self.location = QComboBox(objectName="filterLocation")
        self.status = QComboBox(objectName="filterStatus")
        self.search = QLineEdit(objectName="filterText", placeholderText="Name, service, location or note")
        self.search.setClearButtonEnabled(True)
        self.clear_button = QPushButton("Clear filters", objectName="clearFilters")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.clear_filters)
        self._fill_filters()

        self.list = SessionChecklist(practice, actor, open_list=False,
                                     empty_text="No sessions yet.\nClick Add Session\u2026 to book the first one.",
                                     newest_first=False, parent=self)
        self.list.changed.connect(self._changed)
        self.list.session_activated.connect(self.session_activated)
        self.list.sort_changed.connect(lambda *_: self.reload(recount=False))  # the same sessions, reordered
        self._counted: tuple[ListFilter, int] | None = None  # the last count, until something changes
        self.model, self.table = self.list.model, self.list.table

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        for combo in (self.practitioner, self.client, self.location, self.status):
            combo.currentIndexChanged.connect(self.reload)
        for edit in (self.first_day, self.last_day):
            edit.dateChanged.connect(self.reload)

        self.add_button = QPushButton("Add Session\u2026", objectName="addSession")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_session)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("sessionsListClose")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)

        filters = QGridLayout()
        for col, (text, widget) in enumerate((("From", self.first_day), ("To", self.last_day), ("", self.all_dates),
                                              ("Practitioner", self.practitioner), ("Client", self.client),
                                              ("Location", self.location), ("Status", self.status),
                                              ("Search", self.search))):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label, 0, col)
            filters.addWidget(widget, 1, col)
        filters.addWidget(self.clear_button, 1, 8)
        filters.setColumnStretch(4, 2)
        filters.setColumnStretch(7, 3)
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.list, 1)
        layout.addLayout(bottom)
        self.resize(1180, 640)
        self.reload()

    # --- filters ------------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        self.practitioner.addItem("Everyone", None)
        self.client.addItem("Any client", None)
        self.location.addItem("Anywhere", None)
        for name, value in (("Any status", None), ("Open", ("status", "open")), ("Completed", ("status", "completed")),
                            ("Missed", ("status", "missed")), ("Canceled", ("status", "canceled"))):
            self.status.addItem(name, value)
        try:
            for p in practitioners.list_practitioners(self.practice, self.actor):
                if self.caps.works_on(p.id):
                    self.practitioner.addItem(p.name, p.id)
            for loc in catalog.list_locations(self.practice, self.actor):
                self.location.addItem(loc.name, loc.id)
            for t in completion.list_completion_types(self.practice, self.actor, enabled_only=False):
                if not t.is_default:
                    self.status.addItem(t.label, ("type", t.id))
        except ServiceError:
            pass  # a filter without its choices still lists sessions
        self.practitioner.setVisible(self.caps.front_desk)  # a practitioner sees only their own
        self.client.setEnabled(self.caps.front_desk)  # a practitioner may not list every client
        self.client.setEditable(True)  # type a few letters of a name
        self.client.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.client.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.client.lineEdit().textEdited.connect(self.client.ensure_loaded)  # typing before a click
        self.client.lineEdit().editingFinished.connect(self._client_typed)
        self.client.lineEdit().setPlaceholderText("Any client")
        for combo in (self.practitioner, self.location, self.status):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def _load_clients(self) -> None:
        """The clients, read when the Client box is first used (thousands slow the opening down)."""
        try:
            names = [(f"{c.last_name}, {c.first_name}", c.id) for c in clients.list_clients(self.practice, self.actor)]
        except ServiceError:
            return
        self.client.blockSignals(True)
        for name, cid in names:
            self.client.addItem(name, cid)
        self.client.blockSignals(False)

    def _client_typed(self) -> None:
        """Text that names no client means "any client" (an emptied box included)."""
        self.client.ensure_loaded()
        text = self.client.currentText().strip()
        i = self.client.findText(text, Qt.MatchFlag.MatchFixedString) if text else 0
        self.client.setCurrentIndex(max(i, 0))
        if i < 0:
            self.client.setEditText("")

    def current_filter(self) -> ListFilter:
        status = self.status.currentData()
        return ListFilter(
            first_day=_date_of(self.first_day), last_day=_date_of(self.last_day),
            practitioner_id=self.practitioner.currentData(), client_id=self.client.currentData(),
            location_id=self.location.currentData(),
            status=status[1] if status and status[0] == "status" else None,
            completion_type_id=status[1] if status and status[0] == "type" else None,
            text=self.search.text().strip())

    def _filtered(self) -> bool:
        return self.current_filter() != ListFilter()

    def show_all_dates(self) -> None:
        """Lift the date range: sessions of every date."""
        for edit in (self.first_day, self.last_day):
            edit.blockSignals(True)
            edit.setDate(NO_DATE)
            edit.blockSignals(False)
        self.reload()

    def clear_filters(self) -> None:
        widgets = (self.first_day, self.last_day, self.practitioner, self.client, self.location, self.status,
                   self.search)
        for w in widgets:
            w.blockSignals(True)
        self.first_day.setDate(NO_DATE)
        self.last_day.setDate(NO_DATE)
        for combo in (self.practitioner, self.client, self.location, self.status):
            combo.setCurrentIndex(0)
        self.client.setEditText("")
        self.search.clear()
        for w in widgets:
            w.blockSignals(False)
        self.reload()

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Sessions changed elsewhere (e.g. in the session view): read the list again, same place."""
        self.reload(keep_place=True)

    def reload(self, *_args, keep_place: bool = False, recount: bool = True) -> None:
        """Read the list again from its first page; ``recount=False``: the count of the same filter
        still holds (a new order), unless sessions were changed here since."""
        self._search_timer.stop()
        f = self.current_filter()
        sort, descending = self.list.sort
        first, last = f.first_day, f.last_day
        if first and last and last < first:
            self.list.load(lambda _after: session_lists.SessionPage((), None), 0,
                           "The To date is before the From date.\nChoose a To date on or after the From date.")
            return
        if not recount and self._counted is not None and self._counted[0] == f:
            total = self._counted[1]
        else:
            try:
                total = session_lists.count(self.practice, self.actor, f)
                self._counted = (f, total)
            except ServiceError as exc:
                self.list.show_error(exc)
                total = self._counted = None

        def fetch(after):
            return session_lists.list_page(self.practice, self.actor, f, sort, descending, after, self.page_size)

        self.list.load(fetch, total, self._empty_text(f), keep_place=keep_place)
        self.clear_button.setEnabled(self._filtered())
        self.all_dates.setEnabled(bool(first or last))

    @staticmethod
    def _empty_text(f: ListFilter) -> str | None:
        if f == ListFilter():
            return None  # the list's own: no sessions yet
        if replace(f, first_day=None, last_day=None) != ListFilter():
            return "No session matches these filters.\nChange or clear the filters to see more."
        first, last = (f"{d:%d %b %Y}" if d else None for d in (f.first_day, f.last_day))
        dates = (f"from {first} to {last}" if first and last else f"from {first} on" if first
                 else f"up to {last}")
        return f"No sessions {dates}.\nClick All dates to see every session, or Add Session\u2026 to book one."

    # --- actions ------------------------------------------------------------------------------
    def add_session(self) -> None:
        from .session_dialog import SessionDialog

        dialog = SessionDialog(self.practice, self.actor, parent=self)
        self.active_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._changed()
            self.reload()
        dialog.deleteLater()

    def _changed(self) -> None:
        self.changed = True
        self._counted = None

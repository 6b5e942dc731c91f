"""Sessions > Sessions List (SPEC 4.2, 5.1, 2.3): every session, filtered by date range,
practitioner, client, location, status and words, sorted by date or client; check rows, choose an
action, Submit. Add Session… opens the session form. A practitioner sees only their own sessions."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer
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


def _date_edit(name: str) -> QDateEdit:
    d = QDateEdit(objectName=name)
    d.setCalendarPopup(True)
    d.setDisplayFormat("dd MMM yyyy")
    d.setMinimumDate(NO_DATE)
    d.setSpecialValueText("Any date")  # shown at the minimum date: no limit
    d.setDate(NO_DATE)
    d.setMinimumWidth(125)
    return d


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
    announce ``sessions_changed``."""

    page_size = session_lists.PAGE  # rows per page read from the database

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("sessionsListDialog")
        self.setWindowTitle("Sessions list")
        self.practice, self.actor = practice, actor
        self.caps = capabilities(actor)
        self.changed = False

        self.first_day, self.last_day = _date_edit("filterFrom"), _date_edit("filterTo")
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
                                     parent=self)
        self.list.changed.connect(self._changed)
        self.list.sort_changed.connect(lambda *_: self.reload())
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
        for col, (text, widget) in enumerate((("From", self.first_day), ("To", self.last_day),
                                              ("Practitioner", self.practitioner), ("Client", self.client),
                                              ("Location", self.location), ("Status", self.status))):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label, 0, col)
            filters.addWidget(widget, 1, col)
        filters.addWidget(QLabel("Search"), 0, 6)
        filters.addWidget(self.search, 1, 6)
        filters.addWidget(self.clear_button, 1, 7)
        filters.setColumnStretch(3, 2)
        filters.setColumnStretch(6, 3)
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
    def reload(self, *_args) -> None:
        self._search_timer.stop()
        f = self.current_filter()
        sort, descending = self.list.sort
        first, last = f.first_day, f.last_day
        if first and last and last < first:
            self.list.load(lambda _after: session_lists.SessionPage((), None), 0,
                           "The To date is before the From date.\nChoose a To date on or after the From date.")
            return
        try:
            total = session_lists.count(self.practice, self.actor, f)
        except ServiceError as exc:
            self.list.show_error(exc)
            total = None

        def fetch(after):
            return session_lists.list_page(self.practice, self.actor, f, sort, descending, after, self.page_size)

        empty = ("No session matches these filters.\nChange or clear the filters to see more."
                 if self._filtered() else None)
        self.list.load(fetch, total, empty)
        self.clear_button.setEnabled(self._filtered())

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

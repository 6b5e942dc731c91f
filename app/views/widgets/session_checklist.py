"""The table both session lists share (SPEC 4.2, 5.1): a check box per row and "Check all shown",
an action drop-down and Submit, enabled only once an action is chosen. The action applies to
every checked session in one transaction (``completion.bulk_action``); the rows then show their
new statuses (deleted ones leave the list). Refusals from the services are shown in words.
A double-click on a row, or Enter, asks for the session's view (``session_activated``)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import WarningCode
from ...services.errors import NeedsConfirmation, ServiceError
from ...services.scheduling import completion, session_lists
from ...services.scheduling.session_lists import ListAction, ListRow
from ...services.scheduling.session_views import SessionView
from .messages import error_label, error_text
from .rows_model import Column
from .session_page_model import SessionPageModel

DATE_COLUMN, CLIENT_COLUMN = 1, 2  # in the table, after the check box
WIDTHS = (34, 210, 230, 150, 140, 120, 110)  # at first; the client column takes what is left
FITTED = range(3, 7)  # service, practitioner, location, status: as wide as their texts
FIT_MAX = 260
STATUS_COLORS = {"completed": QColor("#2f855a"), "missed": QColor("#c05621"), "canceled": QColor("#718096")}
_MUTED = "color: #718096;"


def when_text(s: ListRow | SessionView) -> str:
    return f"{s.start:%a %d %b %Y}  {s.start:%H:%M}\u2013{s.end:%H:%M}"


def clients_text(s: ListRow | SessionView) -> str:
    return s.client_names or "No clients"


def sessions_word(n: int) -> str:
    return "1 session" if n == 1 else f"{n:,} sessions"


def columns(custom_labels: bool = True) -> list[Column]:
    """``custom_labels``: False in the open-sessions list (SPEC 4.5 shows only the base status)."""
    def status(s: ListRow) -> str:
        return s.label if custom_labels else s.status.capitalize()

    return [
        Column("Date and time", when_text),
        Column("Client(s)", clients_text),
        Column("Service", lambda s: s.service_name),
        Column("Practitioner", lambda s: s.practitioner_name),
        Column("Location", lambda s: s.location_name or "\u2014"),
        Column("Status", status, color=lambda s: STATUS_COLORS.get(s.status)),
    ]


class _CheckDelegate(QStyledItemDelegate):
    """The check-box column without the focus frame Qt draws beside the box of the current cell
    (the current row shows by its selection)."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt name)
        super().initStyleOption(option, index)
        option.state &= ~QStyle.StateFlag.State_HasFocus


class SessionChecklist(QWidget):
    """``changed``: sessions were saved or deleted here; ``sort_changed(key, descending)``: a header
    click asks the owner to reload in that order ("date" or "client"); ``session_activated(id)``:
    a row was double-clicked or Enter pressed on it (the owner opens the session view)."""

    changed = Signal()
    sort_changed = Signal(str, bool)
    session_activated = Signal(int)

    def __init__(self, practice, actor, open_list: bool, empty_text: str, newest_first: bool = True, parent=None):
        super().__init__(parent)
        self.practice, self.actor, self.open_list = practice, actor, open_list
        self.empty_text = empty_text
        self.model = SessionPageModel(columns(custom_labels=not open_list), sortable=(0, 1), parent=self)
        self.model.checked_changed.connect(self._checks_changed)
        self.model.failed.connect(self.show_error)
        self.model.sort_requested.connect(self._sort_requested)
        self._sort = (DATE_COLUMN, Qt.SortOrder.DescendingOrder if newest_first else Qt.SortOrder.AscendingOrder)

        self.table = QTableView(objectName="sessionTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate(WIDTHS):
            header.resizeSection(col, width)
        self._fitted = False  # the named columns are fitted to the first rows shown, once
        self.table.setItemDelegateForColumn(0, _CheckDelegate(self.table))
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(CLIENT_COLUMN, QHeaderView.ResizeMode.Stretch)  # names vary most
        header.setSortIndicator(*self._sort)
        header.setSortIndicatorShown(True)
        header.sectionClicked.connect(self._header_clicked)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.installEventFilter(self)

        self.empty = QLabel(objectName="sessionListEmpty", wordWrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(_MUTED + " border: 1px solid #d5d9e0; background: #fafbfc; font-size: 14px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.check_all = QCheckBox("Check all shown", objectName="checkAll")
        self.check_all.setToolTip("Check every session loaded in the list (scroll down to load more)")
        self.check_all.clicked.connect(self.model.set_all_checked)
        self.action = QComboBox(objectName="bulkAction")
        self.action.setMinimumWidth(200)
        self.action.currentIndexChanged.connect(self._action_changed)
        self.submit = QPushButton("Submit", objectName="bulkSubmit")
        self.submit.setAutoDefault(False)
        self.submit.clicked.connect(self.apply)
        self.checked_label = QLabel(objectName="checkedCount")
        self.checked_label.setStyleSheet(_MUTED)
        self.count = QLabel(objectName="sessionCount")
        self.count.setStyleSheet(_MUTED)
        self.error = error_label("sessionListError")
        self.error.hide()
        self.note = QLabel(objectName="sessionListDone", wordWrap=True)
        self.note.setStyleSheet("color: #2f855a;")
        self.note.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.check_all)
        bar.addSpacing(12)
        bar.addWidget(QLabel("With the checked sessions:"))
        bar.addWidget(self.action)
        bar.addWidget(self.submit)
        bar.addWidget(self.checked_label)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        self._fill_actions()

    # --- loading ------------------------------------------------------------------------------
    @property
    def sort(self) -> tuple[str, bool]:
        column, order = self._sort
        return ("client" if column == CLIENT_COLUMN else "date"), order == Qt.SortOrder.DescendingOrder

    def load(self, fetch: Callable, total: int | None, empty_text: str | None = None,
             keep_place: bool = False) -> None:
        """Show the first page of ``fetch``; ``total``: how many sessions match (None: unknown).
        ``keep_place``: read as far down as the list was and show the same rows (a refresh)."""
        self.error.hide()
        current, scrolled = self.table.currentIndex(), self.table.verticalScrollBar().value()
        last_shown = self.table.rowAt(self.table.viewport().height() - 1)
        self.model.load(fetch)
        if not self._fitted and self.model.rows:
            self._fit_columns()
        if keep_place and self.model.rows:
            self.model.fetch_until(max(current.row(), last_shown))
            if current.isValid() and current.row() < len(self.model.rows):
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(current.row(), current.column()),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.verticalScrollBar().setValue(scrolled)
        self.check_all.setChecked(False)
        shown = bool(self.model.rows)
        self.stack.setCurrentWidget(self.table if shown else self.empty)
        self.check_all.setEnabled(shown)  # nothing to check in an empty list
        self.empty.setText(empty_text or self.empty_text)
        self.total = total
        self._show_count()

    def _fit_columns(self) -> None:
        """Widen the service, practitioner, location and status columns to their longest text in
        the first page (up to FIT_MAX), so that names are not cut; the clients' column gives way."""
        self._fitted = True
        header, metrics = self.table.horizontalHeader(), self.table.fontMetrics()
        rows = self.model.rows
        for col in FITTED:
            value = self.model.columns[col - 1].value
            widest = max(metrics.horizontalAdvance(t) for t in {str(value(r)) for r in rows})
            want = min(FIT_MAX, widest + 2 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
                       + 12)
            if want > header.sectionSize(col):
                header.resizeSection(col, want)

    def _show_count(self) -> None:
        if self.total is None:
            self.count.setText("")
        elif self.total == 0:
            self.count.setText("No sessions")
        else:
            self.count.setText(sessions_word(self.total))

    # --- opening a session --------------------------------------------------------------------
    def _double_clicked(self, index) -> None:
        if index.isValid() and index.column() != 0:  # a double-click on a check box only checks
            self.session_activated.emit(self.model.rows[index.row()].id)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        # Enter on a row opens it, like a double-click
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.currentIndex().isValid()):
            self.session_activated.emit(self.model.rows[self.table.currentIndex().row()].id)
            return True
        return super().eventFilter(watched, event)

    def _header_clicked(self, column: int) -> None:
        header = self.table.horizontalHeader()
        if column not in (DATE_COLUMN, CLIENT_COLUMN):  # only date and client sort: keep the indicator
            header.blockSignals(True)
            header.setSortIndicator(*self._sort)
            header.blockSignals(False)
            return
        if column == self._sort[0]:
            order = (Qt.SortOrder.AscendingOrder if self._sort[1] == Qt.SortOrder.DescendingOrder
                     else Qt.SortOrder.DescendingOrder)
        else:
            order = Qt.SortOrder.AscendingOrder
        self._set_sort(column, order)

    def _sort_requested(self, column: int, descending: bool) -> None:
        self._set_sort(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    def _set_sort(self, column: int, order) -> None:
        self._sort = (column, order)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        self.sort_changed.emit(*self.sort)

    # --- actions ------------------------------------------------------------------------------
    def _fill_actions(self) -> None:
        try:
            actions = session_lists.list_actions(self.practice, self.actor, open_list=self.open_list)
        except ServiceError as exc:
            actions = []
            self.show_error(exc)
        self.action.blockSignals(True)
        self.action.clear()
        self.action.addItem("Choose an action\u2026", None)
        for a in actions:
            label = a.label if a.key != "complete" else f"Save as {a.label}"
            self.action.addItem(label, a)
        self.action.blockSignals(False)
        bulk = bool(actions)
        for w in (self.check_all, self.action, self.submit):
            w.setVisible(bulk)
        self.table.setColumnHidden(0, not bulk)  # no check boxes without an action to apply
        self._action_changed()

    def chosen_action(self) -> ListAction | None:
        return self.action.currentData()

    def _action_changed(self, *_args) -> None:
        self.submit.setEnabled(self.chosen_action() is not None)

    def _checks_changed(self) -> None:
        n = len(self.model.checked)
        self.checked_label.setText(f"{sessions_word(n)} checked" if n else "")
        loaded = len(self.model.rows)
        self.check_all.blockSignals(True)
        self.check_all.setChecked(bool(loaded) and n >= len({s.id for s in self.model.rows}))
        self.check_all.blockSignals(False)

    def apply(self) -> None:
        action, ids = self.chosen_action(), self.model.checked_ids()
        if action is None:
            return
        self.error.hide()
        self.note.hide()
        if not ids:
            self._say_error("Nothing is checked: tick the sessions first, then Submit.")
            return
        try:
            views = self._bulk(action, ids)
        except ServiceError as exc:
            self.show_error(exc)
            return
        if views is None:  # the front desk said no: nothing saved
            return
        n = len(ids)
        if action.key == "delete":
            self.model.remove_ids(ids)
            done = (f"{sessions_word(n)} deleted. Sessions \u25b8 Deleted Sessions\u2026 brings "
                    f"{'it' if n == 1 else 'them'} back.")
        elif self.open_list:
            self.model.remove_ids(ids)  # saved: no longer open sessions
            done = f"{sessions_word(n)} saved as {action.label}."
        else:
            self.model.update_rows(ListRow.of_view(v) for v in views)
            self.model.set_all_checked(False)
            done = (f"{sessions_word(n)} saved as {action.label}." if action.key == "complete"
                    else f"{sessions_word(n)} set back to open; {'its' if n == 1 else 'their'} charges were undone.")
        if self.total is not None and (action.key == "delete" or self.open_list):
            self.total = max(0, self.total - n)
            self._show_count()
        if not self.model.rows:
            self.stack.setCurrentWidget(self.empty)
            self.check_all.setEnabled(False)
        self.note.setText(done)
        self.note.show()
        self.action.setCurrentIndex(0)
        self.changed.emit()

    def _bulk(self, action: ListAction, ids: list[int]) -> list[SessionView] | None:
        """One call of the service as a person's Submit (``confirm=False``); what it asks first (a
        session not ended yet, SPEC 4.7; one on an issued invoice, SPEC 9.1) is put to the user, and
        on yes the same call is repeated confirmed. -> the sessions afterwards, or None on no."""
        try:
            return completion.bulk_action(self.practice, self.actor, ids, action.key, action.type_id, confirm=False)
        except NeedsConfirmation as need:
            if not self._confirm(need.warnings, ids, action):
                return None
        return completion.bulk_action(self.practice, self.actor, ids, action.key, action.type_id, confirm=True)

    def _confirm(self, warnings, ids: list[int], action: ListAction) -> bool:
        """Ask once about every warning of the service; the sessions not ended are listed by date."""
        early = (session_lists.not_ended(self.practice, self.actor, ids, action)
                 if any(w.code == WarningCode.NOT_ENDED for w in warnings) else [])
        others = [w.message for w in warnings if w.code != WarningCode.NOT_ENDED]
        parts = []
        if early:
            n = len(early)
            head = f"{sessions_word(n)} of the checked {'has' if n == 1 else 'have'} not ended yet."
            listed = [f"\u2022 {when_text(s)}  {clients_text(s)}" for s in early[:10]]
            if n > 10:
                listed.append(f"\u2026 and {n - 10} more")
            parts.append("\n".join(listed))
        else:
            head = "Before saving"
        parts += others
        if not others:
            n = len(early) or len(ids)
            parts.append(f"Save {'it' if n == 1 else 'them'} as {action.label} anyway?")
        box = QMessageBox(QMessageBox.Icon.Question, "Not ended yet" if early and not others else "Before saving",
                          head, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmBulk")
        box.setInformativeText("\n\n".join(parts))
        box.button(QMessageBox.StandardButton.Yes).setText(f"Save as {action.label}")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmYes")
        box.button(QMessageBox.StandardButton.Cancel).setObjectName("confirmCancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        return yes

    def show_error(self, exc: ServiceError) -> None:
        self._say_error(error_text(exc))

    def _say_error(self, text: str) -> None:
        self.note.hide()
        self.error.setText(text)
        self.error.show()

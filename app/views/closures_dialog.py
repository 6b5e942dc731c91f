"""Sessions > Closures… (SPEC 7.3, 7.1): the practice's closures from a year ago on, newest plans first,
with Add closure…, Remove… and "Cancel sessions on this closure…", which opens the cancellation
tool on the closure's days. What changes here redraws the calendar (the closure labels)."""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout

from ..services.errors import ServiceError
from ..services.scheduling import closures
from .cancellations_dialog import open_cancellations
from .closure_dialog import ClosureDialog
from .events import events_near
from .widgets.messages import error_label, error_text
from .widgets.record_table import RecordsModel, RichColumn, records_table, select_where, selected_row

LOOK_BACK = timedelta(days=365)
LOOK_AHEAD = timedelta(days=3 * 365)


def _days(c) -> str:
    n = (c.last_day - c.first_day).days + 1
    return "1 day" if n == 1 else f"{n} days"


class ClosuresDialog(QDialog):
    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("closuresDialog")
        self.setWindowTitle("Closures")
        self.practice, self.actor = practice, actor
        self.model = RecordsModel([
            RichColumn("First day", lambda c: f"{c.first_day:%a %d %b %Y}"),
            RichColumn("Last day", lambda c: f"{c.last_day:%a %d %b %Y}"),
            RichColumn("Length", _days),
            RichColumn("Label", lambda c: c.label, stretch=True, tooltip=lambda c: c.label),
        ], self)
        self.table = records_table(self.model, "closuresTable")
        self.empty = QLabel("No closures. Add one for a holiday or a day the practice is shut; it shows on "
                            "everyone's calendar.", objectName="closuresEmpty", wordWrap=True,
                            alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #718096; font-size: 14px; padding: 30px;")
        self.add_button = QPushButton("Add closure\u2026", objectName="closuresAdd")
        self.cancel_button = QPushButton("Cancel sessions on this closure\u2026", objectName="closuresCancelSessions")
        self.remove_button = QPushButton("Remove\u2026", objectName="closuresRemove")
        close = QPushButton("Close", objectName="closuresClose")
        self.add_button.clicked.connect(self.add)
        self.cancel_button.clicked.connect(self.cancel_sessions)
        self.remove_button.clicked.connect(self.remove)
        close.clicked.connect(self.accept)
        self.error = error_label("closuresError")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.cancel_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda *_: self.cancel_sessions())
        self.resize(760, 420)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        today = self.practice.clock.now().astimezone(self.practice.tz).date()
        try:
            rows = closures.list_closures(self.practice, self.actor, today - LOOK_BACK, today + LOOK_AHEAD)
        except ServiceError as exc:
            rows = []
            self.error.setText(error_text(exc))
        rows.sort(key=lambda c: (c.last_day < today, c.first_day if c.last_day >= today else date.max - c.first_day))
        self.model.set_rows(rows)  # upcoming first (soonest first), then past ones (latest first)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if select_id is not None:
            select_where(self.table, lambda c: c.id == select_id)
        self._selection_changed()

    def _selection_changed(self, *_) -> None:
        chosen = selected_row(self.table) is not None
        self.cancel_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _changed(self) -> None:
        events = events_near(self)
        if events is not None:
            events.sessions_changed.emit()  # the calendar draws closures

    def add(self) -> None:
        today = self.practice.clock.now().astimezone(self.practice.tz).date()
        d = ClosureDialog(self.practice, self.actor, today, self)
        if d.exec() == QDialog.DialogCode.Accepted and d.closure is not None:
            self.reload(d.closure.id)
            self._changed()

    def cancel_sessions(self) -> None:
        c = selected_row(self.table)
        if c is not None:
            self.tool = open_cancellations(self, self.practice, self.actor, c.first_day, c.last_day)

    def remove(self) -> None:
        c = selected_row(self.table)
        if c is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Remove closure",
                          f"Remove the closure \u201c{c.label}\u201d ({c.first_day:%d %b %Y}"
                          f"{'' if c.first_day == c.last_day else f' to {c.last_day:%d %b %Y}'})? Sessions on those "
                          "days are not changed.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("closuresRemoveConfirm")
        box.button(QMessageBox.StandardButton.Yes).setText("Remove")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("closuresRemoveYes")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.exec()
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
            return
        try:
            closures.remove_closure(self.practice, self.actor, c.id)
        except ServiceError as exc:
            self.error.setText(error_text(exc))
        self.reload()
        self._changed()

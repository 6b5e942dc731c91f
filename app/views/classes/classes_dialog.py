"""Sessions ▸ Classes…: every class (SPEC 11) with its service, sessions, seats taken and waitlist;
Open… shows a class, Archive takes it off the list and the published list, and the published
group-sessions list can be exported as a web page or a calendar file (SPEC 11.2)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QPushButton, QVBoxLayout

from ...services.errors import ServiceError
from ...services.scheduling import classes
from ..widgets.messages import show_error
from ..widgets.record_table import RecordsModel, RichColumn, muted, records_table, select_where, selected_row
from .class_view_dialog import ClassViewDialog
from .export import export_list

EMPTY_TEXT = ("No classes yet. To make one, open a group session or a session of a recurring series "
              "and choose Make class\u2026")


def _day(d) -> str:
    return f"{d:%a %d %b %Y}" if d else "\u2014"


def _dates(r) -> str:
    if r.first_start is None:
        return "\u2014"
    if r.first_start.date() == r.last_start.date():
        return _day(r.first_start)
    return f"{r.first_start:%d %b} \u2013 {r.last_start:%d %b %Y}"


class ClassesDialog(QDialog):
    def __init__(self, practice, actor, money: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.setObjectName("classesDialog")
        self.setWindowTitle("Classes")
        self.practice, self.actor, self.money = practice, actor, money
        self.model = RecordsModel([
            RichColumn("Class", lambda r: r.name + (" (archived)" if r.archived else ""), stretch=True),
            RichColumn("Service", lambda r: r.service_name),
            RichColumn("Sessions", lambda r: r.sessions, align_right=True),
            RichColumn("Dates", _dates),
            RichColumn("Enrolled", lambda r: f"{r.enrolled} of {r.capacity}", align_right=True),
            RichColumn("Waiting", lambda r: r.waiting or "", align_right=True),
            RichColumn("Enroll by", lambda r: _day(r.enroll_deadline))], self)
        self.table = records_table(self.model, "classesTable")
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._sync())
        self.empty = muted(EMPTY_TEXT, "classesEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.show_archived = QCheckBox("Show archived classes", objectName="classesShowArchived")
        self.show_archived.toggled.connect(lambda _on: self.reload())
        self.open_button = QPushButton("Open\u2026", objectName="classesOpen")
        self.archive_button = QPushButton("Archive", objectName="classesArchive")
        html = QPushButton("Export HTML\u2026", objectName="classesExportHtml")
        ics = QPushButton("Export iCalendar\u2026", objectName="classesExportIcs")
        close = QPushButton("Close", objectName="classesClose")
        self.open_button.clicked.connect(self.open_selected)
        self.archive_button.clicked.connect(self._archive)
        html.clicked.connect(lambda: export_list(self, practice, actor, "html"))
        ics.clicked.connect(lambda: export_list(self, practice, actor, "ics"))
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.show_archived)
        buttons = QHBoxLayout()
        for b in (self.open_button, self.archive_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (html, ics, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self.resize(860, 420)
        self.reload()

    def reload(self) -> None:
        keep = selected_row(self.table)
        try:
            rows = classes.list_classes(self.practice, self.actor, self.show_archived.isChecked())
        except ServiceError as exc:
            show_error(self, exc)
            rows = []
        self.model.set_rows(rows)
        if keep is not None:
            select_where(self.table, lambda r: r.id == keep.id)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._sync()

    def _sync(self) -> None:
        row = selected_row(self.table)
        self.open_button.setEnabled(row is not None)
        self.archive_button.setEnabled(row is not None)
        self.archive_button.setText("Restore" if row is not None and row.archived else "Archive")

    def make_class_view(self, class_id: int) -> ClassViewDialog:
        return ClassViewDialog(self.practice, self.actor, class_id, self.money, self)

    def open_selected(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        dialog = self.make_class_view(row.id)
        dialog.exec()
        dialog.deleteLater()
        self.reload()

    def _archive(self) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        try:
            classes.set_class_archived(self.practice, self.actor, row.id, not row.archived)
        except ServiceError as exc:
            show_error(self, exc)
        self.reload()

"""The shape the practitioner, service and location panels share: the records in a table on the
left (archived ones on request), the chosen record's form on the right with Save, New and
Archive/Restore. Records in use are archived, never deleted (SPEC 0.4); a refused save names the
field next to it and changes nothing (SPEC 0.5). Subclasses say what to list, show and save."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.errors import ServiceError
from ..widgets.record_table import (  # Stack: re-exported for the panels that import it from here
    FieldErrors,
    RecordsModel,
    Stack,  # noqa: F401
    done_label,
    heading,
    muted,
    records_table,
    select_where,
    selected_row,
)


def button(text: str, name: str, slot) -> QPushButton:
    b = QPushButton(text, objectName=name)
    b.setAutoDefault(False)
    b.clicked.connect(slot)
    return b


class RecordPanel(QWidget):
    changed = Signal()  # something was saved: open views may need to refresh

    noun = "record"  # "service": used in button texts and messages
    prefix = "record"  # object names: servicesTable, serviceSave, ...
    shares = (3, 2)  # how the width is shared between the table and the form

    def __init__(self, practice, actor, title: str, intro: str, columns, parent=None):
        super().__init__(parent)
        self.practice, self.actor = practice, actor
        self.setObjectName(f"{self.prefix}Panel")
        self.current = None  # the record in the form; None while a new one is typed
        self.model = RecordsModel(columns, self)
        self.table = records_table(self.model, f"{self.prefix}Table")
        self.table.selectionModel().selectionChanged.connect(self._picked)
        self.show_archived = QCheckBox("Show archived", objectName=f"{self.prefix}ShowArchived")
        self.show_archived.toggled.connect(lambda _on: self.reload(self.current.id if self.current else None))
        self.new_button = button(f"New {self.noun}", f"{self.prefix}New", self.start_new)
        self.save_button = button("Save", f"{self.prefix}Save", self.save)
        self.save_button.setDefault(True)
        self.archive_button = button("Archive", f"{self.prefix}Archive", self.toggle_archived)
        self.errors = FieldErrors(self.prefix)
        self.done = done_label(f"{self.prefix}Done")
        self.empty = muted("", f"{self.prefix}Empty")

        self.form = QFormLayout()
        self.form_box = QGroupBox(objectName=f"{self.prefix}FormBox")
        self.form_box.setLayout(self.form)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.empty)
        under = QHBoxLayout()
        under.addWidget(self.show_archived)
        under.addStretch(1)
        under.addWidget(self.new_button)
        left.addLayout(under)
        buttons = QHBoxLayout()
        buttons.addWidget(self.archive_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        self.right = QVBoxLayout()
        self.right.addWidget(self.form_box)
        self.right.addWidget(self.errors.general)
        self.right.addWidget(self.done)
        self.right.addLayout(buttons)
        self.right.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, self.shares[0])
        body.addLayout(self.right, self.shares[1])
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, f"{self.prefix}Heading"))
        layout.addWidget(muted(intro, f"{self.prefix}Intro"))
        layout.addLayout(body, 1)

    # --- what subclasses say ------------------------------------------------------------------
    def fetch(self, include_archived: bool) -> list:
        raise NotImplementedError

    def fill(self, row) -> None:
        """Put ``row`` in the form (None: an empty form for a new record)."""
        raise NotImplementedError

    def store(self, row):
        """Save the form as a new record (row None) or over ``row``; returns the saved view.
        Raises ServiceError (shown next to its field) or returns None when the form showed a
        problem itself (e.g. an amount that is not one)."""
        raise NotImplementedError

    def archive(self, row, archived: bool):
        raise NotImplementedError

    def name_of(self, row) -> str:
        return row.name

    def empty_text(self) -> str:
        return f"No {self.noun}s yet. Fill in the form and press Save to add the first."

    # --- the panel ----------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        try:
            rows = self.fetch(self.show_archived.isChecked())
        except ServiceError as exc:
            rows = []
            self.errors.show(exc)
        self.model.set_rows(rows)
        self.empty.setText(self.empty_text() if not rows else "")
        self.empty.setVisible(not rows)
        if select_id is not None:
            select_where(self.table, lambda r: r.id == select_id)
        elif rows and self.current is None:
            self.table.selectRow(0)  # the form shows a record from the start; New empties it
        if selected_row(self.table) is None:
            self._show(None)

    def _picked(self, *_args) -> None:
        row = selected_row(self.table)
        if row is not None:
            self._show(row)

    def _show(self, row) -> None:
        self.current = row
        self.errors.clear()
        self.done.hide()
        self.form_box.setTitle(f"New {self.noun}" if row is None else self.name_of(row))
        self.archive_button.setEnabled(row is not None)
        self.archive_button.setText("Restore" if row is not None and row.archived else "Archive")
        self.fill(row)

    def start_new(self) -> None:
        self.table.clearSelection()
        self._show(None)

    def save(self) -> None:
        self.errors.clear()
        self.done.hide()
        try:
            saved = self.store(self.current)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        if saved is None:
            return
        was_new = self.current is None
        self.reload(saved.id)
        self._say(f"{self.name_of(saved)} is added." if was_new else f"{self.name_of(saved)} is saved.")
        self.changed.emit()

    def toggle_archived(self) -> None:
        row = self.current
        if row is None:
            return
        try:
            saved = self.archive(row, not row.archived)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.reload(saved.id)
        if saved.archived:
            self._say(f"{self.name_of(saved)} is archived: kept with everything it was used for, "
                      "but no longer offered. Tick Show archived to find it again.")
        else:
            self._say(f"{self.name_of(saved)} is restored and offered again.")
        self.changed.emit()

    def _say(self, text: str) -> None:
        self.done.setText(text)
        self.done.show()


def name_text(row) -> str:
    return f"{row.name} (archived)" if row.archived else row.name


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"

"""What the settings panels share: a read-only table of records (rows from a service call, never the
database) with per-cell tooltips and colour swatches, and red error lines under form fields that
show a service's ``ValidationError`` next to the field it names (SPEC 0.5)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ...services.errors import ServiceError, ValidationError
from .messages import error_label, error_text
from .rows_model import Column, RowsTableModel


@dataclass(frozen=True)
class RichColumn(Column):
    tooltip: Callable[[object], str] | None = None  # a cell's tooltip
    swatch: Callable[[object], QColor | None] | None = None  # a small colour square before the text
    stretch: bool = False  # takes the table's spare width


class RecordsModel(RowsTableModel):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid():
            col = self.columns[index.column()]
            if role == Qt.ItemDataRole.ToolTipRole and getattr(col, "tooltip", None) is not None:
                return col.tooltip(self.rows[index.row()])
            if role == Qt.ItemDataRole.DecorationRole and getattr(col, "swatch", None) is not None:
                return col.swatch(self.rows[index.row()])
        return super().data(index, role)


def records_table(model: RecordsModel, name: str) -> QTableView:
    """One row selected at a time, no editing in place; columns fit their text, one stretches."""
    table = QTableView(objectName=name)
    table.setModel(model)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setStyleSheet("QTableView::item { padding: 0 8px; }")
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    stretched = False
    for i, col in enumerate(model.columns):
        wide = getattr(col, "stretch", False)
        stretched |= wide
        header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch if wide
                                    else QHeaderView.ResizeMode.ResizeToContents)
    if not stretched:
        header.setStretchLastSection(True)
    return table


def selected_row(table: QTableView):
    rows = table.selectionModel().selectedRows()
    return table.model().rows[rows[0].row()] if rows else None


def select_where(table: QTableView, test: Callable[[object], bool]) -> None:
    for i, row in enumerate(table.model().rows):
        if test(row):
            table.selectRow(i)
            return
    table.clearSelection()


class FieldErrors:
    """Red lines under the fields of one form. ``line(*fields)`` makes the label for the fields a
    service may name (``ValidationError.field``); ``show(exc)`` puts the message there, or on the
    ``general`` line when no field matches (and for every other refusal)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.general = error_label(f"{prefix}Error")
        self.general.hide()
        self._lines: dict[str, QLabel] = {}
        self._all: list[QLabel] = [self.general]

    def line(self, name: str, *fields: str) -> QLabel:
        label = error_label(f"{self.prefix}{name}Error")
        label.hide()
        for f in fields:
            self._lines[f] = label
        self._all.append(label)
        return label

    def show(self, exc: ServiceError | str) -> QLabel:
        self.clear()
        if isinstance(exc, ValidationError) and exc.field in self._lines:
            target, text = self._lines[exc.field], f"{exc.field.capitalize()} {exc.message}."
            text = text.replace("..", ".")
        else:
            target, text = self.general, exc if isinstance(exc, str) else error_text(exc)
        target.setText(text)
        target.show()
        return target

    def clear(self) -> None:
        for label in self._all:
            label.clear()
            label.hide()

    def shown(self) -> list[str]:
        """The messages on show (for tests and screenshots)."""
        return [label.text() for label in self._all if not label.isHidden() and label.text()]


def muted(text: str, name: str) -> QLabel:
    label = QLabel(text, objectName=name, wordWrap=True)
    label.setStyleSheet("color: #4a5568;")
    return label


def heading(text: str, name: str) -> QLabel:
    label = QLabel(text, objectName=name)
    label.setStyleSheet("font-size: 13pt; font-weight: bold;")
    return label


def done_label(name: str) -> QLabel:
    """The green line that says what was just saved."""
    label = QLabel(objectName=name, wordWrap=True)
    label.setStyleSheet("color: #276749;")
    label.hide()
    return label


class Stack(QWidget):
    """A plain vertical box widget (for a form row holding more than one widget)."""

    def __init__(self, *widgets, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for w in widgets:
            layout.addWidget(w)

"""Settings > Custom Session Status (SPEC 4.4, 4.5), laid out as the seed's help page describes.

Left, the form: map status (the base status the type counts as), label (at most 15 characters:
the count shows as you type and a 16th character is refused on the spot), description, modifier
type (percentage or fixed amount) and the client and practitioner modifiers (whole numbers).
Right, the table: the three defaults first, then the custom types. A click on a row's check mark
(or on a default's name) switches it off or on: types switched off are not offered when a session
is completed. Custom rows have edit (the form fills in), show description and remove. Sessions
already saved keep the label and amounts they were saved with."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...services import practice_settings
from ...services.errors import ServiceError
from ...services.scheduling import completion
from ...services.scheduling.completion import LABEL_MAX, CompletionTypeInput, CompletionTypeView
from ..widgets.record_table import (
    FieldErrors,
    RecordsModel,
    RichColumn,
    done_label,
    heading,
    muted,
    records_table,
)
from .record_panel import Stack, button

INTRO = ("Completion types are the choices offered when a session is saved. Completed and Missed charge "
         "the full cost and pay the full wage; Canceled charges and pays nothing. Add your own, such as a "
         "Late Cancel that charges half.")
MAP_STATUSES = (("canceled", "Canceled"), ("missed", "Missed"), ("completed", "Completed"))
MODIFIERS = (("percentage", "Percentage of the cost and wage"), ("fixed", "Fixed amount"))
CHECK, EDIT, SHOW, REMOVE = "\u2713", "Edit", "About", "Remove"
COL_ON, COL_LABEL, COL_EDIT, COL_SHOW, COL_REMOVE = 0, 1, 5, 6, 7
MAX_PERCENT, MAX_FIXED = 1000, 100_000


class CustomStatusPanel(QWidget):
    changed = Signal()

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("customStatusPanel")
        self.practice, self.actor = practice, actor
        self.currency = practice_settings.get_settings(practice, actor)["currency"]
        self.editing: CompletionTypeView | None = None
        self.errors = FieldErrors("status")

        # the form (left)
        self.base = QComboBox(objectName="statusBase")
        for value, text in MAP_STATUSES:
            self.base.addItem(text, value)
        self.label = QLineEdit(objectName="statusLabel")
        self.label.setPlaceholderText("e.g. Late Cancel")
        self.label.textEdited.connect(self._label_edited)
        self.label.textChanged.connect(self._count)
        self.counter = muted("", "statusLabelCount")
        self.label_error = self.errors.line("Label", "label")
        self.description = QPlainTextEdit(objectName="statusDescription")
        self.description.setPlaceholderText("When to choose it, e.g. the client cancels within 24 hours")
        self.description.setFixedHeight(72)
        self.modifier_type = QComboBox(objectName="statusModifierType")
        for value, text in MODIFIERS:
            self.modifier_type.addItem(text, value)
        self.modifier_type.currentIndexChanged.connect(self._modifier_changed)
        self.client_mod = QSpinBox(objectName="statusClientModifier")
        self.practitioner_mod = QSpinBox(objectName="statusPractitionerModifier")
        self.save_button = button("Save", "statusSave", self.save)
        self.save_button.setDefault(True)
        self.clear_button = button("New type", "statusNew", self.start_new)
        self.done = done_label("statusDone")
        form = QFormLayout()
        form.addRow("Map status", Stack(self.base, self.errors.line("Base", "base status"),
                                        muted("The status it counts as.", "statusBaseHint")))
        form.addRow("Label", Stack(self.label, self.counter, self.label_error))
        form.addRow("Description", Stack(self.description, self.errors.line("Description", "description")))
        form.addRow("Modifier type", Stack(self.modifier_type, self.errors.line("Type", "modifier type")))
        form.addRow("Client modifier", Stack(self.client_mod, self.errors.line("Client", "client modifier")))
        form.addRow("Practitioner modifier", Stack(self.practitioner_mod,
                                                   self.errors.line("Practitioner", "practitioner modifier")))
        self.form_box = QGroupBox("New completion type", objectName="statusFormBox")
        self.form_box.setLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        left = QVBoxLayout()
        left.addWidget(self.form_box)
        left.addWidget(self.errors.general)
        left.addWidget(self.done)
        left.addLayout(buttons)
        left.addStretch(1)

        # the table (right)
        self.model = RecordsModel([
            RichColumn("On", lambda t: CHECK if t.enabled else "", color=lambda t: _GREEN,
                       tooltip=lambda t: "Offered: click to switch off" if t.enabled else "Not offered: click to "
                                                                                           "switch on"),
            RichColumn("Label", lambda t: t.label,  # whole: a label is at most 15 characters
                       tooltip=lambda t: "Click to switch on or off" if t.is_default else t.label),
            RichColumn("Map status", lambda t: t.base_status.capitalize()),
            RichColumn("Charge", lambda t: self._modifier_text(t, t.client_modifier), align_right=True),
            RichColumn("Wage", lambda t: self._modifier_text(t, t.practitioner_modifier), align_right=True),
            RichColumn("", lambda t: "" if t.is_default else EDIT,
                       tooltip=lambda t: "" if t.is_default else "Edit in the form on the left", color=lambda t: _BLUE),
            RichColumn("", lambda t: SHOW if t.description else "",
                       tooltip=lambda t: "Show the description" if t.description else "", color=lambda t: _BLUE),
            RichColumn("", lambda t: "" if t.is_default else REMOVE,
                       tooltip=lambda t: "" if t.is_default else "Remove",
                       color=lambda t: _RED),
        ], self)
        self.table = records_table(self.model, "statusTable")
        self.table.setSelectionMode(self.table.SelectionMode.NoSelection)
        self.table.clicked.connect(self._cell_clicked)
        self.shown_description = QLabel(objectName="statusShownDescription", wordWrap=True)
        self.shown_description.setStyleSheet("background: #f7fafc; border: 1px solid #cbd5e0; padding: 6px;")
        self.shown_description.hide()
        right = QVBoxLayout()
        right.addWidget(self.table, 1)
        right.addWidget(self.shown_description)
        right.addWidget(muted("Click a check mark to switch a type off or on; switched-off types are not "
                              "offered when a session is saved. Removing a type does not change sessions already "
                              "saved with it.", "statusTableHint"))
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Custom session status", "statusHeading"))
        layout.addWidget(muted(INTRO, "statusIntro"))
        layout.addLayout(body, 1)
        self.start_new()
        self.reload()

    # --- table --------------------------------------------------------------------------------
    def _modifier_text(self, t: CompletionTypeView, value: int) -> str:
        if t.modifier_type == "fixed":
            return f"{value} {self.currency}"
        if t.modifier_type == "percentage":
            return f"{value}%"
        return "full" if t.base_status != "canceled" else "none"

    def reload(self) -> None:
        try:
            rows = completion.list_completion_types(self.practice, self.actor, enabled_only=False)
        except ServiceError as exc:
            rows = []
            self.errors.show(exc)
        self.model.set_rows(rows)

    def row(self, label: str) -> int:
        """The table row showing ``label`` (for tests), or -1."""
        return next((i for i, t in enumerate(self.model.rows) if t.label == label), -1)

    def _cell_clicked(self, index: QModelIndex) -> None:
        t: CompletionTypeView = self.model.rows[index.row()]
        col = index.column()
        if col == COL_ON or (col == COL_LABEL and t.is_default):
            self._switch(t)
        elif col == COL_EDIT and not t.is_default:
            self.edit(t)
        elif col == COL_SHOW and t.description:
            self.shown_description.setText(f"<b>{_html(t.label)}</b>: {_html(t.description)}")
            self.shown_description.show()
        elif col == COL_REMOVE and not t.is_default:
            self._remove(t)

    def _switch(self, t: CompletionTypeView) -> None:
        self.errors.clear()
        try:
            done = completion.set_completion_type_enabled(self.practice, self.actor, t.id, not t.enabled)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.reload()
        self._say(f"{done.label} is offered again when a session is saved." if done.enabled else
                  f"{done.label} is switched off: it is no longer offered when a session is saved.")
        self.changed.emit()

    def _remove(self, t: CompletionTypeView) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Remove completion type",
                          f"Remove {t.label}? It will no longer be offered. Sessions already saved with it keep "
                          "their label and amounts.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("statusRemoveConfirm")
        box.button(QMessageBox.StandardButton.Yes).setText("Remove")
        box.button(QMessageBox.StandardButton.Yes).setObjectName("statusRemoveYes")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if not yes:
            return
        self.errors.clear()
        try:
            completion.remove_completion_type(self.practice, self.actor, t.id)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        if self.editing is not None and self.editing.id == t.id:
            self.start_new()
        self.reload()
        self.shown_description.hide()
        self._say(f"{t.label} is removed.")
        self.changed.emit()

    # --- form ---------------------------------------------------------------------------------
    def _label_edited(self, text: str) -> None:
        """Typing (or pasting) past the limit is refused at once: the text stays at 15 characters
        and the line under the field says why."""
        if len(text) > LABEL_MAX:
            pos = min(self.label.cursorPosition(), LABEL_MAX)
            self.label.setText(text[:LABEL_MAX])
            self.label.setCursorPosition(pos)
            self.label_error.setText(f"A label has at most {LABEL_MAX} characters; "
                                     "put more detail in the description.")
            self.label_error.show()
        else:
            self.label_error.hide()

    def _count(self, text: str) -> None:
        n = len(text)
        self.counter.setText(f"{n} of {LABEL_MAX} characters")
        self.counter.setStyleSheet("color: #c05621;" if n >= LABEL_MAX else "color: #4a5568;")

    def _modifier_changed(self) -> None:
        fixed = self.modifier_type.currentData() == "fixed"
        for spin in (self.client_mod, self.practitioner_mod):
            spin.setMaximum(MAX_FIXED if fixed else MAX_PERCENT)
            spin.setSuffix(f" {self.currency}" if fixed else " %")
        self.client_mod.setToolTip("Whole currency units charged to each client" if fixed
                                   else "Percent of the session's cost charged to each client")
        self.practitioner_mod.setToolTip("Whole currency units paid to the practitioner" if fixed
                                         else "Percent of the wage paid to the practitioner")

    def start_new(self) -> None:
        self.editing = None
        self.form_box.setTitle("New completion type")
        self.base.setCurrentIndex(0)
        self.label.clear()
        self.description.clear()
        self.modifier_type.setCurrentIndex(0)
        self._modifier_changed()
        self.client_mod.setValue(100)
        self.practitioner_mod.setValue(100)
        self.errors.clear()
        self._count("")

    def edit(self, t: CompletionTypeView) -> None:
        self.start_new()
        self.editing = t
        self.form_box.setTitle(f"Editing {t.label}")
        self.base.setCurrentIndex(max(0, self.base.findData(t.base_status)))
        self.label.setText(t.label)
        self.description.setPlainText(t.description)
        self.modifier_type.setCurrentIndex(max(0, self.modifier_type.findData(t.modifier_type or "percentage")))
        self.client_mod.setValue(t.client_modifier)
        self.practitioner_mod.setValue(t.practitioner_modifier)
        self.label.setFocus()

    def save(self) -> None:
        self.errors.clear()
        self.done.hide()
        data = CompletionTypeInput(self.base.currentData(), self.label.text(), self.description.toPlainText(),
                                   self.modifier_type.currentData(), self.client_mod.value(),
                                   self.practitioner_mod.value())
        try:
            if self.editing is None:
                saved = completion.create_completion_type(self.practice, self.actor, data)
            else:
                saved = completion.update_completion_type(self.practice, self.actor, self.editing.id, data)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        was_new = self.editing is None
        self.start_new()
        self.reload()
        self._say(f"{saved.label} is added and offered when a session is saved." if was_new
                  else f"{saved.label} is saved. Sessions saved earlier keep what they were saved with.")
        self.changed.emit()

    def _say(self, text: str) -> None:
        self.done.setText(text)
        self.done.show()


def _html(text: str) -> str:
    from html import escape

    return escape(text)


from PySide6.QtGui import QColor  # noqa: E402

_RED, _BLUE, _GREEN = QColor("#c53030"), QColor("#2b6cb0"), QColor("#2f855a")

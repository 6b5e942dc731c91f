"""Complete ("save") a session, re-save it with another status, or set it back to open (SPEC 4).

Offers every enabled completion type (SPEC 4.4, 4.5), the cost override for admin and staff
(SPEC 4.1) and, for a saved session, "Set back to open". Before anything is saved it shows what
the choice would charge each client and pay the practitioner — amounts from
``completion.preview_completion``; the dialog does no arithmetic of its own.
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..services import completion
from ..services.completion import CompletionTypeView, Override
from ..services.errors import ServiceError
from ..services.session_views import SessionView
from . import style
from .widgets.messages import error_text
from .widgets.money_field import MoneyField

OVERRIDE = "override"
REOPEN = "reopen"
_MUTED = "color: #4a5568;"
_ERROR = "color: #c53030;"


def type_description(t: CompletionTypeView) -> str:
    """What a type does, for the line under its radio button (the admin's text when there is one)."""
    if t.description:
        return t.description
    base = t.base_status.capitalize()
    if t.modifier_type == "percentage":
        return f"{t.client_modifier}% of the cost, {t.practitioner_modifier}% of the wage (counts as {base})."
    if t.modifier_type == "fixed":
        return f"Fixed: {t.client_modifier} charged, {t.practitioner_modifier} paid (counts as {base})."
    return ""


class CompletionDialog(QDialog):
    """``CompletionDialog(practice, actor, session, money, parent=None)``.

    ``result_session`` is the SessionView after a successful submit (then the dialog accepts).
    ``choice`` is the chosen completion type id, ``"override"``, ``"reopen"`` or None.
    """

    def __init__(self, practice, actor, session: SessionView, money: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.setObjectName("completionDialog")
        self.practice, self.actor, self.session, self.money = practice, actor, session, money
        self.result_session: SessionView | None = None
        self.choice: int | str | None = None
        saved = session.status != "open"
        self.setWindowTitle("Change saved session" if saved else "Complete session")
        locale = practice.settings()["locale"]

        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.radios: dict[int | str, QRadioButton] = {}
        choices = QVBoxLayout()
        choices.setSpacing(2)
        self.types = completion.list_completion_types(practice, actor)
        for t in self.types:
            self._add_choice(choices, t.id, t.label, type_description(t), f"completionType{t.id}")

        # SPEC 4.1: the cost override is for admin and staff only (the service refuses others anyway)
        self.override_cost: MoneyField | None = None
        self.override_wage: MoneyField | None = None
        if actor.is_front_desk:
            override_box = QWidget(objectName="completionOverrideBox")
            self.override_cost = MoneyField(locale, "Cost", objectName="overrideCost")
            self.override_wage = MoneyField(locale, "Wage", objectName="overrideWage")
            self.override_cost.set_cents(session.cost_cents)  # start from today's price
            self.override_wage.set_cents(session.wage_cents)
            form = QFormLayout(override_box)
            form.setContentsMargins(26, 0, 0, 4)
            form.addRow("Cost per client", self.override_cost)
            form.addRow("Practitioner wage", self.override_wage)
            for field in (self.override_cost, self.override_wage):
                field.setMaximumWidth(140)
                field.setEnabled(False)
                field.textChanged.connect(self._refresh_preview)
            self._add_choice(choices, OVERRIDE, "Completed with cost override",
                             "Charge each client and pay the practitioner the amounts typed here.",
                             "completionOverride", extra=override_box)
        if saved:
            self._add_choice(choices, REOPEN, "Set back to open",
                             "Reverse this session's charges and wage; it becomes open again.", "completionReopen")
        self.group.idClicked.connect(self._chosen)
        choices.addStretch(1)

        box = QGroupBox("Save as", objectName="completionChoices")
        box.setLayout(choices)
        scroll = QScrollArea(objectName="completionChoicesScroll")
        scroll.setWidget(box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.preview = QLabel(objectName="completionPreview", wordWrap=True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setStyleSheet("background: #f7fafc; border: 1px solid #d5d9e0; border-radius: 4px; padding: 8px;")
        self.preview.setMinimumHeight(48)
        self.error = QLabel(objectName="completionError", wordWrap=True)
        self.error.setStyleSheet(_ERROR)
        self.error.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.submit = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.submit.setObjectName("completionSubmit")
        self.submit.setText("Save")
        self.submit.setEnabled(False)  # SPEC 4.2 habit: only once a choice is made
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("completionCancel")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self._header())
        layout.addWidget(scroll)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addStretch(1)  # a shorter preview leaves room above the buttons, not inside the choices
        layout.addWidget(buttons)
        self.choices_box, self.choices_scroll = box, scroll
        self._refresh_preview()
        self.setMinimumWidth(480)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Make the choices fully visible (up to a cap; more custom types scroll)."""
        super().showEvent(event)
        box, scroll = self.choices_box, self.choices_scroll
        width = scroll.viewport().width()
        needed = box.heightForWidth(width) if box.hasHeightForWidth() else box.sizeHint().height()
        scroll.setMinimumHeight(min(max(needed, box.sizeHint().height()) + 2, 460))

    # building ---------------------------------------------------------------
    def _header(self) -> QLabel:
        s = self.session
        lines = [f"<b style='font-size: 12pt'>{escape(s.title)}</b>"]
        if s.kind == "group":
            lines.append(escape(s.client_names))
        lines.append(f"{s.start:%a %d %b %Y}, {s.start:%H:%M}\u2013{s.end:%H:%M}")
        lines.append(escape(f"{s.service_name} \u00b7 {s.practitioner_name}"))
        if s.status != "open":
            color = style.STATUS_COLORS.get(s.status, style.TEXT).name()
            lines.append(f"Saved as <span style='color: {color}; font-weight: bold'>"
                         f"{style.STATUS_SYMBOLS.get(s.status, '')} {escape(s.label)}</span>")
        header = QLabel("<br>".join(lines), objectName="completionHeader", wordWrap=True)
        header.setTextFormat(Qt.TextFormat.RichText)
        return header

    def _add_choice(self, layout: QVBoxLayout, key: int | str, label: str, description: str, name: str,
                    extra: QWidget | None = None) -> None:
        radio = QRadioButton(label, objectName=name)
        radio.setStyleSheet("font-weight: bold;")
        self.group.addButton(radio, len(self.radios))
        self.radios[key] = radio
        layout.addWidget(radio)
        if description:
            text = QLabel(description, objectName=f"{name}Description", wordWrap=True)
            text.setStyleSheet(f"{_MUTED} margin-left: 26px; margin-bottom: 6px;")
            layout.addWidget(text)
        if extra is not None:
            layout.addWidget(extra)

    # behaviour --------------------------------------------------------------
    def _chosen(self, button_id: int) -> None:
        self.choice = list(self.radios)[button_id]
        is_override = self.choice == OVERRIDE
        if self.override_cost is not None:
            self.override_cost.setEnabled(is_override)
            self.override_wage.setEnabled(is_override)
        if is_override:
            self.override_cost.setFocus()
            self.override_cost.selectAll()
        self.submit.setText("Set back to open" if self.choice == REOPEN else "Save")
        self.submit.setEnabled(True)
        self._set_error("")
        self._refresh_preview()

    def _override(self) -> Override:
        """The typed amounts; ValueError (naming the field) when one is not an amount."""
        return Override(self.override_cost.cents(), self.override_wage.cents())

    def _refresh_preview(self) -> None:
        s = self.session
        if self.choice is None:
            self._set_preview("<span style='color:#4a5568'>Choose how to save this session to see what the "
                              "client is charged and the practitioner is paid.</span>")
            return
        if self.choice == REOPEN:
            rows = [(escape(c.name), self.money(c.charge_cents)) for c in s.clients if c.charge_cents is not None]
            rows.append((escape(f"Wage of {s.practitioner_name}"), self.money(s.wage_cents)))
            self._set_preview(_table("Setting back to open <b>reverses</b> these charges and the wage:", rows))
            return
        try:
            override = self._override() if self.choice == OVERRIDE else None
        except ValueError as exc:
            self._set_preview(f"<span style='{_ERROR}'>{escape(str(exc))}</span>")
            return
        try:
            p = completion.preview_completion(self.practice, self.actor, s.id,
                                              None if override else self.choice, override)
        except ServiceError as exc:
            self._set_preview(f"<span style='{_ERROR}'>{escape(error_text(exc))}</span>")
            return
        charge = self.money(p.charge_per_client_cents)
        rows = [(escape(c.name), charge) for c in s.clients]
        if len(s.clients) > 1:
            rows.append((f"Total charged ({p.clients} clients)", self.money(p.total_charge_cents), True))
        rows.append((escape(f"Wage paid to {s.practitioner_name}"), self.money(p.wage_cents)))
        self._set_preview(_table(f"Saving as <b>{escape(p.label)}</b> charges:", rows))

    def _set_preview(self, html: str) -> None:
        self.preview.setText(html)

    def _set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _submit(self) -> None:
        if self.choice is None:  # the button is disabled; Enter must not slip through either
            self._set_error("Status: choose how to save this session.")
            return
        try:
            if self.choice == REOPEN:
                result = completion.reopen_session(self.practice, self.actor, self.session.id)
            elif self.choice == OVERRIDE:
                try:
                    override = self._override()
                except ValueError as exc:
                    self._set_error(str(exc))
                    return
                result = completion.complete_session(self.practice, self.actor, self.session.id, override=override)
            else:
                result = completion.complete_session(self.practice, self.actor, self.session.id, self.choice)
        except ServiceError as exc:
            self._set_error(error_text(exc))
            return
        self.result_session = result
        self.accept()


def _table(title: str, rows: list[tuple]) -> str:
    """A two-column HTML table of (name as HTML, amount as text[, bold]) rows."""
    cells = []
    for name, amount, *bold in rows:
        b = ("<b>", "</b>") if bold and bold[0] else ("", "")
        cells.append(f"<tr><td style='padding-right: 24px'>{b[0]}{name}{b[1]}</td>"
                     f"<td align='right'>{b[0]}{escape(amount)}{b[1]}</td></tr>")
    return f"{title}<table style='margin-top: 4px'>{''.join(cells)}</table>"

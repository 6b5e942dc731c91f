"""Set a session's status: complete ("save") it, re-save it with another status, or set it back to
open (SPEC 4).

Offers every enabled completion type (SPEC 4.4, 4.5), the cost override for admin and staff
(SPEC 4.1) and, for a saved session, "Set back to open"; a saved session's current status is marked
"(current)". Before anything is saved it shows what the choice would charge each client and pay the
practitioner — amounts from ``completion.preview_completion``; the dialog does no arithmetic of its own.

Layout: the header, the choices and the preview (each in its own scroll area, as tall as its content
up to a share of the screen), the error line and the buttons. After each choice the dialog grows to
what its layout asks for (within the screen) and the chosen option is kept in view, so a long
preview (a row per client in a large group) never covers the choices.
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QMessageBox,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import WarningCode
from ..services.errors import NeedsConfirmation, ServiceError
from ..services.people.capabilities import capabilities
from ..services.scheduling import completion
from ..services.scheduling.completion import CompletionTypeView, Override
from ..services.scheduling.session_views import SessionView
from .session_popup import names_text, status_html
from .widgets.messages import error_text
from .widgets.money_field import MoneyField

OVERRIDE = "override"
REOPEN = "reopen"
OVERRIDE_LABEL = "Completed with cost override"
REOPEN_LABEL = "Set back to open"
_MUTED = "color: #4a5568;"
_ERROR = "color: #c53030;"
# shares of the screen's height the choices and the preview may take before they scroll
_CHOICES_SHARE, _PREVIEW_SHARE = 0.45, 0.3


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


def submit_text(key: int | str | None, label: str) -> str:
    """The submit button says what it will do: 'Mark as Late Cancel', 'Set back to open', ..."""
    if key is None:
        return "Set status"
    if key == REOPEN:
        return REOPEN_LABEL
    if key == OVERRIDE:
        return "Save with cost override"
    return f"Mark as {label}"


class FitScrollArea(QScrollArea):
    """A frameless, vertical-only scroll area that asks its layout for its content's height at the
    width it gets, up to ``max_height``: shorter content shows whole, only taller content scrolls.

    ``keep_in_view`` widgets (inside the content) are scrolled into view whenever the area is
    resized, so a choice stays visible while the dialog around it changes size.
    """

    def __init__(self, content: QWidget, max_height: int, objectName: str):  # noqa: N803 (Qt spelling)
        super().__init__(objectName=objectName)
        self.max_height = max_height
        self.keep_in_view: list[QWidget] = []
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt name)
        content = self.widget()
        needed = content.heightForWidth(width) if content.hasHeightForWidth() else -1
        if needed < 0:
            needed = content.sizeHint().height()
        return min(needed, self.max_height) + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        width = super().sizeHint().width()
        return QSize(width, self.heightForWidth(width))

    def scroll_into_view(self) -> None:
        for widget in reversed(self.keep_in_view):  # the first one wins when not all fit
            self.ensureWidgetVisible(widget, 0, 8)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.scroll_into_view()


class CompletionDialog(QDialog):
    """``CompletionDialog(practice, actor, session, money, parent=None)``.

    ``result_session`` is the SessionView after a successful submit (then the dialog accepts).
    ``choice`` is the chosen completion type id, ``"override"``, ``"reopen"`` or None;
    ``radios`` maps each choice to its radio button, ``submit`` is the submit button.
    """

    def __init__(self, practice, actor, session: SessionView, money: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.setObjectName("completionDialog")
        self.practice, self.actor, self.session, self.money = practice, actor, session, money
        self.result_session: SessionView | None = None
        self.choice: int | str | None = None
        saved = session.status != "open"
        self.setWindowTitle("Set session status")
        locale = practice.settings()["locale"]
        screen = self.screen() or QGuiApplication.primaryScreen()
        screen_height = screen.availableGeometry().height()

        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.radios: dict[int | str, QRadioButton] = {}
        self.labels: dict[int | str, str] = {}  # each choice's own label, without "(current)"
        self._parts: dict[int | str, list[QWidget]] = {}  # what to keep in view when it is chosen
        choices = QVBoxLayout()
        choices.setSpacing(2)
        self.types = completion.list_completion_types(practice, actor)
        for t in self.types:
            current = saved and not session.cost_override and session.completion_type_id == t.id
            self._add_choice(choices, t.id, t.label, type_description(t), f"completionType{t.id}", current=current)

        # SPEC 4.1: the cost override is for admin and staff only (the service refuses others anyway)
        self.override_cost: MoneyField | None = None
        self.override_wage: MoneyField | None = None
        if capabilities(actor).override_cost:
            override_box = QWidget(objectName="completionOverrideBox")
            currency = practice.settings()["currency"]
            self.override_cost = MoneyField(locale, "Cost", objectName="overrideCost", currency=currency)
            self.override_wage = MoneyField(locale, "Wage", objectName="overrideWage", currency=currency)
            self.override_cost.set_cents(session.cost_cents)  # start from today's price
            self.override_wage.set_cents(session.wage_cents)
            form = QFormLayout(override_box)
            form.setContentsMargins(26, 0, 0, 4)
            form.addRow("Cost per client", self.override_cost)
            form.addRow("Practitioner wage", self.override_wage)
            for field in (self.override_cost, self.override_wage):
                field.setMaximumWidth(140)
                field.setEnabled(False)
                field.textChanged.connect(self._amount_edited)
            self._add_choice(choices, OVERRIDE, OVERRIDE_LABEL,
                             "Charge each client and pay the practitioner the amounts typed here.",
                             "completionOverride", extra=override_box, current=saved and session.cost_override)
        if saved:
            self._add_choice(choices, REOPEN, REOPEN_LABEL,
                             "Reverse this session's charges and wage; it becomes open again.", "completionReopen")
        self.group.idClicked.connect(self._chosen)
        choices.addStretch(1)

        # the options scroll inside the box, so its title and edges stay put
        options = QWidget(objectName="completionOptions")
        options.setLayout(choices)
        scroll = FitScrollArea(options, max(160, int(screen_height * _CHOICES_SHARE)), "completionChoicesScroll")
        scroll.viewport().setAutoFillBackground(False)  # the box's own background shows through
        box = QGroupBox("New status", objectName="completionChoices")
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(2, 2, 2, 2)
        box_layout.addWidget(scroll)

        self.preview = QLabel(objectName="completionPreview", wordWrap=True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setStyleSheet("background: #f7fafc; border: 1px solid #d5d9e0; border-radius: 4px; padding: 8px;")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # a group of many clients scrolls here instead of pushing the choices off the dialog
        self.preview_scroll = FitScrollArea(self.preview, max(100, int(screen_height * _PREVIEW_SHARE)),
                                            "completionPreviewScroll")
        self.error = QLabel(objectName="completionError", wordWrap=True)
        self.error.setStyleSheet(_ERROR)
        self.error.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.submit = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.submit.setObjectName("completionSubmit")
        self.submit.setText(submit_text(None, ""))
        self.submit.setEnabled(False)  # SPEC 4.2 habit: only once a choice is made
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("completionCancel")
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self._header())
        layout.addWidget(box)
        layout.addWidget(self.preview_scroll)
        layout.addWidget(self.error)
        layout.addStretch(1)  # room the user adds goes above the buttons, not inside the boxes
        layout.addWidget(buttons)
        self.choices_box, self.choices_scroll = box, scroll
        self.setMinimumWidth(480)
        self._refresh_preview()
        width = max(self.minimumWidth(), layout.totalMinimumSize().width())  # a long label does not wrap
        self.resize(width, self._wanted_height(width))

    # building ---------------------------------------------------------------
    def _header(self) -> QLabel:
        s = self.session
        lines = [f"<b style='font-size: 12pt'>{escape(s.title)}</b>"]
        if s.kind == "group":
            lines.append(escape(names_text(s)))  # the preview lists every client
        lines.append(f"{s.start:%a %d %b %Y}, {s.start:%H:%M}\u2013{s.end:%H:%M}")
        lines.append(escape(f"{s.service_name} \u00b7 {s.practitioner_name}"))
        lines.append(f"Current status: {status_html(s)}")
        header = QLabel("<br>".join(lines), objectName="completionHeader", wordWrap=True)
        header.setTextFormat(Qt.TextFormat.RichText)
        return header

    def _add_choice(self, layout: QVBoxLayout, key: int | str, label: str, description: str, name: str,
                    extra: QWidget | None = None, current: bool = False) -> None:
        radio = QRadioButton(f"{label} (current)" if current else label, objectName=name)
        radio.setStyleSheet("font-weight: bold;")
        self.group.addButton(radio, len(self.radios))
        self.radios[key] = radio
        self.labels[key] = label
        parts: list[QWidget] = [radio]
        layout.addWidget(radio)
        if description:
            text = QLabel(description, objectName=f"{name}Description", wordWrap=True)
            text.setStyleSheet(f"{_MUTED} margin-left: 26px; margin-bottom: 6px;")
            layout.addWidget(text)
            parts.append(text)
        if extra is not None:
            layout.addWidget(extra)
            parts.append(extra)
        self._parts[key] = parts

    # sizing -----------------------------------------------------------------
    def _wanted_height(self, width: int) -> int:
        layout = self.layout()
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return layout.totalSizeHint().height()

    def _fit(self) -> None:
        """Grow (never shrink, so the buttons do not jump back) to what the layout asks for at this
        width, within the screen, moving up if the bottom would leave it; keep the choice in view."""
        self.preview_scroll.updateGeometry()  # its content changed: drop the layout's cached heights
        self.layout().invalidate()
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        frame = self.frameGeometry().height() - self.height()
        height = min(max(self.height(), self._wanted_height(self.width())), area.height() - frame)
        if height != self.height():
            self.resize(self.width(), height)
        if self.isVisible():
            geo = self.frameGeometry()
            if geo.bottom() > area.bottom():
                self.move(geo.x(), max(area.top(), area.bottom() + 1 - geo.height()))
        self.layout().activate()
        self.choices_scroll.scroll_into_view()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._fit()  # the screen (and the window frame) are known now

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
        self.submit.setText(submit_text(self.choice, self.labels[self.choice]))
        self.submit.setEnabled(True)
        self.choices_scroll.keep_in_view = self._parts[self.choice]
        self._set_error("")
        self._refresh_preview()

    def _override(self) -> Override:
        """The typed amounts; ValueError (naming the field) when one is not an amount."""
        return Override(self.override_cost.cents(), self.override_wage.cents())

    def _amount_edited(self) -> None:
        self._set_error("")  # the refusal was about the old text
        self._refresh_preview()

    def _refresh_preview(self) -> None:
        s = self.session
        if self.choice is None:
            self._set_preview(f"<span style='{_MUTED}'>Choose a new status to see what each client is charged "
                              "and the practitioner is paid.</span>")
            return
        label = escape(self.labels[self.choice])
        if self.choice == REOPEN:
            rows = [(escape(c.name), self.money(c.charge_cents)) for c in s.clients if c.charge_cents is not None]
            rows.append((escape(f"Wage of {s.practitioner_name}"), self.money(s.wage_cents)))
            self._set_preview(_table(f"<b>{label}</b> reverses these charges and the wage:", rows))
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
        self._set_preview(_table(f"<b>{label}</b> would charge:", rows))

    def _set_preview(self, html: str) -> None:
        self.preview.setText(html)
        self._fit()

    def _set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self._fit()

    def _submit(self) -> None:
        if self.choice is None:  # the button is disabled; Enter must not slip through either
            self._set_error("New status: choose one of the options above.")
            return
        try:
            if self.choice == REOPEN:
                result = completion.reopen_session(self.practice, self.actor, self.session.id)
            elif self.choice == OVERRIDE:
                try:
                    override = self._override()
                except ValueError as exc:  # said once, on the error line, not in the preview as well
                    self._set_preview(f"<span style='{_MUTED}'>The preview shows once the amounts are "
                                      "corrected.</span>")
                    self._set_error(str(exc))
                    return
                result = self._complete(None, override)
            else:
                result = self._complete(self.choice, None)
        except ServiceError as exc:
            self._set_error(error_text(exc))
            return
        if result is None:  # not saved before its end, as the user chose
            return
        self.result_session = result
        self.accept()


    def _complete(self, type_id, override):
        """Save; a session that has not ended yet (SPEC 4.7) or is on an issued invoice (SPEC 9.1) is
        saved only once the user says so.
        -> the saved session, or None when the user said no."""
        try:
            return completion.complete_session(self.practice, self.actor, self.session.id, type_id, override,
                                               confirm=False)
        except NeedsConfirmation as need:
            early_only = all(w.code == WarningCode.NOT_ENDED for w in need.warnings)
            box = QMessageBox(QMessageBox.Icon.Question, "Session not ended yet" if early_only else "Before saving",
                              "\n\n".join(w.message for w in need.warnings), parent=self)
            box.setObjectName("confirmEarlyCompletion")
            yes = box.addButton("Save anyway", QMessageBox.ButtonRole.AcceptRole)
            yes.setObjectName("confirmYes")
            no = box.addButton("Not yet" if early_only else "Cancel", QMessageBox.ButtonRole.RejectRole)
            no.setObjectName("confirmNo")
            box.setDefaultButton(no)
            box.exec()
            if box.clickedButton() is not yes:
                return None
            return completion.complete_session(self.practice, self.actor, self.session.id, type_id, override,
                                               confirm=True)


def _table(title: str, rows: list[tuple]) -> str:
    """A two-column HTML table of (name as HTML, amount as text[, bold]) rows."""
    cells = []
    for name, amount, *bold in rows:
        b = ("<b>", "</b>") if bold and bold[0] else ("", "")
        cells.append(f"<tr><td style='padding-right: 24px'>{b[0]}{name}{b[1]}</td>"
                     f"<td align='right'>{b[0]}{escape(amount)}{b[1]}</td></tr>")
    return f"{title}<table style='margin-top: 4px'>{''.join(cells)}</table>"

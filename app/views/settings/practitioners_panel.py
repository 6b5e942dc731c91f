"""Settings > Practitioners (SPEC 1.1, 1.3, 2.6): name, contact, calendar colour, and a custom wage
per service that replaces the service's wage for this practitioner. Practitioners are archived,
never deleted: their sessions and wages stay."""
from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout

from ...services import practice_settings
from ...services.errors import ServiceError
from ...services.money.amounts import format_money
from ...services.people import practitioners
from ...services.scheduling import catalog
from ..style import practitioner_color
from ..widgets.money_field import MoneyField
from ..widgets.record_table import (
    FieldErrors,
    RecordsModel,
    RichColumn,
    done_label,
    muted,
    records_table,
    select_where,
    selected_row,
)
from .record_panel import RecordPanel, Stack, button, name_text

INTRO = ("The people who give sessions. The colour marks their sessions on the calendar. A custom wage "
         "replaces a service's wage for this practitioner only.")


class PractitionersPanel(RecordPanel):
    noun = "practitioner"
    prefix = "practitioners"

    def __init__(self, practice, actor, parent=None):
        conf = practice_settings.get_settings(practice, actor)
        self.currency, self.locale = conf["currency"], conf["locale"]
        self.services: list = []
        self.custom: dict[int, int] = {}
        super().__init__(practice, actor, "Practitioners", INTRO, [
            RichColumn("Name", name_text, swatch=lambda r: practitioner_color(r.color)),
            RichColumn("E-mail", lambda r: r.email or "\u2014"),
            RichColumn("Phone", lambda r: r.phone or "\u2014"),
        ], parent)
        self.name = QLineEdit(objectName="practitionerName", maxLength=120)
        self.email = QLineEdit(objectName="practitionerEmail", maxLength=254)
        self.phone = QLineEdit(objectName="practitionerPhone", maxLength=40)
        self.color = QLineEdit(objectName="practitionerColor", maxLength=7)
        self.color.setPlaceholderText("#4a7fc1")
        self.color_button = button("Choose\u2026", "practitionerColorChoose", self._choose_color)
        self.swatch = QLabel(objectName="practitionerSwatch")
        self.swatch.setFixedSize(22, 22)
        self.color.textChanged.connect(self._show_swatch)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.swatch)
        row.addWidget(self.color, 1)
        row.addWidget(self.color_button)
        color_row = Stack()
        color_row.layout().addLayout(row)
        color_row.layout().addWidget(self.errors.line("Color", "colour"))
        self.form.addRow("Name", Stack(self.name, self.errors.line("Name", "name")))
        self.form.addRow("E-mail", Stack(self.email, self.errors.line("Email", "e-mail")))
        self.form.addRow("Phone", Stack(self.phone, self.errors.line("Phone", "phone")))
        self.form.addRow("Colour", color_row)
        self._build_wages()
        self.reload()

    # --- colour -------------------------------------------------------------------------------
    def _show_swatch(self, text: str) -> None:
        c = QColor(text)
        fill = c.name() if c.isValid() and len(text) == 7 else "transparent"
        self.swatch.setStyleSheet(f"background: {fill}; border: 1px solid #a0aec0; border-radius: 3px;")

    def _choose_color(self) -> None:
        chosen = QColorDialog.getColor(practitioner_color(self.color.text()), self, "Practitioner colour")
        if chosen.isValid():
            self.color.setText(chosen.name())

    # --- custom wages -------------------------------------------------------------------------
    def _build_wages(self) -> None:
        self.wages_model = RecordsModel([
            RichColumn("Service", lambda s: s.name, stretch=True),
            RichColumn("Service wage", lambda s: self._money(s, s.wage_cents), align_right=True),
            RichColumn("Their wage", lambda s: self._money(s, self.custom[s.id]) if s.id in self.custom
                       else "as the service", align_right=True),
        ], self)
        self.wages_table = records_table(self.wages_model, "customWagesTable")
        self.wages_table.setMinimumHeight(150)
        self.wages_table.selectionModel().selectionChanged.connect(self._wage_picked)
        self.wage = MoneyField(self.locale, label="Custom wage", objectName="customWage", currency=self.currency)
        self.wage_errors = FieldErrors("customWage")
        self.wage_set = button("Set custom wage", "customWageSet", self._set_wage)
        self.wage_default = button("Use service wage", "customWageDefault", self._clear_wage)
        self.wage_done = done_label("customWageDone")
        line = QHBoxLayout()
        line.addWidget(self.wage, 1)
        line.addWidget(self.wage_set)
        line.addWidget(self.wage_default)
        self.wages_box = QGroupBox("Custom wages", objectName="customWagesBox")
        box = QVBoxLayout(self.wages_box)
        box.addWidget(self.wages_table, 1)
        box.addLayout(line)
        box.addWidget(self.wage.message)
        box.addWidget(self.wage_errors.line("Amount", "custom wage"))
        box.addWidget(self.wage_errors.general)
        box.addWidget(self.wage_done)
        self.wages_hint = muted("Save the practitioner first; then choose a service to give them their own wage.",
                                "customWagesHint")
        box.addWidget(self.wages_hint)
        self.right.insertWidget(self.right.count() - 1, self.wages_box, 1)  # above the stretch

    def _money(self, service, cents: int) -> str:
        text = format_money(cents, self.currency, self.locale)
        return f"{text} / hour" if service.kind == "hourly" else text

    def _load_wages(self, row) -> None:
        self.wage_errors.clear()
        self.wage_done.hide()
        self.wage.message.hide()
        try:
            self.services = catalog.list_services(self.practice, self.actor)
            self.custom = catalog.custom_wages(self.practice, self.actor, row.id) if row else {}
        except ServiceError as exc:
            self.services, self.custom = [], {}
            self.wage_errors.show(exc)
        self.wages_model.set_rows(self.services if row else [])
        self.wages_box.setEnabled(row is not None)
        self.wages_hint.setVisible(row is None or not self.services)
        if row is not None and not self.services:
            self.wages_hint.setText("No services yet: add them on the Services page.")
        self._wage_picked()

    def _wage_picked(self, *_args) -> None:
        service = selected_row(self.wages_table)
        self.wage_set.setEnabled(service is not None)
        self.wage_default.setEnabled(service is not None and service.id in self.custom)
        self.wage.setEnabled(service is not None)
        if service is not None:
            self.wage.set_cents(self.custom.get(service.id, service.wage_cents))

    def _set_wage(self, *_args, cents: int | None = None, clear: bool = False) -> None:
        service, row = selected_row(self.wages_table), self.current
        if service is None or row is None:
            return
        self.wage_errors.clear()
        if not clear:
            try:
                cents = self.wage.cents()
            except ValueError as exc:
                self.wage.message.setText(str(exc))
                self.wage.message.show()
                return
        try:
            catalog.set_custom_wage(self.practice, self.actor, row.id, service.id, None if clear else cents)
        except ServiceError as exc:
            self.wage_errors.show(exc)
            return
        self._load_wages(row)
        select_where(self.wages_table, lambda s: s.id == service.id)
        self.wage_done.setText(f"{row.name} is paid the service wage for {service.name} again." if clear else
                               f"{row.name} is paid {self._money(service, cents)} for {service.name}.")
        self.wage_done.show()
        self.changed.emit()

    def _clear_wage(self) -> None:
        self._set_wage(clear=True)

    # --- the record ---------------------------------------------------------------------------
    def fetch(self, include_archived: bool) -> list:
        return practitioners.list_practitioners(self.practice, self.actor, include_archived=include_archived)

    def fill(self, row) -> None:
        self.name.setText(row.name if row else "")
        self.email.setText(row.email if row else "")
        self.phone.setText(row.phone if row else "")
        self.color.setText(row.color if row else "#4a7fc1")
        self._load_wages(row)

    def store(self, row):
        data = practitioners.PractitionerInput(self.name.text(), self.email.text(), self.phone.text(),
                                               self.color.text().strip())
        if row is None:
            return practitioners.create_practitioner(self.practice, self.actor, data)
        return practitioners.update_practitioner(self.practice, self.actor, row.id, data)

    def archive(self, row, archived: bool):
        return practitioners.set_archived(self.practice, self.actor, row.id, archived)

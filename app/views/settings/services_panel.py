"""Settings > Services (SPEC 1.3, 1.4, 2.6): name, type (fixed per session or hourly), default
length, cost, wage and visibility on the Details tab; the Client Booking flag on its own tab. A
practitioner's own wage for a service is set on the Practitioners page. Services are archived,
never deleted; sessions already saved keep the price they were saved with."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from ...services import practice_settings
from ...services.money.amounts import format_money
from ...services.scheduling import catalog
from ..widgets.money_field import MoneyField
from ..widgets.record_table import RichColumn, muted
from .record_panel import RecordPanel, Stack, name_text, yes_no

INTRO = ("What the practice offers. A fixed service costs the same per session; an hourly one is "
         "charged by the minute at its hourly rate. The wage is what the practitioner is paid per session "
         "or per hour, unless they have their own wage for the service (see Practitioners).")
KINDS = (("fixed", "Fixed (per session)"), ("hourly", "Hourly (per hour, by the minute)"))
VISIBILITY = (("all", "Everyone"), ("staff", "Staff only"), ("hidden", "Hidden (not offered for new sessions)"))
VISIBILITY_WORDS = {"all": "Everyone", "staff": "Staff only", "hidden": "Hidden"}
MIN_MINUTES, MAX_MINUTES = 5, 720


def _combo(name: str, choices) -> QComboBox:
    box = QComboBox(objectName=name)
    for value, text in choices:
        box.addItem(text, value)
    return box


def tax_text(basis_points: int) -> str:
    """2000 -> '20 %', 750 -> '7.5 %', 0 -> '' (no tax)."""
    return f"{basis_points / 100:g} %" if basis_points else ""


class ServicesPanel(RecordPanel):
    noun = "service"
    prefix = "services"

    def __init__(self, practice, actor, parent=None):
        conf = practice_settings.get_settings(practice, actor)
        self.currency, self.locale = conf["currency"], conf["locale"]
        super().__init__(practice, actor, "Services", INTRO, [
            RichColumn("Name", name_text),
            RichColumn("Length", lambda r: f"{r.default_minutes} min"),
            RichColumn("Cost", lambda r: self._per(r, r.cost_cents), align_right=True),
            RichColumn("Wage", lambda r: self._per(r, r.wage_cents), align_right=True),
            RichColumn("Tax", lambda r: tax_text(r.tax_rate_bp), align_right=True),
            RichColumn("Visible to", lambda r: VISIBILITY_WORDS.get(r.visibility, r.visibility)),
            RichColumn("Client booking", lambda r: yes_no(r.client_booking)),
        ], parent)
        self.name = QLineEdit(objectName="serviceName", maxLength=120)
        self.kind = _combo("serviceKind", KINDS)
        self.length = QSpinBox(objectName="serviceLength", minimum=MIN_MINUTES, maximum=MAX_MINUTES,
                               singleStep=5, suffix=" min")
        self.cost = MoneyField(self.locale, label="Cost", objectName="serviceCost", currency=self.currency)
        self.wage = MoneyField(self.locale, label="Wage", objectName="serviceWage", currency=self.currency)
        self.tax = QDoubleSpinBox(objectName="serviceTax", minimum=0, maximum=100, decimals=2, suffix=" %")
        self.tax.setSpecialValueText("None")  # 0: no tax (SPEC 9.3, the default)
        self.visibility = _combo("serviceVisibility", VISIBILITY)
        self.client_booking = QCheckBox("Clients may request this service", objectName="serviceClientBooking")
        self.kind.currentIndexChanged.connect(self._kind_changed)

        details = QWidget(objectName="serviceDetailsTab")
        form = QFormLayout(details)
        form.addRow("Name", Stack(self.name, self.errors.line("Name", "name")))
        form.addRow("Type", Stack(self.kind, self.errors.line("Kind", "type")))
        form.addRow("Default length", Stack(self.length, self.errors.line("Length", "default length")))
        self.cost_label, self.wage_label = muted("", "serviceCostUnit"), muted("", "serviceWageUnit")
        form.addRow("Cost", Stack(self.cost, self.cost_label, self.cost.message, self.errors.line("Cost", "cost")))
        form.addRow("Wage", Stack(self.wage, self.wage_label, self.wage.message, self.errors.line("Wage", "wage")))
        form.addRow("Tax on invoices", Stack(self.tax, self.errors.line("Tax", "tax rate"),
                                             muted("Added to each invoice line of this service, rounded "
                                                   "half-up per line.", "serviceTaxNote")))
        form.addRow("Visible to", Stack(self.visibility, self.errors.line("Visibility", "visibility")))
        booking = QWidget(objectName="serviceBookingTab")
        bform = QFormLayout(booking)
        bform.addRow(Stack(self.client_booking, self.errors.line("Booking", "client booking"),
                           muted("Only services with this flag (at a location with the flag) are offered when a "
                                 "client asks for a session.", "serviceBookingNote")))
        self.tabs = QTabWidget(objectName="serviceTabs")
        self.tabs.addTab(details, "Details")
        self.tabs.addTab(booking, "Client Booking")
        self.form.addRow(self.tabs)
        self.reload()

    def _per(self, row, cents: int) -> str:
        text = format_money(cents, self.currency, self.locale)
        return f"{text} / hour" if row.kind == "hourly" else text

    def _kind_changed(self) -> None:
        unit = "per hour; a session is charged by its minutes" if self.kind.currentData() == "hourly" \
            else "per session, whatever its length"
        self.cost_label.setText(f"Charged to each client {unit}.")
        self.wage_label.setText(f"Paid to the practitioner {unit}.")

    def fetch(self, include_archived: bool) -> list:
        return catalog.list_services(self.practice, self.actor, include_archived=include_archived)

    def fill(self, row) -> None:
        self.name.setText(row.name if row else "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind if row else "fixed")))
        self.length.setValue(min(max(row.default_minutes, MIN_MINUTES), MAX_MINUTES) if row else 60)
        if row:
            self.cost.set_cents(row.cost_cents)
            self.wage.set_cents(row.wage_cents)
        else:
            self.cost.clear()
            self.wage.clear()
        self.visibility.setCurrentIndex(max(0, self.visibility.findData(row.visibility if row else "all")))
        self.client_booking.setChecked(bool(row and row.client_booking))
        self.tax.setValue(row.tax_rate_bp / 100 if row else 0)
        self._kind_changed()
        self.tabs.setCurrentIndex(0)

    def _amount(self, field: MoneyField):
        try:
            return field.cents()
        except ValueError as exc:
            field.message.setText(str(exc))
            field.message.show()
            self.tabs.setCurrentIndex(0)
            field.setFocus()
            return None

    def store(self, row):
        cost, wage = self._amount(self.cost), self._amount(self.wage)
        if cost is None or wage is None:
            return None
        data = catalog.ServiceInput(self.name.text(), self.kind.currentData(), cost, wage,
                                    self.visibility.currentData(), self.client_booking.isChecked(),
                                    default_minutes=self.length.value(), tax_rate_bp=round(self.tax.value() * 100))
        if row is None:
            return catalog.create_service(self.practice, self.actor, data)
        return catalog.update_service(self.practice, self.actor, row.id, data)

    def archive(self, row, archived: bool):
        return catalog.set_service_archived(self.practice, self.actor, row.id, archived)

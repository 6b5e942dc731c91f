"""Settings > Packages (SPEC 6.3): what clients can buy in package mode, a number of sessions of the
services ticked, for one price. Each session costs its share of the price (the cents that do not
divide evenly go to the first sessions); the table and the form show those shares as the service
works them out. A change applies to packages sold from then on. Packages are archived, never
deleted, and are sold from a client's record."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHeaderView,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...models.enums import PrepaymentMode
from ...services import practice_settings
from ...services.errors import ServiceError
from ...services.money import packages
from ...services.money.amounts import format_money, split_exact
from ...services.scheduling import catalog
from ..widgets.money_field import MoneyField
from ..widgets.package_text import shares_text
from ..widgets.record_table import RichColumn, muted
from .record_panel import RecordPanel, Stack, name_text

INTRO = ("Packages of sessions clients can buy at the front desk (from a client's record). Each session "
         "of a package costs its share of the price and can be any of the services ticked. A change applies "
         "to packages sold from now on; packages already sold keep their sessions and price.")
COL_SHARES = 3
SHARES_WIDTH = 170  # px: "first 5 × $100.01, then $100.00" on two lines
NOT_ON = ("Package mode is not on, so sessions do not use packages yet: choose it under Session control "
          "when the practice starts selling them.")


class ServiceChecks(QScrollArea):
    """One check box per service; archived services show only while a package still covers them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("packageServices")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMaximumHeight(170)
        self.boxes: dict[int, QCheckBox] = {}

    def set_services(self, services, ticked) -> None:
        ticked = set(ticked)
        inner = QWidget(objectName="packageServicesList")
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        self.boxes = {}
        for s in services:
            if s.archived and s.id not in ticked:
                continue
            box = QCheckBox(s.name + (" (archived)" if s.archived else ""), objectName=f"packageService{s.id}")
            box.setChecked(s.id in ticked)
            layout.addWidget(box)
            self.boxes[s.id] = box
        if not self.boxes:
            layout.addWidget(muted("No services yet: add them on the Services page first.", "packageNoServices"))
        layout.addStretch(1)
        self.setWidget(inner)  # the old list goes with its widget

    def ticked(self) -> tuple[int, ...]:
        return tuple(sid for sid, box in self.boxes.items() if box.isChecked())


class PackagesPanel(RecordPanel):
    noun = "package"
    prefix = "packages"
    shares = (5, 2)  # a wide table (shares and services), a short form

    def __init__(self, practice, actor, parent=None):
        conf = practice_settings.get_settings(practice, actor)
        self.currency, self.locale = conf["currency"], conf["locale"]
        self.services: list = []  # every service, archived too, for names and check boxes
        super().__init__(practice, actor, "Packages", INTRO, [
            RichColumn("Name", name_text),
            RichColumn("Sessions", lambda r: r.sessions, align_right=True),
            RichColumn("Price", lambda r: self.money(r.price_cents), align_right=True),
            RichColumn("Per session", lambda r: shares_text(r.shares_cents, self.money),
                       tooltip=lambda r: ", ".join(self.money(c) for c in r.shares_cents)),
            RichColumn("Services covered", self._service_names, tooltip=self._service_names, stretch=True),
        ], parent)
        self._wrap_table()
        self.mode_note = muted(NOT_ON, "packagesModeNote")
        self.layout().insertWidget(2, self.mode_note)
        self.name = QLineEdit(objectName="packageName", maxLength=120)
        self.sessions = QSpinBox(objectName="packageSessions", minimum=0, maximum=packages.MAX_SESSIONS)
        self.sessions.setMaximumWidth(120)
        self.price = MoneyField(self.locale, label="Price", objectName="packagePrice", currency=self.currency)
        self.price.setMaximumWidth(180)
        self.shares = muted("", "packageShares")
        self.checks = ServiceChecks()
        self.form.addRow("Name", Stack(self.name, self.errors.line("Name", "name")))
        self.form.addRow("Sessions", Stack(self.sessions, self.errors.line("Sessions", "number of sessions")))
        self.form.addRow("Price", Stack(self.price, self.price.message, self.shares,
                                        self.errors.line("Price", "price")))
        self.form.addRow("Services", Stack(self.checks, self.errors.line("Services", "services")))
        self.checks.setToolTip("The services its sessions can be")
        self.sessions.valueChanged.connect(self._update_shares)
        self.price.textChanged.connect(self._update_shares)
        self.reload()

    def _wrap_table(self) -> None:
        """Long shares and service lists wrap onto a second line rather than run off the table."""
        self.table.setWordWrap(True)
        self.table.setStyleSheet("QTableView::item { padding: 3px 8px; }")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_SHARES, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_SHARES, SHARES_WIDTH)
        header.sectionResized.connect(lambda *_a: self.table.resizeRowsToContents())
        self.model.modelReset.connect(self.table.resizeRowsToContents)

    def money(self, cents: int) -> str:
        return format_money(cents, self.currency, self.locale)

    def _service_names(self, row) -> str:
        names = {s.id: s.name for s in self.services}
        return ", ".join(names.get(i, "?") for i in row.service_ids)

    def showEvent(self, event) -> None:
        """Services added or renamed on the Services page show here when the page is opened again."""
        super().showEvent(event)
        self._load_services()
        self.mode_note.setVisible(practice_settings.get_settings(self.practice, self.actor)["prepayment_mode"]
                                  != PrepaymentMode.PACKAGE)
        self.model.layoutChanged.emit()  # service names in the table

    def _load_services(self) -> None:
        try:
            self.services = catalog.list_services(self.practice, self.actor, include_archived=True)
        except ServiceError as exc:
            self.errors.show(exc)
        self.checks.set_services(self.services, self.checks.ticked())

    def _update_shares(self, *_args) -> None:
        """What each session would cost, as it is typed (the service's own split, nothing saved)."""
        n = self.sessions.value()
        price = self.price.cents() if self.price.is_valid() else None
        self.shares.setText(f"Each session: {shares_text(split_exact(price, n), self.money)}"
                            if price is not None and n > 0 else "")
        self.shares.setVisible(bool(self.shares.text()))

    # --- RecordPanel ----------------------------------------------------------------------------
    def fetch(self, include_archived: bool) -> list:
        if not self.services:
            self.services = catalog.list_services(self.practice, self.actor, include_archived=True)
        return packages.list_packages(self.practice, self.actor, include_archived=include_archived)

    def fill(self, row) -> None:
        self.name.setText(row.name if row else "")
        self.sessions.setValue(row.sessions if row else 0)
        if row:
            self.price.set_cents(row.price_cents)
        else:
            self.price.clear()
        self.checks.set_services(self.services, row.service_ids if row else ())
        self._update_shares()

    def store(self, row):
        try:
            price = self.price.cents()
        except ValueError as exc:
            self.price.message.setText(str(exc))
            self.price.message.show()
            self.price.setFocus()
            return None
        data = packages.PackageInput(self.name.text(), self.sessions.value(), price, self.checks.ticked())
        if row is None:
            return packages.create_package(self.practice, self.actor, data)
        return packages.update_package(self.practice, self.actor, row.id, data)

    def archive(self, row, archived: bool):
        return packages.set_package_archived(self.practice, self.actor, row.id, archived)

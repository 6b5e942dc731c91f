"""Sell package… from a client's record (SPEC 6.3): choose one of the packages on sale, how the
client pays and a reference; the dialog shows what it costs, how many sessions it holds, what each
one costs and the services it covers. Selling records the client's payment and the sale in one
transaction (``packages.sell_package``); ``sold`` holds the sale once the dialog is accepted."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ..services.errors import ServiceError
from ..services.money import packages
from ..services.money.packages import SaleView
from ..services.scheduling import catalog
from .widgets.package_text import sessions_text, shares_text
from .widgets.record_table import FieldErrors, Stack, muted

DETAILS_STYLE = "QLabel { background: #f7fafc; border: 1px solid #e2e8f0; border-radius: 4px; padding: 6px 8px; }"
# how the client pays at the desk (a Stripe payment goes through the card gateway, not this form)
METHODS = (("cash", "Cash"), ("card", "Card"), ("cheque", "Cheque"), ("transfer", "Bank transfer"))


class SellPackageDialog(QDialog):
    def __init__(self, practice, actor, client_id: int, client_name: str, money, parent=None):
        super().__init__(parent)
        self.setObjectName("sellPackageDialog")
        self.setWindowTitle(f"Sell a package to {client_name}")
        self.practice, self.actor, self.client_id, self.money = practice, actor, client_id, money
        self.sold: SaleView | None = None
        self.errors = FieldErrors("sell")
        try:
            self.offered = packages.list_packages(practice, actor)
            names = {s.id: s.name for s in catalog.list_services(practice, actor, include_archived=True)}
        except ServiceError as exc:
            self.offered, names = [], {}
            self.errors.show(exc)
        self.service_names = names

        self.package = QComboBox(objectName="sellPackage")
        for p in self.offered:
            self.package.addItem(p.name, p.id)
        self.details = QLabel(objectName="sellDetails", wordWrap=True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setStyleSheet(DETAILS_STYLE)
        self.details.setMinimumWidth(360)
        self.method = QComboBox(objectName="sellMethod")
        for value, text in METHODS:
            self.method.addItem(text, value)
        self.reference = QLineEdit(objectName="sellReference", maxLength=120,
                                   placeholderText="Receipt, cheque or transfer number (optional)")
        self.empty = muted("No packages are on sale yet: an admin sets them up under Settings \u25b8 Packages.",
                           "sellEmpty")
        self.empty.setVisible(not self.offered)

        form = QFormLayout()
        form.addRow("Package", Stack(self.package, self.details, self.errors.line("Package", "package")))
        form.addRow("Paid by", Stack(self.method, self.errors.line("Method", "method")))
        form.addRow("Reference", Stack(self.reference, self.errors.line("Reference", "reference")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.sell_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sell_button.setObjectName("sellConfirm")
        self.sell_button.setText("Sell")
        self.sell_button.setEnabled(bool(self.offered))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("sellCancel")
        buttons.accepted.connect(self.sell)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(540)
        heading = QLabel(f"Sell a package to {client_name}", objectName="sellHeading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        form.setVerticalSpacing(10)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading)
        intro = muted(f"{client_name} pays the package price now (it is recorded as a payment); each session "
                      "booked for a service it covers then uses one of its sessions.", "sellIntro")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        layout.addWidget(self.empty)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)
        self.package.currentIndexChanged.connect(self._show_details)
        self._show_details()

    def chosen(self):
        return next((p for p in self.offered if p.id == self.package.currentData()), None)

    def _show_details(self, *_args) -> None:
        p = self.chosen()
        if p is None:
            self.details.setText("")
            self.details.hide()
            return
        covers = ", ".join(self.service_names.get(i, "?") for i in p.service_ids)
        self.details.setText(f"<b>{sessions_text(p.sessions)} for {escape(self.money(p.price_cents))}</b>, "
                             f"paid now<br>Each session: {escape(shares_text(p.shares_cents, self.money))}"
                             f"<br>Covers: {escape(covers)}")
        self.details.show()

    def sell(self) -> None:
        self.errors.clear()
        p = self.chosen()
        if p is None:
            return
        try:
            self.sold = packages.sell_package(self.practice, self.actor, self.client_id, p.id,
                                              self.method.currentData(), self.reference.text())
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.accept()

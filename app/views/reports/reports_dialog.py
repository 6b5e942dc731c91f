"""Accounting > Reports (SPEC 9.4): balances and ageing for the front desk; wages and revenue for
the admin too (``capabilities(actor)``, which mirrors what ``money/reports.py`` allows). Each tab
loads when first shown."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout

from ...services.money.amounts import format_money
from ...services.people.capabilities import capabilities
from .ageing_tab import AgeingTab
from .balances_tab import BalancesTab
from .report_tab import ReportContext, ReportTab
from .revenue_tab import RevenueTab
from .wages_tab import WagesTab


class ReportsDialog(QDialog):
    def __init__(self, practice, actor, today: date, parent=None):
        super().__init__(parent)
        self.setObjectName("reportsDialog")
        self.setWindowTitle("Reports")
        conf = practice.settings()
        currency, locale = conf["currency"], conf["locale"]
        self.ctx = ReportContext(practice, actor, today, currency, locale,
                                 lambda cents: format_money(cents, currency, locale))
        caps = capabilities(actor)
        kinds: list[type[ReportTab]] = []
        if caps.reports:
            kinds += [BalancesTab, AgeingTab]
        if caps.money_reports:
            kinds += [WagesTab, RevenueTab]
        self.tabs = QTabWidget(objectName="reportTabs")
        self.pages: dict[str, ReportTab] = {}
        for kind in kinds:
            page = kind(self.ctx)
            self.pages[page.name] = page
            self.tabs.addTab(page, page.title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("reportsClose")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(1100, 720)

    def show_page(self, name: str) -> ReportTab:
        page = self.pages[name]
        self.tabs.setCurrentWidget(page)
        return page

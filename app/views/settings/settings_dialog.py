"""Settings (admin, SPEC 1.5): one window holding the settings panels as pages, chosen from a list
on the left: the practice (name, address, time zone, money, working hours), users and roles,
practitioners, services, packages, locations, custom session status, session control, invoices,
messages, reminders and card payments. Each panel saves through its services on its own Save;
``changed`` is True once anything was saved and ``practice_changed`` once the Practice page was, so the
main window refreshes what it shows when the window closes."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
)

from .card_payments_panel import CardPaymentsPanel
from .custom_status_panel import CustomStatusPanel
from .invoicing_panel import InvoicingPanel
from .locations_panel import LocationsPanel
from .messages_panel import MessagesPanel
from .packages_panel import PackagesPanel
from .practice_panel import PracticePanel
from .practitioners_panel import PractitionersPanel
from .reminders_panel import RemindersPanel
from .services_panel import ServicesPanel
from .session_control_panel import SessionControlPanel
from .users_panel import UsersPanel

PAGES = (
    ("practice", "Practice", PracticePanel),
    ("users", "Users and roles", UsersPanel),
    ("practitioners", "Practitioners", PractitionersPanel),
    ("services", "Services", ServicesPanel),
    ("packages", "Packages", PackagesPanel),
    ("locations", "Locations", LocationsPanel),
    ("status", "Custom session status", CustomStatusPanel),
    ("control", "Session control", SessionControlPanel),
    ("invoicing", "Invoices", InvoicingPanel),
    ("messages", "Messages", MessagesPanel),
    ("reminders", "Reminders", RemindersPanel),
    ("cards", "Card payments", CardPaymentsPanel),
)


class SettingsDialog(QDialog):
    def __init__(self, practice, actor, parent=None, page: str = "users"):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.practice, self.actor = practice, actor
        self.changed = False
        self.practice_changed = False
        self.nav = QListWidget(objectName="settingsPages")
        self.stack = QStackedWidget(objectName="settingsStack")
        self.panels = {}
        for key, title, cls in PAGES:
            self.panels[key] = self._make(cls)
            self.nav.addItem(title)
            self.stack.addWidget(self._scrolled(self.panels[key]))
        self.panels["practice"].changed.connect(self._mark_practice_changed)
        self.panels["practice"].money_changed.connect(self._remake_pages)
        self.nav.setStyleSheet("QListWidget::item { padding: 7px 10px; }")
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 40)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("settingsClose")
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(1180, 680)
        self.show_page(page)

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow([k for k, _t, _c in PAGES].index(key))

    def current_panel(self):
        return self.stack.currentWidget().widget()

    @staticmethod
    def _scrolled(panel) -> QScrollArea:
        """A page taller than the window (Session control at 680 px) scrolls; without this its
        layout squeezes the wrapped hints into one cut line each."""
        area = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        area.setWidget(panel)
        return area

    def _make(self, cls):
        panel = cls(self.practice, self.actor)
        panel.changed.connect(self._mark_changed)
        panel.changed.connect(self._refresh_others)
        return panel

    def _mark_changed(self) -> None:
        self.changed = True

    def _mark_practice_changed(self) -> None:
        self.practice_changed = True

    def _remake_pages(self) -> None:
        """A new currency or locale: the other pages are made again, so their amounts are read and
        written in it (a money field typed in the old currency would store the wrong minor units)."""
        for key, _title, cls in PAGES:
            if key == "practice":
                continue
            area = self.stack.widget([k for k, _t, _c in PAGES].index(key))
            old = area.takeWidget()
            self.panels[key] = self._make(cls)
            area.setWidget(self.panels[key])
            old.deleteLater()

    def _refresh_others(self) -> None:
        """A new practitioner or service shows on the other pages at once (user links, custom wages)."""
        sender = self.sender()
        for key in ("users", "practitioners"):
            panel = self.panels[key]
            if panel is not sender:
                current = getattr(panel, "current", None)
                panel.reload(current.id if current is not None else None) if key == "practitioners" \
                    else panel.reload()

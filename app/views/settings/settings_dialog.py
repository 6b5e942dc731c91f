"""Settings (admin, SPEC 1.5): one window holding the settings panels as pages, chosen from a list
on the left: users and roles, practitioners, services, locations, custom session status and session
control. Each panel saves through its services on its own Save; ``changed`` is True once anything
was saved, so the main window refreshes what it shows when the window closes."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
)

from .custom_status_panel import CustomStatusPanel
from .locations_panel import LocationsPanel
from .practitioners_panel import PractitionersPanel
from .services_panel import ServicesPanel
from .session_control_panel import SessionControlPanel
from .users_panel import UsersPanel

PAGES = (
    ("users", "Users and roles", UsersPanel),
    ("practitioners", "Practitioners", PractitionersPanel),
    ("services", "Services", ServicesPanel),
    ("locations", "Locations", LocationsPanel),
    ("status", "Custom session status", CustomStatusPanel),
    ("control", "Session control", SessionControlPanel),
)


class SettingsDialog(QDialog):
    def __init__(self, practice, actor, parent=None, page: str = "users"):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.changed = False
        self.nav = QListWidget(objectName="settingsPages")
        self.stack = QStackedWidget(objectName="settingsStack")
        self.panels = {}
        for key, title, cls in PAGES:
            panel = cls(practice, actor)
            panel.changed.connect(self._mark_changed)
            panel.changed.connect(self._refresh_others)
            self.panels[key] = panel
            self.nav.addItem(title)
            self.stack.addWidget(panel)
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

    def _mark_changed(self) -> None:
        self.changed = True

    def _refresh_others(self) -> None:
        """A new practitioner or service shows on the other pages at once (user links, custom wages)."""
        sender = self.sender()
        for key in ("users", "practitioners"):
            panel = self.panels[key]
            if panel is not sender:
                current = getattr(panel, "current", None)
                panel.reload(current.id if current is not None else None) if key == "practitioners" \
                    else panel.reload()

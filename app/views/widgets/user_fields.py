"""The fields a login's add form and edit dialog share (SPEC 1.1): its display name, its role, and the
practitioner a practitioner login is linked to, each with the red line where a service's
``ValidationError`` for it is shown. The services decide what is allowed; these widgets only offer the
practitioner list while the role is Practitioner, so an admin or front desk login is saved with none."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit

from .record_table import FieldErrors, Stack, muted

ROLES = (("staff", "Front desk"), ("practitioner", "Practitioner"), ("admin", "Administrator"))
NO_PRACTITIONER = "None"


class UserFields:
    """``prefix`` names the widgets (``newUserDisplayName``, ``editUserRole`` ...); ``errors`` gets the
    error lines of the fields the services name: ``display name``, ``role``, ``practitioner``."""

    def __init__(self, prefix: str, errors: FieldErrors):
        self.display_name = QLineEdit(objectName=f"{prefix}DisplayName", maxLength=120)
        self.role = QComboBox(objectName=f"{prefix}Role")
        for value, text in ROLES:
            self.role.addItem(text, value)
        self.practitioner = QComboBox(objectName=f"{prefix}Practitioner")
        self.practitioner_hint = muted("A practitioner login sees that practitioner's sessions.",
                                       f"{prefix}PractitionerHint")
        self.name_error = errors.line("Display", "display name")
        self.role_error = errors.line("Role", "role")
        self.practitioner_error = errors.line("Practitioner", "practitioner")
        self.role.currentIndexChanged.connect(self._role_changed)

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow("Name", Stack(self.display_name, self.name_error))
        form.addRow("Role", Stack(self.role, self.role_error))
        form.addRow("Practitioner", Stack(self.practitioner, self.practitioner_hint, self.practitioner_error))

    def set_practitioners(self, practitioners, keep_id: int | None = None) -> None:
        """Offer the practitioners not archived, and ``keep_id`` (a login's present link) even if it is;
        the choice made before stays chosen where it is still offered."""
        current = self.practitioner.currentData()
        self.practitioner.clear()
        self.practitioner.addItem(NO_PRACTITIONER, None)
        for p in practitioners:
            if not p.archived:
                self.practitioner.addItem(p.name, p.id)
            elif p.id == keep_id:
                self.practitioner.addItem(f"{p.name} (archived)", p.id)
        self.practitioner.setCurrentIndex(max(0, self.practitioner.findData(current)))
        self._role_changed()

    def show_user(self, display_name: str, role: str, practitioner_id: int | None) -> None:
        self.display_name.setText(display_name)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        self.practitioner.setCurrentIndex(max(0, self.practitioner.findData(practitioner_id)))
        self._role_changed()

    def values(self) -> dict:
        """The fields as ``users.update_user`` takes them (``create_user`` takes the same names)."""
        return {"display_name": self.display_name.text(), "role": self.role.currentData(),
                "practitioner_id": self.practitioner.currentData()}

    def _role_changed(self) -> None:
        linked = self.role.currentData() == "practitioner"
        self.practitioner.setEnabled(linked)
        self.practitioner_hint.setVisible(linked)
        if not linked:
            self.practitioner.setCurrentIndex(0)

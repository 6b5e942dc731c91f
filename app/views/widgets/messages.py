"""Turning service errors into messages people can act on."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ...services.errors import NeedsConfirmation, PermissionDenied, ServiceError, ValidationError


def error_label(name: str) -> QLabel:
    """The red line under a form where a service's refusal is shown (wraps, starts empty)."""
    label = QLabel(objectName=name, wordWrap=True)
    label.setStyleSheet("color: #c53030;")
    return label


def error_text(exc: ServiceError) -> str:
    if isinstance(exc, ValidationError):
        return f"{exc.field.capitalize()}: {exc.message}"
    if isinstance(exc, NeedsConfirmation):
        return "\n".join(w.message for w in exc.warnings)
    return str(exc)


def show_error(parent: QWidget | None, exc: ServiceError, title: str = "Practice Desk") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "Not allowed" if isinstance(exc, PermissionDenied) else title,
                      error_text(exc), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorMessage")
    box.exec()


def confirm_warnings(parent: QWidget | None, warnings) -> bool:
    """Ask whether to save despite overridable warnings (SPEC 2.5, 7.3: staff may save anyway).
    True = save anyway. Cancel is the default button."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Save anyway?", "Save anyway?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmWarnings")
    listed = [f"\u2022 {w.message}" for w in warnings[:15]]
    if len(warnings) > 15:
        listed.append(f"\u2026 and {len(warnings) - 15} more")
    box.setInformativeText("\n".join(listed))
    box.button(QMessageBox.StandardButton.Yes).setText("Save anyway")
    box.button(QMessageBox.StandardButton.Yes).setObjectName("confirmYes")
    box.button(QMessageBox.StandardButton.Cancel).setObjectName("confirmCancel")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
    box.deleteLater()
    return yes

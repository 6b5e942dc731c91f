"""Turning service errors into messages people can act on."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ...services.errors import NeedsConfirmation, PermissionDenied, ServiceError, ValidationError


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
    """Ask whether to go ahead despite overridable warnings (SPEC 2.5, 7.3). True = save anyway."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Save anyway?",
                      "Please check before saving:\n\n" + "\n".join(f"• {w.message}" for w in warnings),
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmWarnings")
    box.button(QMessageBox.StandardButton.Save).setText("Save anyway")
    return box.exec() == QMessageBox.StandardButton.Save

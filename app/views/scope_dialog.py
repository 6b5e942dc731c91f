"""Which sessions of a recurring series an edit or delete reaches (SPEC 3.4)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

SCOPE_CHOICES = (
    ("this", "scopeThis", "This session only"),
    ("following", "scopeFollowing", "This and the following sessions"),
    ("all", "scopeAll", "The whole series"),
)


class ScopeDialog(QDialog):
    def __init__(self, verb: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scopeDialog")
        self.setWindowTitle(f"{verb} recurring session")
        question = QLabel(f"This session is part of a recurring series.\n{verb} which sessions?")
        question.setObjectName("scopeQuestion")
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        for key, name, text in SCOPE_CHOICES:
            radio = QRadioButton(text, objectName=name)
            self.group.addButton(radio)
            self.buttons[key] = radio
            layout.addWidget(radio)
        self.buttons["this"].setChecked(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(verb)
        ok.setObjectName("scopeOk")
        box.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("scopeCancel")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addSpacing(6)
        layout.addWidget(box)
        self.setMinimumWidth(340)

    def scope(self) -> str:
        return next(key for key, radio in self.buttons.items() if radio.isChecked())


def ask_scope(parent: QWidget | None, verb: str) -> str | None:
    """"this", "following" or "all"; None when cancelled. ``verb``: "Edit" or "Delete"."""
    dialog = ScopeDialog(verb, parent)
    try:
        return dialog.scope() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()

"""What the settings pages holding a secret share (SPEC 0.6: secrets in the OS keyring only): a
password field that never shows a saved secret back, its placeholder saying whether one is saved,
and the amber banner saying why nothing can be saved on a computer without a keyring."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

NO_KEYRING_STYLE = "background: #fffaf0; border: 1px solid #dd6b20; color: #7b341e; padding: 6px;"


def no_keyring_banner(name: str) -> QLabel:
    """The banner shown (with the service's reason) where this computer has no keyring; hidden at first."""
    label = QLabel(objectName=name, wordWrap=True)
    label.setStyleSheet(NO_KEYRING_STYLE)
    label.hide()
    return label


def secret_field(name: str) -> QLineEdit:
    """A password field: what is typed is hidden, and it is cleared after each save."""
    return QLineEdit(objectName=name, echoMode=QLineEdit.EchoMode.Password, maxLength=250)


def show_secret_state(field: QLineEdit, available: bool, saved: bool, what: str, hint: str = "") -> None:
    """Empty the field, turn it off where no keyring exists, and say in its placeholder whether a
    secret is saved (``hint`` names it without showing it, e.g. "sk_test_…4242")."""
    field.clear()
    field.setEnabled(available)
    if not available:
        text = "cannot be saved on this computer (no keyring)"
    elif saved:
        text = f"saved on this computer{f' ({hint})' if hint else ''}; type to replace"
    else:
        text = f"not saved; type the {what} to save it"
    field.setPlaceholderText(text)

"""File > Back Up Now (SPEC 0.7): takes a backup and says where it went (folder, file, size)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ..services import backups
from ..services.backup_rotation import KEEP_ASKED_FOR, KEEP_DAYS, KEEP_MONTHS
from ..services.errors import ServiceError
from .widgets.backup_text import size_text, when_text
from .widgets.messages import error_label, error_text

_MUTED = "color: #4a5568;"

ROTATION_NOTE = (f"Practice Desk also backs up on its own each time it starts and once a day while it is "
                 f"open. It keeps the newest backup of each of the last {KEEP_DAYS} days and of each of the "
                 f"last {KEEP_MONTHS} months; backups made with Back Up Now are kept for at least "
                 f"{KEEP_ASKED_FOR.days} days.")
SAFE_COPY_NOTE = "To keep a copy somewhere safe, copy the file from this folder to another disk."


class BackupDialog(QDialog):
    """Shows the result of one backup. ``back_up`` makes it; the dialog only shows what came back."""

    def __init__(self, info: backups.BackupInfo | None, error: ServiceError | None = None,
                 locale: str = "en_US", parent=None):
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle("Back up now")
        self.info = info
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.heading = QLabel(objectName="backupHeading", wordWrap=True)
        layout.addWidget(self.heading)
        self.error = error_label("backupError")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("backupClose")
        buttons.rejected.connect(self.reject)
        self.open_folder_button = QPushButton("Open folder", objectName="backupOpenFolder")
        self.open_folder_button.setAutoDefault(False)
        self.open_folder_button.clicked.connect(self.open_folder)
        buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        if info is None:
            self.heading.setText("<b>The backup could not be made.</b>")
            self.heading.setStyleSheet("font-size: 13pt; color: #c53030;")
            self.error.setText(error_text(error) if error else "")
            self.open_folder_button.hide()
            layout.addWidget(self.error)
        else:
            self.heading.setText("\u2713 <b>Backup made</b>")
            self.heading.setStyleSheet("font-size: 13pt; color: #2f855a;")
            layout.addWidget(QLabel("The practice as it is now is saved in this file:"))
            form = QFormLayout()
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            self.file_label = _value(info.path.name, "backupFile")
            self.folder_label = _value(str(info.path.parent), "backupFolder")
            self.size_label = _value(size_text(info.size_bytes, locale), "backupSize")
            form.addRow("File:", self.file_label)
            form.addRow("Folder:", self.folder_label)
            form.addRow("Taken:", _value(when_text(info.taken_at), "backupTaken"))
            form.addRow("Size:", self.size_label)
            layout.addLayout(form)
            layout.addSpacing(6)
        note = QLabel(ROTATION_NOTE if info is None else f"{ROTATION_NOTE} {SAFE_COPY_NOTE}",
                      objectName="backupNote", wordWrap=True)
        note.setStyleSheet(_MUTED)
        layout.addWidget(note)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
        self.setMinimumWidth(560)

    @classmethod
    def back_up(cls, practice, actor, locale: str = "en_US", parent=None) -> BackupDialog:
        """Take a manual backup now and return the dialog that reports it (made or refused)."""
        try:
            return cls(backups.backup_now(practice, actor), locale=locale, parent=parent)
        except ServiceError as exc:
            return cls(None, exc, locale=locale, parent=parent)

    def open_folder(self) -> None:
        if self.info is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.info.path.parent)))


def _value(text: str, name: str) -> QLabel:
    label = QLabel(text, objectName=name, wordWrap=True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label

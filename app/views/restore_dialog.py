"""File > Restore From Backup (SPEC 0.7): the practice's backups with their date and size; the
chosen one is checked, the user confirms, and the service keeps the current state as a backup
before replacing it. ``restored`` holds the service's answer once a restore has been done."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
)

from ..services import backups
from ..services.errors import ServiceError, ValidationError
from .widgets.backup_text import kind_text, size_text, when_text
from .widgets.messages import error_label, error_text
from .widgets.rows_model import Column, RowsTableModel

_MUTED = "color: #4a5568;"
INTRO = ("Choose the backup to go back to. What was entered after it was taken will be replaced by what "
         "the backup holds. The practice as it is now is kept as a backup first, so this can be undone.")
EMPTY = ("There are no backups of this practice yet.\n\nPractice Desk makes one each time it starts and "
         "once a day while it is open; File\u00a0\u25b8\u00a0Back\u00a0Up\u00a0Now makes one whenever you like.")


class RestoreDialog(QDialog):
    def __init__(self, practice, actor, locale: str = "en_US", parent=None):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from backup")
        self.practice, self.actor = practice, actor
        self.restored: backups.RestoreResult | None = None
        self.folder: Path | None = None

        self.model = RowsTableModel([
            Column("Taken", lambda b: when_text(b.taken_at)),
            Column("Kind", lambda b: kind_text(b.kind)),
            Column("Size", lambda b: size_text(b.size_bytes, locale), align_right=True),
        ], self)
        self.table = QTableView(objectName="restoreTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setStyleSheet("QTableView::item { padding: 0 10px; }")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())

        self.empty = QLabel(EMPTY, objectName="restoreEmpty", wordWrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(_MUTED + " border: 1px solid #d5d9e0; background: #fafbfc; font-size: 14px;"
                                 " padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.intro = QLabel(INTRO, objectName="restoreIntro", wordWrap=True)
        self.where = QLabel(objectName="restoreFolder", wordWrap=True)
        self.where.setStyleSheet(_MUTED)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label("restoreError")
        self.error.hide()

        self.open_folder_button = _button("Open folder", "restoreOpenFolder", self.open_folder)
        self.other_button = _button("Other file\u2026", "restoreOtherFile", self.choose_file)
        self.other_button.setToolTip("Restore a backup kept somewhere else, e.g. on a USB stick")
        self.restore_button = _button("Restore\u2026", "restoreButton", self.restore_selected)
        self.cancel_button = _button("Cancel", "restoreCancel", self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.open_folder_button)
        bottom.addWidget(self.other_button)
        bottom.addStretch(1)
        bottom.addWidget(self.restore_button)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.where)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(640, 460)
        self.reload()

    # --- data ---------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            rows = backups.list_backups(self.practice, self.actor)
        except ServiceError as exc:
            rows = []
            self._show_error(exc)
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self.intro.setVisible(bool(rows))
        self.folder = rows[0].path.parent if rows else None
        self.where.setText(f"Backups are kept in {self.folder}" if self.folder else "")
        self.where.setVisible(self.folder is not None)
        self.open_folder_button.setVisible(self.folder is not None)
        self._selection_changed()

    def selected(self) -> backups.BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    # --- actions ------------------------------------------------------------------------------
    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.restore(chosen.path, f"the backup taken {when_text(chosen.taken_at)}")

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Restore from a backup file", str(self.folder or ""),
                                              "Practice backups (*.sqlite);;All files (*)")
        if name:
            self.restore(Path(name), f"\u201c{Path(name).name}\u201d")

    def restore(self, path: Path, described: str) -> None:
        """Check first (a refusal needs no confirmation), then ask, then restore."""
        self.error.hide()
        try:
            if self._is_the_practice_file(path):
                raise ValidationError("backup", "That is the practice file itself, not a backup of it.")
            backups.check_backup(path)
        except ServiceError as exc:
            self._show_error(exc)
            return
        if not self._confirm(described):
            return
        try:
            self.restored = backups.restore_backup(self.practice, self.actor, path)
        except ServiceError as exc:
            self.reload()  # a before-restore backup may have been taken (reloading hides the error line)
            self._show_error(exc)
            return
        self.accept()

    def _is_the_practice_file(self, path: Path) -> bool:
        """Said before asking, as the service would refuse it only after the confirmation."""
        live = getattr(self.practice, "path", None)
        try:
            return live is not None and path.resolve() == Path(live).resolve()
        except OSError:
            return False

    def _confirm(self, described: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Restore this backup?",
                          f"<b>Go back to {described}?</b>", QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmRestore")
        box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 440px; }")  # the question on one line
        box.setInformativeText("Everything entered since then is replaced by what the backup holds. The "
                               "practice as it is now is kept as a backup first, so you can come back to it.\n\n"
                               "You will sign in again afterwards. Other workstations with this practice "
                               "open should close Practice Desk and start it again.")
        yes = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        yes.setObjectName("confirmRestoreYes")
        box.button(QMessageBox.StandardButton.Cancel).setObjectName("confirmRestoreCancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        answer = box.clickedButton() is yes
        box.deleteLater()
        return answer

    def open_folder(self) -> None:
        if self.folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))

    def _show_error(self, exc: ServiceError) -> None:
        self.error.setText(error_text(exc))
        self.error.show()

    def _selection_changed(self, *_args) -> None:
        self.restore_button.setEnabled(self.selected() is not None)
        self.error.hide()  # a refusal was about the row chosen before


def _button(text: str, name: str, slot) -> QPushButton:
    b = QPushButton(text, objectName=name)
    b.setAutoDefault(False)
    b.clicked.connect(slot)
    return b

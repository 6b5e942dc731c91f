"""Sessions > Open Sessions (SPEC 4.2, 4.5): past sessions not saved yet, the most recent first.
Check them, choose Completed, Missed or Canceled (no custom types here, SPEC 4.5), Submit: saved
sessions leave the list. Until a session is saved its client is not charged (SPEC 4.3). A
double-click on a row, or Enter, asks for the session view (``session_activated``)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout

from ..services.errors import ServiceError
from ..services.scheduling import session_lists
from .widgets.session_checklist import SessionChecklist


class OpenSessionsDialog(QDialog):
    """``changed`` turns True once sessions were saved or deleted here. ``session_activated(id)``: a
    row was double-clicked (the caller opens the session view, then calls ``refresh``)."""

    session_activated = Signal(int)
    page_size = session_lists.PAGE  # rows per page read from the database

    def __init__(self, practice, actor, parent=None):
        super().__init__(parent)
        self.setObjectName("openSessionsDialog")
        self.setWindowTitle("Open sessions")
        self.practice, self.actor = practice, actor
        self.changed = False

        self.hint = QLabel("Sessions that have ended but are not saved yet. A client is charged, and the "
                           "practitioner's wage counted, only once a session is saved: check the sessions, "
                           "choose how they went and click Submit.", objectName="openSessionsHint", wordWrap=True)
        self.hint.setStyleSheet("color: #4a5568;")
        self.list = SessionChecklist(practice, actor, open_list=True,
                                     empty_text="No open sessions.\n\nEvery session that has ended is saved.",
                                     parent=self)
        self.list.changed.connect(self._changed)
        self.list.session_activated.connect(self.session_activated)
        self.list.sort_changed.connect(lambda *_: self.reload())
        self.model, self.table = self.list.model, self.list.table

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("openSessionsClose")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(bottom)
        self.resize(1100, 600)
        self.reload()

    def refresh(self) -> None:
        """Sessions changed elsewhere (e.g. in the session view): read the list again, same place."""
        self.reload(keep_place=True)

    def reload(self, *_args, keep_place: bool = False) -> None:
        sort, descending = self.list.sort
        try:
            total = session_lists.count_open(self.practice, self.actor)
        except ServiceError as exc:
            self.list.show_error(exc)
            total = None

        def fetch(after):
            return session_lists.open_page(self.practice, self.actor, sort, descending, after, self.page_size)

        self.list.load(fetch, total, keep_place=keep_place)
        self.hint.setVisible(bool(self.model.rows))

    def _changed(self) -> None:
        self.changed = True

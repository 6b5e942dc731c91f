"""Undoable move/resize of a session (drag in the week or day view)."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QUndoCommand

from ..services.errors import NeedsConfirmation, ServiceError
from ..services.scheduling import sessions


class MoveSessionCommand(QUndoCommand):
    """``redo`` saves the new times through sessions.update_session (asking to confirm warnings);
    ``undo`` puts the old ones back. A refused or declined move becomes obsolete (dropped)."""

    def __init__(self, window, session_id: int, new: tuple[datetime, datetime, int], old: tuple[datetime, datetime, int]):
        super().__init__(f"Move session #{session_id}")
        self.window, self.session_id, self.new, self.old = window, session_id, new, old

    def _apply(self, when: tuple[datetime, datetime, int], confirmed: bool) -> bool:
        w = self.window
        s = sessions.get_session(w.practice, w.actor, self.session_id)
        if s.private_note is None:
            raise ServiceError("You may not change this session.")
        data = sessions.SessionInput(start=when[0], end=when[1], service_id=s.service_id, practitioner_id=when[2],
                                     client_ids=tuple(c.id for c in s.clients), location_id=s.location_id,
                                     public_note=s.public_note, private_note=s.private_note)
        try:
            sessions.update_session(w.practice, w.actor, self.session_id, data, confirm=confirmed)
        except NeedsConfirmation as exc:
            if not w.confirm_warnings(exc.warnings):
                return False
            sessions.update_session(w.practice, w.actor, self.session_id, data, confirm=True)
        return True

    def redo(self) -> None:
        try:
            ok = self._apply(self.new, confirmed=False)
        except ServiceError as exc:
            self.window.report(exc)
            ok = False
        if not ok:
            self.setObsolete(True)
        self.window.events.sessions_changed.emit()

    def undo(self) -> None:
        try:
            self._apply(self.old, confirmed=True)  # putting back what was there; audited as an override
        except ServiceError as exc:
            self.window.report(exc)
        self.window.events.sessions_changed.emit()

"""Undoable move/resize of a session (drag in the week or day view); the Undo menu names it by
what it did and the session's time ("Undo Resize session Tue 24 Nov 11:00")."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QUndoCommand

from ..services.errors import NeedsConfirmation, ServiceError
from ..services.scheduling import sessions
from .scope_dialog import ask_scope

When = tuple[datetime, datetime, int]  # naive local start, end, practitioner id


class MoveSessionCommand(QUndoCommand):
    """``redo`` saves the new times through sessions.update_session (asking to confirm warnings);
    a recurring session first asks which sessions the move reaches, like the Edit dialog (SPEC 3.4).
    ``undo`` puts back what each changed session had. A refused, declined or cancelled move becomes
    obsolete (dropped: the block goes back where it was)."""

    def __init__(self, window, session_id: int, new: When, old: When):
        verb = "Resize" if (new[0], new[2]) == (old[0], old[2]) else "Move"  # same start and practitioner
        super().__init__(f"{verb} session {old[0]:%a %d %b %H:%M}")  # named by its time, not a number
        self.window, self.session_id, self.new, self.old = window, session_id, new, old
        self.scope: str | None = None  # asked on the first redo
        self.before: list[tuple[int, When]] = []  # every session the move changed, as it was

    def _input(self, s, when: When) -> sessions.SessionInput:
        return sessions.SessionInput(start=when[0], end=when[1], service_id=s.service_id, practitioner_id=when[2],
                                     client_ids=tuple(c.id for c in s.clients), location_id=s.location_id,
                                     public_note=s.public_note, private_note=s.private_note or "")

    def _save(self, session_id: int, when: When, scope: str, confirmed: bool):
        """-> the sessions changed, or None when the user declined the warnings."""
        w = self.window
        s = sessions.get_session(w.practice, w.actor, session_id)
        data = self._input(s, when)
        try:
            return sessions.update_session(w.practice, w.actor, session_id, data, scope, confirm=confirmed)
        except NeedsConfirmation as exc:
            if not w.confirm_warnings(exc.warnings):
                return None
            return sessions.update_session(w.practice, w.actor, session_id, data, scope, confirm=True)

    def _first_move(self) -> bool:
        w = self.window
        s = sessions.get_session(w.practice, w.actor, self.session_id)
        self.scope = "this"
        before = {s.id: s}
        if s.series_id is not None:
            scope = ask_scope(w, "Move")
            if scope is None:
                return False
            self.scope = scope
            if scope != "this":
                before = {v.id: v for v in sessions.list_series(w.practice, w.actor, s.series_id)}
        changed = self._save(self.session_id, self.new, self.scope, confirmed=False)
        if changed is None:
            return False
        self.before = [(v.id, (before[v.id].start.replace(tzinfo=None), before[v.id].end.replace(tzinfo=None),
                               before[v.id].practitioner_id)) for v in changed if v.id in before]
        return True

    def redo(self) -> None:
        try:
            if self.scope is None:
                ok = self._first_move()
            else:  # redo after an undo: the same move again
                ok = self._save(self.session_id, self.new, self.scope, confirmed=False) is not None
        except ServiceError as exc:
            self.window.report(exc)
            ok = False
        if not ok:
            self.setObsolete(True)
        self.window.events.sessions_changed.emit()

    def undo(self) -> None:
        try:
            for session_id, when in self.before:  # putting back what was there; audited as an override
                self._save(session_id, when, "this", confirmed=True)
        except ServiceError as exc:
            self.window.report(exc)
        self.window.events.sessions_changed.emit()

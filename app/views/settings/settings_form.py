"""What the settings pages that edit practice settings share: only what was changed is sent to
``practice_settings.update_settings`` (which checks it all before writing any), a refusal stands
under the field it names, and "Saved: ..." names what was saved."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ...services import practice_settings
from ...services.errors import ServiceError


class SettingsForm(QWidget):
    changed = Signal()  # something was saved: the main window applies it when Settings closes
    WORDS: dict[str, str] = {}  # a setting as the "Saved: ..." line names it

    def values(self) -> dict:  # the form as update_settings takes it
        raise NotImplementedError

    def load(self, conf: dict | None = None) -> None:
        raise NotImplementedError

    def saved(self, changes: dict) -> None:
        """After a save: what a page does beyond saying so."""

    def save(self) -> None:
        self.errors.clear()
        self.done.hide()
        changes = {k: v for k, v in self.values().items() if v != self.conf[k]}
        if not changes:
            self.done.setText("Nothing to save: no setting was changed.")
            self.done.show()
            return
        try:
            stored = practice_settings.update_settings(self.practice, self.actor, **changes)
        except ServiceError as exc:
            self.errors.show(exc)
            return
        self.load(stored)
        said = list(dict.fromkeys(self.WORDS[k] for k in changes))
        self.done.setText(f"Saved: {', '.join(said)}.")
        self.done.show()
        self.changed.emit()
        self.saved(changes)

"""Choosing one client by typing part of the name: an editable combo box ("Lee, Ann") whose first
entry means none ("Any client", "Choose a client"). The names are read the first time the box is
used (focus, opening, typing), through a ``load`` function the owner gives, so a practice with
thousands of clients opens its window at once. It calls no service itself.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter


class ClientCombo(QComboBox):
    """``load() -> iterable of (shown name, client id)``. ``client_id()`` is the chosen id or None;
    ``client_changed(object)`` says so whenever the choice changes. Text that names no client, an
    emptied box included, means none."""

    client_changed = Signal(object)

    def __init__(self, load: Callable[[], Iterable[tuple[str, int]]], none_text: str = "Any client", parent=None,
                 **kwargs):
        super().__init__(parent, **kwargs)
        self._load: Callable | None = load
        self.addItem(none_text, None)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.lineEdit().setPlaceholderText(none_text)
        self.lineEdit().textEdited.connect(self.ensure_loaded)  # typing before any click
        self.lineEdit().editingFinished.connect(self._typed)
        self.lineEdit().installEventFilter(self)  # a click into the box reads the names too
        self.currentIndexChanged.connect(lambda _i: self.client_changed.emit(self.currentData()))
        self.setMinimumContentsLength(18)

    def ensure_loaded(self) -> None:
        if self._load is None:
            return
        load, self._load = self._load, None
        keep = self.currentData()
        self.blockSignals(True)
        for name, cid in load():
            if self.findData(cid) < 0:
                self.addItem(name, cid)
        self.blockSignals(False)
        if keep is not None:
            self.setCurrentIndex(self.findData(keep))

    def client_id(self) -> int | None:
        return self.currentData()

    def set_client(self, client_id: int | None, name: str = "") -> None:
        """Choose ``client_id`` (shown as ``name`` if the names are not read yet); None chooses none."""
        if client_id is None:
            self.setCurrentIndex(0)
            return
        i = self.findData(client_id)
        if i < 0:
            self.addItem(name or f"Client {client_id}", client_id)
            i = self.count() - 1
        self.setCurrentIndex(i)

    def _typed(self) -> None:
        self.ensure_loaded()
        text = self.currentText().strip()
        i = self.findText(text, Qt.MatchFlag.MatchFixedString) if text else 0
        self.setCurrentIndex(max(i, 0))
        if i < 0:
            self.setEditText("")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self.lineEdit() and event.type() == QEvent.Type.MouseButtonPress:
            self.ensure_loaded()
        return super().eventFilter(watched, event)

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.ensure_loaded()
        super().focusInEvent(event)

    def showPopup(self) -> None:  # noqa: N802 (Qt name)
        self.ensure_loaded()
        super().showPopup()

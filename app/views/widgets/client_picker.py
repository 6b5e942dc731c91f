"""A searchable multi-select of clients for the session form.

One client makes a single session, two or more a group session: the picker says which, the user
is never asked (SPEC 2.2). It shows the clients it is given and calls no service itself: its New
client… button (shown only when asked for) says ``new_client_requested`` and the form that owns the
picker creates the client, then hands it back with ``add_client``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...services.people.clients import ClientView

_ID = Qt.ItemDataRole.UserRole
_SEARCH_TEXT = Qt.ItemDataRole.UserRole + 1
_SORT_KEY = Qt.ItemDataRole.UserRole + 2
_NAME_MARKS = frozenset("'’-. ")  # besides letters, what names are written with


def name_from_search(text: str) -> tuple[str, str] | None:
    """The search box's text offered as a new client's (first, last) name, or None when it does not
    look like a name (an e-mail, a phone number). "Jane Doe" and the list's own "Doe, Jane" give
    ("Jane", "Doe"); with more words the last one is the last name; one word is a first name. The
    case is kept as typed ("van der Berg" is not ours to capitalise); the editor shows it all anyway."""
    text = " ".join(text.split())
    parts = text.split(",")
    if len(parts) > 2 or not any(ch.isalpha() for ch in text):
        return None
    if not all(ch.isalpha() or ch in _NAME_MARKS for ch in "".join(parts)):
        return None
    if len(parts) == 2:
        last, first = (p.strip() for p in parts)
        return first, last
    *first, last = text.split()
    return (" ".join(first), last) if first else (last, "")


def kind_summary(count: int) -> str:
    """What the chosen clients make (SPEC 2.2), in the words the form shows."""
    if count == 0:
        return "No client chosen"
    if count == 1:
        return "1 client: single session"
    return f"{count} clients: group session"


class ClientPicker(QWidget):
    """Filter box over a list of clients with check boxes.

    A click anywhere on a row (or Space on the current row) ticks or unticks that client.
    ``selected_ids()`` keeps the order in which clients were ticked.
    """

    selection_changed = Signal()
    new_client_requested = Signal()  # the New client… button was clicked

    def __init__(self, clients: Sequence[ClientView], parent: QWidget | None = None, *, can_add: bool = False):
        """``can_add``: show New client… (the caller asks ``capabilities(actor).create_clients``)."""
        super().__init__(parent)
        self.setObjectName("clientPicker")
        self._can_add = can_add
        self._order: list[int] = []
        self._items: dict[int, QListWidgetItem] = {}
        self._names: dict[int, str] = {}

        self.search = QLineEdit(objectName="clientPickerSearch", placeholderText="Search clients by name or e-mail")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        self.search.installEventFilter(self)
        self.new_button: QPushButton | None = None
        if can_add:
            self.new_button = QPushButton("New client…", objectName="clientPickerNew")
            self.new_button.setToolTip("Add a client who is not in the list yet; they come back ticked")
            self.new_button.setAutoDefault(False)  # Enter in the form never opens it
            self.new_button.clicked.connect(self.new_client_requested)

        self.list = QListWidget(objectName="clientPickerList")
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemClicked.connect(self._toggle)
        self.list.itemChanged.connect(self._sync_item)
        self.list.installEventFilter(self)

        self.empty = QLabel(objectName="clientPickerEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #718096; border: 1px solid #d5d9e0; background: #fafbfc;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)

        self.summary = QLabel(objectName="clientPickerSummary")
        self.summary.setStyleSheet("font-weight: 600;")
        self.chosen = QLabel(objectName="clientPickerChosen")
        self.chosen.setWordWrap(True)
        self.chosen.setStyleSheet("color: #4a5568;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        search_row = QHBoxLayout()
        search_row.setContentsMargins(0, 0, 0, 0)
        search_row.addWidget(self.search, 1)
        if self.new_button is not None:
            search_row.addWidget(self.new_button)
        layout.addLayout(search_row)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.chosen)

        self.set_clients(clients)

    # --- data ---------------------------------------------------------------------------------
    def set_clients(self, clients: Iterable[ClientView]) -> None:
        """Replace the list; clients still present stay ticked."""
        keep = list(self._order)
        self.list.blockSignals(True)
        self.list.clear()
        self._items.clear()
        self._names.clear()
        for c in clients:
            self.list.addItem(self._make_item(c))
        self.list.blockSignals(False)
        self._order = []
        self.set_selected([i for i in keep if i in self._items])
        self._apply_filter()

    def add_client(self, client: ClientView) -> None:
        """A client just created from New client…: listed in its place (last, first name) with the
        search cleared, and ticked as if the user had clicked the row."""
        self.search.clear()
        item = self._make_item(client)
        key = item.data(_SORT_KEY)
        row = next((r for r in range(self.list.count()) if self.list.item(r).data(_SORT_KEY) > key),
                   self.list.count())
        self.list.blockSignals(True)
        self.list.insertItem(row, item)
        self.list.blockSignals(False)
        self._apply_filter()
        item.setCheckState(Qt.CheckState.Checked)  # -> _sync_item: summary, names, selection_changed
        self.list.setCurrentItem(item)
        self.list.scrollToItem(item)
        self.search.setFocus()  # ready for the next name

    def _make_item(self, c: ClientView) -> QListWidgetItem:
        label = f"{c.last_name}, {c.first_name}" + (" (archived)" if c.archived else "")
        item = QListWidgetItem(label)
        # Not ItemIsUserCheckable: the row click below does the ticking, so a click on the box
        # itself does not tick twice. The check box is still drawn from CheckStateRole.
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setData(_ID, c.id)
        item.setData(_SEARCH_TEXT, f"{c.first_name} {c.last_name} {c.last_name}, {c.first_name} {c.email}".lower())
        item.setData(_SORT_KEY, f"{c.last_name.casefold()}\t{c.first_name.casefold()}")
        if c.email or c.phone:
            item.setToolTip(" · ".join(x for x in (c.email, c.phone) if x))
        self._items[c.id] = item
        self._names[c.id] = c.name
        return item

    def selected_ids(self) -> tuple[int, ...]:
        return tuple(self._order)

    def name_of(self, client_id: int) -> str:
        """A listed client's name, "Ann Lee"."""
        return self._names.get(client_id, "")

    def set_selected(self, ids: Iterable[int]) -> None:
        wanted = [i for i in dict.fromkeys(ids) if i in self._items]
        self.list.blockSignals(True)
        for cid, item in self._items.items():
            item.setCheckState(Qt.CheckState.Checked if cid in wanted else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._order = wanted
        if wanted:
            self.list.scrollToItem(self._items[wanted[0]])  # an edited session's client may be far down
        self._changed()

    def summary_text(self) -> str:
        return self.summary.text()

    # --- interaction --------------------------------------------------------------------------
    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def _sync_item(self, item: QListWidgetItem) -> None:
        cid = item.data(_ID)
        checked = item.checkState() == Qt.CheckState.Checked
        if checked and cid not in self._order:
            self._order.append(cid)
        elif not checked and cid in self._order:
            self._order.remove(cid)
        else:
            return
        self._changed()

    def _changed(self) -> None:
        self.summary.setText(kind_summary(len(self._order)))
        self.chosen.setText(", ".join(self._names[i] for i in self._order))
        self.chosen.setVisible(bool(self._order))
        self.selection_changed.emit()

    def _apply_filter(self) -> None:
        words = self.search.text().lower().split()
        shown = 0
        for item in self._items.values():
            hay = item.data(_SEARCH_TEXT)
            hidden = not all(w in hay for w in words)
            item.setHidden(hidden)
            shown += not hidden
        if shown:
            self.stack.setCurrentWidget(self.list)
        else:
            if self._items:
                self.empty.setText(f"No client matches “{self.search.text().strip()}”."
                                   + ("\nNew client… adds them." if self._can_add else ""))
            elif self._can_add:
                self.empty.setText("No clients yet: New client… adds the first one.")
            else:
                self.empty.setText("No clients yet: add them with Clients ▸ Client List… ▸ New client…")
            self.stack.setCurrentWidget(self.empty)

    def _visible_items(self) -> list[QListWidgetItem]:
        return [i for i in self._items.values() if not i.isHidden()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search:
            if key == Qt.Key.Key_Down:
                visible = self._visible_items()
                if visible:
                    self.list.setFocus()
                    self.list.setCurrentItem(visible[0])
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # Enter picks the only client left by the filter; it never submits the form.
                visible = self._visible_items()
                if len(visible) == 1:
                    self._toggle(visible[0])
                    self.search.clear()
                return True
        elif watched is self.list and key == Qt.Key.Key_Space:
            item = self.list.currentItem()
            if item is not None and not item.isHidden():
                self._toggle(item)
            return True
        return super().eventFilter(watched, event)

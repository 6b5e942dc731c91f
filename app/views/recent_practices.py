"""The practices opened on this computer, newest first: File ▸ Open Recent, and the one opened at
the next start. A user-interface preference, so it lives in QSettings, not in any practice file.

An entry is a practice file's path, or a practice on a server (``practice_server.ServerAddress``,
kept as its URL without a password: the password stays in the keyring, SPEC 0.6)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ..services.practice_server import ServerAddress

KEY = "practices/recent"
LIMIT = 8

Entry = Path | ServerAddress


def where(practice) -> Entry:
    """The entry of an open practice: its file, or its server address."""
    return Path(practice.path) if practice.path is not None else ServerAddress.of_engine(practice.engine)


class RecentPractices:
    def __init__(self, settings: QSettings | None = None):
        self.settings = settings if settings is not None else QSettings()

    def entries(self) -> list[Entry]:
        """At most ``LIMIT`` practices, the last opened first (missing files included: the menu greys them)."""
        raw = self.settings.value(KEY, [])
        if isinstance(raw, str):  # QSettings gives a lone string for a one-item list
            raw = [raw]
        out: list[Entry] = []
        for item in raw or []:
            if not isinstance(item, str) or not item:
                continue
            if "://" in item:
                server = ServerAddress.from_entry(item)
                if server is not None:
                    out.append(server)
            else:
                out.append(Path(item))
        return out[:LIMIT]

    def paths(self) -> list[Path]:
        """The practice files among ``entries``."""
        return [e for e in self.entries() if isinstance(e, Path)]

    def last(self) -> Entry | None:
        """The practice to open at start: the last opened one, if its file is still there (a server
        is tried: whether it answers is known only by connecting)."""
        entries = self.entries()
        if not entries:
            return None
        first = entries[0]
        return first if isinstance(first, ServerAddress) or first.is_file() else None

    def add(self, entry: Entry) -> None:
        """``entry`` was just opened: it goes to the top (once)."""
        entry = entry if isinstance(entry, ServerAddress) else Path(entry).absolute()
        rest = [e for e in self.entries() if e != entry]
        self._store([entry, *rest])

    def remove(self, entry: Entry) -> None:
        entry = entry if isinstance(entry, ServerAddress) else Path(entry).absolute()
        self._store([e for e in self.entries() if e != entry])

    def _store(self, entries: list[Entry]) -> None:
        self.settings.setValue(KEY, [e.entry if isinstance(e, ServerAddress) else str(e) for e in entries[:LIMIT]])
        self.settings.sync()

"""The practices opened on this computer, newest first: File ▸ Open Recent, and the one opened at
the next start. A user-interface preference, so it lives in QSettings, not in any practice file."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "practices/recent"
LIMIT = 8


class RecentPractices:
    def __init__(self, settings: QSettings | None = None):
        self.settings = settings if settings is not None else QSettings()

    def paths(self) -> list[Path]:
        """At most ``LIMIT`` paths, the last opened first (missing files included: the menu greys them)."""
        raw = self.settings.value(KEY, [])
        if isinstance(raw, str):  # QSettings gives a lone string for a one-item list
            raw = [raw]
        return [Path(p) for p in (raw or []) if isinstance(p, str) and p][:LIMIT]

    def last(self) -> Path | None:
        """The practice to open at start: the last opened one, if its file is still there."""
        paths = self.paths()
        return paths[0] if paths and paths[0].is_file() else None

    def add(self, path: Path) -> None:
        """``path`` was just opened: it goes to the top (once)."""
        path = Path(path).absolute()
        rest = [p for p in self.paths() if p != path]
        self._store([path, *rest])

    def remove(self, path: Path) -> None:
        self._store([p for p in self.paths() if p != Path(path).absolute()])

    def _store(self, paths: list[Path]) -> None:
        self.settings.setValue(KEY, [str(p) for p in paths[:LIMIT]])
        self.settings.sync()

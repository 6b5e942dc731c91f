"""Where files live: the user's data directory (platformdirs)."""
from __future__ import annotations

from pathlib import Path

APP_NAME = "Practice Desk"
ORG_NAME = "PracticeDesk"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, ORG_NAME))


def demo_path() -> Path:
    return data_dir() / "demo-practice.sqlite"

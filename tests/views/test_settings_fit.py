"""Every Settings page reads whole at the window's opening size (issue 13 items 2 and 6): a page
taller than the window scrolls instead of squeezing its wrapped hints into one cut line."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from app.views.settings.settings_dialog import PAGES


@pytest.mark.parametrize("page", [key for key, _title, _cls in PAGES])
def test_each_settings_page_shows_its_wrapped_text_whole(qtbot, open_settings, page):
    d, panel = open_settings(page)
    assert (d.width(), d.height()) == (1180, 680)  # its opening size
    qtbot.wait(10)
    cut = [label.text()[:50] for label in panel.findChildren(QLabel)
           if label.isVisible() and label.wordWrap() and label.text()
           and label.height() < label.heightForWidth(label.width())]
    assert cut == [], f"{page}: text cut short: {cut}"
    assert d.current_panel() is panel

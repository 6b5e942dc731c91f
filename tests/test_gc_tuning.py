"""The app sets the garbage collector's thresholds first thing (app/gc_tuning.py, issue 17: a young
collection at nearly every calendar switch, a 27 ms full one every ~100, at Python's default)."""
from __future__ import annotations

import gc

import pytest

from app import gc_tuning


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's default
    yield
    gc.set_threshold(*before)


def test_the_tuning_raises_only_the_young_threshold(thresholds):
    gc_tuning.tune_garbage_collector()
    assert gc.get_threshold() == (gc_tuning.YOUNG_THRESHOLD, 10, 10)
    assert gc.isenabled()  # cycles are still collected


def test_the_app_tunes_the_collector_before_anything_else(thresholds, capsys):
    from app.__main__ import main

    with pytest.raises(SystemExit):  # the headless copy's --help: main has run its first lines
        main(["copy-to-server", "--help"])
    assert gc.get_threshold()[0] == gc_tuning.YOUNG_THRESHOLD
    assert "copy-to-server" in capsys.readouterr().out

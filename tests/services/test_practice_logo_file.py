"""The logo's file for the document renderers (SPEC 9.2): written once per content, and safe when
several threads or processes ask for it at the same moment (a billing run's PDF workers and a desk
printing an invoice; the SQLite and PostgreSQL suites side by side)."""
from __future__ import annotations

import os
import threading

from app.services import practice_logo


def test_many_asking_at_once_all_get_the_whole_file(practice, admin):
    for _ in range(10):  # the old shared part file failed about one round in two
        _one_round(practice, admin)


def _one_round(practice, admin):
    logo = b"\x89PNG\r\n\x1a\n" + os.urandom(4000)  # a PNG signature: the content is whatever was stored
    practice_logo.set_logo(practice, admin, logo)
    first = practice_logo.logo_path(practice)
    first.unlink()  # as on a machine that never wrote it
    got, errors = [], []
    start = threading.Barrier(8)

    def ask():
        start.wait()
        try:
            got.append(practice_logo.logo_path(practice))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and set(got) == {first}
    assert first.read_bytes() == logo
    assert not list(first.parent.glob(first.name + ".*.part"))  # no part file left behind


def test_no_logo_no_file(practice, admin):
    practice_logo.set_logo(practice, admin, None)
    assert practice_logo.logo_path(practice) is None

"""STACK trap 1: PySide6 6.12.0 on Python 3.11 takes a reference from ``None`` on every call of a
Qt method that returns nothing, until the interpreter aborts (``Fatal Python error: none_dealloc``).
A calendar repaint makes thousands of such calls, so a bad pin would crash the app within minutes.

The calls run in a child interpreter: with the bad version the abort then fails this test instead
of killing the whole pytest run.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CALLS = 200_000

_PROBE = textwrap.dedent("""
    import sys
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

    app = QGuiApplication([])
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    colour = QColor("#4a7fc1")
    calls = int(sys.argv[1])
    before = sys.getrefcount(None)
    for _ in range(calls):
        image.fill(Qt.GlobalColor.white)      # void QImage::fill
        painter.fillRect(0, 0, 4, 4, colour)  # void QPainter::fillRect
    after = sys.getrefcount(None)
    painter.end()
    print(before, after)
""")


def test_void_qt_calls_keep_none_alive():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", _PROBE, str(CALLS)], capture_output=True, text=True, env=env,
                         timeout=300)
    assert run.returncode == 0, f"Qt calls crashed the interpreter (STACK trap 1):\n{run.stderr[-2000:]}"
    before, after = map(int, run.stdout.split())
    # 2 x CALLS void calls: a leaking build loses 400,000 references; a good one loses none
    assert after >= before, f"sys.getrefcount(None) fell from {before} to {after} over {2 * CALLS} void Qt calls"

"""Screenshots of File ▸ Connect to Practice Server… and of the network-share warning (issue 17 item 1):

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.views.server_samples docs/screenshots

Writes server-connection.png (the dialog filled in), server-connection-error.png (Connect pressed with a
server name nobody answers to: the real answer, said under the fields) and network-share-warning.png
(opening a practice file on a CIFS share). An in-memory keyring stands in for the computer's."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> None:
    import keyring
    from PySide6.QtWidgets import QApplication

    from app.views.network_share_warning import network_share_box
    from app.views.server_connection_dialog import ServerConnectionDialog
    from tests.messaging_servers import MemoryKeyring

    app = QApplication.instance() or QApplication([])
    keyring.set_keyring(MemoryKeyring())
    out.mkdir(parents=True, exist_ok=True)

    def settle(widget) -> None:
        for _ in range(5):
            app.processEvents()
        widget.adjustSize()
        for _ in range(5):
            app.processEvents()

    d = ServerConnectionDialog()
    d.host.setText("db.practice.lan")
    d.port.setText("5432")
    d.database.setText("practice")
    d.user.setText("frontdesk")
    d.password.setText("correct horse battery")
    d.show()
    settle(d)
    d.grab().save(str(out / "server-connection.png"))

    d.connect_to_server()
    for _ in range(2000):
        app.processEvents()
        if d.call is not None and not d.call.running:
            break
        time.sleep(0.01)
    settle(d)
    d.grab().save(str(out / "server-connection-error.png"))
    print("status:", d.status.text())
    d.close()

    box = network_share_box(Path("/mnt/practice/Harbour Street Therapy.sqlite"), "a network share (cifs)")
    box.show()
    settle(box)
    box.grab().save(str(out / "network-share-warning.png"))
    box.close()
    print(f"wrote server-connection.png, server-connection-error.png, network-share-warning.png to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))

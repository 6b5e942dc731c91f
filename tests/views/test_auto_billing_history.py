"""The automatic invoicing history shows each client's card charge (SPEC 10.3, 10.4): charged in green,
declined or to be confirmed in red with the reason, nothing for a client without a card."""
# ruff: noqa: F811, F401 - fixtures imported from other test modules are parameters here
from __future__ import annotations

from PySide6.QtCore import Qt

from app.services.billing import auto_invoicing
from tests.messaging_servers import memory_keyring, smtp_server
from tests.services.billing.test_auto_billing import at, month
from tests.stripe_servers import recording_stripe


def test_spec_10_3_the_history_shows_each_clients_card_charge_and_why_not(qtbot, practice, admin, clock, month):
    from app.views.invoices.auto_history_dialog import AutoHistoryDialog

    at(clock, 2027, 1, 31, 18, 5)
    auto_invoicing.run_due(practice, admin)
    h = AutoHistoryDialog(practice, admin)
    qtbot.addWidget(h)
    h.show()
    qtbot.waitExposed(h)
    card = [h.results.columns[i].title for i in range(h.results.columnCount())].index("Card")
    rows = {h.results.data(h.results.index(r, 0)): r for r in range(h.results.rowCount())}
    text = {name: h.results.data(h.results.index(r, card)) for name, r in rows.items()}
    assert text == {"Ann Client": "charged", "Bo Client": "declined", "Cy Client": "client to confirm",
                    "Dee Client": ""}
    red = h.results.data(h.results.index(rows["Bo Client"], card), Qt.ItemDataRole.ForegroundRole)
    assert red.name() == "#c53030"
    reason = h.results.data(h.results.index(rows["Bo Client"], card + 1))
    assert reason.startswith("Card: The card was declined (insufficient funds)")

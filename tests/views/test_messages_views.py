"""Settings > Messages and the Outbox window, driven by clicks (SPEC 7.2, 0.6): a test message goes
to a real SMTP server on 127.0.0.1 off the GUI thread; a failed message is retried from the Outbox;
without a keyring the page says so and nothing is stored."""
# ruff: noqa: F811 - the fixtures imported from tests.messaging_servers are parameters here
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.models.enums import MessageChannel, MessageStatus
from app.services.messaging import outbox
from app.services.messaging import settings as msettings
from tests.messaging_servers import (  # noqa: F401 - fixtures
    REFUSED_PREFIX,
    memory_keyring,
    no_keyring,
    sms_provider,
    smtp_server,
)
from tests.views.keys import click, type_over


def _settle(qtbot, widget):
    """Wait until a send started from ``widget`` has finished (its worker thread too)."""
    qtbot.waitUntil(lambda: widget.sender_run is not None and not widget.sender_run.running, timeout=20_000)
    assert widget.sender_run.wait(5_000)


def test_messages_panel_saves_settings_and_sends_a_test_message_spec_7_2(qtbot, practice, admin, open_settings,
                                                                       smtp_server, memory_keyring):
    _d, panel = open_settings("messages")
    assert panel.no_keyring.isHidden()
    type_over(qtbot, panel.host, "127.0.0.1")
    type_over(qtbot, panel.port.lineEdit(), str(smtp_server.port))
    panel.security.setCurrentIndex(panel.security.findData("none"))
    qtbot.keyClicks(panel.user, "desk")
    qtbot.keyClicks(panel.sender, "desk@practice.test")
    qtbot.keyClicks(panel.password, "mail-secret")
    click(qtbot, panel.save_button)
    assert panel.done.text().startswith("Saved: mail server, port, security, user name, sender address, password")
    assert panel.password.text() == "" and "saved on this computer" in panel.password.placeholderText()
    assert list(memory_keyring.secrets.values()) == ["mail-secret"]

    qtbot.keyClicks(panel.test_to, "owner@practice.test")
    click(qtbot, panel.test_button)
    _settle(qtbot, panel)

    assert panel.test_result.text() == "Sent to owner@practice.test. Check that it arrived."
    (got,) = smtp_server.arrived
    assert got.rcpt_tos == ["owner@practice.test"] and got.message["Subject"] == "Test message from Test Practice"
    assert smtp_server.recorder.logins == [("desk", "mail-secret")]
    assert outbox.list_outbox(practice, admin)[0].status == MessageStatus.SENT


def test_a_refused_test_message_shows_the_servers_answer(qtbot, practice, admin, open_settings, smtp_server,
                                                         memory_keyring):
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_from="desk@practice.test")
    _d, panel = open_settings("messages")
    qtbot.keyClicks(panel.test_to, f"{REFUSED_PREFIX}practice.test")
    click(qtbot, panel.test_button)
    _settle(qtbot, panel)
    assert panel.test_result.text().startswith("Not sent: The mail server refused nobody@practice.test: 550")


def test_no_keyring_says_so_and_stores_nothing_spec_0_6(qtbot, practice, admin, open_settings, no_keyring):
    msettings.update_message_settings(practice, admin, mail_host="smtp.example.com", mail_user="desk",
                                      mail_from="desk@example.com")
    _d, panel = open_settings("messages")
    assert panel.no_keyring.isVisible()
    assert "no password store (keyring)" in panel.no_keyring.text()
    assert not panel.password.isEnabled() and not panel.sms_token.isEnabled()
    assert "no keyring" in panel.password.placeholderText()


def test_outbox_lists_a_failed_message_and_retry_sends_it_spec_7_2(qtbot, practice, admin, smtp_server,
                                                                    memory_keyring):
    from app.views.outbox_window import OutboxWindow

    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_from="desk@practice.test")
    smtp_server.stop()
    m = outbox.send_message(practice, admin, outbox.queue_message(practice, admin, outbox.MessageDraft(
        MessageChannel.EMAIL, "ann@client.test", "Your session is canceled.", subject="Canceled")).id)
    assert m.status == MessageStatus.FAILED
    smtp_server.start()

    w = OutboxWindow(practice, admin)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.model.rowCount() == 1
    assert w.model.text(w.model.rows[0], 5) == "Failed"
    assert "Could not reach the mail server" in w.model.text(w.model.rows[0], 8)
    assert w.counts.text() == "0 waiting, 1 failed"
    assert not w.retry_button.isEnabled()
    rect = w.table.visualRect(w.model.index(0, 2))
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.retry_button.isEnabled()
    assert "Not sent: Could not reach the mail server" in w.detail.toPlainText()

    click(qtbot, w.retry_button)
    _settle(qtbot, w)

    assert w.model.text(w.model.rows[0], 5) == "Sent" and w.model.rows[0].attempts == 2
    assert w.counts.text() == "0 waiting, 0 failed"
    assert [a.rcpt_tos for a in smtp_server.arrived] == [["ann@client.test"]]


def test_outbox_sends_waiting_messages_and_stop_keeps_the_rest_waiting(qtbot, practice, admin, sms_provider,
                                                                       memory_keyring):
    from app.views.outbox_window import OutboxWindow

    msettings.update_message_settings(practice, admin, sms_url=sms_provider.url)
    msettings.set_sms_token(practice, admin, "tok")
    for i in range(3):
        outbox.queue_message(practice, admin, outbox.MessageDraft(MessageChannel.SMS, f"+1555010{i}", "Hi"))
    w = OutboxWindow(practice, admin)
    qtbot.addWidget(w)
    w.show()
    assert w.counts.text() == "3 waiting, 0 failed"
    click(qtbot, w.send_button)
    _settle(qtbot, w)
    assert [r.body["to"] for r in sms_provider.requests] == ["+15550100", "+15550101", "+15550102"]
    assert w.counts.text() == "0 waiting, 0 failed"

    for i in range(3):
        outbox.queue_message(practice, admin, outbox.MessageDraft(MessageChannel.SMS, f"+1555020{i}", "Hi"))
    w.reload()
    w._send(outbox.pending_ids(practice, admin), "the waiting messages")
    click(qtbot, w.sender_run.progress.findChild(QPushButton))  # Stop at once: at most the one in flight goes
    _settle(qtbot, w)
    assert outbox.count_outbox(practice, admin, MessageStatus.QUEUED) >= 2


def test_outbox_model_pages(qtbot, qtmodeltester, practice, admin, monkeypatch):
    from app.views import outbox_window

    monkeypatch.setattr(outbox_window, "PAGE", 3)
    for i in range(7):
        outbox.queue_message(practice, admin, outbox.MessageDraft(MessageChannel.SMS, f"+155501{i:02d}", "Hi"))
    model = outbox_window.OutboxModel(practice, admin)
    model.load(None)
    assert model.rowCount() == 3 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 7 and not model.canFetchMore()
    assert [m.recipient for m in model.rows][:2] == ["+15550106", "+15550105"]
    qtmodeltester.check(model)


@pytest.fixture(autouse=True)
def _no_real_keyring_writes(memory_keyring):
    """Every test here runs on an in-memory keyring unless it installs the fail backend on top."""
    yield


def test_clients_menu_opens_the_outbox_for_the_front_desk(window, qtbot):
    menu = window.menuBar().findChild(type(window.menuBar().actions()[0].menu()), "menuClients")
    assert window.act_outbox in menu.actions() and window.act_outbox.isEnabled()
    window.act_outbox.trigger()
    d = window.active_dialog
    qtbot.waitUntil(d.isVisible)
    assert d.objectName() == "outboxWindow" and d.empty.isVisible()
    d.close()


def test_closing_settings_while_a_test_message_is_in_flight_lets_it_finish(qtbot, practice, admin, sms_provider,
                                                                          memory_keyring):
    """The window goes, the sending thread does not abort the program: the message is sent and kept."""
    from app.views.settings.settings_dialog import SettingsDialog
    from app.views.widgets import outbox_sender

    msettings.update_message_settings(practice, admin, sms_url=sms_provider.url)
    msettings.set_sms_token(practice, admin, "tok")
    sms_provider.delay = 0.5
    d = SettingsDialog(practice, admin, page="messages")
    d.show()
    panel = d.panels["messages"]
    panel.test_channel.setCurrentIndex(panel.test_channel.findData(MessageChannel.SMS))
    qtbot.keyClicks(panel.test_to, "+1 555 0100")
    click(qtbot, panel.test_button)
    thread = panel.sender_run.thread
    assert thread.isRunning()
    d.close()
    d.deleteLater()
    qtbot.waitUntil(lambda: not outbox_sender._RUNNING, timeout=10_000)
    assert thread.wait(5_000)
    assert outbox.list_outbox(practice, admin)[0].status == MessageStatus.SENT
    assert len(sms_provider.requests) == 1

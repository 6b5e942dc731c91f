"""Sending many messages over kept connections (outbox.send_many, mail.MailSender; SPEC 7.2, 10.2): a
billing run's e-mails go over a few SMTP connections instead of one per message, and each message
keeps its own outcome: claimed before it is handed over, its result written after, a refused one
failed alone with the server's answer, each sent once even when two desks send the same list."""
from __future__ import annotations

import threading

from app.db import make_engine, sqlite_url
from app.integrations.mail import Mail, MailSender, SmtpConfig
from app.models.enums import MessageChannel, MessageStatus
from app.services.messaging import outbox
from app.services.messaging import settings as msettings
from app.services.messaging.outbox import MessageDraft
from app.services.practice import Practice
from tests.messaging_servers import REFUSED_PREFIX

PDF = b"%PDF-1.4\n% a tiny test file\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _ready(practice, admin, server, user="desk"):
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=server.port,
                                      mail_security="none", mail_user=user, mail_from="desk@practice.test")
    if user:
        msettings.set_mail_password(practice, admin, "mail-secret")


def _queue(practice, admin, to):
    return outbox.queue_message(practice, admin, MessageDraft(
        MessageChannel.EMAIL, to, f"Invoice for {to}", subject="Your invoice", attachment=PDF,
        attachment_name="Invoice.pdf")).id


def test_many_go_over_few_connections_and_a_refused_one_fails_alone_spec_7_2(practice, admin, smtp_server,
                                                                             memory_keyring):
    _ready(practice, admin, smtp_server)
    to = [f"{REFUSED_PREFIX}{n}.test" if n in (7, 30) else f"client{n}@client.test" for n in range(45)]
    ids = [_queue(practice, admin, t) for t in to]
    seen = []

    summary = outbox.send_many(practice, admin, ids, progress=lambda done, total, text: seen.append((done, total)))

    assert summary == outbox.SendSummary(sent=43, failed=2, skipped=0)
    views = {i: outbox.get_message(practice, admin, i) for i in ids}
    for i, t in zip(ids, to, strict=True):
        v = views[i]
        assert v.attempts == 1
        if t.startswith(REFUSED_PREFIX):
            assert v.status == MessageStatus.FAILED and v.sent_at is None
            assert f"refused {t}" in v.error and "550" in v.error
        else:
            assert v.status == MessageStatus.SENT and v.error == "" and v.sent_at == practice.clock.now()
    arrived = sorted(r for a in smtp_server.arrived for r in a.rcpt_tos)
    assert arrived == sorted(t for t in to if not t.startswith(REFUSED_PREFIX))  # each once
    assert all(a.message.get_payload()[1].get_content() == PDF for a in smtp_server.arrived)
    # a connection (and login) per few messages, not per message: at most 3 threads x 3 connections
    # of 20, plus one after each refusal
    assert len(smtp_server.recorder.logins) <= 3 * 3 + 2 < len(ids)
    assert seen[0] == (0, 45) and seen[-1] == (45, 45) and len(seen) == 46
    # again: the sent ones are skipped (sent once), the failed ones tried again, as send_message does
    assert outbox.send_many(practice, admin, ids) == outbox.SendSummary(sent=0, failed=2, skipped=43)
    assert len(smtp_server.arrived) == 43


def test_two_desks_sending_the_same_list_send_each_message_once_spec_7_2(practice, admin, smtp_server,
                                                                         memory_keyring):
    _ready(practice, admin, smtp_server, user="")
    ids = [_queue(practice, admin, f"client{n}@client.test") for n in range(40)]
    other = Practice(make_engine(sqlite_url(practice.path)), clock=practice.clock, path=practice.path) \
        if practice.path is not None else Practice(practice.engine, clock=practice.clock)
    results = {}

    def desk(name, p):
        results[name] = outbox.send_many(p, admin, ids)

    threads = [threading.Thread(target=desk, args=("one", practice)),
               threading.Thread(target=desk, args=("two", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if practice.path is not None:
        other.close()

    assert results["one"].sent + results["two"].sent == 40
    assert results["one"].skipped + results["two"].skipped == 40
    assert sorted(r for a in smtp_server.arrived for r in a.rcpt_tos) == sorted(f"client{n}@client.test"
                                                                               for n in range(40))
    assert all(outbox.get_message(practice, admin, i).attempts == 1 for i in ids)


def test_a_kept_connection_the_server_closed_is_replaced_before_the_next_message(smtp_server):
    config = SmtpConfig("127.0.0.1", smtp_server.port, "none", "", "desk@practice.test")
    with MailSender(config, None) as sender:
        sender.send(Mail("ann@client.test", "One", "First"))
        smtp_server.stop()  # the server goes away (an idle connection closed), then is back
        smtp_server.start()
        sender.send(Mail("bob@client.test", "Two", "Second"))  # not failed: a new connection
    assert [a.rcpt_tos for a in smtp_server.arrived] == [["ann@client.test"], ["bob@client.test"]]


def test_a_server_that_is_down_fails_each_message_with_its_reason(practice, admin, smtp_server, memory_keyring):
    _ready(practice, admin, smtp_server, user="")
    ids = [_queue(practice, admin, f"client{n}@client.test") for n in range(5)]
    smtp_server.stop()

    summary = outbox.send_many(practice, admin, ids)

    assert summary == outbox.SendSummary(sent=0, failed=5, skipped=0)
    for i in ids:
        v = outbox.get_message(practice, admin, i)
        assert v.status == MessageStatus.FAILED and v.attempts == 1
        assert "Could not reach the mail server 127.0.0.1" in v.error

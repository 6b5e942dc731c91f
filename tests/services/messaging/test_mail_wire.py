"""The bytes a kept SMTP connection sends (mail._wire, written directly for speed: issue 16) carry
the same message as the email package's ``build_message`` (SPEC 7.2): sender and name, recipient,
subject, body and PDF attachment with its file name, plain or not, short or long."""
from __future__ import annotations

import email
import email.policy

import pytest

from app.integrations.mail import Mail, MailSender, SmtpConfig, _wire, build_message

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"

CASES = [
    ("Practice", "Invoice 2026-0001", "Dear Ann,\n\nYour invoice is attached.\n\nPractice\n", "Invoice 2026-0001.pdf"),
    ("Praxis Müller & Söhne", "Rechnung für Zoë: Sitzungen im März, Überweisung bis zum Ende des Monats erbeten",
     "Liebe Zoë,\r\n\r\n. a line with a dot\nanbei die Rechnung.\n" + "x" * 120 + "\n   \nEnde  ",
     "Rechnung März \"2026\".pdf"),
    ("", "Re: a subject\twith a tab", "From here on\n.\n..\nend", None),
    ("Dr Zoë Ünal", "x" * 150, "Ünïcode\n\n\n", "a\\b.pdf"),
]


def _parsed(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def _sent(built) -> bytes:  # as smtplib's send_message writes it
    return built.as_bytes(policy=built.policy.clone(linesep="\r\n"))


def _fields(msg):
    parts = list(msg.iter_attachments())
    return (str(msg["From"]), msg["From"].addresses[0].display_name, msg["From"].addresses[0].addr_spec,
            str(msg["To"]), str(msg["Subject"]), msg.get_body(("plain",)).get_content(),
            [(p.get_filename(), p.get_content_type(), p.get_content()) for p in parts])


@pytest.mark.parametrize("name, subject, body, attachment_name", CASES)
def test_the_written_bytes_carry_the_message_the_email_package_builds_spec_7_2(name, subject, body,
                                                                               attachment_name):
    config = SmtpConfig("127.0.0.1", 25, "none", "", "office@practice.test", name)
    mail = Mail("client@client.test", subject, body, PDF if attachment_name else None, attachment_name)
    sender, to, data = _wire(config, mail)
    assert (sender, to) == ("office@practice.test", ["client@client.test"])
    assert data.isascii() and all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends in CRLF
    built = build_message(config, mail)
    assert _fields(_parsed(data)) == _fields(_parsed(_sent(built)))


def test_a_sender_name_with_quotes_and_a_comma_stays_one_name_spec_7_2():
    config = SmtpConfig("127.0.0.1", 25, "none", "", "office@practice.test", 'Dr. "Ann", Smith')
    msg = _parsed(_wire(config, Mail("client@client.test", "Hi", "Hello"))[2])
    assert [(a.display_name, a.addr_spec) for a in msg["From"].addresses] == [('Dr. "Ann", Smith',
                                                                                "office@practice.test")]


def test_a_non_ascii_address_goes_through_the_email_package_spec_7_2():
    config = SmtpConfig("127.0.0.1", 25, "none", "", "office@practice.test")
    assert _wire(config, Mail("zoë@client.test", "Hi", "Hello")) is None


def test_messages_arrive_whole_over_a_kept_connection_spec_7_2(smtp_server):
    config = SmtpConfig("127.0.0.1", smtp_server.port, "none", "", "office@practice.test", "Praxis Müller")
    mails = [Mail(f"client{n}@client.test", s, b, PDF if a else None, a) for n, (_, s, b, a) in enumerate(CASES)]
    with MailSender(config, None) as sender:
        for m in mails:
            sender.send(m)
    assert len(smtp_server.arrived) == len(mails)
    for m, a in zip(mails, smtp_server.arrived, strict=True):
        assert a.rcpt_tos == [m.to]
        assert _fields(a.message) == _fields(_parsed(_sent(build_message(config, m))))


def test_a_kept_connection_found_closed_at_the_next_message_sends_it_once_on_a_new_one_spec_7_2(smtp_server):
    config = SmtpConfig("127.0.0.1", smtp_server.port, "none", "", "office@practice.test")
    with MailSender(config, None) as sender:
        sender.send(Mail("ann@client.test", "One", "First", PDF, "One.pdf"))
        smtp_server.stop()  # closes the kept connection; no NOOP is asked before the next message
        smtp_server.start()
        sender.send(Mail("bob@client.test", "Two", "Second", PDF, "Two.pdf"))
        assert sender._sent == 1  # on the new connection
    assert [a.rcpt_tos for a in smtp_server.arrived] == [["ann@client.test"], ["bob@client.test"]]


def test_a_kept_connection_closed_with_the_server_gone_fails_the_message_with_its_reason_spec_7_2(smtp_server):
    from app.integrations.mail import MailError

    config = SmtpConfig("127.0.0.1", smtp_server.port, "none", "", "office@practice.test")
    with MailSender(config, None) as sender:
        sender.send(Mail("ann@client.test", "One", "First"))
        smtp_server.stop()
        with pytest.raises(MailError, match="Could not reach the mail server 127.0.0.1"):
            sender.send(Mail("bob@client.test", "Two", "Second"))
    assert [a.rcpt_tos for a in smtp_server.arrived] == [["ann@client.test"]]

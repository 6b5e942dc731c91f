"""The SMTP connection's security (SPEC 7.2): STARTTLS and TLS from the start against a real
aiosmtpd server on 127.0.0.1 with its own certificate, which the client is told to trust
(``SmtpConfig.ca_file``); a certificate nobody vouches for is refused with a plain error."""
from __future__ import annotations

import pytest

from app.integrations.mail import Mail, MailError, SmtpConfig, send_mail
from tests.messaging_servers import SmtpServer, self_signed


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp("cert"))


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_an_encrypted_connection_with_login(cert, security):
    server = SmtpServer(tls=security, cert=cert)
    server.start()
    try:
        config = SmtpConfig("127.0.0.1", server.port, security, "desk", "desk@practice.test", ca_file=cert[0])
        send_mail(config, "mail-secret", Mail("ann@client.test", "Hello", "Body over TLS"))
    finally:
        server.stop()
    (got,) = server.arrived
    assert got.rcpt_tos == ["ann@client.test"] and got.message["Subject"] == "Hello"
    assert server.recorder.logins == [("desk", "mail-secret")]


def test_an_untrusted_certificate_is_refused_in_plain_words(cert):
    server = SmtpServer(tls="tls", cert=cert)
    server.start()
    try:
        with pytest.raises(MailError) as err:
            send_mail(SmtpConfig("127.0.0.1", server.port, "tls", "", "desk@practice.test"), None,
                      Mail("ann@client.test", "Hello", "Body"))
    finally:
        server.stop()
    assert str(err.value).startswith(f"Could not reach the mail server 127.0.0.1:{server.port}: "
                                     "the secure connection failed")
    assert server.arrived == []


def test_a_server_that_requires_starttls_refuses_a_plain_connection(cert):
    server = SmtpServer(tls="starttls", cert=cert)
    server.start()
    try:
        with pytest.raises(MailError) as err:
            send_mail(SmtpConfig("127.0.0.1", server.port, "none", "", "desk@practice.test"), None,
                      Mail("ann@client.test", "Hello", "Body"))
    finally:
        server.stop()
    assert "530" in str(err.value) and server.arrived == []

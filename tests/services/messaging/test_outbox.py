"""The outbox against a real SMTP server and a real HTTP SMS provider on 127.0.0.1 (SPEC 7.1, 7.2,
7.4, 0.6): what arrived, a refused recipient and a stopped server recorded as failed with their
error, a retry that sends, and a failed send that never raises into its caller."""
from __future__ import annotations

import pytest

from app.models.enums import MessageChannel, MessagePurpose, MessageStatus
from app.services.errors import PermissionDenied, ValidationError
from app.services.messaging import outbox
from app.services.messaging import settings as msettings
from app.services.messaging.outbox import MessageDraft
from tests.messaging_servers import REFUSED_PREFIX

PDF = b"%PDF-1.4\n% a tiny test file\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def mail_ready(practice, admin, smtp_server, memory_keyring):
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_user="desk", mail_from="desk@practice.test")
    msettings.set_mail_password(practice, admin, "mail-secret")
    return smtp_server


def draft(to="ann@client.test", **kw):
    return MessageDraft(MessageChannel.EMAIL, to, kw.pop("body", "Your session on Monday is canceled."),
                        subject=kw.pop("subject", "Session canceled"), **kw)


def test_queued_mail_arrives_with_subject_body_and_pdf_spec_7_2(practice, admin, make, mail_ready):
    client = make.client("Ann", "Lee", email="ann@client.test")
    queued = outbox.queue_message(practice, admin, draft(client_id=client.id, purpose=MessagePurpose.INVOICE,
                                                         attachment=PDF, attachment_name="Invoice 2026-0001.pdf"))
    assert queued.status == MessageStatus.QUEUED and queued.client_name == "Ann Lee"
    assert outbox.pending_ids(practice, admin) == [queued.id]

    sent = outbox.send_message(practice, admin, queued.id)

    assert sent.status == MessageStatus.SENT and sent.error == "" and sent.attempts == 1
    assert sent.sent_at == practice.clock.now()
    (got,) = mail_ready.arrived
    assert got.rcpt_tos == ["ann@client.test"] and got.mail_from == "desk@practice.test"
    assert got.message["Subject"] == "Session canceled"
    assert got.message["From"] == "Test Practice <desk@practice.test>"
    assert got.message.get_body(("plain",)).get_content().strip() == "Your session on Monday is canceled."
    (att,) = list(got.message.iter_attachments())
    assert att.get_filename() == "Invoice 2026-0001.pdf" and att.get_content_type() == "application/pdf"
    assert att.get_content() == PDF  # byte for byte
    # the password came from the keyring to the server, and only there
    assert mail_ready.recorder.logins == [("desk", "mail-secret")]
    assert outbox.pending_ids(practice, admin) == []


def test_refused_recipient_is_failed_with_the_servers_answer_then_retry_spec_7_2(practice, admin, mail_ready):
    bad = outbox.queue_message(practice, admin, draft(f"{REFUSED_PREFIX}client.test"))
    good = outbox.queue_message(practice, admin, draft("bob@client.test"))

    summary = outbox.send_pending(practice, admin)

    assert summary == outbox.SendSummary(sent=1, failed=1, skipped=0)
    failed = outbox.get_message(practice, admin, bad.id)
    assert failed.status == MessageStatus.FAILED and failed.sent_at is None
    assert "refused nobody@client.test" in failed.error and "550" in failed.error
    assert outbox.get_message(practice, admin, good.id).status == MessageStatus.SENT
    assert [a.rcpt_tos for a in mail_ready.arrived] == [["bob@client.test"]]
    assert [m.id for m in outbox.list_outbox(practice, admin, status=MessageStatus.FAILED)] == [bad.id]
    # a failed one is not picked up again by a plain run, only when retrying
    assert outbox.pending_ids(practice, admin) == []
    assert outbox.pending_ids(practice, admin, include_failed=True) == [bad.id]


def test_stopped_server_fails_and_retry_sends_once_it_is_back_spec_7_2(practice, admin, mail_ready):
    m = outbox.queue_message(practice, admin, draft())
    mail_ready.stop()

    failed = outbox.send_message(practice, admin, m.id)  # does not raise

    assert failed.status == MessageStatus.FAILED and failed.attempts == 1
    assert "Could not reach the mail server 127.0.0.1" in failed.error and "refused" in failed.error
    assert mail_ready.arrived == []

    mail_ready.start()
    retried = outbox.send_message(practice, admin, m.id)

    assert retried.status == MessageStatus.SENT and retried.attempts == 2 and retried.error == ""
    assert len(mail_ready.arrived) == 1
    # sending it again does nothing: a sent message stays sent, once
    again = outbox.send_message(practice, admin, m.id)
    assert again.attempts == 2 and len(mail_ready.arrived) == 1


def test_failed_send_never_undoes_the_callers_transaction_spec_7_2(practice, admin, make, mail_ready):
    """The business change and its notice are saved together (queue_in); the send afterwards fails
    and is recorded, and the change stays."""
    client = make.client("Cy", "Doe", email=f"{REFUSED_PREFIX}client.test")
    from app.services.scheduling import closures

    with practice.uow() as tx:
        mid = outbox.queue_in(tx, practice, admin, draft(client.email, client_id=client.id,
                                                         purpose=MessagePurpose.CANCELLATION))
    closure = closures.add_closure(practice, admin, practice.clock.now().date(), None, "Snow day")
    result = outbox.send_message(practice, admin, mid)
    assert result.status == MessageStatus.FAILED
    assert closures.list_closures(practice, admin, closure.first_day, closure.last_day) == [closure]


def test_wrong_mail_password_is_failed_with_a_plain_error(practice, admin, mail_ready):
    msettings.set_mail_password(practice, admin, "not the password")
    m = outbox.send_message(practice, admin, outbox.queue_message(practice, admin, draft()).id)
    assert m.status == MessageStatus.FAILED
    assert m.error == f"The mail server 127.0.0.1:{mail_ready.port} did not accept the user name and password."
    assert "not the password" not in m.error


def test_mail_not_set_up_is_failed_with_what_to_do(practice, admin):
    m = outbox.send_message(practice, admin, outbox.queue_message(practice, admin, draft()).id)
    assert m.status == MessageStatus.FAILED and "Settings > Messages" in m.error


def test_sms_posts_json_with_bearer_token_to_the_provider_spec_7_2(practice, admin, make, sms_provider,
                                                                     memory_keyring):
    msettings.update_message_settings(practice, admin, sms_url=sms_provider.url, sms_sender="Practice")
    msettings.set_sms_token(practice, admin, "tok-123")
    client = make.client("Di", "Ray", phone="+1 555 0100")
    m = outbox.queue_message(practice, admin, MessageDraft(MessageChannel.SMS, "+1 555 0100", "See you at 10:00.",
                                                           client_id=client.id, purpose=MessagePurpose.REMINDER))
    sent = outbox.send_message(practice, admin, m.id)
    assert sent.status == MessageStatus.SENT
    (req,) = sms_provider.requests
    assert req.path == "/v1/messages" and req.authorization == "Bearer tok-123"
    assert req.content_type == "application/json"
    assert req.body == {"to": "+1 555 0100", "body": "See you at 10:00.", "from": "Practice"}


def test_sms_refused_by_provider_is_failed_with_its_answer_then_retry(practice, admin, sms_provider,
                                                                       memory_keyring):
    msettings.update_message_settings(practice, admin, sms_url=sms_provider.url)
    msettings.set_sms_token(practice, admin, "tok-123")
    sms_provider.status = 401
    m = outbox.queue_message(practice, admin, MessageDraft(MessageChannel.SMS, "+15550100", "Hello"))
    failed = outbox.send_message(practice, admin, m.id)
    assert failed.status == MessageStatus.FAILED
    assert failed.error.startswith("The SMS provider answered 401") and "invalid token" in failed.error
    assert "tok-123" not in failed.error
    sms_provider.status = 200
    assert outbox.send_message(practice, admin, m.id).status == MessageStatus.SENT
    assert len(sms_provider.requests) == 2


def test_test_message_is_sent_and_kept_in_the_outbox(practice, admin, mail_ready):
    m = outbox.send_test_message(practice, admin, MessageChannel.EMAIL, "owner@practice.test")
    assert m.status == MessageStatus.SENT and m.purpose == MessagePurpose.TEST
    assert mail_ready.arrived[0].message["Subject"] == "Test message from Test Practice"
    assert outbox.count_outbox(practice, admin) == 1


def test_a_message_left_sending_by_a_closed_desk_is_sent_after_a_while(practice, admin, mail_ready, clock):
    m = outbox.queue_message(practice, admin, draft())
    assert outbox._claim(practice, m.id) is not None  # a desk claimed it and closed before sending
    assert outbox.pending_ids(practice, admin) == []
    assert outbox.send_message(practice, admin, m.id).status == MessageStatus.SENDING  # not twice at once
    clock.advance(seconds=outbox.STALE_AFTER.total_seconds() + 1)
    assert outbox.pending_ids(practice, admin) == [m.id]
    assert outbox.send_message(practice, admin, m.id).status == MessageStatus.SENT
    assert len(mail_ready.arrived) == 1


def test_list_outbox_pages_newest_first_and_filters_by_status(practice, admin):
    ids = [outbox.queue_message(practice, admin, draft(f"c{i}@client.test")).id for i in range(5)]
    first = outbox.list_outbox(practice, admin, limit=2)
    second = outbox.list_outbox(practice, admin, limit=2, before_id=first[-1].id)
    rest = outbox.list_outbox(practice, admin, limit=2, before_id=second[-1].id)
    assert [m.id for m in first + second + rest] == ids[::-1]
    assert outbox.count_outbox(practice, admin, MessageStatus.QUEUED) == 5
    assert outbox.list_outbox(practice, admin, status=MessageStatus.SENT) == []


def test_client_addresses_follow_the_clients_choice_spec_7_2(practice, make):
    both = make.client(email="a@x.test", phone="+1 555 0101", notify_by="both")
    mail_only = make.client(email="b@x.test", phone="+1 555 0102", notify_by="email")
    none = make.client(email="d@x.test", notify_by="none")
    with practice.read() as tx:
        assert outbox.client_addresses(tx, both.id) == [("email", "a@x.test"), ("sms", "+1 555 0101")]
        assert outbox.client_addresses(tx, mail_only.id) == [("email", "b@x.test")]
        assert outbox.client_addresses(tx, none.id) == []


def test_front_desk_queues_and_sends_practitioner_may_not(practice, admin, make):
    staff = make.user("staff")
    pract = make.user("practitioner", practitioner_id=make.practitioner().id)
    m = outbox.queue_message(practice, staff, draft())
    assert outbox.send_message(practice, staff, m.id).status == MessageStatus.FAILED  # mail not set up
    for call in (lambda: outbox.queue_message(practice, pract, draft()),
                 lambda: outbox.send_message(practice, pract, m.id),
                 lambda: outbox.list_outbox(practice, pract)):
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize("bad, field", [
    (draft("not an address"), "recipient"),
    (draft(subject=""), "subject"),
    (draft(body="   "), "message"),
    (MessageDraft(MessageChannel.SMS, "", "hi"), "recipient"),
    (MessageDraft(MessageChannel.SMS, "+1555", "hi", attachment=PDF), "attachment"),
    (MessageDraft("fax", "+1555", "hi"), "channel"),
    (draft(purpose="spam"), "purpose"),
])
def test_bad_drafts_name_the_field_and_queue_nothing_spec_0_5(practice, admin, bad, field):
    with pytest.raises(ValidationError) as err:
        outbox.queue_message(practice, admin, bad)
    assert err.value.field == field
    assert outbox.count_outbox(practice, admin) == 0

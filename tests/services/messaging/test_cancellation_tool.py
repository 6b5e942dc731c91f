"""The cancellation tool (SPEC 7.1, 7.2, with 0.4, 0.5, 1.1): the affected sessions of a date or range,
optionally one practitioner or location; notify and cancel, cancel only, notify only; the template
filled per client; mail checked on a real SMTP server and SMS on a real HTTP provider on 127.0.0.1;
a refused recipient or a stopped server never undoes the cancellation."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.models.enums import MessageChannel, MessagePurpose, MessageStatus
from app.services import audit
from app.services.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from app.services.messaging import outbox
from app.services.messaging import settings as msettings
from app.services.money import ledger
from app.services.scheduling import cancellation_tool as tool
from app.services.scheduling import completion, deletion, sessions
from app.services.scheduling.cancellation_tool import CancelRequest, CancelScope
from app.services.scheduling.completion import CompletionTypeInput
from tests.messaging_servers import REFUSED_PREFIX
from tests.services.fingerprint import fingerprint

SNOW = date(2026, 1, 6)  # a Tuesday; the practice is in New York


@pytest.fixture
def desk(practice, admin, make, clock, smtp_server, sms_provider, memory_keyring):
    """Mail and SMS set up against the local servers; two practitioners, two rooms, clients who want
    e-mail, SMS, both, or nothing; sessions on the snow day and the days around it."""
    clock.at = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_user="desk", mail_from="desk@practice.test",
                                      sms_url=sms_provider.url)
    msettings.set_mail_password(practice, admin, "mail-secret")
    msettings.set_sms_token(practice, admin, "tok-1")
    ann, bob = make.practitioner("Dr Ann Park"), make.practitioner("Bob Stone")
    room1, room2 = make.location("Room 1"), make.location("Room 2")
    svc = make.service("Therapy", cost=8000, wage=4000)
    mail = make.client("Eve", "Mail", email="eve@client.test", notify_by="email")
    text = make.client("Sam", "Text", phone="+15550100", notify_by="sms")
    both = make.client("Bo", "Both", email="bo@client.test", phone="+15550101", notify_by="both")
    quiet = make.client("Quinn", "Quiet", email="q@client.test", notify_by="none")

    def book(day, hour, pr, who, room=room1):
        [s] = make.session(datetime(2026, 1, day, hour), datetime(2026, 1, day, hour, 50), svc, pr, who,
                           location=room, confirm=True)
        return s

    d = dict(ann=ann, bob=bob, room1=room1, room2=room2, svc=svc, mail=mail, text=text, both=both, quiet=quiet,
             smtp=smtp_server, sms=sms_provider, staff=make.user("staff"))
    d["s9"] = book(6, 9, ann, [mail])
    d["s10"] = book(6, 10, ann, [text, both])  # a group
    d["s11"] = book(6, 11, bob, [quiet], room=room2)
    d["before"] = book(5, 17, ann, [mail])
    d["after"] = book(7, 9, ann, [mail])
    return d


def scope(first=SNOW, last=None, **kw):
    return CancelScope(first, last, **kw)


def ids(affected):
    return [a.session.id for a in affected]


def run(practice, actor, action, sc=None, session_ids=None, **kw):
    sc = sc or scope()
    found = session_ids if session_ids is not None else tuple(ids(tool.affected_sessions(practice, actor, sc)))
    return tool.run_cancellations(practice, actor, CancelRequest(sc, action, tuple(found), **kw))


# -- SPEC 7.1: what is affected ---------------------------------------------------------------------
def test_spec_7_1_affected_sessions_follow_the_range_practitioner_and_location(practice, desk):
    staff = desk["staff"]
    assert ids(tool.affected_sessions(practice, staff, scope())) == [desk[k].id for k in ("s9", "s10", "s11")]
    assert ids(tool.affected_sessions(practice, staff, scope(date(2026, 1, 5), date(2026, 1, 7)))) == [
        desk[k].id for k in ("before", "s9", "s10", "s11", "after")]
    assert ids(tool.affected_sessions(practice, staff, scope(practitioner_id=desk["bob"].id))) == [desk["s11"].id]
    assert ids(tool.affected_sessions(practice, staff, scope(location_id=desk["room1"].id))) == [
        desk["s9"].id, desk["s10"].id]
    assert tool.affected_sessions(practice, staff, scope(date(2026, 1, 8))) == []


def test_spec_7_1_only_open_sessions_are_affected_and_each_client_says_how_they_are_told(practice, admin, desk):
    completion.complete_session(practice, admin, desk["s9"].id, completion.type_by_key(practice, "completed").id)
    deletion.delete_session(practice, admin, desk["s11"].id)
    (a,) = tool.affected_sessions(practice, desk["staff"], scope())
    assert a.session.id == desk["s10"].id
    assert {r.name: r.how for r in a.recipients} == {"Sam Text": "SMS", "Bo Both": "e-mail and SMS"}


# -- SPEC 7.1, 7.2: notify and cancel --------------------------------------------------------------
def test_spec_7_1_notify_and_cancel_cancels_free_and_tells_each_client_by_their_choice(practice, admin, desk):
    body = "Dear {client}, we are closed: your {service} with {practitioner} on {date} at {time} is off. {practice}"
    done = run(practice, desk["staff"], tool.NOTIFY_AND_CANCEL, body=body)

    assert set(done.canceled_session_ids) == {desk[k].id for k in ("s9", "s10", "s11")}
    for k in ("s9", "s10", "s11"):
        v = sessions.get_session(practice, admin, desk[k].id)
        assert (v.status, v.completion_label, v.wage_cents) == ("canceled", "Canceled", 0)
    assert ledger.client_balance(practice, admin, desk["mail"].id) == 0  # free (the default Canceled)
    assert desk["before"].status == "open" and sessions.get_session(practice, admin, desk["after"].id).status == "open"
    # one message per client and channel, queued in the cancellation's transaction
    assert len(done.message_ids) == 4  # Eve e-mail, Sam SMS, Bo e-mail + SMS; Quinn wants none
    quinn = next(r for r in done.results if r.client_id == desk["quiet"].id)
    assert quinn.message_ids == () and quinn.note == "wants no messages" and quinn.canceled

    summary = outbox.send_pending(practice, desk["staff"])

    assert (summary.sent, summary.failed) == (4, 0)
    mails = {m.rcpt_tos[0]: m.message for m in desk["smtp"].arrived}
    assert set(mails) == {"eve@client.test", "bo@client.test"}
    eve = mails["eve@client.test"]
    assert eve["Subject"] == "Test Practice: your session on Tuesday, January 6, 2026 is canceled"
    assert eve.get_body(("plain",)).get_content().strip() == (
        "Dear Eve Mail, we are closed: your Therapy with Dr Ann Park on Tuesday, January 6, 2026 at "
        "9:00\u202fAM is off. Test Practice")
    texts = {r.body["to"]: r.body["body"] for r in desk["sms"].requests}
    assert set(texts) == {"+15550100", "+15550101"}
    assert texts["+15550100"].startswith("Dear Sam Text, we are closed: your Therapy with Dr Ann Park on "
                                         "Tuesday, January 6, 2026 at 10:00\u202fAM")
    kept = outbox.list_outbox(practice, desk["staff"])
    assert {(m.client_id, m.session_id, m.purpose, m.status) for m in kept} == {
        (desk["mail"].id, desk["s9"].id, MessagePurpose.CANCELLATION, MessageStatus.SENT),
        (desk["text"].id, desk["s10"].id, MessagePurpose.CANCELLATION, MessageStatus.SENT),
        (desk["both"].id, desk["s10"].id, MessagePurpose.CANCELLATION, MessageStatus.SENT)}
    (entry,) = [e for e in audit.list_audit(practice, admin, "session") if e.action == "sessions.cancellation_tool"]
    assert entry.detail["not_told"] == [[desk["s11"].id, desk["quiet"].id, "wants no messages"]]


def test_spec_7_2_a_refused_recipient_and_a_stopped_server_fail_but_the_sessions_stay_canceled(
        practice, admin, make, desk):
    refused = make.client("No", "Body", email=f"{REFUSED_PREFIX}client.test", notify_by="email")
    make.session(datetime(2026, 1, 6, 12), datetime(2026, 1, 6, 13), desk["svc"], desk["ann"], [refused],
                 location=desk["room1"], confirm=True)
    done = run(practice, desk["staff"], tool.NOTIFY_AND_CANCEL, sc=scope(location_id=desk["room1"].id))
    by_client = {r.client_id: r for r in done.results}

    bad = outbox.send_message(practice, desk["staff"], by_client[refused.id].message_ids[0])
    assert bad.status == MessageStatus.FAILED and "refused" in bad.error.lower()
    desk["smtp"].stop()
    down = outbox.send_message(practice, desk["staff"], by_client[desk["mail"].id].message_ids[0])
    assert down.status == MessageStatus.FAILED and down.error

    for k in ("s9", "s10"):
        assert sessions.get_session(practice, admin, desk[k].id).status == "canceled"
    desk["smtp"].start()
    again = outbox.send_message(practice, desk["staff"], down.id)  # Retry from the outbox
    assert again.status == MessageStatus.SENT and len(desk["smtp"].arrived) == 1


def test_spec_7_1_cancel_only_sends_nothing_and_notify_only_cancels_nothing(practice, admin, desk):
    done = run(practice, desk["staff"], tool.CANCEL_ONLY, sc=scope(practitioner_id=desk["bob"].id), body="")
    assert done.canceled_session_ids == (desk["s11"].id,) and done.message_ids == ()
    assert outbox.count_outbox(practice, admin) == 0

    told = run(practice, desk["staff"], tool.NOTIFY_ONLY)
    assert told.canceled_session_ids == () and len(told.message_ids) == 4
    assert all(not r.canceled for r in told.results)
    for k in ("s9", "s10"):
        assert sessions.get_session(practice, admin, desk[k].id).status == "open"
    assert outbox.send_pending(practice, admin).sent == 4


def test_spec_7_1_a_canceled_status_with_a_charge_can_be_chosen(practice, admin, desk):
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Closed (paid)", "", "percentage", 50, 100))
    run(practice, desk["staff"], tool.CANCEL_ONLY, sc=scope(practitioner_id=desk["bob"].id), type_id=late.id)
    v = sessions.get_session(practice, admin, desk["s11"].id)
    assert (v.status, v.completion_label, v.wage_cents) == ("canceled", "Closed (paid)", 4000)
    assert ledger.client_balance(practice, admin, desk["quiet"].id) == -4000


# -- SPEC 0.4: a session changed at another desk meanwhile --------------------------------------------
def test_spec_0_4_a_session_saved_meanwhile_stops_the_run_with_nothing_changed(practice, admin, desk):
    seen = tuple(ids(tool.affected_sessions(practice, desk["staff"], scope())))
    completion.complete_session(practice, admin, desk["s10"].id, completion.type_by_key(practice, "completed").id)
    before = fingerprint(practice)
    with pytest.raises(RuleViolation, match="changed meanwhile"):
        run(practice, desk["staff"], tool.NOTIFY_AND_CANCEL, session_ids=seen)
    deletion.delete_session(practice, admin, desk["s9"].id)
    before = fingerprint(practice)
    with pytest.raises(NotFound):
        run(practice, desk["staff"], tool.NOTIFY_AND_CANCEL, session_ids=seen)
    assert fingerprint(practice) == before


def test_spec_0_4_a_session_outside_the_range_is_refused(practice, desk):
    with pytest.raises(RuleViolation):
        run(practice, desk["staff"], tool.CANCEL_ONLY, session_ids=(desk["after"].id,))


# -- SPEC 0.5 and 1.1 --------------------------------------------------------------------------------
@pytest.mark.parametrize("change, field", [
    (dict(body="Dear {name}, closed."), "message"),
    (dict(subject="Closed {"), "subject"),
    (dict(body=""), "message"),
    (dict(action="postpone"), "action"),
    (dict(sc=CancelScope(SNOW, date(2026, 1, 5))), "last day"),
    (dict(sc=CancelScope(date(2026, 1, 1), date(2027, 1, 2))), "last day"),  # 367 days
    (dict(session_ids=()), "sessions"),
    (dict(body="x" * 1700), "message"),  # too long for an SMS once filled in
])
def test_spec_0_5_bad_input_names_the_field_and_changes_nothing(practice, desk, change, field):
    seen = tuple(ids(tool.affected_sessions(practice, desk["staff"], scope())))
    sc = change.pop("sc", scope())
    action = change.pop("action", tool.NOTIFY_AND_CANCEL)
    req = CancelRequest(sc, action, change.pop("session_ids", seen), **change)
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        tool.run_cancellations(practice, desk["staff"], req)
    assert e.value.field == field
    assert fingerprint(practice) == before


def test_spec_0_5_a_status_that_is_not_a_cancellation_is_refused(practice, desk):
    done = completion.type_by_key(practice, "completed")
    with pytest.raises(ValidationError) as e:
        run(practice, desk["staff"], tool.CANCEL_ONLY, type_id=done.id)
    assert e.value.field == "cancel as" and "Completed" in str(e.value)


def test_spec_1_1_a_practitioner_may_not_use_the_tool(practice, make, desk):
    pr = make.user("practitioner", practitioner_id=desk["ann"].id)
    with pytest.raises(PermissionDenied):
        tool.affected_sessions(practice, pr, scope())
    with pytest.raises(PermissionDenied):
        tool.run_cancellations(practice, pr, CancelRequest(scope(), tool.CANCEL_ONLY, (desk["s9"].id,)))


def test_channels_are_e_mail_and_sms_names(desk):
    assert tool.Recipient(1, "A", ((MessageChannel.EMAIL, "a@b.c"), (MessageChannel.SMS, "+1")), "").how == \
        "e-mail and SMS"

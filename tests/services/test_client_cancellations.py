"""Client cancellations (SPEC 8.1, 8.2, with 1.1, 4.6, 5.2 and 0.5): the switch, the permission and its
bulk tool, the policy levels at each edge, and what a client's cancel charges."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.services import audit
from app.services.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from app.services.money import ledger
from app.services.people import clients
from app.services.scheduling import client_cancellations as cc
from app.services.scheduling import completion, deletion
from app.services.scheduling.client_cancellations import PolicyLevelInput as Level
from app.services.scheduling.completion import CompletionTypeInput
from tests.services.fingerprint import fingerprint

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # Mon 5 Jan 10:00 in New York


def key_id(practice, key):
    return completion.type_by_key(practice, key).id


def before(**kw):
    return START - timedelta(**kw)


@pytest.fixture
def desk(practice, admin, make, clock):
    """An $80 / $40 service, a practitioner, a staff user, two clients who may cancel and one who may not;
    the clock stands one second before the sessions start."""
    clock.at = START - timedelta(seconds=1)
    pr, svc = make.practitioner(), make.service(cost=8000, wage=4000)
    a, b = make.client("Ada", "Able", may_cancel=True), make.client("Bea", "Best", may_cancel=True)
    no = make.client("Cy", "Cannot")
    return dict(pr=pr, svc=svc, a=a, b=b, no=no, staff=make.user("staff"))


def one(make, desk, *who):
    [s] = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), desk["svc"], desk["pr"],
                       list(who) or [desk["a"]], confirm=True)  # several in one test share the hour
    return s


def policy(practice, admin, *levels, enabled=True):
    return cc.set_cancellation_policy(practice, admin, enabled, [Level(h, t) for h, t in levels])


# -- SPEC 8.2: the boundaries -------------------------------------------------------------------
@pytest.mark.parametrize("asked, label, charge, wage", [
    (before(hours=24), "Canceled", 0, 0),  # exactly 24 h: no level is greater than 24 -> free
    (before(hours=23, minutes=59), "Missed", 8000, 4000),
    (before(hours=30), "Canceled", 0, 0),
    (before(minutes=1), "Missed", 8000, 4000),
])
def test_spec_8_2_one_level_24h_missed_boundaries(practice, admin, make, desk, clock, asked, label, charge, wage):
    policy(practice, admin, (24, key_id(practice, "missed")))
    s = one(make, desk)
    q = cc.quote_client_cancel(practice, desk["staff"], s.id, desk["a"].id, asked)
    assert (q.label, q.charge_cents, q.wage_cents, q.free) == (label, charge, wage, label == "Canceled")
    assert (q.level.hours if q.level else None) == (24 if label == "Missed" else None)
    done = cc.client_cancels(practice, desk["staff"], s.id, desk["a"].id, asked)
    assert done.quote == q
    assert (done.session.status, done.session.completion_label) == (label.lower(), label)
    assert done.session.wage_cents == wage
    assert ledger.client_balance(practice, admin, desk["a"].id) == -charge


@pytest.fixture
def three(practice, admin):
    """SPEC 8.2 with three levels: under 2 h Missed (full), under 12 h Late (50/50), under 48 h Short (25/0)."""
    late = completion.create_completion_type(practice, admin, CompletionTypeInput("canceled", "Late", "",
                                                                                  "percentage", 50, 50))
    short = completion.create_completion_type(practice, admin, CompletionTypeInput("canceled", "Short notice", "",
                                                                                   "percentage", 25, 0))
    policy(practice, admin, (48, short.id), (2, key_id(practice, "missed")), (12, late.id))


@pytest.mark.parametrize("asked, hours, label, charge, wage", [
    (before(hours=72), None, "Canceled", 0, 0),
    (before(hours=48), None, "Canceled", 0, 0),
    (before(hours=47, minutes=59), 48, "Short notice", 2000, 0),
    (before(hours=12), 48, "Short notice", 2000, 0),
    (before(hours=11, minutes=59), 12, "Late", 4000, 2000),
    (before(hours=2), 12, "Late", 4000, 2000),
    (before(hours=1, minutes=59), 2, "Missed", 8000, 4000),
    (before(seconds=1), 2, "Missed", 8000, 4000),
])
def test_spec_8_2_three_levels_each_edge(practice, admin, make, desk, three, asked, hours, label, charge, wage):
    s = one(make, desk)
    q = cc.quote_client_cancel(practice, admin, s.id, desk["a"].id, asked)
    assert ((q.level.hours if q.level else None), q.label, q.charge_cents, q.wage_cents) == (hours, label, charge, wage)
    cc.client_cancels(practice, admin, s.id, desk["a"].id, asked)
    assert ledger.client_balance(practice, admin, desk["a"].id) == -charge


def test_spec_8_2_naive_time_asked_is_practice_wall_clock(practice, admin, make, desk):
    policy(practice, admin, (24, key_id(practice, "missed")))
    s = one(make, desk)
    q = cc.quote_client_cancel(practice, admin, s.id, desk["a"].id, datetime(2026, 1, 4, 10, 0))  # New York
    assert q.notice == timedelta(hours=24) and q.free
    assert q.asked_at.utcoffset() == timedelta(hours=-5)


def test_spec_8_time_asked_defaults_to_now_and_is_audited(practice, admin, make, desk, clock):
    policy(practice, admin, (24, key_id(practice, "missed")))
    s = one(make, desk)
    clock.at = before(hours=3)
    done = cc.client_cancels(practice, desk["staff"], s.id, desk["a"].id)
    assert done.quote.notice == timedelta(hours=3) and done.quote.label == "Missed"
    [entry] = [e for e in audit.list_audit(practice, admin, "session", s.id) if e.action == "session.client_cancel"]
    assert entry.user_id == desk["staff"].user_id
    assert entry.detail["asked_at"] == "2026-01-05T07:00:00-05:00"
    assert (entry.detail["level_hours"], entry.detail["label"], entry.detail["charge_cents"]) == (24, "Missed", 8000)


# -- SPEC 8.1: the switch and the permission ----------------------------------------------------
def test_spec_8_1_refused_while_the_practice_switch_is_off(practice, admin, make, desk):
    policy(practice, admin, (24, key_id(practice, "missed")), enabled=False)
    s = one(make, desk)
    was = fingerprint(practice)
    with pytest.raises(RuleViolation, match="switched off"):
        cc.client_cancels(practice, desk["staff"], s.id, desk["a"].id, before(hours=2))
    with pytest.raises(RuleViolation, match="switched off"):
        cc.quote_client_cancel(practice, desk["staff"], s.id, desk["a"].id)
    assert fingerprint(practice) == was


def test_spec_8_1_off_by_default(practice, admin):
    assert cc.get_cancellation_policy(practice, admin) == cc.CancellationPolicy(False, ())


def test_spec_8_1_client_without_permission_refused_even_when_staff_record_it(practice, admin, make, desk):
    policy(practice, admin, (24, key_id(practice, "missed")))
    s = one(make, desk, desk["no"])
    was = fingerprint(practice)
    for actor in (desk["staff"], admin):
        with pytest.raises(RuleViolation, match="Cy Cannot does not have permission"):
            cc.client_cancels(practice, actor, s.id, desk["no"].id, before(hours=30))
    assert fingerprint(practice) == was


def test_spec_1_1_practitioners_do_not_record_client_cancels(practice, admin, make, desk):
    policy(practice, admin)
    s = one(make, desk)
    pract = make.user("practitioner", practitioner_id=desk["pr"].id)
    with pytest.raises(PermissionDenied):
        cc.client_cancels(practice, pract, s.id, desk["a"].id)


def test_spec_8_refused_for_saved_started_and_wrong_client(practice, admin, make, desk, clock):
    policy(practice, admin, (24, key_id(practice, "missed")))
    saved, later, other = one(make, desk), one(make, desk, desk["b"]), one(make, desk)
    completion.complete_session(practice, admin, saved.id, key_id(practice, "completed"))
    was = fingerprint(practice)
    with pytest.raises(RuleViolation, match="already saved as Completed"):
        cc.client_cancels(practice, admin, saved.id, desk["a"].id, before(hours=30))
    with pytest.raises(ValidationError, match="client") as err:
        cc.client_cancels(practice, admin, later.id, desk["a"].id, before(hours=30))
    assert err.value.field == "client"
    clock.at = START + timedelta(minutes=1)
    with pytest.raises(RuleViolation, match="already started"):
        cc.client_cancels(practice, admin, later.id, desk["b"].id, before(hours=30))
    clock.at = before(hours=30)
    with pytest.raises(ValidationError) as err:
        cc.client_cancels(practice, admin, other.id, desk["a"].id, before(hours=29))
    assert (err.value.field, err.value.message) == ("time asked", "cannot be later than now")
    assert fingerprint(practice) == was
    deletion.delete_session(practice, admin, other.id)
    with pytest.raises(NotFound):
        cc.quote_client_cancel(practice, admin, other.id, desk["a"].id, before(hours=31))


# -- SPEC 8 with 2.2 / 4.6 / 5.2: one client of a group -----------------------------------------
def test_spec_8_one_client_of_a_group_is_canceled_and_charged_the_others_stay(practice, admin, make, desk):
    policy(practice, admin, (24, key_id(practice, "missed")))
    s = one(make, desk, desk["a"], desk["b"])
    q = cc.quote_client_cancel(practice, admin, s.id, desk["a"].id, before(hours=5))
    assert (q.whole_session, q.label, q.charge_cents, q.wage_cents) == (False, "Missed", 8000, 0)
    done = cc.client_cancels(practice, desk["staff"], s.id, desk["a"].id, before(hours=5))
    assert done.session.status == "open"
    assert [c.id for c in done.session.clients] == [desk["b"].id]
    assert ledger.client_balance(practice, admin, desk["a"].id) == -8000
    assert ledger.client_balance(practice, admin, desk["b"].id) == 0
    from app.services.scheduling import participants
    rows = {p.client_id: p for p in participants.session_participants(practice, admin, s.id)}
    assert (rows[desk["a"].id].status, rows[desk["a"].id].charge_cents) == ("canceled_by_client", 8000)
    assert rows[desk["b"].id].status == "booked"

    # saving the session for the others keeps the canceled client's charge once (SPEC 4.6)
    saved = completion.complete_session(practice, admin, s.id, key_id(practice, "completed"))
    assert saved.wage_cents == 4000
    assert ledger.client_balance(practice, admin, desk["a"].id) == -8000
    assert ledger.client_balance(practice, admin, desk["b"].id) == -8000
    completion.complete_session(practice, admin, s.id, key_id(practice, "canceled"))
    assert ledger.client_balance(practice, admin, desk["a"].id) == -8000
    assert ledger.client_balance(practice, admin, desk["b"].id) == 0
    completion.reopen_session(practice, admin, s.id)
    assert ledger.client_balance(practice, admin, desk["a"].id) == -8000
    # deleting the session takes every charge back; recovering brings them back (SPEC 5.2)
    deletion.delete_session(practice, admin, s.id)
    assert ledger.client_balance(practice, admin, desk["a"].id) == 0
    deletion.recover_sessions(practice, admin, [s.id])
    assert ledger.client_balance(practice, admin, desk["a"].id) == -8000


def test_spec_8_last_client_of_a_group_saves_the_session(practice, admin, make, desk):
    policy(practice, admin, (24, key_id(practice, "missed")))
    s = one(make, desk, desk["a"], desk["b"])
    cc.client_cancels(practice, admin, s.id, desk["a"].id, before(hours=5))
    done = cc.client_cancels(practice, admin, s.id, desk["b"].id, before(hours=40))
    assert done.quote.whole_session and done.session.status == "canceled"
    assert ledger.client_balance(practice, admin, desk["a"].id) == -8000
    assert ledger.client_balance(practice, admin, desk["b"].id) == 0


def test_spec_8_free_cancel_of_one_group_client_charges_nothing(practice, admin, make, desk):
    policy(practice, admin, (24, key_id(practice, "missed")))
    s = one(make, desk, desk["a"], desk["b"])
    done = cc.client_cancels(practice, admin, s.id, desk["a"].id, before(hours=48))
    assert done.quote.free and done.quote.charge_cents == 0
    assert ledger.client_entries(practice, admin, desk["a"].id) == []


# -- the policy's types going away ---------------------------------------------------------------
def test_spec_8_2_switched_off_types_refuse_with_a_plain_message(practice, admin, make, desk):
    late = completion.create_completion_type(practice, admin, CompletionTypeInput("missed", "Late"))
    policy(practice, admin, (24, late.id))
    s = one(make, desk)
    completion.set_completion_type_enabled(practice, admin, late.id, False)
    assert cc.get_cancellation_policy(practice, admin).levels[0].available is False
    with pytest.raises(RuleViolation, match="'Late', which is switched off"):
        cc.quote_client_cancel(practice, admin, s.id, desk["a"].id, before(hours=1))
    completion.set_completion_type_enabled(practice, admin, key_id(practice, "canceled"), False)
    with pytest.raises(RuleViolation, match="Canceled status is switched off"):
        cc.client_cancels(practice, admin, s.id, desk["a"].id, before(hours=30))


# -- the policy: validation (SPEC 0.5) -----------------------------------------------------------
def test_spec_8_2_policy_saved_sorted_with_labels(practice, admin):
    missed, canceled = key_id(practice, "missed"), key_id(practice, "canceled")
    got = policy(practice, admin, (48, canceled), (24, missed))
    assert [(lv.hours, lv.label) for lv in got.levels] == [(24, "Missed"), (48, "Canceled")]
    assert cc.get_cancellation_policy(practice, admin) == got
    assert cc.set_cancellation_policy(practice, admin, False, []) == cc.CancellationPolicy(False, ())


@pytest.mark.parametrize("levels, field", [
    ([(1, "M"), (2, "M"), (3, "M"), (4, "M")], "policy levels"),
    ([(24, "M"), (24, "C")], "policy level 2 hours"),
    ([(721, "M")], "policy level 1 hours"),
    ([(-1, "M")], "policy level 1 hours"),
    ([(24.5, "M")], "policy level 1 hours"),
    ([(True, "M")], "policy level 1 hours"),
    ([(24, 99999)], "policy level 1 status"),
    ([(24, "OFF")], "policy level 1 status"),
    ([(24, "GONE")], "policy level 1 status"),
    ([(24, None)], "policy level 1 status"),
    ([24], "policy level 1"),
    ("24 Missed", "policy levels"),
])
def test_spec_0_5_bad_policy_refused_naming_the_field(practice, admin, levels, field):
    ids = {"M": key_id(practice, "missed"), "C": key_id(practice, "canceled")}
    off = completion.create_completion_type(practice, admin, CompletionTypeInput("missed", "Off"))
    completion.set_completion_type_enabled(practice, admin, off.id, False)
    gone = completion.create_completion_type(practice, admin, CompletionTypeInput("missed", "Gone"))
    completion.remove_completion_type(practice, admin, gone.id)
    ids |= {"OFF": off.id, "GONE": gone.id}
    policy(practice, admin, (12, ids["M"]))
    was = fingerprint(practice)
    if isinstance(levels, list):
        levels = [(lv[0], ids.get(lv[1], lv[1])) if isinstance(lv, tuple) else lv for lv in levels]
    with pytest.raises(ValidationError) as err:
        cc.set_cancellation_policy(practice, admin, True, levels)
    assert err.value.field == field
    assert fingerprint(practice) == was


def test_spec_0_5_bad_switch_and_roles(practice, admin, make):
    staff = make.user("staff")
    was = fingerprint(practice)
    with pytest.raises(ValidationError) as err:
        cc.set_cancellation_policy(practice, admin, "yes", [])
    assert err.value.field == "clients may cancel"
    with pytest.raises(PermissionDenied):
        cc.set_cancellation_policy(practice, staff, True, [])
    assert fingerprint(practice) == was


# -- SPEC 8.1: the bulk permissions tool ---------------------------------------------------------
def test_spec_8_1_bulk_permissions_chosen_clients_then_all(practice, admin, make, desk):
    gone = make.client("Old", "Archived")
    clients.set_archived(practice, admin, gone.id, True)
    table = cc.set_client_permissions(practice, desk["staff"], [desk["no"].id], True)
    assert [(r.name, r.may_cancel) for r in table] == [("Ada Able", True), ("Bea Best", True), ("Cy Cannot", True)]
    table = cc.set_client_permissions(practice, desk["staff"], [desk["a"].id, desk["b"].id], False)
    assert [(r.name, r.may_cancel) for r in table] == [("Ada Able", False), ("Bea Best", False), ("Cy Cannot", True)]
    table = cc.set_client_permissions(practice, desk["staff"], None, True)
    assert all(r.may_cancel for r in table) and gone.id not in {r.client_id for r in table}
    assert clients.get_client(practice, admin, gone.id).may_cancel is False  # archived clients are left alone
    assert cc.list_client_permissions(practice, desk["staff"]) == table
    [entry] = [e for e in audit.list_audit(practice, admin, "client") if e.action == "client.may_cancel.bulk"][:1]
    assert entry.detail["all"] is True and sorted(entry.detail["changed"]) == sorted([desk["a"].id, desk["b"].id])


@pytest.mark.parametrize("chosen, may, field", [
    ([], True, "clients"), ("all", True, "clients"), ([0], True, "clients"), (["1"], True, "clients"),
    ([987654], True, "clients"), ("ARCHIVED", True, "clients"), (None, 1, "may cancel"),
])
def test_spec_0_5_bulk_permissions_bad_input_changes_nothing(practice, admin, make, desk, chosen, may, field):
    gone = make.client("Old", "Archived")
    clients.set_archived(practice, admin, gone.id, True)
    chosen = [desk["no"].id, gone.id] if chosen == "ARCHIVED" else chosen
    table, was = cc.list_client_permissions(practice, admin), fingerprint(practice)
    with pytest.raises(ValidationError) as err:
        cc.set_client_permissions(practice, admin, chosen, may)
    assert err.value.field == field
    assert cc.list_client_permissions(practice, admin) == table and fingerprint(practice) == was


def test_spec_1_1_practitioners_do_not_use_the_bulk_tool(practice, make, desk):
    with pytest.raises(PermissionDenied):
        cc.set_client_permissions(practice, make.user("practitioner", practitioner_id=desk["pr"].id), None, True)


def test_spec_8_9_1_a_group_clients_cancel_charge_is_invoiced_to_them_and_only_once(practice, admin, make, desk):
    """The charge of one client's late cancel of a group session is theirs to pay: it is a line of
    their next invoice (while the session is still open for the others, and after it is saved), never
    on the others' invoices, and once only."""
    from datetime import date

    from app.services.money import invoices

    policy(practice, admin, (24, key_id(practice, "missed")))
    s = one(make, desk, desk["a"], desk["b"])
    cc.client_cancels(practice, desk["staff"], s.id, desk["a"].id, before(hours=5))
    day = date(2026, 1, 5)

    (line,) = invoices.uninvoiced_sessions(practice, admin, desk["a"].id, day, day)
    assert (line.session_id, line.amount_cents, line.label) == (s.id, 8000, "Canceled by client")
    draft = invoices.create_draft(practice, admin, desk["a"].id, [s.id], day, day)
    assert draft.total_cents == 8000
    assert invoices.uninvoiced_sessions(practice, admin, desk["a"].id, day, day) == []
    (b_line,) = invoices.uninvoiced_sessions(practice, admin, desk["b"].id, day, day)  # B still booked: scheduled
    assert b_line.amount_cents == 8000 and b_line.label != "Canceled by client"

    completion.complete_session(practice, admin, s.id, key_id(practice, "completed"))
    assert invoices.uninvoiced_sessions(practice, admin, desk["a"].id, day, day) == []  # on the draft already

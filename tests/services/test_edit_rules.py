"""Every rule of adding a client applies to an edit that adds one (SPEC 3.4, 2.5, 7.3, 6.2, 6.4),
and a practitioner's edit never reaches another practitioner's session (SPEC 1.1, 3.4)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from app.services import audit, practice_settings
from app.services.errors import NeedsConfirmation, PermissionDenied, RuleViolation
from app.services.money import ledger
from app.services.scheduling import closures, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from app.services.scheduling.sessions import SessionInput

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
MONDAYS = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 2)]


def form(view, **changes) -> SessionInput:
    data = SessionInput(start=view.start.replace(tzinfo=None), end=view.end.replace(tzinfo=None),
                        service_id=view.service_id, practitioner_id=view.practitioner_id,
                        client_ids=tuple(c.id for c in view.clients), location_id=view.location_id,
                        public_note=view.public_note, private_note=view.private_note or "")
    return replace(data, **changes)


@pytest.fixture
def world(make):
    class W:
        svc = make.service(cost=8000, wage=4000)
        ana, ben = make.practitioner("Dr Ana"), make.practitioner("Dr Ben")
        paid, unpaid = make.client("Paula", "Paid"), make.client("Una", "Unpaid")
        staff = make.user("staff")
    w = W()
    w.ana_user = make.user("practitioner", practitioner_id=w.ana.id)
    ledger.record_payment(make.p, make.admin, w.paid.id, 100000, "cash")
    [w.session] = make.session(datetime(2026, 1, 7, 9), datetime(2026, 1, 7, 10), w.svc, w.ana, [w.paid])
    return w


def clients_of(practice, admin, session_id):
    return [c.name for c in sessions.get_session(practice, admin, session_id).clients]


def test_edit_adding_a_client_under_the_threshold_is_refused(practice, admin, world):
    # SPEC 6.2 / 3.4: the minimum threshold refuses a client an edit adds, as it refuses booking them:
    # a practitioner is refused, and so is the front desk (a booking under the threshold cannot be
    # confirmed either, tests/services/test_prepayment.py)
    practice_settings.update_settings(practice, admin, prepayment_mode="threshold", threshold_cents=20000)
    add_unpaid = form(world.session, client_ids=(world.paid.id, world.unpaid.id))
    for actor in (world.ana_user, world.staff):
        with pytest.raises(RuleViolation, match="Una Unpaid cannot be booked"):
            sessions.update_session(practice, actor, world.session.id, add_unpaid, confirm=True)
    assert clients_of(practice, admin, world.session.id) == ["Paula Paid"]
    # Paula, already booked, is not checked again by an edit that does not add her
    ledger.record_payment(practice, admin, world.unpaid.id, 20000, "cash")
    [saved] = sessions.update_session(practice, world.ana_user, world.session.id, add_unpaid)
    assert len(saved.clients) == 2


def test_edit_adding_a_client_without_credit_warns_staff_and_refuses_a_practitioner(practice, admin, world):
    # SPEC 6.4 / 3.4: practitioner refused; staff warned, may confirm; the override is audited
    practice_settings.update_settings(practice, admin, prepayment_mode="credit")
    add_unpaid = form(world.session, client_ids=(world.paid.id, world.unpaid.id))
    with pytest.raises(RuleViolation, match="Insufficient funds"):
        sessions.update_session(practice, world.ana_user, world.session.id, add_unpaid, confirm=True)
    with pytest.raises(NeedsConfirmation) as e:
        sessions.update_session(practice, world.staff, world.session.id, add_unpaid)
    assert [w.code for w in e.value.warnings] == ["prepayment.credit"]
    assert clients_of(practice, admin, world.session.id) == ["Paula Paid"]
    [saved] = sessions.update_session(practice, world.staff, world.session.id, add_unpaid, confirm=True)
    assert len(saved.clients) == 2
    overrides = [a for a in audit.list_audit(practice, admin, "session", world.session.id)
                 if a.action == "session.warnings_overridden"]
    assert len(overrides) == 1 and "Insufficient funds" in overrides[0].detail["warnings"][0]
    # editing the note of a session whose clients are short of credit asks nothing: nobody is added
    sessions.update_session(practice, world.staff, world.session.id, replace(add_unpaid, public_note="hello"))


def test_edit_adding_a_double_booked_client_warns(practice, admin, make, world):
    # SPEC 2.5 / 3.4: Una is at Dr Ben's at the same time; adding her to Dr Ana's session warns
    make.session(datetime(2026, 1, 7, 9), datetime(2026, 1, 7, 10), world.svc, world.ben, [world.unpaid])
    add_unpaid = form(world.session, client_ids=(world.paid.id, world.unpaid.id))
    with pytest.raises(NeedsConfirmation) as e:
        sessions.update_session(practice, world.staff, world.session.id, add_unpaid)
    assert [w.code for w in e.value.warnings] == ["conflict.client"]
    with pytest.raises(RuleViolation):
        sessions.update_session(practice, world.ana_user, world.session.id, add_unpaid, confirm=True)
    sessions.update_session(practice, world.staff, world.session.id, add_unpaid, confirm=True)
    assert len(clients_of(practice, admin, world.session.id)) == 2


def test_edit_adding_a_client_on_a_closure_warns(practice, admin, world):
    # SPEC 7.3 / 3.4: the session was booked before the closure; adding a client to it warns
    closures.add_closure(practice, admin, date(2026, 1, 7), None, "Staff training")
    with pytest.raises(NeedsConfirmation) as e:
        sessions.update_session(practice, world.staff, world.session.id,
                                form(world.session, client_ids=(world.paid.id, world.unpaid.id)))
    assert [w.code for w in e.value.warnings] == ["closure"]


@pytest.fixture
def shared_series(practice, admin, make, world):
    """Dr Ana's five Mondays with Paula; staff moved the third to Dr Ben with his own private note."""
    made = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), world.svc, world.ana, [world.paid],
                        recurrence=RecurrenceInput((0,), count=5), private_note="Ana's notes")
    third = made[2]
    sessions.update_session(practice, world.staff, third.id,
                            form(third, practitioner_id=world.ben.id, private_note="Ben's private notes"), "this")
    return made


def test_practitioners_all_edit_leaves_another_practitioners_occurrence_alone(practice, admin, world, shared_series):
    # SPEC 3.4 / 1.1: Dr Ana edits her first Monday for the whole series; Dr Ben's keeps all it had
    first = shared_series[0]
    moved = sessions.update_session(practice, world.ana_user, first.id,
                                    form(first, start=datetime(2026, 1, 5, 14), end=datetime(2026, 1, 5, 15),
                                         private_note="Ana's new notes", public_note="afternoons now"), "all")
    assert [m.id for m in moved] == [s.id for i, s in enumerate(shared_series) if i != 2]
    bens = sessions.get_session(practice, admin, shared_series[2].id)
    assert (bens.practitioner_id, bens.start.hour, bens.private_note, bens.public_note) == (
        world.ben.id, 10, "Ben's private notes", "")
    others = [s for s in sessions.list_sessions(practice, admin, *EVER) if s.id != bens.id and s.series_id]
    assert {(s.start.hour, s.private_note, s.public_note) for s in others} == {(14, "Ana's new notes",
                                                                                "afternoons now")}
    # Ben's occurrence is not in Ana's audit either
    assert [a for a in audit.list_audit(practice, admin, "session", bens.id) if a.user_id == world.ana_user.user_id] == []


def test_staff_series_edit_of_the_practitioner_keeps_an_occurrence_with_another(practice, admin, world, shared_series):
    # SPEC 3.4: "another practitioner" is what an occurrence holds on its own
    first = shared_series[0]
    sessions.update_session(practice, world.staff, first.id, form(first, practitioner_id=world.ben.id), "all")
    assert [s.practitioner_id for s in sessions.list_sessions(practice, admin, *EVER) if s.series_id] == [
        world.ben.id] * 5
    dr_c = sessions.get_session(practice, admin, shared_series[2].id)
    assert dr_c.private_note == "Ben's private notes"


def test_practitioner_cannot_hand_a_series_to_another(practice, world, shared_series):
    # SPEC 1.1: a practitioner works only on their own sessions
    first = shared_series[0]
    with pytest.raises(PermissionDenied):
        sessions.update_session(practice, world.ana_user, first.id, form(first, practitioner_id=world.ben.id), "all")


def test_check_session_takes_the_scope_into_account(practice, admin, make, world, shared_series):
    # SPEC 2.5 / 3.4: the dialog's live warnings cover the other occurrences the edit moves
    make.session(datetime(2026, 1, 26, 14), datetime(2026, 1, 26, 15), world.svc, world.ana, [world.unpaid])
    first = shared_series[0]
    moved = form(first, start=datetime(2026, 1, 5, 14), end=datetime(2026, 1, 5, 15))
    assert sessions.check_session(practice, admin, moved, session_id=first.id) == []
    found = sessions.check_session(practice, admin, moved, session_id=first.id, scope="all")
    assert [w.code for w in found] == ["conflict.practitioner"]

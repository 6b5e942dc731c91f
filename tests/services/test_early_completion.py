"""SPEC 4.7: marking a session completed or missed before it has ended asks for confirmation."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.models.enums import WarningCode
from app.services.errors import NeedsConfirmation
from app.services.scheduling import completion, sessions


@pytest.fixture
def future(make):  # the fixture clock stands at 1 January 2026, 07:00 in New York
    sv, pr = make.service(), make.practitioner()
    [s] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), sv, pr, [make.client("Ann", "Lee")])
    return s


@pytest.mark.parametrize("key", ["completed", "missed"])
def test_completed_or_missed_before_the_end_asks_then_saves(practice, admin, future, key):
    t = completion.type_by_key(practice, key)
    with pytest.raises(NeedsConfirmation) as e:
        completion.complete_session(practice, admin, future.id, t.id, confirm=False)
    assert [w.code for w in e.value.warnings] == [WarningCode.NOT_ENDED]
    assert "has not ended yet" in e.value.warnings[0].message and "#" not in e.value.warnings[0].message
    assert sessions.get_session(practice, admin, future.id).status == "open"
    assert completion.complete_session(practice, admin, future.id, t.id, confirm=True).status == key


def test_canceling_early_and_completing_after_the_end_do_not_ask(practice, admin, future, clock):
    canceled = completion.type_by_key(practice, "canceled")
    assert completion.complete_session(practice, admin, future.id, canceled.id, confirm=False).status == "canceled"
    clock.at = datetime(2026, 1, 6, tzinfo=clock.at.tzinfo)
    done = completion.type_by_key(practice, "completed")
    assert completion.complete_session(practice, admin, future.id, done.id, confirm=False).status == "completed"


def test_bulk_complete_before_the_end_asks_for_every_early_session_then_saves_and_audits(practice, admin, make,
                                                                                          future):
    """SPEC 4.7 in the sessions list: the service itself asks, not only the dialog."""
    from app.services import audit

    sv, pr = make.service(), make.practitioner()
    [past] = make.session(datetime(2025, 12, 1, 9), datetime(2025, 12, 1, 10), sv, pr, [make.client("Bo", "Ray")])
    done = completion.type_by_key(practice, "completed")
    with pytest.raises(NeedsConfirmation) as e:
        completion.bulk_action(practice, admin, [past.id, future.id], "complete", done.id, confirm=False)
    assert [w.code for w in e.value.warnings] == [WarningCode.NOT_ENDED]
    assert "Ann Lee" in e.value.warnings[0].message and "#" not in e.value.warnings[0].message
    assert sessions.get_session(practice, admin, past.id).status == "open"  # all or nothing
    assert sessions.get_session(practice, admin, future.id).status == "open"
    out = completion.bulk_action(practice, admin, [past.id, future.id], "complete", done.id, confirm=True)
    assert {v.status for v in out} == {"completed"}
    early = [e for e in audit.list_audit(practice, admin, "session") if e.action == "session.saved_before_end"]
    assert [e.entity_id for e in early] == [future.id]


def test_bulk_cancel_or_delete_before_the_end_does_not_ask(practice, admin, future):
    canceled = completion.type_by_key(practice, "canceled")
    [v] = completion.bulk_action(practice, admin, [future.id], "complete", canceled.id, confirm=False)
    assert v.status == "canceled"
    completion.bulk_action(practice, admin, [future.id], "delete", confirm=False)

"""What a user reads is plain language: a missing record or a refused recovery is named in words,
never by an internal number (SPEC 0.5)."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.services.errors import NotFound, RuleViolation
from app.services.people import clients, practitioners
from app.services.scheduling import catalog, completion, deletion, sessions

MISSING = 987654


@pytest.mark.parametrize("call", [
    lambda p, a: sessions.get_session(p, a, MISSING),
    lambda p, a: deletion.delete_session(p, a, MISSING),
    lambda p, a: completion.complete_session(p, a, MISSING, completion.type_by_key(p, "completed").id),
    lambda p, a: clients.get_client(p, a, MISSING),
    lambda p, a: practitioners.set_archived(p, a, MISSING, True),
    lambda p, a: catalog.set_service_archived(p, a, MISSING, True),
])
def test_a_missing_record_is_named_in_words(practice, admin, call):
    with pytest.raises(NotFound) as gone:
        call(practice, admin)
    assert str(MISSING) not in str(gone.value) and "no longer exists" in str(gone.value)


def test_recovering_a_session_that_is_not_deleted_names_its_time(practice, admin, make):
    [s] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), make.service(), make.practitioner(),
                       [make.client()])
    with pytest.raises(RuleViolation) as refused:
        deletion.recover_sessions(practice, admin, [s.id])
    assert str(refused.value) == "The session of Mon 05 Jan 2026 at 09:00 is not deleted."

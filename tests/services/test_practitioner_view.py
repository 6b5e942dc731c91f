"""What a practitioner may see (SPEC 1.5): every client's name (to book them), contact details and
notes only of clients who have sessions with them, and never another practitioner's clients or a
client's balance in a message."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.services import practice_settings
from app.services.errors import NeedsConfirmation, RuleViolation
from app.services.people import clients
from app.services.scheduling import deletion, sessions

MON = datetime(2026, 3, 2, 10)


@pytest.fixture
def w(make):
    """Dr Ana (a practitioner login) and Dr Ben; Carla sees Ben at Mon 10:00 in Room A; Ana has
    her own client Dora; Eve has no sessions at all."""
    class W:
        ana, ben = make.practitioner("Dr Ana"), make.practitioner("Dr Ben")
        service, room = make.service(cost=8000), make.location("Room A")
        carla = make.client("Carla", "Secret", email="carla@example.com", phone="555 0101", notes="anxious")
        dora = make.client("Dora", "Own", email="dora@example.com", notes="prefers mornings")
        eve = make.client("Eve", "Nobody", email="eve@example.com", notes="private")
    W.ana_login = make.user("practitioner", practitioner_id=W.ana.id)
    make.session(MON, datetime(2026, 3, 2, 11), W.service, W.ben, [W.carla], location=W.room)
    make.session(datetime(2026, 3, 3, 10), datetime(2026, 3, 3, 11), W.service, W.ana, [W.dora])
    return W


def form(w, clients_, location=None, start=MON):
    return sessions.SessionInput(start, start.replace(hour=start.hour + 1), w.service.id, w.ana.id,
                                 tuple(c.id for c in clients_), location_id=location.id if location else None)


def test_spec_1_5_a_client_conflict_does_not_name_the_other_practitioner(practice, admin, w):
    with pytest.raises(RuleViolation) as refused:
        sessions.add_session(practice, w.ana_login, form(w, [w.carla]))
    assert "Carla Secret already has a session" in str(refused.value)
    assert "Ben" not in str(refused.value)
    # the front desk is told who the other session is with
    with pytest.raises(NeedsConfirmation) as asked:
        sessions.add_session(practice, admin, form(w, [w.carla]))
    assert any("Dr Ben" in x.message for x in asked.value.warnings)


def test_spec_1_5_a_room_conflict_does_not_name_the_other_practitioners_client(practice, w):
    shown = sessions.check_session(practice, w.ana_login, form(w, [w.dora], location=w.room))
    assert [x.code for x in shown] == ["conflict.location"]
    assert "Room A is already in use" in shown[0].message
    assert "Carla" not in shown[0].message and "Ben" not in shown[0].message


def test_spec_1_5_a_prepayment_refusal_does_not_state_the_balance(practice, admin, w):
    practice_settings.update_settings(practice, admin, prepayment_mode="threshold", threshold_cents=20000)
    later = datetime(2026, 3, 9, 10)
    with pytest.raises(RuleViolation) as refused:
        sessions.add_session(practice, w.ana_login, form(w, [w.dora], start=later))
    assert "Dora Own cannot be booked" in str(refused.value) and "$" not in str(refused.value)
    with pytest.raises(RuleViolation, match=r"balance is \$0\.00"):  # the front desk sees the figures
        sessions.add_session(practice, admin, form(w, [w.dora], start=later), confirm=True)

    practice_settings.update_settings(practice, admin, prepayment_mode="credit")
    with pytest.raises(RuleViolation) as refused:
        sessions.add_session(practice, w.ana_login, form(w, [w.dora], start=later))
    assert "Insufficient funds: Dora Own" in str(refused.value) and "$" not in str(refused.value)


def test_spec_1_5_contact_details_only_of_the_practitioners_own_clients(practice, admin, w):
    seen = {c.first_name: c for c in clients.list_clients(practice, w.ana_login)}
    assert set(seen) == {"Carla", "Dora", "Eve"}  # every name, to book them
    assert (seen["Dora"].email, seen["Dora"].notes, seen["Dora"].details_hidden) == (
        "dora@example.com", "prefers mornings", False)
    for hidden in (seen["Carla"], seen["Eve"]):
        assert (hidden.email, hidden.phone, hidden.address, hidden.notes) == ("", "", "", "")
        assert hidden.details_hidden
    assert clients.get_client(practice, w.ana_login, w.carla.id).notes == ""
    assert clients.get_client(practice, admin, w.carla.id).notes == "anxious"  # the front desk sees all
    # a search cannot probe a hidden e-mail address
    assert clients.list_clients(practice, w.ana_login, search="carla@") == []
    assert [c.first_name for c in clients.list_clients(practice, w.ana_login, search="dora@")] == ["Dora"]


def test_spec_1_5_a_deleted_session_does_not_open_a_clients_details(practice, admin, w, make):
    [s] = make.session(datetime(2026, 3, 4, 10), datetime(2026, 3, 4, 11), w.service, w.ana, [w.eve])
    assert not clients.get_client(practice, w.ana_login, w.eve.id).details_hidden
    deletion.delete_sessions(practice, admin, [s.id])
    assert clients.get_client(practice, w.ana_login, w.eve.id).details_hidden

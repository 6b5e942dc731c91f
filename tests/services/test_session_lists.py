"""The sessions list and the open-sessions list read in keyset pages (SPEC 4.2, 4.5, 5.1)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services.errors import ValidationError
from app.services.scheduling import completion, deletion, session_lists
from app.services.scheduling.completion import CompletionTypeInput
from app.services.scheduling.session_lists import ListFilter


def every(practice, actor, f=None, sort="date", descending=None, limit=2, open_list=False):
    """All rows, page by page (small pages, so that every boundary is crossed)."""
    rows, after = [], None
    descending = open_list if descending is None else descending  # each list's own default
    while True:
        if open_list:
            page = session_lists.open_page(practice, actor, sort, descending, after, limit)
        else:
            page = session_lists.list_page(practice, actor, f, sort, descending, after, limit)
        rows += page.rows
        if page.next is None:
            return rows
        after = page.next


@pytest.fixture
def booked(make, admin, practice):
    """Seven sessions in Dec 2025 - Jan 2026 (the clock stands at 1 Jan 2026 07:00 New York)."""
    sv, piano = make.service("Therapy 50 min"), make.service("Piano lesson")
    ana, ben = make.practitioner("Ana Ruiz"), make.practitioner("Ben Ode")
    room = make.location("Blue room")
    zoe, adam, mia = make.client("Zoe", "Abbott"), make.client("Adam", "Young"), make.client("Mia", "Lopez")
    out = {}

    def add(key, start, end, svc, pr, cl, **kw):
        [out[key]] = make.session(start, end, svc, pr, cl, confirm=True, **kw)

    add("dec1", datetime(2025, 12, 1, 9), datetime(2025, 12, 1, 10), sv, ana, [adam], location=room)
    add("dec1b", datetime(2025, 12, 1, 9), datetime(2025, 12, 1, 10), piano, ben, [zoe])  # same start: id decides
    add("group", datetime(2025, 12, 15, 17), datetime(2025, 12, 15, 18), sv, ana, [adam, zoe, mia],
        public_note="Bring 100% of the worksheets")
    add("saved", datetime(2025, 12, 20, 9), datetime(2025, 12, 20, 10), sv, ben, [mia])
    add("gone", datetime(2025, 12, 22, 9), datetime(2025, 12, 22, 10), sv, ben, [mia])
    add("now", datetime(2026, 1, 1, 6, 30), datetime(2026, 1, 1, 7, 30), sv, ana, [zoe])  # not ended yet
    add("jan", datetime(2026, 1, 9, 9), datetime(2026, 1, 9, 10), piano, ana, [adam])
    completion.complete_session(practice, admin, out["saved"].id, completion.type_by_key(practice, "completed").id)
    deletion.delete_sessions(practice, admin, [out["gone"].id])
    return dict(out, ana=ana, ben=ben, room=room, zoe=zoe, adam=adam, mia=mia, sv=sv, piano=piano)


def ids(rows):
    return [r.id for r in rows]


def test_date_pages_cover_every_live_session_once_in_order(practice, admin, booked):
    b = booked
    expected = [b[k].id for k in ("dec1", "dec1b", "group", "saved", "now", "jan")]
    assert ids(every(practice, admin)) == expected  # the deleted one is not listed
    assert ids(every(practice, admin, descending=True)) == expected[::-1]
    assert ids(every(practice, admin, limit=200)) == expected
    first = session_lists.list_page(practice, admin, limit=6)
    assert first.next is not None  # a full page may have more; the next one is then empty
    assert session_lists.list_page(practice, admin, after=first.next, limit=6).rows == ()


def test_sorted_by_client_lists_a_group_under_each_client(practice, admin, booked):
    b = booked
    rows = every(practice, admin, sort="client")
    listed = [(r.id, r.clients[0].name) for r in rows]
    assert listed == [(b["dec1b"].id, "Zoe Abbott"), (b["group"].id, "Zoe Abbott"), (b["now"].id, "Zoe Abbott"),
                      (b["group"].id, "Mia Lopez"), (b["saved"].id, "Mia Lopez"),
                      (b["dec1"].id, "Adam Young"), (b["group"].id, "Adam Young"), (b["jan"].id, "Adam Young")]
    assert every(practice, admin, sort="client", descending=True) == rows[::-1]
    # filtered to one client: that client's sessions, listed under them
    only = every(practice, admin, ListFilter(client_id=b["mia"].id), sort="client")
    assert [(r.id, r.clients[0].name) for r in only] == [(b["group"].id, "Mia Lopez"), (b["saved"].id, "Mia Lopez")]


def test_each_filter(practice, admin, booked):
    b = booked

    def listed(**kw):
        return set(ids(every(practice, admin, ListFilter(**kw))))

    assert listed(first_day=date(2025, 12, 15), last_day=date(2025, 12, 20)) == {b["group"].id, b["saved"].id}
    assert listed(last_day=date(2025, 12, 1)) == {b["dec1"].id, b["dec1b"].id}  # the last day is included
    assert listed(practitioner_id=b["ben"].id) == {b["dec1b"].id, b["saved"].id}
    assert listed(client_id=b["zoe"].id) == {b["dec1b"].id, b["group"].id, b["now"].id}
    assert listed(location_id=b["room"].id) == {b["dec1"].id}
    assert listed(status="completed") == {b["saved"].id}
    assert listed(status="open") == {b[k].id for k in ("dec1", "dec1b", "group", "now", "jan")}
    assert listed(text="piano") == {b["dec1b"].id, b["jan"].id}  # service name, any case
    assert listed(text="abbott") == {b["dec1b"].id, b["group"].id, b["now"].id}  # a client's name
    assert listed(text="Mia Lopez") == {b["group"].id, b["saved"].id}  # first and last name
    assert listed(text="100%") == {b["group"].id}  # the public note; % is a character, not a wildcard
    assert listed(text="Ben O") == {b["dec1b"].id, b["saved"].id}  # the practitioner
    assert listed(text="blue") == {b["dec1"].id}  # the location
    assert listed(text="nobody") == set()
    assert session_lists.count(practice, admin, ListFilter(status="open")) == 5
    assert session_lists.count(practice, admin) == 6


def test_completion_type_filter(practice, admin, booked):
    b = booked
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 50))
    completion.complete_session(practice, admin, b["dec1"].id, late.id)
    assert ids(every(practice, admin, ListFilter(completion_type_id=late.id))) == [b["dec1"].id]
    assert ids(every(practice, admin, ListFilter(status="canceled"))) == [b["dec1"].id]
    [row] = every(practice, admin, ListFilter(completion_type_id=late.id))
    assert row.label == "Late Cancel"


def test_a_practitioner_sees_only_their_own_sessions(practice, make, booked):
    b = booked
    ben = make.user("practitioner", practitioner_id=b["ben"].id)
    assert ids(every(practice, ben)) == [b["dec1b"].id, b["saved"].id]
    assert ids(every(practice, ben, ListFilter(practitioner_id=b["ana"].id))) == []  # asking is not enough
    assert ids(every(practice, ben, sort="client")) == [b["dec1b"].id, b["saved"].id]
    assert session_lists.count(practice, ben) == 2
    assert session_lists.list_actions(practice, ben) == []  # bulk changes are for admin and staff


def test_open_sessions_are_past_unsaved_and_live(practice, admin, booked):
    b = booked
    # SPEC 4.2: "now" has not ended at 07:00, "jan" is ahead, "saved" is saved, "gone" deleted
    assert ids(every(practice, admin, open_list=True)) == [b["group"].id, b["dec1b"].id, b["dec1"].id]
    assert ids(every(practice, admin, open_list=True, descending=False)) == [b["dec1"].id, b["dec1b"].id,
                                                                            b["group"].id]
    assert session_lists.count_open(practice, admin) == 3


def test_actions_offered(practice, admin, booked):
    # SPEC 4.5: switched-off types are not offered; custom types are not in the open-sessions list
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 50))
    completion.set_completion_type_enabled(practice, admin, completion.type_by_key(practice, "missed").id, False)
    labels = [a.label for a in session_lists.list_actions(practice, admin)]
    assert labels == ["Completed", "Canceled", "Late Cancel", "Open (not saved)", "Delete"]
    assert [a.label for a in session_lists.list_actions(practice, admin, open_list=True)] == [
        "Completed", "Canceled", "Delete"]
    [action] = [a for a in session_lists.list_actions(practice, admin) if a.label == "Late Cancel"]
    assert (action.key, action.type_id) == ("complete", late.id)


def test_not_ended_names_the_sessions_that_would_be_saved_early(practice, admin, booked):
    # SPEC 4.7: completed or missed before the end asks first; canceled or delete does not
    b = booked
    actions = {a.label: a for a in session_lists.list_actions(practice, admin)}
    checked = [b["dec1"].id, b["now"].id, b["jan"].id]
    assert ids(session_lists.not_ended(practice, admin, checked, actions["Completed"])) == [b["now"].id, b["jan"].id]
    assert ids(session_lists.not_ended(practice, admin, checked, actions["Missed"])) == [b["now"].id, b["jan"].id]
    assert session_lists.not_ended(practice, admin, checked, actions["Canceled"]) == []
    assert session_lists.not_ended(practice, admin, checked, actions["Delete"]) == []


def test_bad_input_is_refused_in_words(practice, admin, booked):
    with pytest.raises(ValidationError, match="to: is before the From date"):
        session_lists.list_page(practice, admin, ListFilter(first_day=date(2026, 1, 2), last_day=date(2026, 1, 1)))
    with pytest.raises(ValidationError, match="sort"):
        session_lists.list_page(practice, admin, sort="price")
    with pytest.raises(ValidationError, match="status"):
        session_lists.list_page(practice, admin, ListFilter(status="done"))
    with pytest.raises(ValidationError, match="search"):
        session_lists.list_page(practice, admin, ListFilter(text="x" * 101))
    by_date = session_lists.list_page(practice, admin, limit=1)
    with pytest.raises(ValidationError, match="start again"):
        session_lists.list_page(practice, admin, sort="client", after=by_date.next)

"""Calendar filters by practitioner, location, service and status, applied in the query."""
from datetime import UTC, datetime

from app.services.scheduling import completion, sessions
from app.services.scheduling.sessions import SessionFilter

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)


def test_each_filter_narrows_the_range(practice, admin, make):
    s1, s2 = make.service("Therapy"), make.service("Piano", kind="hourly")
    p1, p2 = make.practitioner(), make.practitioner()
    room, studio = make.location("Room"), make.location("Studio")
    c = make.client()
    [a] = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), s1, p1, [c], location=room)
    [b] = make.session(datetime(2026, 1, 6, 9), datetime(2026, 1, 6, 10), s2, p2, [c], location=studio)
    [d] = make.session(datetime(2026, 1, 7, 9), datetime(2026, 1, 7, 10), s1, p2, [c])
    completion.complete_session(practice, admin, d.id, completion.type_by_key(practice, "missed").id)

    def ids(f):
        return [s.id for s in sessions.list_sessions(practice, admin, START, END, where_filter=f)]

    assert ids(SessionFilter()) == [a.id, b.id, d.id]
    assert ids(SessionFilter(practitioner_ids=(p2.id,))) == [b.id, d.id]
    assert ids(SessionFilter(location_ids=(studio.id,))) == [b.id]
    assert ids(SessionFilter(service_ids=(s1.id,))) == [a.id, d.id]
    assert ids(SessionFilter(statuses=("missed",))) == [d.id]
    assert ids(SessionFilter(statuses=("open",), practitioner_ids=(p1.id, p2.id))) == [a.id, b.id]

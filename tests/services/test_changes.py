"""Live refresh (issue 17 item 2): a ChangeWatcher on one desk reports what another desk saved to the
same practice file, by kind of data, and nothing when nothing was saved."""
from __future__ import annotations

from datetime import datetime

from app.services import changes
from app.services.messaging import outbox
from app.services.people import clients
from app.services.scheduling import catalog
from tests.races import open_again


def other_desk(practice, clock):
    return open_again(practice, clock)  # the same file, or the same database on a server


def reported(qtbot, w) -> frozenset:
    """What the watcher reports once it reports something: at the first poll on SQLite (the file's
    data_version has changed), as soon as the server's notification has arrived on PostgreSQL."""
    got = set()
    qtbot.waitUntil(lambda: bool(got.update(w.poll()) or got), timeout=2000)
    return frozenset(got)


def test_nothing_saved_means_nothing_to_refresh(practice, admin):
    w = changes.ChangeWatcher(practice)
    assert w.poll() == frozenset() and w.poll() == frozenset()
    w.close()


def test_a_session_booked_at_another_desk_is_reported_once_as_sessions(qtbot, practice, admin, make, clock):
    svc, pr, cl = make.service(), make.practitioner(), make.client()
    w = changes.ChangeWatcher(practice)
    desk2 = other_desk(practice, clock)
    try:
        from app.services.scheduling import sessions

        sessions.add_session(desk2, admin, sessions.SessionInput(
            datetime(2026, 2, 2, 10), datetime(2026, 2, 2, 11), svc.id, pr.id, (cl.id,)))
        assert changes.SESSIONS in reported(qtbot, w)
        assert w.poll() == frozenset()  # reported once
        clients.create_client(desk2, admin, clients.ClientInput("New", "Person"))
        got = reported(qtbot, w)
        assert changes.CLIENTS in got and changes.SESSIONS not in got
        catalog.create_location(desk2, admin, "Room 9")
        assert reported(qtbot, w) == frozenset({changes.CATALOG})
    finally:
        desk2.close()
        w.close()


def test_a_commit_without_an_audit_entry_refreshes_nothing(practice, admin, make, clock):
    m = outbox.queue_message(practice, admin, outbox.MessageDraft("email", "a@b.test", "Hi", subject="Hi"))
    w = changes.ChangeWatcher(practice)
    outbox.send_message(practice, admin, m.id)  # mail not set up: status written, no audit entry
    assert w.poll() == frozenset()
    w.close()


def test_an_unknown_record_type_refreshes_everything(qtbot, practice, admin, clock):
    from app.services import audit

    w = changes.ChangeWatcher(practice)
    with practice.uow() as tx:
        audit.record(tx, practice, admin, "something.new", "brand_new_thing", 1)
    assert reported(qtbot, w) == changes.ALL
    w.close()

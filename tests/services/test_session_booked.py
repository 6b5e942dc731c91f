"""A session's booked clients on its own row (SPEC 2.1 calendar; issue 17, migration 0018).

``practice_session.booked_client_id`` / ``booked_charge_cents`` (exactly one booked) and ``booked_group``
(two or more, "client id:charge,...") are kept by the database's triggers on ``participant``; the
calendar reads them instead of the participant rows. These tests hold them, after every kind of change,
to what the participant rows say, on SQLite and on PostgreSQL, whoever writes: the services, or a
hand edit in SQL. ``kept_booked_wrong`` is also an invariant of the client-totals property test.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from app.migrations import HEAD_REVISION
from app.services.practice import Practice
from app.services.scheduling import client_cancellations, completion, participants, sessions
from app.services.scheduling.calendar_rows import calendar_rows

from .practice_files import downgrade

DAY = datetime(2026, 3, 2, 9)  # a Monday


def booked_from_participants(conn) -> dict[int, tuple]:
    """Every session's three columns as the participant rows make them."""
    places: dict[int, list[tuple[int, int | None]]] = {}
    for sid, cid, charge in conn.execute(text(
            "SELECT session_id, client_id, charge_cents FROM participant WHERE status = 'booked'")):
        places.setdefault(sid, []).append((cid, charge))
    out = {}
    for (sid,) in conn.execute(text("SELECT id FROM practice_session")):
        booked = sorted(places.get(sid, []))
        if len(booked) == 1:
            out[sid] = (booked[0][0], booked[0][1], None)
        elif booked:
            out[sid] = (None, None, ",".join(f"{c}:{'' if ch is None else ch}" for c, ch in booked))
        else:
            out[sid] = (None, None, None)
    return out


def kept_booked_wrong(conn) -> dict[int, tuple]:
    """Sessions whose kept columns differ from their participant rows: {id: (kept, wanted)}."""
    want = booked_from_participants(conn)
    kept = {sid: (c, ch, g) for sid, c, ch, g in conn.execute(text(
        "SELECT id, booked_client_id, booked_charge_cents, booked_group FROM practice_session"))}
    return {sid: (kept.get(sid), w) for sid, w in want.items() if kept.get(sid) != w}


def kept(practice: Practice, session_id: int) -> tuple:
    with practice.engine.connect() as conn:
        assert kept_booked_wrong(conn) == {}
        return tuple(conn.execute(text("SELECT booked_client_id, booked_charge_cents, booked_group "
                                       "FROM practice_session WHERE id = :i"), {"i": session_id}).one())


def _edit(practice, admin, v, client_ids):
    return sessions.update_session(practice, admin, v.id, sessions.SessionInput(
        v.start, v.end, v.service_id, v.practitioner_id, tuple(client_ids)), confirm=True)


def test_issue_17_the_session_row_follows_its_booked_clients_through_the_services(practice, admin, make):
    svc, pr = make.service(cost=8000), make.practitioner()
    ann, bob, cy = make.client("Ann", "Zed"), make.client("Bob", "Young"), make.client("Cy", "Xu")
    [v] = make.session(DAY, DAY + timedelta(hours=1), svc, pr, [ann], confirm=True)
    assert kept(practice, v.id) == (ann.id, None, None)

    _edit(practice, admin, v, (ann.id, bob.id, cy.id))  # a group
    assert kept(practice, v.id) == (None, None, f"{ann.id}:,{bob.id}:,{cy.id}:")
    [row] = calendar_rows(practice, admin, DAY - timedelta(hours=9), DAY + timedelta(hours=15))
    assert [c.name for c in row.clients] == ["Cy Xu", "Bob Young", "Ann Zed"]  # by last name
    assert row.title == "Group: 3 clients"

    completion.complete_session(practice, admin, v.id, completion.type_by_key(practice, "completed").id)
    assert kept(practice, v.id) == (None, None, f"{ann.id}:8000,{bob.id}:8000,{cy.id}:8000")
    completion.reopen_session(practice, admin, v.id)
    assert kept(practice, v.id) == (None, None, f"{ann.id}:,{bob.id}:,{cy.id}:")

    participants.set_participant_price(practice, admin, v.id, bob.id, 5000)  # a price, not a charge: same
    assert kept(practice, v.id) == (None, None, f"{ann.id}:,{bob.id}:,{cy.id}:")

    _edit(practice, admin, v, (bob.id,))  # two taken off: one left
    assert kept(practice, v.id) == (bob.id, None, None)
    [row] = calendar_rows(practice, admin, DAY - timedelta(hours=9), DAY + timedelta(hours=15))
    assert [(c.id, c.name) for c in row.clients] == [(bob.id, "Bob Young")]

    completion.complete_session(practice, admin, v.id, completion.type_by_key(practice, "missed").id)
    assert kept(practice, v.id)[:2] == (bob.id, 5000)  # charged at his own price


def test_issue_17_a_client_who_cancels_leaves_the_group_on_the_session_row(practice, admin, make):
    svc, pr = make.service(cost=8000), make.practitioner()
    ann, bob = make.client("Ann", "Zed"), make.client("Bob", "Young")
    start = practice.clock.now() + timedelta(days=5)
    [v] = make.session(start, start + timedelta(hours=1), svc, pr, [ann, bob], confirm=True)
    assert kept(practice, v.id) == (None, None, f"{ann.id}:,{bob.id}:")
    client_cancellations.set_cancellation_policy(practice, admin, True, [])  # free at any notice
    client_cancellations.set_client_permissions(practice, admin, [ann.id], True)
    client_cancellations.client_cancels(practice, admin, v.id, ann.id)
    assert kept(practice, v.id) == (bob.id, None, None)


def test_issue_17_a_hand_edit_in_sql_keeps_the_session_row_exact(practice, admin, make):
    """Triggers, not the services, keep the columns: any writer keeps them."""
    svc, pr = make.service(), make.practitioner()
    ann, bob = make.client("Ann", "Zed"), make.client("Bob", "Young")
    [v] = make.session(DAY, DAY + timedelta(hours=1), svc, pr, [ann, bob], confirm=True)
    [w] = make.session(DAY + timedelta(hours=2), DAY + timedelta(hours=3), svc, pr, [ann], confirm=True)
    with practice.engine.begin() as conn:
        conn.execute(text("UPDATE participant SET charge_cents = 1234 WHERE session_id = :s AND client_id = :c"),
                     {"s": v.id, "c": bob.id})
    assert kept(practice, v.id) == (None, None, f"{ann.id}:,{bob.id}:1234")
    with practice.engine.begin() as conn:  # moved to the other session
        conn.execute(text("UPDATE participant SET session_id = :w WHERE session_id = :s AND client_id = :c"),
                     {"w": w.id, "s": v.id, "c": bob.id})
    assert kept(practice, v.id) == (ann.id, None, None)
    assert kept(practice, w.id) == (None, None, f"{ann.id}:,{bob.id}:1234")
    with practice.engine.begin() as conn:
        conn.execute(text("UPDATE participant SET status = 'removed' WHERE session_id = :s"), {"s": v.id})
        conn.execute(text("DELETE FROM participant WHERE session_id = :w AND client_id = :c"),
                     {"w": w.id, "c": ann.id})
    assert kept(practice, v.id) == (None, None, None)
    assert kept(practice, w.id) == (bob.id, 1234, None)
    [shown] = [r for r in calendar_rows(practice, admin, DAY - timedelta(hours=9), DAY + timedelta(hours=15))
               if r.id == v.id]
    assert shown.clients == () and shown.title == "No clients"


@pytest.mark.sqlite_only(reason="runs the migrations backwards on a practice file")
def test_issue_17_the_upgrade_fills_the_rows_of_existing_sessions(practice, admin, make):
    svc, pr = make.service(), make.practitioner()
    people = [make.client() for _ in range(4)]
    for i in range(6):
        start = DAY + timedelta(days=i)
        make.session(start, start + timedelta(hours=1), svc, pr, people[: i % 4 + 1], confirm=True)
    path = practice.path
    practice.close()
    downgrade(path, "0017_names_token")
    upgraded = Practice.open(path)
    try:
        with upgraded.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
            wanted = booked_from_participants(conn)
            assert kept_booked_wrong(conn) == {}
        assert sorted(g.count(":") for _c, _ch, g in wanted.values() if g) == [2, 2, 3, 4]
    finally:
        upgraded.close()

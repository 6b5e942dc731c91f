"""The calendar keeps the names it shows (clients, practitioners and their colours, services,
locations) and reads them again only when the database's token says one changed (issue 17; SPEC 2.1:
the calendar shows each session's client, practitioner, service and location as they are now).

Each test first reads a week, so the names are kept, then changes a name one way or another and
reads again: the calendar must show the new name. The token is changed by the database's own
triggers (migration 0017_names_token), on SQLite and on PostgreSQL, whoever writes.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text

from app.services import backups
from app.services.people import clients, practitioners
from app.services.scheduling import catalog
from app.services.scheduling.calendar_names import KEPT
from app.services.scheduling.calendar_rows import calendar_days, calendar_rows
from tests.races import open_again

from ..statement_count import statements

MONDAY = date(2026, 3, 2)


def _week(practice, actor):
    tz = practice.tz
    return calendar_rows(practice, actor, datetime.combine(MONDAY, time(), tzinfo=tz),
                         datetime.combine(MONDAY + timedelta(days=7), time(), tzinfo=tz))


@pytest.fixture
def booked(practice, admin, make):
    """A week with one session (Ann Lee with Dr Bo, Therapy in Room 1) and a group (Ann Lee and Cy
    Ames); the names read once and kept."""
    ann, cy = make.client("Ann", "Lee"), make.client("Cy", "Ames")
    bo, therapy, room = make.practitioner("Dr Bo", color="#aa3300"), make.service("Therapy"), make.location("Room 1")
    make.session(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10), therapy, bo, [ann], location=room, confirm=True)
    make.session(datetime(2026, 3, 4, 9), datetime(2026, 3, 4, 10), therapy, bo, [ann, cy], confirm=True)
    single, group = _week(practice, admin)
    assert single.title == "Ann Lee" and group.client_names == "Cy Ames, Ann Lee"
    return ann, cy, bo, therapy, room


def test_the_names_are_read_once_and_kept_while_no_name_changes(practice, admin, make, booked):
    with statements(practice) as seen:
        _week(practice, admin)
    assert len(seen) == 2, [sql for sql, _ in seen]  # the sessions and the names' token: no names read
    make.client("Dee", "Fox")  # a new client: the token changes, the names are read again, once
    with statements(practice) as seen:
        _week(practice, admin)
    assert len(seen) == 3, [sql for sql, _ in seen]
    ann, _cy, bo, therapy, _room = booked
    make.session(datetime(2026, 3, 5, 9), datetime(2026, 3, 5, 10), therapy, bo, [ann], confirm=True)
    with statements(practice) as seen:  # a booking changes no name: the kept names still hold
        rows = _week(practice, admin)
    assert len(seen) == 2 and len(rows) == 3


def test_renames_at_this_desk_show_at_the_next_read(practice, admin, booked):
    ann, cy, bo, therapy, room = booked
    clients.update_client(practice, admin, ann.id, clients.ClientInput("Ann", "Zed"))
    practitioners.update_practitioner(practice, admin, bo.id, practitioners.PractitionerInput("Dr Bo Ray",
                                                                                              color="#112233"))
    catalog.update_service(practice, admin, therapy.id, catalog.ServiceInput("Talking therapy", "fixed", 8000, 4000))
    catalog.update_location(practice, admin, room.id, "Garden room", False)
    single, group = _week(practice, admin)
    assert single.title == "Ann Zed" and single.clients[0].name == "Ann Zed"
    assert (single.practitioner_name, single.practitioner_color) == ("Dr Bo Ray", "#112233")
    assert (single.service_name, single.location_name) == ("Talking therapy", "Garden room")
    assert group.client_names == "Cy Ames, Ann Zed"  # still by last name, with the new one


def test_a_rename_at_another_desk_shows_here_without_a_restart(practice, admin, clock, booked):
    ann = booked[0]
    desk2 = open_again(practice, clock)
    try:
        clients.update_client(desk2, admin, ann.id, clients.ClientInput("Anne", "Lee"))
    finally:
        desk2.close()
    single, group = _week(practice, admin)
    assert single.title == "Anne Lee" and group.client_names == "Cy Ames, Anne Lee"


def test_a_hand_edit_in_the_database_changes_the_token_too(practice, admin, booked):
    """Any writer, not only the services: the triggers change the token on each insert, delete and
    rename of the four tables, and not on a change that renames nothing."""
    ann, _cy, bo, therapy, room = booked

    def token() -> str:
        with practice.engine.connect() as conn:
            return conn.execute(text("SELECT token FROM names_token")).scalar_one()

    def changes(sql: str, **params) -> bool:
        before = token()
        with practice.engine.begin() as conn:
            conn.execute(text(sql), params)
        return token() != before

    assert changes("UPDATE client SET last_name = 'Lea' WHERE id = :id", id=ann.id)
    assert changes("UPDATE practitioner SET color = '#000000' WHERE id = :id", id=bo.id)
    assert changes("UPDATE service SET name = 'Therapy!' WHERE id = :id", id=therapy.id)
    assert changes("UPDATE location SET name = 'Room A' WHERE id = :id", id=room.id)
    assert changes("INSERT INTO location (name, client_booking) VALUES ('Room B', false)")
    assert changes("DELETE FROM location WHERE name = 'Room B'")
    assert not changes("UPDATE client SET notes = 'prefers mornings' WHERE id = :id", id=ann.id)
    assert not changes("UPDATE service SET cost_cents = 9000 WHERE id = :id", id=therapy.id)
    single, _group = _week(practice, admin)
    assert (single.title, single.practitioner_color, single.service_name, single.location_name) == \
        ("Ann Lea", "#000000", "Therapy!", "Room A")


def test_the_week_and_month_reads_use_the_same_kept_names(practice, admin, booked):
    from app.services.scheduling.month_rows import month_rows

    clients.update_client(practice, admin, booked[1].id, clients.ClientInput("Cyril", "Ames"))
    week = calendar_days(practice, admin, MONDAY, MONDAY + timedelta(days=6)).rows
    month = month_rows(practice, admin, date(2026, 2, 23), date(2026, 4, 5), 8).rows
    assert [r.client_names for r in week] == [r.client_names for r in month] == ["Ann Lee", "Cyril Ames, Ann Lee"]


def test_without_the_token_row_the_names_are_read_every_time(practice, admin, booked):
    """A database whose token row is missing still shows the right names; nothing is kept for it."""
    with practice.engine.begin() as conn:
        conn.execute(text("DELETE FROM names_token"))
    practice.kept.clear()
    with statements(practice) as seen:
        _week(practice, admin)
    assert len(seen) == 3 and KEPT not in practice.kept
    clients.update_client(practice, admin, booked[0].id, clients.ClientInput("Ann", "Moss"))
    assert _week(practice, admin)[0].title == "Ann Moss"


@pytest.mark.sqlite_only(reason="backups are of a practice file")
def test_a_restored_backup_shows_its_own_names(practice, admin, booked):
    saved = backups.backup_now(practice, admin)
    clients.update_client(practice, admin, booked[0].id, clients.ClientInput("Ann", "After"))
    assert _week(practice, admin)[0].title == "Ann After"  # kept with the new token
    backups.restore_backup(practice, admin, saved.path)
    assert _week(practice, admin)[0].title == "Ann Lee"

"""A hot read on the driver's cursor gives exactly what ``Connection.execute`` gives (issue 17:
``app.services.driver_select``, used by the calendar's reads): typed parameters bound as SQLAlchemy
binds them (aware times as SQLite's stored UTC text), expanding IN lists, literal values, each
column's result processing (a date stored as text comes back a date), None, and a missing value
refused. Run on SQLite (the driver's cursor) and on PostgreSQL (``execute`` itself)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import Date, bindparam, literal, select

from app.models import Closure, PracticeSession
from app.services.driver_select import DriverSelect
from app.services.scheduling import closures

MONDAY = date(2026, 3, 2)


@pytest.fixture
def week(practice, admin, make):
    p1, p2 = make.practitioner("Ann"), make.practitioner("Bo")
    svc = make.service("Talk")
    who = make.client()
    for i in range(10):
        start = datetime.combine(MONDAY + timedelta(days=i % 7), time(8 + i))
        make.session(start, start + timedelta(minutes=45), svc, [p1, p2][i % 2], [who], confirm=True)
    closures.add_closure(practice, admin, date(2026, 3, 4), date(2026, 3, 5), "Inset days")
    return p1, p2


def _both(practice, statement, params):
    with practice.read() as tx:
        through_driver = DriverSelect(statement).rows(tx, params)
        through_execute = [tuple(r) for r in tx.connection().execute(statement, params)]
    return through_driver, through_execute


def test_typed_expanding_and_literal_parameters_bind_as_execute_binds_them(practice, week):
    p1, p2 = week
    S = PracticeSession
    tz = practice.tz
    statement = (select(S.id, S.start_at, S.practitioner_id, literal("x"))
                 .where(S.start_at >= bindparam("start", type_=S.start_at.type),
                        S.start_at < bindparam("end", type_=S.start_at.type),
                        S.practitioner_id.in_(bindparam("who", expanding=True)),
                        S.status == "open")
                 .order_by(S.start_at))
    for who in ([p1.id], [p1.id, p2.id], []):
        params = {"start": datetime.combine(MONDAY, time(), tzinfo=tz),
                  "end": datetime.combine(MONDAY + timedelta(days=3), time(12), tzinfo=tz), "who": who}
        driver, execute = _both(practice, statement, params)
        assert driver == execute
        assert len(driver) == {1: 3, 2: 7, 0: 0}[len(who)]  # Ann: Mon 8:00, Tue 16:00, Wed 10:00
        assert all(type(r) is tuple for r in driver)


def test_dates_come_back_as_dates_and_none_as_none(practice, week):
    statement = (select(Closure.id, Closure.first_day, Closure.last_day, Closure.label, Closure.deleted_at)
                 .where(Closure.first_day <= bindparam("last", type_=Date),
                        Closure.last_day >= bindparam("first", type_=Date)))
    driver, execute = _both(practice, statement, {"first": MONDAY, "last": MONDAY + timedelta(days=6)})
    assert driver == execute
    [(_, first, last, label, deleted)] = driver
    assert (first, last, label, deleted) == (date(2026, 3, 4), date(2026, 3, 5), "Inset days", None)


def test_a_missing_value_is_refused(practice, week):
    statement = select(Closure.id).where(Closure.first_day <= bindparam("last", type_=Date))
    with practice.read() as tx, pytest.raises(Exception, match="last"):
        DriverSelect(statement).rows(tx, {})


def test_a_driver_error_is_raised_as_execute_raises_it(practice, week):
    """SQLAlchemy's DBAPIError wrapping the driver's, so ``Practice.read`` turns "database is locked"
    into ``Busy`` as it does for every other read."""
    from sqlalchemy import column, table
    from sqlalchemy.exc import DBAPIError

    statement = select(column("x")).select_from(table("no_such_table"))
    with practice.read() as tx, pytest.raises(DBAPIError) as e:
        DriverSelect(statement).rows(tx)
    assert "no_such_table" in str(e.value.orig)

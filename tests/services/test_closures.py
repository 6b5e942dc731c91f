"""SPEC 7.3 closures, and warnings shown before saving (check_session)."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.models import Closure
from app.services.errors import NeedsConfirmation, PermissionDenied, ValidationError
from app.services.scheduling import closures, sessions
from app.services.scheduling.recurrence import RecurrenceInput


@pytest.fixture
def setup(make):
    return make.service(), make.practitioner(), make.client()


def _input(sv, pr, cl, day, h=10):
    return sessions.SessionInput(datetime.combine(day, datetime.min.time()).replace(hour=h),
                                 datetime.combine(day, datetime.min.time()).replace(hour=h + 1),
                                 sv.id, pr.id, (cl.id,))


def test_closures_are_listed_for_the_days_they_touch(practice, admin):
    # SPEC 7.3
    xmas = closures.add_closure(practice, admin, date(2026, 12, 24), date(2026, 12, 26), "Christmas")
    closures.add_closure(practice, admin, date(2026, 12, 31), None, "New Year's Eve")
    found = closures.list_closures(practice, admin, date(2026, 12, 1), date(2026, 12, 25))
    assert [c.label for c in found] == ["Christmas"]
    assert closures.closure_on(found, date(2026, 12, 26)) == xmas
    assert closures.closure_on(found, date(2026, 12, 27)) is None


def test_adding_a_session_on_a_closure_warns_and_staff_may_go_ahead(practice, admin, make, setup):
    # SPEC 7.3: adding one there warns
    sv, pr, cl = setup
    closures.add_closure(practice, admin, date(2026, 12, 25), None, "Christmas Day")
    with pytest.raises(NeedsConfirmation) as e:
        sessions.add_session(practice, admin, _input(sv, pr, cl, date(2026, 12, 25)))
    assert [w.code for w in e.value.warnings] == ["closure"]
    assert "Christmas Day" in e.value.warnings[0].message
    [made] = sessions.add_session(practice, admin, _input(sv, pr, cl, date(2026, 12, 25)), confirm=True)
    assert made.start.date() == date(2026, 12, 25)


def test_a_series_crossing_a_closure_names_the_closed_day(practice, admin, setup):
    sv, pr, cl = setup
    closures.add_closure(practice, admin, date(2026, 12, 21), date(2026, 12, 27), "Winter break")
    warnings = sessions.check_session(practice, admin, _input(sv, pr, cl, date(2026, 12, 7)),
                                      RecurrenceInput((0,), count=4))
    assert [w.message for w in warnings] == ["The practice is closed on Mon 21 Dec 2026: Winter break."]


def test_check_session_reports_conflicts_without_saving(practice, admin, make, setup):
    # SPEC 2.5: warnings appear before saving
    sv, pr, cl = setup
    [first] = make.session(datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), sv, pr, [cl])
    data = _input(sv, pr, cl, date(2026, 3, 2))
    codes = sorted(w.code for w in sessions.check_session(practice, admin, data))
    assert codes == ["conflict.client", "conflict.practitioner"]
    assert sessions.check_session(practice, admin, data, session_id=first.id) == []  # editing itself
    with practice.read() as tx:
        assert tx.scalar(select(func.count()).select_from(sessions.PracticeSession)) == 1


def test_bad_closures_name_the_field_and_write_nothing(practice, admin, make):
    with pytest.raises(ValidationError) as e:
        closures.add_closure(practice, admin, date(2026, 5, 2), date(2026, 5, 1), "Oops")
    assert e.value.field == "last day"
    with pytest.raises(ValidationError) as e:
        closures.add_closure(practice, admin, date(2026, 5, 2), None, "  ")
    assert e.value.field == "label"
    with pytest.raises(PermissionDenied):
        closures.add_closure(practice, make.user("practitioner", make.practitioner().id), date(2026, 5, 2), None, "x")
    with practice.read() as tx:
        assert tx.scalar(select(func.count()).select_from(Closure)) == 0


def test_removed_closures_no_longer_show_or_warn(practice, admin, setup):
    sv, pr, cl = setup
    c = closures.add_closure(practice, admin, date(2026, 7, 3), None, "Holiday")
    closures.remove_closure(practice, admin, c.id)
    assert closures.list_closures(practice, admin, date(2026, 7, 1), date(2026, 7, 31)) == []
    assert sessions.check_session(practice, admin, _input(sv, pr, cl, date(2026, 7, 3))) == []


def test_check_session_warns_before_any_client_is_chosen(practice, admin, make, setup):
    # the dialog shows practitioner and closure warnings while the client list is still empty
    sv, pr, cl = setup
    make.session(datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11), sv, pr, [cl])
    closures.add_closure(practice, admin, date(2026, 3, 2), None, "Inspection")
    data = sessions.SessionInput(datetime(2026, 3, 2, 10, 30), datetime(2026, 3, 2, 11, 30), sv.id, pr.id, ())
    assert sorted(w.code for w in sessions.check_session(practice, admin, data)) == ["closure", "conflict.practitioner"]
    with pytest.raises(ValidationError) as e:  # saving still needs a client
        sessions.add_session(practice, admin, data, confirm=True)
    assert e.value.field == "clients"

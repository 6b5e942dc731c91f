"""The bad inputs of issue 12, each one a defect found on the service API (SPEC 0.5, 0.1).

Each bad input must come back as ``ValidationError`` naming the field, and change nothing.
``fingerprint`` reads the file through a plain sqlite3 connection (row counts and the ledger sum).
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.services import practice_settings
from app.services.errors import ValidationError
from app.services.money import ledger
from app.services.people import clients, practitioners, users
from app.services.scheduling import catalog, closures, completion, deletion, sessions
from app.services.scheduling.recurrence import RecurrenceInput
from tests.services.fingerprint import fingerprint


@pytest.fixture
def booked(practice, make):
    sv, pr, cl = make.service(cost=8000, wage=4000), make.practitioner(), make.client()
    [s] = make.session(datetime(2026, 2, 2, 10), datetime(2026, 2, 2, 11), sv, pr, [cl])
    return sv, pr, cl, s


def refused(practice, field, call, *args, **kw):
    """``call`` raises ValidationError on ``field`` and the file is as it was."""
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        call(*args, **kw)
    assert e.value.field == field, e.value
    assert fingerprint(practice) == before
    return e.value


def data(sv, pr, cl, **kw):
    values = dict(start=datetime(2026, 3, 2, 10), end=datetime(2026, 3, 2, 11), service_id=sv.id,
                  practitioner_id=pr.id, client_ids=(cl.id,))
    return sessions.SessionInput(**{**values, **kw})


# SPEC 0.5: a datetime where a date is due --------------------------------------------------------
def test_recurrence_until_must_be_a_date_not_a_datetime(practice, admin, booked):
    sv, pr, cl, _ = booked
    rec = RecurrenceInput((0,), until=datetime(2026, 4, 1, 9))
    refused(practice, "last date", sessions.add_session, practice, admin, data(sv, pr, cl), recurrence=rec)


def test_closure_days_must_be_dates_not_datetimes(practice, admin):
    refused(practice, "first day", closures.add_closure, practice, admin, datetime(2026, 3, 1, 9), None, "Shut")
    refused(practice, "last day", closures.add_closure, practice, admin, date(2026, 3, 1),
            datetime(2026, 3, 2, 9), "Shut")


def test_list_closures_wants_dates(practice, admin):
    refused(practice, "first day", closures.list_closures, practice, admin, "2026-01-01", date(2026, 2, 1))


# SPEC 0.5: weekdays are ints 0-6 ------------------------------------------------------------------
@pytest.mark.parametrize("weekdays", [(0, "1"), (True,), (0.0,), (7,), ("Mon",), 3])
def test_weekdays_are_whole_numbers_0_to_6(practice, admin, booked, weekdays):
    sv, pr, cl, _ = booked
    rec = RecurrenceInput(weekdays, count=4)
    refused(practice, "days of the week", sessions.add_session, practice, admin, data(sv, pr, cl), recurrence=rec)


# SPEC 0.5: ids are ints, lists are lists of ints ---------------------------------------------------
def test_a_list_as_an_id_is_refused(practice, admin, booked):
    _, _, cl, s = booked
    refused(practice, "client", clients.get_client, practice, admin, [cl.id])
    refused(practice, "session", sessions.get_session, practice, admin, [s.id])
    refused(practice, "session", completion.complete_session, practice, admin, [s.id],
            completion.type_by_key(practice, "completed").id)


def test_a_scalar_for_client_ids_is_refused(practice, admin, booked):
    sv, pr, cl, _ = booked
    refused(practice, "clients", sessions.add_session, practice, admin, data(sv, pr, cl, client_ids=cl.id))
    refused(practice, "clients", sessions.add_session, practice, admin, data(sv, pr, cl, client_ids=str(cl.id)))


def test_a_bool_or_string_id_is_refused(practice, admin, booked):
    sv, pr, cl, s = booked
    refused(practice, "service", sessions.add_session, practice, admin, data(sv, pr, cl, service_id=True))
    refused(practice, "sessions", deletion.delete_sessions, practice, admin, [str(s.id)])
    refused(practice, "sessions", deletion.delete_sessions, practice, admin, s.id)


# SPEC 0.5: years within 1900-2200 (no OverflowError) -----------------------------------------------
@pytest.mark.parametrize("year", [9999, 1])
def test_far_years_are_refused(practice, admin, booked, year):
    sv, pr, cl, _ = booked
    start = datetime(year, 12, 31, 22) if year == 9999 else datetime(year, 1, 1, 1)
    end = start.replace(hour=23) if year == 9999 else start.replace(hour=2)
    refused(practice, "start", sessions.add_session, practice, admin, data(sv, pr, cl, start=start, end=end))
    refused(practice, "start", sessions.list_sessions, practice, admin, datetime(9999, 12, 31), datetime(9999, 12, 31))


# SPEC 0.5: booleans are booleans --------------------------------------------------------------------
def test_set_archived_no_is_not_archived(practice, admin, booked):
    _, pr, cl, _ = booked
    refused(practice, "archived", clients.set_archived, practice, admin, cl.id, "no")
    assert not clients.get_client(practice, admin, cl.id).archived
    refused(practice, "archived", practitioners.set_archived, practice, admin, pr.id, "no")


# SPEC 0.5, 1.2: passwords and user names ------------------------------------------------------------
def test_a_password_that_is_not_text_is_refused(practice, admin):
    refused(practice, "password", users.change_password, practice, admin, "correct horse", 12345678)
    refused(practice, "current password", users.change_password, practice, admin, 12345678, "another-pass")


def test_a_blank_password_is_refused(practice, admin):
    refused(practice, "password", users.create_user, practice, admin, "frontdesk", "Desk", "staff", " " * 8)
    refused(practice, "password", users.create_user, practice, admin, "frontdesk", "Desk", "staff", "\t\n" * 6)


def test_user_names_are_unique_ignoring_case(practice, admin):
    users.create_user(practice, admin, "desk", "Desk", "staff", "password123")
    refused(practice, "username", users.create_user, practice, admin, "DESK", "Desk 2", "staff", "password123")
    refused(practice, "username", users.create_user, practice, admin, " Desk ", "Desk 3", "staff", "password123")


# SPEC 0.1, 0.5: locale and currency checked with babel ----------------------------------------------
def test_an_unknown_locale_is_refused_when_setting_up(tmp_path):
    with pytest.raises(ValidationError) as e:
        users.create_practice(tmp_path / "p.sqlite", "P", "UTC", "admin", "password123", locale="zz_ZZ")
    assert e.value.field == "locale"
    with pytest.raises(ValidationError) as e:
        users.create_practice(tmp_path / "p.sqlite", "P", "UTC", "admin", "password123", currency="ZZZ")
    assert e.value.field == "currency"
    assert not (tmp_path / "p.sqlite").exists()


@pytest.mark.parametrize("changes, field", [
    ({"locale": "en_ZZ"}, "locale"),      # babel would quietly read it as en_US
    ({"locale": ["en_US"]}, "locale"),
    ({"currency": ["USD"]}, "currency"),
    ({"currency": "usd "}, "currency"),
    ({"threshold_cents": 10_000_000 * 100 + 1}, "minimum threshold"),
    ({"day_start_hour": True}, "day start hour"),
])
def test_settings_values_are_checked(practice, admin, changes, field):
    refused(practice, field, practice_settings.update_settings, practice, admin, **changes)


# SPEC 0.1: amounts in the currency's minor units, at most 10,000,000.00 major units -------------------
def test_the_maximum_amount_is_ten_million_major_units(practice, admin, booked):
    _, _, cl, _ = booked
    top = 10_000_000 * 100
    refused(practice, "amount", ledger.record_payment, practice, admin, cl.id, top + 1, "cash")
    ledger.record_payment(practice, admin, cl.id, top, "cash")
    refused(practice, "cost", catalog.create_service, practice, admin,
            catalog.ServiceInput("Big", "fixed", 99_999_999 * 100, 0))


def test_the_maximum_follows_the_currency_digits(practice, admin, booked):
    _, _, cl, _ = booked
    practice_settings.update_settings(practice, admin, currency="JPY", locale="ja_JP")
    refused(practice, "amount", ledger.record_payment, practice, admin, cl.id, 10_000_000 + 1, "cash")
    ledger.record_payment(practice, admin, cl.id, 10_000_000, "cash")


def test_the_maximum_follows_three_currency_digits(practice, admin, booked):
    _, _, cl, _ = booked
    practice_settings.update_settings(practice, admin, currency="KWD", locale="ar_KW")
    ledger.record_payment(practice, admin, cl.id, 10_000_000 * 1000, "cash")
    refused(practice, "amount", ledger.record_payment, practice, admin, cl.id, 10_000_000 * 1000 + 1, "cash")


def test_an_override_over_the_maximum_is_refused(practice, admin, booked):
    _, _, _, s = booked
    refused(practice, "cost", completion.complete_session, practice, admin, s.id,
            override=completion.Override(99_999_999 * 100, 0))
    refused(practice, "cost", completion.complete_session, practice, admin, s.id,
            override=completion.Override(80.5, 0))

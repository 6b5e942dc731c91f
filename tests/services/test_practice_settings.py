"""Practice settings: admin only, validated field by field, nothing written on bad input."""
import pytest

from app.services import audit, practice_settings
from app.services.errors import PermissionDenied, ValidationError


def test_admin_changes_settings_and_they_are_read_back(practice, admin):
    out = practice_settings.update_settings(practice, admin, practice_name="Harbour Clinic",
                                            practice_address="1 Quay St", timezone="Europe/Warsaw",
                                            currency="PLN", locale="pl_PL")
    assert out["practice_name"] == "Harbour Clinic"
    assert practice.settings()["timezone"] == "Europe/Warsaw"
    assert str(practice.tz) == "Europe/Warsaw"
    assert audit.list_audit(practice, admin, entity="setting")[0].detail["keys"] == [
        "currency", "locale", "practice_address", "practice_name", "timezone"]


@pytest.mark.parametrize("changes, field", [
    ({"timezone": "Mars/Olympus"}, "time zone"),
    ({"currency": "XYZ1"}, "currency"),
    ({"locale": "zz_QQ"}, "locale"),
    ({"practice_name": ""}, "practice name"),
    ({"day_start_hour": 25}, "day start hour"),
    ({"day_start_hour": 18, "day_end_hour": 9}, "day end hour"),
    ({"stripe_secret": "sk_live_x"}, "stripe_secret"),  # SPEC 0.6: secrets never go in the database
])
def test_bad_settings_name_the_field_and_change_nothing(practice, admin, changes, field):
    before = dict(practice.settings())
    with pytest.raises(ValidationError) as e:  # a valid change rides along: it must not be written either
        practice_settings.update_settings(practice, admin, **{"practice_name": "Changed", **changes})
    assert e.value.field == field
    assert practice.settings() == before


def test_staff_cannot_change_settings(practice, make):
    staff = make.user("staff")
    with pytest.raises(PermissionDenied):
        practice_settings.update_settings(practice, staff, practice_name="Mine now")
    assert practice.settings()["practice_name"] == "Test Practice"


def test_the_currency_cannot_change_once_money_is_recorded(practice, admin, make):
    """SPEC 0.1: amounts are stored in the currency's minor units; $80.00 must never turn into ¥8,000."""
    practice_settings.update_settings(practice, admin, currency="EUR")  # no money yet: allowed
    from app.services.money import ledger

    ledger.record_payment(practice, admin, make.client().id, 8000, "cash")
    before = dict(practice.settings())
    with pytest.raises(ValidationError) as e:
        practice_settings.update_settings(practice, admin, currency="JPY", practice_name="Changed")
    assert e.value.field == "currency" and "money is recorded" in e.value.message
    assert practice.settings() == before
    practice_settings.update_settings(practice, admin, currency="EUR", locale="de_DE")  # the same: fine

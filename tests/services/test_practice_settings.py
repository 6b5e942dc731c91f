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

"""A service's default length (SPEC 1.3; issue 13 item 2): kept, changed, checked, upgraded into old files."""
from __future__ import annotations

import pytest

from app.services.errors import ValidationError
from app.services.scheduling import catalog
from app.services.scheduling.catalog import ServiceInput


def test_a_service_keeps_its_default_length_and_it_can_change(practice, admin):
    s = catalog.create_service(practice, admin, ServiceInput("Couples therapy", "fixed", 15000, 7000,
                                                             default_minutes=80))
    assert s.default_minutes == 80
    assert catalog.list_services(practice, admin)[0].default_minutes == 80
    u = catalog.update_service(practice, admin, s.id, ServiceInput("Couples therapy", "fixed", 15000, 7000,
                                                                   default_minutes=90))
    assert u.default_minutes == 90


def test_without_a_length_a_service_lasts_an_hour(practice, admin):
    assert catalog.create_service(practice, admin, ServiceInput("Lesson", "hourly", 6000, 3000)).default_minutes == 60


# SPEC 0.5
@pytest.mark.parametrize("minutes", [0, 4, 721, -5, 50.0, "50", True, None])
def test_a_length_out_of_range_or_not_whole_is_named_and_nothing_is_saved(practice, admin, make, minutes):
    existing = make.service("Existing")
    with pytest.raises(ValidationError) as err:
        catalog.create_service(practice, admin, ServiceInput("New", "fixed", 1000, 500, default_minutes=minutes))
    assert err.value.field == "default length"
    with pytest.raises(ValidationError):
        catalog.update_service(practice, admin, existing.id,
                               ServiceInput("Renamed", "fixed", 1000, 500, default_minutes=minutes))
    assert catalog.list_services(practice, admin) == [existing]

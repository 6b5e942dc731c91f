"""The price the session form shows before saving (SPEC 2.6): per client and the wage, as saving would."""
from __future__ import annotations

import pytest

from app.services.errors import PermissionDenied, ValidationError
from app.services.scheduling import catalog
from app.services.scheduling.price_quote import Quote, quote


def test_fixed_hourly_and_custom_wage(practice, admin, make):
    couples = make.service("Couples therapy 80 min", cost=16000, wage=9000, default_minutes=80)
    tutoring = make.service("Tutoring", kind="hourly", cost=6000, wage=3000)
    ana = make.practitioner("Ana")
    assert quote(practice, admin, couples.id, ana.id, 80) == Quote(16000, 9000, False)
    assert quote(practice, admin, tutoring.id, ana.id, 90) == Quote(9000, 4500, True)
    catalog.set_custom_wage(practice, admin, ana.id, couples.id, 10000)
    assert quote(practice, admin, couples.id, ana.id, 80).wage_cents == 10000
    assert quote(practice, admin, couples.id, None, 80).wage_cents == 9000


def test_bad_input_and_another_practitioners_wage(practice, admin, make):
    s = make.service("S")
    ana, ben = make.practitioner("Ana"), make.practitioner("Ben")
    with pytest.raises(ValidationError) as e:
        quote(practice, admin, s.id, ana.id, 0)
    assert e.value.field == "length"
    with pytest.raises(PermissionDenied):
        quote(practice, make.user("practitioner", practitioner_id=ana.id), s.id, ben.id, 50)

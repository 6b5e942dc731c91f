"""SPEC 1.5: a new practice is made with its name, address, zone, money and first admin in one go;
a bad address or display name is refused before any file exists (SPEC 0.5, 0.7)."""
from __future__ import annotations

import pytest

from app.services.errors import ValidationError
from app.services.people import users


def test_spec_1_5_new_practice_keeps_address_and_admin_display_name(tmp_path):
    p = users.create_practice(tmp_path / "new.sqlite", "Harbour Tutoring", "Europe/Berlin", "owner",
                              "long enough pw", currency="EUR", locale="de_DE",
                              address="Hafenstraße 1\n20457 Hamburg", admin_display_name="Greta Owner")
    try:
        conf = p.settings()
        assert conf["practice_address"] == "Hafenstraße 1\n20457 Hamburg"
        assert (conf["timezone"], conf["currency"], conf["locale"]) == ("Europe/Berlin", "EUR", "de_DE")
        admin = users.login(p, "owner", "long enough pw")
        assert (admin.display_name, admin.role) == ("Greta Owner", "admin")
    finally:
        p.close()


@pytest.mark.parametrize(("kwargs", "field"), [({"address": "x" * 501}, "practice address"),
                                               ({"admin_display_name": "  "}, "display name")])
def test_spec_1_5_bad_address_or_display_name_creates_no_file(tmp_path, kwargs, field):
    path = tmp_path / "new.sqlite"
    with pytest.raises(ValidationError) as err:
        users.create_practice(path, "P", "UTC", "owner", "long enough pw", **kwargs)
    assert err.value.field == field
    assert list(tmp_path.iterdir()) == []

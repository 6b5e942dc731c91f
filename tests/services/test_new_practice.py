"""SPEC 1.5: a new practice is made with its name, address, zone, money and first admin in one go;
a bad address or display name is refused before any file exists (SPEC 0.5, 0.7)."""
from __future__ import annotations

import pytest

from app.services.errors import ValidationError
from app.services.people import users

pytestmark = pytest.mark.sqlite_only(reason="creates practice files (test_postgres.py: the same on a server)")


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


def test_spec_1_5_check_new_practice_checks_only_what_it_is_given(tmp_path):
    assert users.check_new_practice(name="  Harbour  ", timezone="Europe/Berlin") == {
        "name": "Harbour", "timezone": "Europe/Berlin"}
    for fields, field in (({"timezone": "Mars/Olympus"}, "time zone"), ({"admin_password": "short"}, "password"),
                          ({"currency": "ZZZ"}, "currency"), ({"admin_username": ""}, "username")):
        with pytest.raises(ValidationError) as err:
            users.check_new_practice(**fields)
        assert err.value.field == field
    taken = tmp_path / "taken.sqlite"
    taken.write_bytes(b"")
    with pytest.raises(ValidationError) as err:
        users.check_new_practice(path=taken)
    assert err.value.field == "practice file"

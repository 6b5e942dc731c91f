"""Settings > Messages (SPEC 0.6, 7.2): plain settings in the practice file, the SMTP password and the
SMS token only in the OS keyring; where there is none, a plain message and nothing stored anywhere."""
from __future__ import annotations

import logging

import pytest

from app.integrations import keyring_store
from app.services.errors import PermissionDenied, ValidationError
from app.services.messaging import settings as msettings
from app.services.messaging.settings import NoSecretStore

SECRET = "s3cret-Password-9931"


def _file_bytes(practice) -> bytes:
    """The practice file and its WAL as written on disk (every row, on a server)."""
    from tests.services.fingerprint import stored_bytes

    return stored_bytes(practice)


def test_settings_are_saved_and_the_password_goes_to_the_keyring_only_spec_0_6(practice, admin, memory_keyring):
    s = msettings.update_message_settings(practice, admin, mail_host="smtp.example.com", mail_port=465,
                                          mail_security="tls", mail_user="desk", mail_from="desk@example.com")
    assert (s.mail_host, s.mail_port, s.mail_security, s.mail_user) == ("smtp.example.com", 465, "tls", "desk")
    assert s.keyring_available and s.keyring_message == "" and not s.mail_password_saved

    msettings.set_mail_password(practice, admin, SECRET)

    assert memory_keyring.secrets == {("Practice Desk", "smtp-password:desk@smtp.example.com"): SECRET}
    assert msettings.get_message_settings(practice, admin).mail_password_saved
    assert SECRET.encode() not in _file_bytes(practice)
    msettings.set_mail_password(practice, admin, "")  # forget it
    assert memory_keyring.secrets == {}


def test_sms_token_goes_to_the_keyring_only_spec_0_6(practice, admin, memory_keyring):
    msettings.update_message_settings(practice, admin, sms_url="https://sms.example.com/send")
    msettings.set_sms_token(practice, admin, SECRET)
    assert memory_keyring.secrets == {("Practice Desk", "sms-token:https://sms.example.com/send"): SECRET}
    assert msettings.get_message_settings(practice, admin).sms_token_saved
    assert SECRET.encode() not in _file_bytes(practice)


def test_without_a_keyring_it_says_so_and_stores_nothing_spec_0_6(practice, admin, no_keyring, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    msettings.update_message_settings(practice, admin, mail_host="smtp.example.com", mail_user="desk",
                                      mail_from="desk@example.com", sms_url="https://sms.example.com/send")
    s = msettings.get_message_settings(practice, admin)
    assert not s.keyring_available and s.keyring_message == keyring_store.NO_KEYRING
    assert "no password store" in s.keyring_message and "Nothing was stored" in s.keyring_message

    with pytest.raises(NoSecretStore) as err:
        msettings.set_mail_password(practice, admin, SECRET)
    assert str(err.value) == keyring_store.NO_KEYRING
    with pytest.raises(NoSecretStore):
        msettings.set_sms_token(practice, admin, SECRET)

    assert SECRET.encode() not in _file_bytes(practice)
    assert SECRET not in caplog.text
    for f in tmp_path.rglob("*"):  # no settings file or other file next to the practice holds it
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f
    assert not msettings.get_message_settings(practice, admin).mail_password_saved


def test_only_an_admin_changes_message_settings(practice, admin, make, memory_keyring):
    staff = make.user("staff")
    msettings.get_message_settings(practice, staff)  # the front desk may read them
    with pytest.raises(PermissionDenied):
        msettings.update_message_settings(practice, staff, mail_host="smtp.example.com")
    with pytest.raises(PermissionDenied):
        msettings.set_mail_password(practice, staff, SECRET)
    assert memory_keyring.secrets == {}


@pytest.mark.parametrize("changes, field", [
    ({"mail_port": 0}, "mail server port"),
    ({"mail_port": "25"}, "mail server port"),
    ({"mail_security": "ssl"}, "mail connection security"),
    ({"mail_host": "smtp example.com"}, "mail server"),
    ({"mail_from": "not-an-address"}, "sender address"),
    ({"sms_url": "ftp://sms.example.com"}, "SMS provider address"),
    ({"smtp_password": SECRET}, "smtp_password"),  # a secret is never a setting
])
def test_bad_settings_name_the_field_and_change_nothing_spec_0_5(practice, admin, changes, field):
    before = msettings.get_message_settings(practice, admin)
    with pytest.raises(ValidationError) as err:
        msettings.update_message_settings(practice, admin, **{"mail_user": "desk", **changes})
    assert err.value.field == field
    assert msettings.get_message_settings(practice, admin) == before


def test_password_needs_the_server_and_user_first(practice, admin, memory_keyring):
    with pytest.raises(ValidationError) as err:
        msettings.set_mail_password(practice, admin, SECRET)
    assert err.value.field == "mail password" and memory_keyring.secrets == {}

"""Users, passwords and login (SPEC 1.1, 1.2, 0.5)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import User
from app.services.errors import LoginFailed, PermissionDenied, ValidationError
from app.services.people import users
from tests.conftest import ADMIN_PASSWORD

PASSWORD = "s3cret-enough"


def stored_hash(practice, username: str) -> str:
    with practice.read() as tx:
        return tx.scalar(select(User.password_hash).where(User.username == username))


def user_count(practice) -> int:
    with practice.read() as tx:
        return tx.scalar(select(func.count(User.id)))


# SPEC 1.2
def test_password_is_stored_only_as_a_salted_hash(practice, admin):
    users.create_user(practice, admin, "ann", "Ann", "staff", PASSWORD)
    users.create_user(practice, admin, "bob", "Bob", "staff", PASSWORD)
    h_ann, h_bob = stored_hash(practice, "ann"), stored_hash(practice, "bob")
    assert PASSWORD not in h_ann
    assert h_ann.startswith("scrypt$")  # a slow key-derivation function, not a fast digest
    assert h_ann != h_bob  # same password, different salt


# SPEC 1.2
def test_admin_created_with_the_practice_can_log_in(practice):
    u = users.login(practice, "admin", ADMIN_PASSWORD)
    assert (u.username, u.role) == ("admin", "admin")
    assert ADMIN_PASSWORD not in stored_hash(practice, "admin")


# SPEC 1.1
def test_login_returns_the_user_and_their_actor(practice, admin, make):
    pr = make.practitioner()
    created = users.create_user(practice, admin, "pat", "Pat", "practitioner", PASSWORD, practitioner_id=pr.id)
    u = users.login(practice, "pat", PASSWORD)
    assert u == created
    assert (u.actor.role, u.actor.practitioner_id, u.actor.user_id) == ("practitioner", pr.id, created.id)


# SPEC 1.2
@pytest.mark.parametrize("username, password", [("admin", "wrong password"), ("admin", ""),
                                                ("nobody", ADMIN_PASSWORD)])
def test_wrong_credentials_are_refused(practice, username, password):
    with pytest.raises(LoginFailed):
        users.login(practice, username, password)


# SPEC 1.2: failed logins are limited
def test_five_failures_lock_the_account_until_the_lockout_ends(practice, clock):
    for _ in range(5):
        with pytest.raises(LoginFailed):
            users.login(practice, "admin", "guess")
    with pytest.raises(LoginFailed) as err:
        users.login(practice, "admin", ADMIN_PASSWORD)  # even the right password, while locked
    assert "locked" in str(err.value)
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(LoginFailed):
        users.login(practice, "admin", ADMIN_PASSWORD)
    clock.advance(seconds=1)
    assert users.login(practice, "admin", ADMIN_PASSWORD).username == "admin"


# SPEC 1.2
def test_four_failures_do_not_lock_and_success_resets_the_count(practice):
    for _ in range(4):
        with pytest.raises(LoginFailed):
            users.login(practice, "admin", "guess")
    assert users.login(practice, "admin", ADMIN_PASSWORD).username == "admin"
    for _ in range(4):
        with pytest.raises(LoginFailed):
            users.login(practice, "admin", "guess")
    assert users.login(practice, "admin", ADMIN_PASSWORD).username == "admin"


# SPEC 1.2: the lock is per account
def test_lock_does_not_affect_other_users(practice, admin):
    users.create_user(practice, admin, "ann", "Ann", "staff", PASSWORD)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            users.login(practice, "admin", "guess")
    assert users.login(practice, "ann", PASSWORD).username == "ann"


# SPEC 1.1
@pytest.mark.parametrize("role", ["staff", "practitioner"])
def test_only_admin_creates_users(practice, admin, make, role):
    pid = make.practitioner().id if role == "practitioner" else None
    who = make.user(role, practitioner_id=pid)
    before = user_count(practice)
    with pytest.raises(PermissionDenied):
        users.create_user(practice, who, "eve", "Eve", "admin", PASSWORD)
    with pytest.raises(PermissionDenied):
        users.list_users(practice, who)
    assert user_count(practice) == before


# SPEC 1.2, 0.5
@pytest.mark.parametrize("kw, field", [
    (dict(password="short12"), "password"),
    (dict(password=""), "password"),
    (dict(username=""), "username"),
    (dict(username="admin"), "username"),  # taken
    (dict(display_name=" "), "display name"),
    (dict(role="owner"), "role"),
    (dict(role="practitioner"), "practitioner"),  # a practitioner login must be linked
    (dict(role="practitioner", practitioner_id=99999), "practitioner"),
])
def test_bad_user_input_names_the_field_and_writes_nothing(practice, admin, kw, field):
    args = {"username": "ann", "display_name": "Ann", "role": "staff", "password": PASSWORD, **kw}
    before = user_count(practice)
    with pytest.raises(ValidationError) as err:
        users.create_user(practice, admin, **args)
    assert err.value.field == field
    assert user_count(practice) == before


# SPEC 1.2
def test_password_of_exactly_eight_characters_is_accepted(practice, admin):
    users.create_user(practice, admin, "ann", "Ann", "staff", "12345678")
    assert users.login(practice, "ann", "12345678").username == "ann"


# SPEC 1.2
def test_duplicate_username(practice, admin):
    users.create_user(practice, admin, "ann", "Ann", "staff", PASSWORD)
    with pytest.raises(ValidationError) as err:
        users.create_user(practice, admin, "ann", "Another Ann", "admin", PASSWORD)
    assert err.value.field == "username"
    assert [u.display_name for u in users.list_users(practice, admin) if u.username == "ann"] == ["Ann"]


# SPEC 1.2
def test_change_password(practice, admin):
    ann = users.create_user(practice, admin, "ann", "Ann", "staff", PASSWORD).actor
    users.change_password(practice, ann, PASSWORD, "a-new-password")
    with pytest.raises(LoginFailed):
        users.login(practice, "ann", PASSWORD)
    assert users.login(practice, "ann", "a-new-password").username == "ann"


# SPEC 1.2, 0.5
def test_change_password_needs_the_current_one_and_a_long_new_one(practice, admin):
    ann = users.create_user(practice, admin, "ann", "Ann", "staff", PASSWORD).actor
    old_hash = stored_hash(practice, "ann")
    with pytest.raises(ValidationError) as err:
        users.change_password(practice, ann, "not it at all", "a-new-password")
    assert err.value.field == "current password"
    with pytest.raises(ValidationError) as err:
        users.change_password(practice, ann, PASSWORD, "short")
    assert err.value.field == "password"
    assert stored_hash(practice, "ann") == old_hash
    assert users.login(practice, "ann", PASSWORD).username == "ann"

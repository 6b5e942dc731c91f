"""Switching a user's account off and on (SPEC 1.1; issue 13 item 2): never deleted, cannot sign in
while off, audited; an admin keeps the practice manageable."""
from __future__ import annotations

import pytest

from app.services import audit
from app.services.errors import LoginFailed, PermissionDenied, RuleViolation, ValidationError
from app.services.people import users
from tests.conftest import ADMIN_PASSWORD


def test_a_switched_off_user_cannot_sign_in_until_switched_on_again(practice, admin, make):
    desk = make.user("staff")
    off = users.set_user_active(practice, admin, desk.user_id, False)
    assert off.active is False
    assert [u.active for u in users.list_users(practice, admin) if u.id == desk.user_id] == [False]
    name = off.username
    with pytest.raises(LoginFailed):
        users.login(practice, name, "password123")
    users.set_user_active(practice, admin, desk.user_id, True)
    assert users.login(practice, name, "password123").id == desk.user_id
    actions = [e.action for e in audit.list_audit(practice, admin, "user", desk.user_id)]
    assert {"user.activate", "user.deactivate"} <= set(actions)


def test_an_admin_cannot_switch_off_their_own_account(practice, admin):
    with pytest.raises(RuleViolation, match="your own account"):
        users.set_user_active(practice, admin, admin.user_id, False)
    assert users.login(practice, "admin", ADMIN_PASSWORD).active


def test_the_last_active_admin_cannot_be_switched_off(practice, admin, make):
    other = make.user("admin")
    users.set_user_active(practice, other, admin.user_id, False)  # another admin remains (other)
    with pytest.raises(RuleViolation):
        users.set_user_active(practice, other, other.user_id, False)
    users.set_user_active(practice, other, admin.user_id, True)


def test_only_an_admin_switches_accounts_and_bad_input_is_named(practice, admin, make):
    desk = make.user("staff")
    with pytest.raises(PermissionDenied):
        users.set_user_active(practice, desk, admin.user_id, False)
    with pytest.raises(ValidationError) as err:
        users.set_user_active(practice, admin, desk.user_id, "no")
    assert err.value.field == "active"
    assert all(u.active for u in users.list_users(practice, admin))

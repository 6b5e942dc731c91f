"""An admin edits a user's display name, role and linked practitioner (SPEC 1.1; issue 13 item 2):
a practitioner login is linked to one practitioner who is not archived and has no other active login,
other logins have no link, the practice keeps an active administrator, bad input changes nothing
(SPEC 0.5) and every change is audited with its value before and after (SPEC 0.4)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import User
from app.services import audit
from app.services.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from app.services.people import practitioners, users


def row(practice, user_id: int) -> tuple:
    """The stored user, as a tuple of every column a failed edit must leave alone."""
    with practice.read() as tx:
        u = tx.get(User, user_id)
        return (u.username, u.display_name, u.role, u.practitioner_id, u.active, u.password_hash)


def edits(practice, admin, user_id: int) -> list[dict]:
    return [e.detail for e in audit.list_audit(practice, admin, "user", user_id) if e.action == "user.update"]


@pytest.fixture
def desk(make):
    return make.user("staff")


# SPEC 1.1
def test_spec_1_1_an_admin_renames_a_user_and_the_change_is_audited(practice, admin, desk):
    made = users.update_user(practice, admin, desk.user_id, display_name="  Jordan Ellis ")
    assert made.display_name == "Jordan Ellis"
    assert row(practice, desk.user_id)[1:3] == ("Jordan Ellis", "staff")
    assert edits(practice, admin, desk.user_id) == [{"changes": {"name": {"before": "Staff 1",
                                                                          "after": "Jordan Ellis"}}}]
    with practice.read() as tx:
        who = tx.scalar(select(User.username).where(User.id == desk.user_id))
    assert users.login(practice, who, "password123").display_name == "Jordan Ellis"


# SPEC 1.1
def test_spec_1_1_staff_becomes_a_practitioner_linked_to_their_record(practice, admin, make, desk):
    maya = make.practitioner("Maya Okafor")
    made = users.update_user(practice, admin, desk.user_id, role="practitioner", practitioner_id=maya.id)
    assert (made.role, made.practitioner_id) == ("practitioner", maya.id)
    assert made.actor.practitioner_id == maya.id
    assert edits(practice, admin, desk.user_id) == [{"changes": {
        "role": {"before": "staff", "after": "practitioner"},
        "practitioner": {"before": None, "after": "Maya Okafor"}}}]


# SPEC 1.1
def test_spec_1_1_a_practitioner_made_front_desk_loses_the_link(practice, admin, make):
    maya = make.practitioner("Maya Okafor")
    pat = make.user("practitioner", practitioner_id=maya.id)
    made = users.update_user(practice, admin, pat.user_id, role="staff")
    assert (made.role, made.practitioner_id) == ("staff", None)
    assert edits(practice, admin, pat.user_id)[0]["changes"]["practitioner"] == {"before": "Maya Okafor",
                                                                                 "after": None}


# SPEC 1.1
def test_spec_1_1_a_practitioner_moves_to_another_practitioner_record(practice, admin, make):
    maya, ana = make.practitioner("Maya"), make.practitioner("Ana")
    pat = make.user("practitioner", practitioner_id=maya.id)
    assert users.update_user(practice, admin, pat.user_id, practitioner_id=ana.id).practitioner_id == ana.id


# SPEC 1.1, 0.5
@pytest.mark.parametrize("kw, field", [
    (dict(display_name=" "), "display name"),
    (dict(display_name="x" * 121), "display name"),
    (dict(display_name=7), "display name"),
    (dict(display_name="a\x00b"), "display name"),
    (dict(role="owner"), "role"),
    (dict(role=None), "role"),
    (dict(role="practitioner"), "practitioner"),  # a practitioner login must be linked
    (dict(role="practitioner", practitioner_id=99999), "practitioner"),  # to one that exists
    (dict(role="practitioner", practitioner_id="1"), "practitioner"),
    (dict(role="practitioner", practitioner_id=True), "practitioner"),
    (dict(practitioner_id=0), "practitioner"),
    (dict(display_name="Renamed", practitioner_id=1), "practitioner"),  # front desk has no link
])
def test_spec_0_5_bad_input_names_the_field_and_changes_nothing(practice, admin, make, desk, kw, field):
    make.practitioner()  # id 1 exists: refused for a front desk login all the same
    before = row(practice, desk.user_id)
    with pytest.raises(ValidationError) as err:
        users.update_user(practice, admin, desk.user_id, **kw)
    assert err.value.field == field
    assert row(practice, desk.user_id) == before
    assert edits(practice, admin, desk.user_id) == []


# SPEC 0.5
@pytest.mark.parametrize("user_id", [0, -1, "2", None, 2.0, True])
def test_spec_0_5_a_bad_user_is_named(practice, admin, user_id):
    with pytest.raises(ValidationError) as err:
        users.update_user(practice, admin, user_id, display_name="X")
    assert err.value.field == "user"


def test_a_user_that_does_not_exist_is_not_found(practice, admin):
    with pytest.raises(NotFound, match="does not exist"):
        users.update_user(practice, admin, 999, display_name="X")


# SPEC 1.1
def test_spec_1_1_an_archived_practitioner_cannot_be_linked(practice, admin, make, desk):
    gone = make.practitioner("Old Hand")
    practitioners.set_archived(practice, admin, gone.id, True)
    before = row(practice, desk.user_id)
    with pytest.raises(ValidationError, match="Old Hand is archived") as err:
        users.update_user(practice, admin, desk.user_id, role="practitioner", practitioner_id=gone.id)
    assert err.value.field == "practitioner"
    assert row(practice, desk.user_id) == before
    with pytest.raises(ValidationError, match="archived"):
        users.create_user(practice, admin, "old", "Old", "practitioner", "password123", practitioner_id=gone.id)


# SPEC 1.1
def test_spec_1_1_a_practitioner_already_signing_in_cannot_be_linked_twice(practice, admin, make, desk):
    maya = make.practitioner("Maya")
    pat = make.user("practitioner", practitioner_id=maya.id)
    before = row(practice, desk.user_id)
    with pytest.raises(ValidationError, match="Maya already signs in as") as err:
        users.update_user(practice, admin, desk.user_id, role="practitioner", practitioner_id=maya.id)
    assert err.value.field == "practitioner"
    assert row(practice, desk.user_id) == before
    with pytest.raises(ValidationError, match="already signs in"):  # create_user keeps the same rule
        users.create_user(practice, admin, "maya2", "Maya", "practitioner", "password123", practitioner_id=maya.id)
    users.set_user_active(practice, admin, pat.user_id, False)  # once that login is off, the link is free
    assert users.update_user(practice, admin, desk.user_id, role="practitioner",
                             practitioner_id=maya.id).practitioner_id == maya.id


# SPEC 1.1
def test_spec_1_1_a_user_whose_practitioner_was_archived_can_still_be_renamed(practice, admin, make):
    maya = make.practitioner("Maya")
    pat = make.user("practitioner", practitioner_id=maya.id)
    practitioners.set_archived(practice, admin, maya.id, True)
    made = users.update_user(practice, admin, pat.user_id, display_name="Dr. Maya", role="practitioner",
                             practitioner_id=maya.id)
    assert (made.display_name, made.practitioner_id) == ("Dr. Maya", maya.id)


# SPEC 1.1
def test_spec_1_1_the_last_active_admin_cannot_be_demoted(practice, admin, make):
    other = make.user("admin")
    users.set_user_active(practice, admin, other.user_id, False)  # an admin, but switched off (still signed in)
    before = row(practice, admin.user_id)
    with pytest.raises(RuleViolation, match="only active administrator") as err:
        users.update_user(practice, other, admin.user_id, role="staff")
    assert "Make another user an administrator first" in str(err.value)
    assert row(practice, admin.user_id) == before
    assert edits(practice, admin, admin.user_id) == []
    # a switched-off admin is not the one keeping the practice manageable: demoting them is fine
    assert users.update_user(practice, admin, other.user_id, role="staff").role == "staff"


# SPEC 1.1
def test_spec_1_1_the_last_admin_cannot_change_their_own_role(practice, admin):
    before = row(practice, admin.user_id)
    for role in ("staff", "practitioner"):
        with pytest.raises((RuleViolation, ValidationError)):
            users.update_user(practice, admin, admin.user_id, role=role)
    with pytest.raises(RuleViolation, match="You are the practice's only active administrator"):
        users.update_user(practice, admin, admin.user_id, role="staff")
    assert row(practice, admin.user_id) == before
    assert users.update_user(practice, admin, admin.user_id, display_name="Owner").role == "admin"


# SPEC 1.1
def test_spec_1_1_with_a_second_admin_one_of_them_may_step_down(practice, admin, make):
    second = make.user("admin")
    assert users.update_user(practice, admin, admin.user_id, role="staff").role == "staff"
    with pytest.raises(RuleViolation):  # now second is the last one
        users.update_user(practice, second, second.user_id, role="staff")


# SPEC 1.1
@pytest.mark.parametrize("role", ["staff", "practitioner"])
def test_spec_1_1_only_an_admin_edits_users(practice, admin, make, desk, role):
    who = desk if role == "staff" else make.user("practitioner", practitioner_id=make.practitioner().id)
    before = row(practice, admin.user_id)
    with pytest.raises(PermissionDenied, match="Only an administrator"):
        users.update_user(practice, who, admin.user_id, display_name="Hacked")
    with pytest.raises(PermissionDenied):
        users.update_user(practice, who, who.user_id, role="admin")  # not even themselves
    assert row(practice, admin.user_id) == before
    assert row(practice, who.user_id)[2] == role


def test_saving_the_same_values_changes_nothing_and_audits_nothing(practice, admin, desk):
    before = row(practice, desk.user_id)
    users.update_user(practice, admin, desk.user_id, display_name="Staff 1", role="staff", practitioner_id=None)
    assert row(practice, desk.user_id) == before
    assert edits(practice, admin, desk.user_id) == []


# SPEC 1.1
def test_spec_1_1_create_user_refuses_a_link_for_front_desk(practice, admin, make):
    pr = make.practitioner()
    with pytest.raises(ValidationError) as err:
        users.create_user(practice, admin, "desk", "Desk", "staff", "password123", practitioner_id=pr.id)
    assert err.value.field == "practitioner"

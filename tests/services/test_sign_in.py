"""Sign-in that resists guessing (SPEC 1.2): OWASP's scrypt work factor with an upgrade of older
hashes at sign-in, one hash per attempt whether the name exists or not (counted, never timed),
the lockout also on change password, and an admin who unlocks a user or resets a password."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import User
from app.services import audit
from app.services.errors import LoginFailed, NotFound, PermissionDenied, ValidationError
from app.services.people import passwords, users
from tests.conftest import ADMIN_PASSWORD

PASSWORD = "s3cret-enough"
ROOT = Path(__file__).resolve().parents[2]


def stored_hash(practice, username: str) -> str:
    with practice.read() as tx:
        return tx.scalar(select(User.password_hash).where(User.username == username))


def lock_state(practice, username: str):
    with practice.read() as tx:
        u = tx.scalar(select(User).where(User.username == username))
        return u.failed_logins, u.locked_until


@pytest.fixture
def scrypt_calls(monkeypatch):
    """Every call of hashlib.scrypt from now on, with its work factor (n)."""
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args, **kw):
        calls.append(kw["n"])
        return real(*args, **kw)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


@pytest.fixture
def ann(practice, admin):
    return users.create_user(practice, admin, "ann", "Ann", "staff", PASSWORD)


def lock_out(practice, username: str) -> None:
    for _ in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            users.login(practice, username, "a wrong guess")


# --- the work factor ------------------------------------------------------------------------------
def test_spec_1_2_production_hashes_use_owasp_scrypt_parameters():
    """The module as the app imports it (no test conftest, whatever the environment says)."""
    probe = ("from app.services.people import passwords as p; "
             "print(p.PARAMS.n, p.PARAMS.r, p.PARAMS.p, p.MAXMEM >= 128 * p.PARAMS.n * p.PARAMS.r * p.PARAMS.p)")
    env = {"PATH": "/usr/bin:/bin", "SCRYPT_N": "2", "PRACTICE_SCRYPT_N": "2"}  # nothing may weaken it
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out == [str(2**17), "8", "1", "True"]
    assert passwords.OWASP == (2**17, 8, 1)


def test_spec_1_2_a_weak_stored_hash_is_upgraded_to_owasp_at_sign_in(practice, ann, monkeypatch, scrypt_calls):
    """One real OWASP-strength hash (~0.4 s): the one written at sign-in."""
    weak = stored_hash(practice, "ann")
    assert weak.startswith(f"scrypt${passwords.PARAMS.n}$")  # made with the test suite's cheap factor
    monkeypatch.setattr(passwords, "PARAMS", passwords.OWASP)  # as in production
    assert users.login(practice, "ann", PASSWORD).username == "ann"
    upgraded = stored_hash(practice, "ann")
    assert upgraded.startswith("scrypt$131072$8$1$") and upgraded != weak
    assert scrypt_calls == [weak_n(weak), 2**17]  # checked with its own parameters, then rehashed once
    assert [e.action for e in audit.list_audit(practice, users.first_admin(practice).actor, "user", ann.id)][:2] == [
        "user.login", "user.rehash"]


def weak_n(stored: str) -> int:
    return int(stored.split("$")[1])


def test_spec_1_2_rehash_then_sign_in_with_the_upgraded_hash(practice, admin, monkeypatch, scrypt_calls):
    monkeypatch.setattr(passwords, "PARAMS", passwords.ScryptParams(2**4, 8, 1))
    users.create_user(practice, admin, "old", "Old Hash", "staff", PASSWORD)
    monkeypatch.setattr(passwords, "PARAMS", passwords.ScryptParams(2**10, 8, 1))
    scrypt_calls.clear()
    users.login(practice, "old", PASSWORD)
    assert scrypt_calls == [2**4, 2**10]
    assert stored_hash(practice, "old").startswith("scrypt$1024$8$1$")
    scrypt_calls.clear()
    users.login(practice, "old", PASSWORD)  # already current: no second upgrade
    assert scrypt_calls == [2**10]
    with pytest.raises(LoginFailed):
        users.login(practice, "old", "not the password")


def test_spec_1_2_a_wrong_password_never_upgrades_the_hash(practice, admin, monkeypatch):
    monkeypatch.setattr(passwords, "PARAMS", passwords.ScryptParams(2**4, 8, 1))
    users.create_user(practice, admin, "old", "Old Hash", "staff", PASSWORD)
    weak = stored_hash(practice, "old")
    monkeypatch.setattr(passwords, "PARAMS", passwords.ScryptParams(2**10, 8, 1))
    with pytest.raises(LoginFailed):
        users.login(practice, "old", "not the password")
    assert stored_hash(practice, "old") == weak


@pytest.mark.parametrize("stored", ["", "plain", "md5$x", "scrypt$3$8$1$AAAA$AAAA", "scrypt$1024$8$1$%%%$AAAA",
                                    "scrypt$1073741824$8$1$AAAA$AAAA", None])
def test_spec_1_2_a_malformed_or_impossible_stored_hash_never_matches(stored):
    assert passwords.verify_password("anything", stored) is False
    assert passwords.needs_rehash(stored) is True


# --- one hash per attempt ---------------------------------------------------------------------------
def test_spec_1_2_one_hash_per_attempt_for_known_and_unknown_names(practice, ann, scrypt_calls):
    with pytest.raises(LoginFailed) as wrong:
        users.login(practice, "ann", "not the password")
    assert scrypt_calls == [passwords.PARAMS.n]
    scrypt_calls.clear()
    with pytest.raises(LoginFailed) as unknown:
        users.login(practice, "nobody-by-this-name", "whatever")
    assert scrypt_calls == [passwords.PARAMS.n]  # the same work as a wrong password, the first time too
    assert str(unknown.value) == str(wrong.value)
    scrypt_calls.clear()
    with pytest.raises(LoginFailed):
        users.login(practice, "someone-else", "whatever")
    assert scrypt_calls == [passwords.PARAMS.n]
    scrypt_calls.clear()
    assert users.login(practice, "ann", PASSWORD).username == "ann"
    assert scrypt_calls == [passwords.PARAMS.n]  # a current hash is not rehashed


def test_spec_1_2_an_inactive_user_costs_one_hash_and_is_refused_like_an_unknown_name(practice, ann, scrypt_calls):
    with practice.uow() as tx:
        tx.get(User, ann.id).active = False
    with pytest.raises(LoginFailed) as err:
        users.login(practice, "ann", PASSWORD)
    assert str(err.value) == users.WRONG
    assert scrypt_calls == [passwords.PARAMS.n]


def test_spec_1_2_the_dummy_hash_is_made_once_per_process_with_the_current_parameters(monkeypatch, scrypt_calls):
    first = passwords.dummy_hash()
    assert passwords.dummy_hash() is first and scrypt_calls == []  # costs no hash to make
    assert first.startswith(f"scrypt${passwords.PARAMS.n}${passwords.PARAMS.r}${passwords.PARAMS.p}$")
    monkeypatch.setattr(passwords, "PARAMS", passwords.ScryptParams(2**5, 8, 1))
    assert passwords.dummy_hash().startswith("scrypt$32$8$1$")
    assert not passwords.verify_password("", passwords.dummy_hash())


# --- lockout on change password -----------------------------------------------------------------------
def test_spec_1_2_wrong_current_passwords_in_change_password_lock_the_account(practice, ann, scrypt_calls):
    old = stored_hash(practice, "ann")
    for i in range(users.MAX_FAILED_LOGINS):
        with pytest.raises(ValidationError) as err:
            users.change_password(practice, ann.actor, f"guess {i}", "a-new-password")
        assert err.value.field == "current password"
    assert "locked" in err.value.message  # the attempt that locks says so
    assert len(scrypt_calls) == users.MAX_FAILED_LOGINS  # one hash per attempt, none for the new password
    with pytest.raises(LoginFailed, match="locked"):  # even with the right current password
        users.change_password(practice, ann.actor, PASSWORD, "a-new-password")
    with pytest.raises(LoginFailed, match="locked"):
        users.login(practice, "ann", PASSWORD)
    assert stored_hash(practice, "ann") == old


def test_spec_1_2_sign_in_and_change_password_failures_share_one_count(practice, ann):
    for _ in range(3):
        with pytest.raises(LoginFailed):
            users.login(practice, "ann", "wrong")
    for _ in range(2):
        with pytest.raises(ValidationError):
            users.change_password(practice, ann.actor, "wrong", "a-new-password")
    with pytest.raises(LoginFailed, match="locked"):
        users.login(practice, "ann", PASSWORD)


def test_spec_1_2_a_right_change_password_forgives_earlier_failures(practice, ann):
    for _ in range(4):
        with pytest.raises(ValidationError):
            users.change_password(practice, ann.actor, "wrong", "a-new-password")
    users.change_password(practice, ann.actor, PASSWORD, "a-new-password")
    assert lock_state(practice, "ann") == (0, None)
    assert users.login(practice, "ann", "a-new-password").username == "ann"


def test_spec_1_2_change_password_takes_any_input_without_a_raw_error(practice, ann):
    for bad in (None, 12345, b"bytes", ["list"]):
        with pytest.raises(ValidationError):
            users.change_password(practice, ann.actor, bad, "a-new-password")


# --- admin unlock and reset ---------------------------------------------------------------------------
def test_spec_1_2_admin_unlocks_a_locked_user_and_it_is_audited(practice, admin, ann, clock):
    lock_out(practice, "ann")
    [listed] = [u for u in users.list_users(practice, admin) if u.username == "ann"]
    assert listed.locked_until is not None
    view = users.unlock_user(practice, admin, ann.id)
    assert view.locked_until is None and lock_state(practice, "ann") == (0, None)
    assert users.login(practice, "ann", PASSWORD).username == "ann"  # at once, not 15 minutes later
    entry = next(e for e in audit.list_audit(practice, admin, "user", ann.id) if e.action == "user.unlock")
    assert entry.user_id == admin.user_id and entry.detail == {"was_locked": True}


def test_spec_1_2_admin_resets_a_password_which_also_unlocks(practice, admin, ann):
    lock_out(practice, "ann")
    users.reset_password(practice, admin, ann.id, "given-by-admin")
    assert lock_state(practice, "ann") == (0, None)
    with pytest.raises(LoginFailed):
        users.login(practice, "ann", PASSWORD)
    assert users.login(practice, "ann", "given-by-admin").username == "ann"
    entry = next(e for e in audit.list_audit(practice, admin, "user", ann.id) if e.action == "user.password_reset")
    assert entry.user_id == admin.user_id and "given-by-admin" not in str(entry.detail)


def test_spec_1_2_a_locked_admin_is_unlocked_by_another_admin(practice, admin):
    other = users.create_user(practice, admin, "second", "Second Admin", "admin", PASSWORD)
    lock_out(practice, "admin")
    users.unlock_user(practice, other.actor, admin.user_id)
    assert users.login(practice, "admin", ADMIN_PASSWORD).username == "admin"


@pytest.mark.parametrize("role", ["staff", "practitioner"])
def test_spec_1_2_only_an_admin_unlocks_or_resets(practice, admin, make, ann, role):
    pid = make.practitioner().id if role == "practitioner" else None
    who = make.user(role, practitioner_id=pid)
    lock_out(practice, "ann")
    before = stored_hash(practice, "ann"), lock_state(practice, "ann")
    with pytest.raises(PermissionDenied):
        users.unlock_user(practice, who, ann.id)
    with pytest.raises(PermissionDenied):
        users.reset_password(practice, who, ann.id, "taken-over-now")
    assert (stored_hash(practice, "ann"), lock_state(practice, "ann")) == before
    assert not users.can_manage_users(who) and users.can_manage_users(admin)


def test_spec_1_2_unlock_and_reset_refuse_a_missing_user_or_bad_input(practice, admin, ann):
    lock_out(practice, "ann")
    before = stored_hash(practice, "ann"), lock_state(practice, "ann")
    with pytest.raises(NotFound):
        users.unlock_user(practice, admin, 99999)
    with pytest.raises(NotFound):
        users.reset_password(practice, admin, 99999, "long-enough-pw")
    for bad_id in ("1", None, 1.5, [ann.id], True):
        with pytest.raises(ValidationError):
            users.unlock_user(practice, admin, bad_id)
    for bad_password in ("short", "", None, 12345678):
        with pytest.raises(ValidationError) as err:
            users.reset_password(practice, admin, ann.id, bad_password)
        assert err.value.field == "password"
    assert (stored_hash(practice, "ann"), lock_state(practice, "ann")) == before


def test_spec_1_2_a_user_name_signs_in_whatever_its_case(practice, ann, scrypt_calls):
    assert users.login(practice, "  ANN ", PASSWORD).username == "ann"
    with pytest.raises(LoginFailed):
        users.login(practice, "Ann", "not the password")
    assert lock_state(practice, "ann")[0] == 1  # counted on the same account
    assert len(scrypt_calls) == 2

"""Users, roles and login (SPEC 1.1-1.2), and setting up a new practice file."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...models import Practitioner, Setting, User
from ...models.enums import Role
from ...models.people import ROLES
from .. import audit, validate
from ..errors import LoginFailed, NotFound, PermissionDenied, RuleViolation, ValidationError
from ..practice import DEFAULT_SETTINGS, Actor, Practice
from .capabilities import capabilities
from .passwords import dummy_hash, hash_password, needs_rehash, verify_password
from .permissions import require_role

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 8


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: str
    practitioner_id: int | None
    active: bool
    locked_until: datetime | None = None  # set while too many failed attempts lock the account

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.role, self.practitioner_id)


def _view(u: User, now: datetime | None = None) -> UserView:
    locked = u.locked_until if now is not None and u.locked_until and u.locked_until > now else None
    return UserView(u.id, u.username, u.display_name, u.role, u.practitioner_id, u.active, locked)


def _check_password(password, field: str = "password") -> str:
    """A new password: text, 8+ characters, not blank or only spaces (SPEC 1.2, 0.5)."""
    return validate.password(field, password)


def _clean_username(username) -> str:
    """A user name as stored: trimmed, in Unicode NFC, printable; compared ignoring case."""
    import unicodedata

    name = validate.text("username", username, 64)
    name = unicodedata.normalize("NFC", name)
    if not name.isprintable():
        raise ValidationError("username", "may not contain tabs, line breaks or control characters")
    return name


def _username_taken(tx, username: str) -> bool:
    """Inside the write transaction (it holds the write lock), so two desks cannot both add 'Desk'
    and 'desk'. Compared in Python with casefold: SQLite's lower() folds only ASCII."""
    folded = username.casefold()
    return any(n.casefold() == folded for n in tx.scalars(select(User.username)))


_NEW_PRACTICE_CHECKS = {  # argument of create_practice -> how it is checked (the field named in errors)
    "path": lambda v: validate.a_path("practice file", v),
    "name": lambda v: validate.text("practice name", v, 120),
    "address": lambda v: validate.text("practice address", v, 500, required=False),
    "timezone": lambda v: validate.timezone("time zone", v),
    "currency": lambda v: validate.currency("currency", v),
    "locale": lambda v: validate.locale("locale", v),
    "admin_username": _clean_username,
    "admin_display_name": lambda v: validate.text("display name", v, 120),
    "admin_password": _check_password,
}


def check_new_practice(**fields) -> dict:
    """Check some of ``create_practice``'s arguments (by their names) as it would, without
    creating anything: a set-up form checks each page as it is filled in. Returns the cleaned
    values; raises ``ValidationError`` for the first bad one. A ``path`` that exists is refused."""
    unknown = set(fields) - set(_NEW_PRACTICE_CHECKS)
    if unknown:
        raise ValidationError(sorted(unknown)[0][:40], "is not part of a new practice")
    cleaned = {key: _NEW_PRACTICE_CHECKS[key](fields[key]) for key in _NEW_PRACTICE_CHECKS if key in fields}
    if "path" in cleaned and Path(cleaned["path"]).exists():
        raise ValidationError("practice file", f"{cleaned['path']} already exists; a new practice needs a new file")
    return cleaned


def create_practice(path: str | Path, name: str, timezone: str, admin_username: str, admin_password: str,
                    currency: str = "USD", locale: str = "en_US", clock=None, address: str = "",
                    admin_display_name: str = "Administrator") -> Practice:
    """Create a new practice file with its settings and first admin (SPEC 1.5), whole or not at all
    (SPEC 0.7): it is built in a temporary file beside ``path`` and appears at ``path`` only once
    complete, so a crash part-way never leaves a practice nobody can sign in to. Refuses an
    existing ``path``. Returns the new practice, open."""
    v = check_new_practice(path=path, name=name, address=address, timezone=timezone, currency=currency,
                           locale=locale, admin_username=admin_username, admin_display_name=admin_display_name,
                           admin_password=admin_password)
    name, address, admin_username, admin_display_name = (v["name"], v["address"], v["admin_username"],
                                                         v["admin_display_name"])
    path = Path(path)
    from ...db import new_practice_file

    try:
        with new_practice_file(path) as engine:
            building = Practice(engine, clock=clock)
            with building.uow() as tx:
                _fill_new_practice(tx, building, name, address, timezone, currency, locale, admin_username,
                                   admin_display_name, admin_password)
    except FileExistsError as exc:  # made by someone else while this one was being built
        raise ValidationError("practice file", f"{path} already exists; a new practice needs a new file") from exc
    return Practice.open(path, clock=clock)


def create_practice_on_server(url: str, name: str, timezone: str, admin_username: str, admin_password: str,
                              currency: str = "USD", locale: str = "en_US", clock=None, address: str = "",
                              admin_display_name: str = "Administrator") -> Practice:
    """``create_practice`` in an empty database on a PostgreSQL server (``postgresql+psycopg://...``):
    the schema, the settings and the first admin in one transaction, whole or not at all (SPEC 0.7).
    A database that is not empty is refused (``PracticeFileError``), untouched. Returns it open."""
    v = check_new_practice(name=name, address=address, timezone=timezone, currency=currency, locale=locale,
                           admin_username=admin_username, admin_display_name=admin_display_name,
                           admin_password=admin_password)
    from sqlalchemy.orm import Session

    from ...db import new_practice_on_server

    with new_practice_on_server(url) as conn:
        building = Practice(conn.engine, clock=clock)  # for its clock; every write goes through conn
        with Session(bind=conn, expire_on_commit=False) as tx:
            _fill_new_practice(tx, building, v["name"], v["address"], timezone, currency, locale,
                               v["admin_username"], v["admin_display_name"], admin_password)
            tx.flush()
    return Practice.connect(url, clock=clock)


def _fill_new_practice(tx, building: Practice, name, address, timezone, currency, locale, admin_username,
                       admin_display_name, admin_password) -> None:
    values = {**DEFAULT_SETTINGS, "practice_name": name, "practice_address": address,
              "timezone": timezone, "currency": currency, "locale": locale}
    for key, value in values.items():
        tx.merge(Setting(key=key, value=json.dumps(value)))
    user = User(username=admin_username, display_name=admin_display_name, role="admin",
                password_hash=hash_password(admin_password), created_at=building.clock.now(),
                failed_logins=0, active=True)
    tx.add(user)
    tx.flush()
    audit.record(tx, building, None, "practice.create", "user", user.id, name=name)


WRONG = "Unknown user name or wrong password."


def _locked_text(user: User, now: datetime) -> str:
    minutes = max(1, -int((now - user.locked_until).total_seconds() // 60))  # whole minutes, rounded up
    return (f"Too many failed attempts: this account is locked for {minutes} more "
            f"minute{'s' if minutes != 1 else ''}. An administrator can unlock it sooner.")


def _count_attempt(tx, practice: Practice, user: User, now: datetime) -> None:
    """Count one password attempt for ``user`` before the password is checked (SPEC 1.2).

    Refuses a locked account with ``LoginFailed``. The attempt is counted now and forgiven only
    once the password proves right, so attempts made in parallel from several workstations are
    all counted and the lock holds; the slow hash runs after this transaction, outside the lock."""
    if user.locked_until and user.locked_until > now:
        raise LoginFailed(_locked_text(user, now))
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
        audit.record(tx, practice, None, "user.locked", "user", user.id)


def _text_or_empty(value) -> str:
    return value if isinstance(value, str) else ""


def _find_user(tx, typed: str) -> User | None:
    """The account a typed user name means: the same name as stored, else the one name equal to
    it ignoring case (names are unique ignoring case, ``create_user``), so "Ann" signs in as "ann"."""
    import unicodedata

    name = unicodedata.normalize("NFC", typed)
    exact = tx.scalar(select(User).where(User.username == name))
    if exact is not None or not name:
        return exact
    folded = name.casefold()
    matches = [uid for uid, stored in tx.execute(select(User.id, User.username)) if stored.casefold() == folded]
    return tx.get(User, matches[0]) if len(matches) == 1 else None  # two from before that rule: neither


def login(practice: Practice, username: str, password: str) -> UserView:
    """Checks the password; after MAX_FAILED_LOGINS failures the account is locked for LOCKOUT
    (or until an admin unlocks it, ``unlock_user``).

    Each attempt is counted before its password is checked, in its own short transaction, so
    guesses made in parallel from several workstations are all counted and the lock holds
    (SPEC 1.2); the slow hash runs outside the write lock. Every attempt costs exactly one hash:
    an unknown or inactive name is checked against a dummy hash with the current parameters, so
    it takes as long as a wrong password. A hash made with weaker parameters than today's is
    replaced at a successful sign-in (one more hash, made outside the lock)."""
    if isinstance(username, str):  # text that cannot be stored or hashed (NUL, lone surrogates, 10,000 chars)
        validate.text("user name", username, 200, required=False)
    if isinstance(password, str):
        validate.given_password("password", password)
    name = _text_or_empty(username).strip()
    password = _text_or_empty(password)
    with practice.uow() as tx:
        now = practice.clock.now()
        user = _find_user(tx, name)
        if user is None or not user.active:
            user_id, stored_hash = None, None
        else:
            _count_attempt(tx, practice, user, now)
            user_id, stored_hash = user.id, user.password_hash
    right = verify_password(password, stored_hash if stored_hash is not None else dummy_hash())
    if stored_hash is None or not right:
        raise LoginFailed(WRONG)
    upgraded = hash_password(password) if needs_rehash(stored_hash) else None
    with practice.uow() as tx:
        user = tx.get(User, user_id)
        if user is None or not user.active:
            raise LoginFailed(WRONG)
        user.failed_logins = 0
        user.locked_until = None
        if upgraded is not None and user.password_hash == stored_hash:  # not changed meanwhile
            user.password_hash = upgraded
            audit.record(tx, practice, _view(user).actor, "user.rehash", "user", user.id)
        audit.record(tx, practice, _view(user).actor, "user.login", "user", user.id)
        return _view(user)


def _check_role_link(role: str, practitioner_id: int | None) -> None:
    """A practitioner login is linked to exactly one practitioner; an admin or front desk login to none
    (SPEC 1.1). ``role`` and ``practitioner_id`` are already checked for type."""
    if role == Role.PRACTITIONER and practitioner_id is None:
        raise ValidationError("practitioner", "must be chosen for a practitioner login")
    if role != Role.PRACTITIONER and practitioner_id is not None:
        raise ValidationError("practitioner", "must be None unless the role is Practitioner")


def _check_practitioner_free(tx, practitioner_id: int, user_id: int | None = None) -> None:
    """The practitioner a login is being linked to exists, is not archived, and no other active user
    (than ``user_id``) signs in as them. Read inside the write transaction, so two desks cannot both
    link the same practitioner."""
    pract = tx.get(Practitioner, practitioner_id)
    if pract is None:
        raise ValidationError("practitioner", "does not exist (it may have been removed at another "
                                              "workstation); choose one from the list")
    if pract.archived_at is not None:
        raise ValidationError("practitioner", f"{pract.name} is archived; restore them under Practitioners "
                                              "first, or choose another practitioner")
    other = tx.scalar(select(User).where(User.practitioner_id == practitioner_id, User.active.is_(True),
                                         User.id != (user_id or 0)).order_by(User.id).limit(1))
    if other is not None:
        raise ValidationError("practitioner", f"{pract.name} already signs in as {other.username!r}; "
                                              "switch that login off first, or choose another practitioner")


def _another_active_admin(tx, user_id: int) -> bool:
    """Whether an active admin other than ``user_id`` exists (the practice must keep one)."""
    return tx.scalar(select(User.id).where(User.role == Role.ADMIN, User.active.is_(True),
                                           User.id != user_id).limit(1)) is not None


def create_user(practice: Practice, actor: Actor, username: str, display_name: str, role: str,
                password: str, practitioner_id: int | None = None) -> UserView:
    """Admin: add a login (SPEC 1.1). A practitioner login is linked to a practitioner who is not archived
    and has no other active login; an admin or front desk login to none. Audited (``user.create``)."""
    require_role(actor, "admin")
    username = _clean_username(username)
    display_name = validate.text("display name", display_name, 120)
    validate.choice("role", role, ROLES)
    _check_password(password)
    validate.optional_id("practitioner", practitioner_id)
    _check_role_link(role, practitioner_id)
    password_hash = hash_password(password)  # the slow part, before the write lock is taken
    with practice.uow() as tx:
        if _username_taken(tx, username):
            raise ValidationError("username", f"{username!r} is already taken (names are compared ignoring case)")
        if practitioner_id is not None:
            _check_practitioner_free(tx, practitioner_id)
        user = User(username=username, display_name=display_name, role=role,
                    password_hash=password_hash, practitioner_id=practitioner_id,
                    created_at=practice.clock.now(), failed_logins=0, active=True)
        tx.add(user)
        try:
            tx.flush()
        except IntegrityError as exc:  # the unique index: the name is checked above under the lock
            raise ValidationError("username", f"{username!r} is already taken") from exc
        audit.record(tx, practice, actor, "user.create", "user", user.id, role=role)
        return _view(user)


def change_password(practice: Practice, actor: Actor, old_password: str, new_password: str) -> None:
    """The signed-in user changes their own password. A wrong current password counts toward
    the same lockout as a failed sign-in, counted before it is checked; a locked account cannot
    change its password either (``LoginFailed``)."""
    validate.given_password("current password", old_password)
    _check_password(new_password)
    old_password = _text_or_empty(old_password)
    with practice.uow() as tx:
        now = practice.clock.now()
        user = tx.get(User, actor.user_id) if isinstance(actor.user_id, int) else None
        if user is None or not user.active:
            raise NotFound("Your user account no longer exists.")
        _count_attempt(tx, practice, user, now)
        stored_hash, locked_now = user.password_hash, user.locked_until is not None and user.locked_until > now
    if not verify_password(old_password, stored_hash):
        if locked_now:
            raise ValidationError("current password", "is wrong. That was too many failed attempts: your "
                                                      "account is now locked for "
                                                      f"{int(LOCKOUT.total_seconds() // 60)} minutes.")
        raise ValidationError("current password", "is wrong")
    new_hash = hash_password(new_password)
    with practice.uow() as tx:
        user = tx.get(User, actor.user_id)
        if user is None or not user.active:
            raise NotFound("Your user account no longer exists.")
        if user.password_hash != stored_hash:
            raise RuleViolation("Your password was changed meanwhile (perhaps reset by an administrator); "
                                "nothing was changed. Please try again with the current password.")
        user.password_hash = new_hash
        user.failed_logins = 0
        user.locked_until = None
        audit.record(tx, practice, actor, "user.password", "user", user.id)


def can_manage_users(actor: Actor) -> bool:
    """Whether ``actor`` may list users, unlock them and reset their passwords (admins)."""
    return capabilities(actor).manage_users


def _require_user_manager(actor: Actor) -> None:
    if not can_manage_users(actor):
        raise PermissionDenied("Only an administrator can manage users.")


def unlock_user(practice: Practice, actor: Actor, user_id: int) -> UserView:
    """Admin: lift a lockout now and forget the failed attempts (SPEC 1.2), audited. A locked
    admin is unlocked by another admin, or the lock expires after ``LOCKOUT`` (15 minutes)."""
    _require_user_manager(actor)
    validate.whole("user", user_id, 1, validate.MAX_ID)
    with practice.uow() as tx:
        now = practice.clock.now()
        user = tx.get(User, user_id)
        if user is None:
            raise NotFound("That user does not exist.")
        was_locked = user.locked_until is not None and user.locked_until > now
        user.failed_logins = 0
        user.locked_until = None
        audit.record(tx, practice, actor, "user.unlock", "user", user.id, was_locked=was_locked)
        return _view(user, now)


def reset_password(practice: Practice, actor: Actor, user_id: int, new_password: str) -> UserView:
    """Admin: give a user a new password (they forgot theirs, or it leaked); also unlocks them.
    Audited; the password itself is never recorded."""
    _require_user_manager(actor)
    validate.whole("user", user_id, 1, validate.MAX_ID)
    _check_password(new_password)
    new_hash = hash_password(new_password)  # the slow part, outside the write lock
    with practice.uow() as tx:
        user = tx.get(User, user_id)
        if user is None:
            raise NotFound("That user does not exist.")
        user.password_hash = new_hash
        user.failed_logins = 0
        user.locked_until = None
        audit.record(tx, practice, actor, "user.password_reset", "user", user.id)
        return _view(user, practice.clock.now())


def set_user_active(practice: Practice, actor: Actor, user_id: int, active: bool) -> UserView:
    """Admin: switch a user's account off (they can no longer sign in; their name stays on what they
    did) or on again. Users are never deleted. An admin cannot switch off their own account, and the
    last active admin cannot be switched off, so the practice always keeps someone who can manage it."""
    _require_user_manager(actor)
    validate.whole("user", user_id, 1, validate.MAX_ID)
    validate.flag("active", active)
    with practice.uow() as tx:
        user = tx.get(User, user_id)
        if user is None:
            raise NotFound("That user does not exist.")
        if not active and user.active:
            if user.id == actor.user_id:
                raise RuleViolation("You cannot switch off your own account while you are signed in with it.")
            if user.role == Role.ADMIN and not _another_active_admin(tx, user.id):
                raise RuleViolation("This is the practice's only active administrator; add another "
                                    "administrator before switching this one off.")
        if user.active != active:
            user.active = active
            audit.record(tx, practice, actor, "user.activate" if active else "user.deactivate", "user", user.id)
        return _view(user, practice.clock.now())


class Keep(Enum):
    """The default of ``update_user``'s fields: leave this one as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _practitioner_name(tx, practitioner_id: int | None) -> str | None:
    """How the audit log names a linked practitioner: by name, as the session audit names clients."""
    return None if practitioner_id is None else tx.get(Practitioner, practitioner_id).name


def update_user(practice: Practice, actor: Actor, user_id: int, *, display_name: str | Keep = KEEP,
                role: str | Keep = KEEP, practitioner_id: int | None | Keep = KEEP) -> UserView:
    """Admin: change a user's display name, role or linked practitioner (SPEC 1.1); a field not given
    stays as it is. The user name and the password are not changed here (``reset_password``).

    A practitioner login is linked to a practitioner who exists, is not archived and has no other active
    login (checked when the link or the role changes, so a user whose practitioner was archived later can
    still be renamed); an admin or front desk login has no link: changing the role away from practitioner
    without naming a practitioner drops the link. The practice's last active administrator keeps the
    administrator role (``RuleViolation``), as ``set_user_active`` keeps them switched on. One
    transaction, audited as ``user.update`` with each changed field's value before and after; nothing
    changes, and nothing is audited, when the values are the ones stored. A demoted admin who is signed
    in keeps the role they signed in with until they sign out."""
    _require_user_manager(actor)
    validate.whole("user", user_id, 1, validate.MAX_ID)
    if display_name is not KEEP:
        display_name = validate.text("display name", display_name, 120)
    if role is not KEEP:
        role = Role(validate.choice("role", role, ROLES))
    if practitioner_id is not KEEP:
        practitioner_id = validate.optional_id("practitioner", practitioner_id)
    with practice.uow() as tx:
        user = tx.get(User, user_id)
        if user is None:
            raise NotFound("That user does not exist.")
        new_role = user.role if role is KEEP else role
        if practitioner_id is KEEP:  # the link stays while the role does; another role has none
            practitioner_id = user.practitioner_id if new_role == Role.PRACTITIONER else None
        _check_role_link(new_role, practitioner_id)
        if new_role == Role.PRACTITIONER and (user.role, user.practitioner_id) != (new_role, practitioner_id):
            _check_practitioner_free(tx, practitioner_id, user.id)
        if user.role == Role.ADMIN and new_role != Role.ADMIN and user.active \
                and not _another_active_admin(tx, user.id):
            if user.id == actor.user_id:
                raise RuleViolation("You are the practice's only active administrator, so your role stays "
                                    "Administrator. Make another user an administrator first.")
            raise RuleViolation(f"{user.display_name} is the practice's only active administrator, so their "
                                "role stays Administrator. Make another user an administrator first.")
        changes = {}
        if display_name is not KEEP and display_name != user.display_name:
            changes["name"] = {"before": user.display_name, "after": display_name}
            user.display_name = display_name
        if new_role != user.role:
            changes["role"] = {"before": user.role, "after": str(new_role)}
            user.role = str(new_role)
        if practitioner_id != user.practitioner_id:
            changes["practitioner"] = {"before": _practitioner_name(tx, user.practitioner_id),
                                       "after": _practitioner_name(tx, practitioner_id)}
            user.practitioner_id = practitioner_id
        if changes:
            audit.record(tx, practice, actor, "user.update", "user", user.id, changes=changes)
        return _view(user, practice.clock.now())


def list_users(practice: Practice, actor: Actor) -> list[UserView]:
    require_role(actor, "admin")
    with practice.read() as tx:
        now = practice.clock.now()
        return [_view(u, now) for u in tx.scalars(select(User).order_by(User.username))]


def first_admin(practice: Practice) -> UserView | None:
    """The practice's first active admin: used by --screenshot, which renders without a login."""
    with practice.read() as tx:
        u = tx.scalar(select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id))
        return _view(u) if u else None

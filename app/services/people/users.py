"""Users, roles and login (SPEC 1.1-1.2), and setting up a new practice file."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...models import Practitioner, Setting, User
from ...models.people import ROLES
from .. import audit, validate
from ..errors import LoginFailed, NotFound, ValidationError
from ..practice import DEFAULT_SETTINGS, Actor, Practice
from .passwords import hash_password, verify_password
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

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.role, self.practitioner_id)


def _view(u: User) -> UserView:
    return UserView(u.id, u.username, u.display_name, u.role, u.practitioner_id, u.active)


def _check_password(password) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ValidationError("password", f"must have at least {MIN_PASSWORD} characters")
    return password


def create_practice(path: str | Path, name: str, timezone: str, admin_username: str, admin_password: str,
                    currency: str = "USD", locale: str = "en_US", clock=None) -> Practice:
    """Create a new practice file with its settings and first admin (SPEC 1.5), whole or not at all
    (SPEC 0.7): it is built in a temporary file beside ``path`` and appears at ``path`` only once
    complete, so a crash part-way never leaves a practice nobody can sign in to. Refuses an
    existing ``path``. Returns the new practice, open."""
    name = validate.text("practice name", name, 120)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("time zone", f"{timezone!r} is not an IANA time zone") from exc
    admin_username = validate.text("username", admin_username, 64)
    _check_password(admin_password)
    path = Path(path)
    if path.exists():
        raise ValidationError("practice file", f"{path} already exists; a new practice needs a new file")
    from ...db import new_practice_file

    try:
        with new_practice_file(path) as engine:
            building = Practice(engine, clock=clock)
            with building.uow() as tx:
                values = {**DEFAULT_SETTINGS, "practice_name": name, "timezone": timezone,
                          "currency": currency, "locale": locale}
                for key, value in values.items():
                    tx.merge(Setting(key=key, value=json.dumps(value)))
                user = User(username=admin_username, display_name="Administrator", role="admin",
                            password_hash=hash_password(admin_password), created_at=building.clock.now(),
                            failed_logins=0, active=True)
                tx.add(user)
                tx.flush()
                audit.record(tx, building, None, "practice.create", "user", user.id, name=name)
    except FileExistsError as exc:  # made by someone else while this one was being built
        raise ValidationError("practice file", f"{path} already exists; a new practice needs a new file") from exc
    return Practice.open(path, clock=clock)


WRONG = "Unknown user name or wrong password."


def login(practice: Practice, username: str, password: str) -> UserView:
    """Checks the password; after MAX_FAILED_LOGINS failures the account is locked for LOCKOUT.

    Each attempt is counted before its password is checked, in its own short transaction, so
    guesses made in parallel from several workstations are all counted and the lock holds
    (SPEC 1.2); the slow hash runs outside the write lock."""
    name = (username or "").strip() if isinstance(username, str) else ""
    with practice.uow() as tx:
        now = practice.clock.now()
        user = tx.scalar(select(User).where(User.username == name))
        if user is None or not user.active:
            user_id, stored_hash = None, None
        else:
            if user.locked_until and user.locked_until > now:
                minutes = int((user.locked_until - now).total_seconds() // 60) + 1
                raise LoginFailed(f"Too many failed attempts: this account is locked for {minutes} more minutes.")
            user.failed_logins += 1  # counted now, forgiven below if the password is right
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + LOCKOUT
                user.failed_logins = 0
                audit.record(tx, practice, None, "user.locked", "user", user.id)
            user_id, stored_hash = user.id, user.password_hash
    if stored_hash is None:
        verify_password(password if isinstance(password, str) else "", hash_password("timing-equaliser"))
        raise LoginFailed(WRONG)
    if not verify_password(password if isinstance(password, str) else "", stored_hash):
        raise LoginFailed(WRONG)
    with practice.uow() as tx:
        user = tx.get(User, user_id)
        if user is None or not user.active:
            raise LoginFailed(WRONG)
        user.failed_logins = 0
        user.locked_until = None
        audit.record(tx, practice, _view(user).actor, "user.login", "user", user.id)
        return _view(user)


def create_user(practice: Practice, actor: Actor, username: str, display_name: str, role: str,
                password: str, practitioner_id: int | None = None) -> UserView:
    require_role(actor, "admin")
    username = validate.text("username", username, 64)
    display_name = validate.text("display name", display_name, 120)
    validate.choice("role", role, ROLES)
    _check_password(password)
    if role == "practitioner" and practitioner_id is None:
        raise ValidationError("practitioner", "a practitioner login must be linked to a practitioner")
    with practice.uow() as tx:
        if tx.scalar(select(User.id).where(User.username == username)):
            raise ValidationError("username", f"{username!r} is already taken")
        if practitioner_id is not None and tx.get(Practitioner, practitioner_id) is None:
            raise ValidationError("practitioner", "no such practitioner")
        user = User(username=username, display_name=display_name, role=role,
                    password_hash=hash_password(password), practitioner_id=practitioner_id,
                    created_at=practice.clock.now(), failed_logins=0, active=True)
        tx.add(user)
        try:
            tx.flush()
        except IntegrityError as exc:  # the unique index: the name is checked above under the lock
            raise ValidationError("username", f"{username!r} is already taken") from exc
        audit.record(tx, practice, actor, "user.create", "user", user.id, role=role)
        return _view(user)


def change_password(practice: Practice, actor: Actor, old_password: str, new_password: str) -> None:
    _check_password(new_password)
    with practice.uow() as tx:
        user = tx.get(User, actor.user_id)
        if user is None:
            raise NotFound("user")
        if not verify_password(old_password or "", user.password_hash):
            raise ValidationError("current password", "is wrong")
        user.password_hash = hash_password(new_password)
        audit.record(tx, practice, actor, "user.password", "user", user.id)


def list_users(practice: Practice, actor: Actor) -> list[UserView]:
    require_role(actor, "admin")
    with practice.read() as tx:
        return [_view(u) for u in tx.scalars(select(User).order_by(User.username))]


def first_admin(practice: Practice) -> UserView | None:
    """The practice's first active admin: used by --screenshot, which renders without a login."""
    with practice.read() as tx:
        u = tx.scalar(select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id))
        return _view(u) if u else None

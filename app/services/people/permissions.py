"""Role checks (SPEC 1.1). Hiding a button is not enforcement: services call these."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...models.enums import Role
from ..errors import PermissionDenied

if TYPE_CHECKING:
    from ..practice import Actor


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied(f"A {actor.role} may not do this (needs {' or '.join(roles)}).")


def require_front_desk(actor: Actor) -> None:
    require_role(actor, Role.ADMIN, Role.STAFF)


def require_session_access(actor: Actor, practitioner_id: int) -> None:
    """Admin and staff reach every session; a practitioner only their own."""
    if actor.is_front_desk:
        return
    if actor.role == Role.PRACTITIONER and actor.practitioner_id == practitioner_id:
        return
    raise PermissionDenied("A practitioner may only work on their own sessions.")

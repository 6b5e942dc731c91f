"""Double-booking warnings (SPEC 2.5): practitioner, client or location booked twice."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ...models import Client, Location, Participant, PracticeSession, Practitioner
from ...models.enums import SessionStatus, WarningCode
from ..errors import Warning_

S = PracticeSession


def _when(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    return f"{a:%a %d %b %Y} {a:%H:%M}\u2013{b:%H:%M}"


def find_conflicts(tx: Session, tz: ZoneInfo, slots: Sequence[tuple[datetime, datetime]], practitioner_id: int,
                   location_id: int | None, client_ids: Sequence[int],
                   exclude_ids: Sequence[int] = ()) -> list[Warning_]:
    """Warnings for every live, not-canceled session that overlaps one of ``slots`` and shares the
    practitioner, the location or a client. One query over the whole span, then exact overlaps."""
    if not slots:
        return []
    lo = min(s for s, _ in slots)
    hi = max(e for _, e in slots)
    shares = [S.practitioner_id == practitioner_id,
              exists().where(Participant.session_id == S.id, Participant.is_booked(),
                             Participant.client_id.in_(list(client_ids)))]
    if location_id is not None:
        shares.append(S.location_id == location_id)
    q = (select(S.id, S.start_at, S.end_at, S.practitioner_id, S.location_id, Practitioner.name, Location.name)
         .join(Practitioner, Practitioner.id == S.practitioner_id)
         .outerjoin(Location, Location.id == S.location_id)
         .where(S.deleted_at.is_(None), S.status != SessionStatus.CANCELED, S.start_at < hi, S.end_at > lo, or_(*shares))
         .order_by(S.start_at))
    if exclude_ids:
        q = q.where(S.id.not_in(list(exclude_ids)))
    others = tx.execute(q).all()
    if not others:
        return []
    parts: dict[int, list[tuple[int, str]]] = {}
    for sid, cid, first, last in tx.execute(
            select(Participant.session_id, Participant.client_id, Client.first_name, Client.last_name)
            .join(Client, Client.id == Participant.client_id)
            .where(Participant.session_id.in_([o[0] for o in others]), Participant.is_booked())):
        parts.setdefault(sid, []).append((cid, f"{first} {last}"))
    wanted = set(client_ids)
    warnings: list[Warning_] = []
    for sid, start, end, pid, lid, pname, lname in others:
        if not any(start < e and end > s for s, e in slots):
            continue
        when = _when(start, end, tz)
        names = ", ".join(n for _, n in parts.get(sid, []))
        with_names = f" with {names}" if names else ""
        if pid == practitioner_id:  # the practitioner's own session: its clients are theirs to know
            warnings.append(Warning_(WarningCode.CONFLICT_PRACTITIONER, f"{pname} is already booked {when}{with_names}."))
        for cid, cname in parts.get(sid, []):
            if cid in wanted:
                warnings.append(Warning_(
                    WarningCode.CONFLICT_CLIENT, f"{cname} already has a session {when} with {pname}.",
                    redacted=None if pid == practitioner_id else f"{cname} already has a session {when}."))
        if location_id is not None and lid == location_id:
            warnings.append(Warning_(
                WarningCode.CONFLICT_LOCATION, f"{lname} is already in use {when}{with_names}.",
                redacted=None if pid == practitioner_id else f"{lname} is already in use {when}."))
    return warnings

"""The published group-sessions list (SPEC 11.2): the displayed sessions of the classes still open
for enrollment, each class's details with every session of it; exported as an HTML page or an
iCalendar file for the practice's web site. Front desk only. Client names never appear in it."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from ...documents.class_list import PublishedClass, PublishedList, PublishedSession, html_page, ics_bytes
from ...models import Location, PracticeSession, Practitioner, Service
from ...models.classes import ClassSession, PracticeClass
from ...models.enums import SessionStatus
from .. import validate
from ..errors import ValidationError
from ..money.amounts import format_money
from ..people.permissions import require_front_desk
from ..practice import Actor, Practice
from .classes import _free_seats, _held


def published_list(practice: Practice, actor: Actor) -> PublishedList:
    """Live classes with at least one displayed session not yet held. Their listed sessions are the
    displayed ones not yet held; their details every session of the class (SPEC 11.2)."""
    require_front_desk(actor)
    conf, tz, now = practice.settings(), practice.tz, practice.clock.now()

    def money(cents: int) -> str:
        return format_money(cents, conf["currency"], conf["locale"])

    with practice.read() as tx:
        rows = tx.execute(select(PracticeClass, Service.cost_cents, PracticeSession, ClassSession.displayed,
                                 Practitioner.name, Location.name)
                          .join(Service, Service.id == PracticeClass.service_id)
                          .join(ClassSession, ClassSession.class_id == PracticeClass.id)
                          .join(PracticeSession, PracticeSession.id == ClassSession.session_id)
                          .join(Practitioner, Practitioner.id == PracticeSession.practitioner_id)
                          .outerjoin(Location, Location.id == PracticeSession.location_id)
                          .where(PracticeClass.archived_at.is_(None), PracticeSession.deleted_at.is_(None))
                          .order_by(PracticeClass.id, PracticeSession.start_at, PracticeSession.id)).all()
        by_class: dict[int, list] = {}
        for row in rows:
            by_class.setdefault(row[0].id, []).append(row)
        out = []
        for group in by_class.values():
            c, cost = group[0][0], group[0][1]
            sessions, listed = [], []
            for _c, _cost, s, shown, pract, loc in group:
                one = PublishedSession(s.id, s.start_at.astimezone(tz), s.end_at.astimezone(tz), pract, loc or "",
                                       _held(s, now))
                sessions.append(one)
                if shown and not one.held and s.status == SessionStatus.OPEN:
                    listed.append(one)
            if listed:
                out.append(PublishedClass(c.id, c.name, money(cost), money(cost * len(sessions)),
                                          max(0, _free_seats(tx, c)), c.enroll_deadline.astimezone(tz),
                                          tuple(listed), tuple(sessions)))
    out.sort(key=lambda pc: (pc.listed[0].start, pc.name))
    return PublishedList(conf["practice_name"], conf.get("practice_address", ""), now.astimezone(tz), tuple(out))


def export_html(practice: Practice, actor: Actor, path) -> Path:
    """Write the published list as an HTML page to ``path`` (an absolute .html or .htm file name)."""
    name = _target(path, (".html", ".htm"))
    require_front_desk(actor)
    return _write(name, html_page(published_list(practice, actor)).encode("utf-8"))


def export_ics(practice: Practice, actor: Actor, path) -> Path:
    """Write the published list as an iCalendar file to ``path`` (an absolute .ics file name)."""
    name = _target(path, (".ics",))
    require_front_desk(actor)
    return _write(name, ics_bytes(published_list(practice, actor)))


def _target(path, suffixes: tuple[str, ...]) -> Path:
    name = Path(validate.a_path("file", path))
    if not name.is_absolute():
        raise ValidationError("file", "must be a full path (choose where to save it)")
    if name.suffix.lower() not in suffixes:
        raise ValidationError("file", f"must end in {' or '.join(suffixes)}")
    try:
        if not name.parent.is_dir():
            raise ValidationError("file", f"cannot be saved: there is no folder {name.parent}")
        if name.is_dir():
            raise ValidationError("file", "is a folder, not a file name")
    except OSError as exc:
        raise ValidationError("file", f"cannot be saved there ({exc.strerror or exc})") from exc
    return name


def _write(name: Path, data: bytes) -> Path:
    """The whole file or nothing: written beside the target, then moved over it."""
    part = name.with_name(f".{name.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, name)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise ValidationError("file", f"could not be written ({exc.strerror or exc})") from exc
    return name

"""Accounting > Invoices > Auto: the automatic invoicing settings (SPEC 10.1).

Kept as one row of the practice's settings table (key ``auto_invoicing``, JSON). An admin changes
them; the front desk reads them. A run reads them again inside its own transaction (``read_in``),
so a change made at another desk meanwhile is what it acts on.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Setting
from ...models.enums import BillingInterval, Role
from .. import audit, validate
from ..errors import ValidationError
from ..people.permissions import require_front_desk, require_role
from ..practice import DEFAULT_SETTINGS, Actor, Practice
from .schedule import AutoInvoiceSettings

KEY = "auto_invoicing"
MAX_BACK_DAYS = 366
INTERVALS = tuple(BillingInterval)


@dataclass(frozen=True)
class AutoInvoiceInput:
    """What the settings page saves (the practice's time zone is not one of them)."""

    enabled: bool
    interval: str  # weekly | biweekly | monthly
    weekday: int  # 0 = Monday ... 6 = Sunday: the day of weekly and biweekly runs
    run_time: time  # local time of day, whole minutes
    completed: bool  # invoice the completed sessions of the period just ended
    scheduled: bool  # invoice the scheduled sessions of the coming period
    email: bool  # e-mail each invoice with its PDF attached
    start_date: date  # the first day a run may fall on and a session be invoiced from


def _today(practice: Practice) -> date:
    return practice.clock.now().astimezone(practice.tz).date()


def _from_json(raw: str | None, timezone: str, today: date) -> AutoInvoiceSettings:
    if raw is None:
        return AutoInvoiceSettings(start_date=today, timezone=timezone)
    d = json.loads(raw)
    return AutoInvoiceSettings(enabled=d["enabled"], interval=d["interval"], weekday=d["weekday"],
                               run_time=time.fromisoformat(d["run_time"]), completed=d["completed"],
                               scheduled=d["scheduled"], email=d["email"],
                               start_date=date.fromisoformat(d["start_date"]), timezone=timezone)


def _to_json(s: AutoInvoiceInput) -> str:
    return json.dumps({"enabled": s.enabled, "interval": str(s.interval), "weekday": s.weekday,
                       "run_time": f"{s.run_time:%H:%M}", "completed": s.completed, "scheduled": s.scheduled,
                       "email": s.email, "start_date": s.start_date.isoformat()}, sort_keys=True)


def get_auto_invoicing(practice: Practice, actor: Actor) -> AutoInvoiceSettings:
    """The settings as saved (switched off, monthly at 18:00, completed sessions, e-mailed, from
    today, until an admin saves them)."""
    require_front_desk(actor)
    stored = practice.settings().get(KEY)
    return _from_json(json.dumps(stored) if stored is not None else None, practice.settings()["timezone"],
                      _today(practice))


def read_in(tx: Session, practice: Practice) -> AutoInvoiceSettings:
    """The settings as stored now, read in the caller's transaction (a run's), not the cached copy."""
    rows = dict(tx.execute(select(Setting.key, Setting.value).where(Setting.key.in_((KEY, "timezone")))).all())
    timezone = json.loads(rows["timezone"]) if "timezone" in rows else DEFAULT_SETTINGS["timezone"]
    return _from_json(rows.get(KEY), timezone, _today(practice))


def _run_time(value) -> time:
    if isinstance(value, datetime) or not isinstance(value, time):
        raise ValidationError("time of day", "must be a time of day like 18:00")
    if value.tzinfo is not None:
        raise ValidationError("time of day", "is in the practice's time zone: give it without a time zone")
    if value.second or value.microsecond:
        raise ValidationError("time of day", "must be whole minutes, like 18:00")
    return value


def check(value) -> AutoInvoiceInput:
    """The settings checked field by field; bad input raises ``ValidationError`` naming the field."""
    s = validate.form("automatic invoicing settings", value, AutoInvoiceInput)
    clean = AutoInvoiceInput(
        enabled=validate.flag("automatic invoicing on", s.enabled),
        interval=BillingInterval(validate.choice("how often", s.interval, INTERVALS)),
        weekday=validate.whole("day of the week", s.weekday, 0, 6),
        run_time=_run_time(s.run_time),
        completed=validate.flag("completed sessions", s.completed),
        scheduled=validate.flag("scheduled sessions", s.scheduled),
        email=validate.flag("e-mail the invoices", s.email),
        start_date=validate.a_date("start date", s.start_date))
    if not (clean.completed or clean.scheduled):
        raise ValidationError("sessions to invoice", "must be completed sessions, scheduled sessions or both")
    return clean


def _recent(practice: Practice, start: date) -> None:
    """A start date at most a year back: switching on never bills years of old sessions at once
    (those are invoiced by hand), and catch-up stays a handful of cycles."""
    today = _today(practice)
    if start < today - timedelta(days=MAX_BACK_DAYS):
        raise ValidationError("start date", f"must be no more than a year ago (on or after "
                                            f"{today - timedelta(days=MAX_BACK_DAYS):%d %b %Y})")


def preview(practice: Practice, value: AutoInvoiceInput) -> AutoInvoiceSettings:
    """The settings the page shows as typed, with the practice's time zone (for the live sentence);
    checked as ``update_auto_invoicing`` checks them, nothing saved."""
    s = check(value)
    _recent(practice, s.start_date)
    return AutoInvoiceSettings(s.enabled, s.interval, s.weekday, s.run_time, s.completed, s.scheduled, s.email,
                               s.start_date, practice.settings()["timezone"])


def update_auto_invoicing(practice: Practice, actor: Actor, value: AutoInvoiceInput) -> AutoInvoiceSettings:
    """Save the settings (admin only). A start date in the past makes the cycles since then due at
    once (catch-up); cycles already run are never run again."""
    clean = check(value)
    _recent(practice, clean.start_date)
    require_role(actor, Role.ADMIN)
    with practice.uow() as tx:
        tx.merge(Setting(key=KEY, value=_to_json(clean)))
        audit.record(tx, practice, actor, "auto_invoicing.settings", "setting", None, enabled=clean.enabled,
                     interval=str(clean.interval), run_time=f"{clean.run_time:%H:%M}", weekday=clean.weekday,
                     completed=clean.completed, scheduled=clean.scheduled, email=clean.email,
                     start_date=clean.start_date)
    practice.settings_changed()
    return get_auto_invoicing(practice, actor)

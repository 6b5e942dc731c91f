"""Practice-wide settings kept in the database (name, address, time zone, currency, locale,
working hours). Secrets never live here (SPEC 0.6)."""
from __future__ import annotations

import json

from sqlalchemy import exists, select

from ..models import Invoice, LedgerEntry, Setting
from ..models.enums import PrepaymentMode
from . import audit, validate
from .errors import ValidationError
from .money import numbering
from .people.permissions import require_role
from .practice import DEFAULT_SETTINGS, Actor, Practice


def _check(key: str, value, currency: str = "USD"):
    if key == "practice_name":
        return validate.text("practice name", value, 120)
    if key == "practice_address":
        return validate.text("practice address", value, 500, required=False)
    if key == "timezone":
        return validate.timezone("time zone", value)
    if key == "currency":
        return validate.currency("currency", value)
    if key == "locale":  # SPEC 0.1: every amount is shown in it, so an unknown one is refused here
        return validate.locale("locale", value)
    if key in ("day_start_hour", "day_end_hour"):
        return validate.whole(key.replace("_", " "), value, 0, 24)
    if key == "prepayment_mode":
        return validate.choice("prepayment mode", value, tuple(PrepaymentMode))
    if key == "threshold_cents":
        return validate.amount("minimum threshold", value, currency)
    if key == "invoice_number_format":  # SPEC 9.1: {year} and {seq}, e.g. {year}-{seq:04d}
        return numbering.check_format("invoice number format", value)
    if key == "credit_note_number_format":
        return numbering.check_format("credit note number format", value)
    if key == "payment_terms_days":
        return validate.whole("payment terms", value, 0, 365)
    if key == "payment_instructions":
        return validate.text("payment instructions", value, 1000, required=False)
    if key == "tax_note":
        return validate.text("tax id or exemption note", value, 300, required=False)
    raise ValidationError(key[:40], "is not a practice setting")


def _money_recorded(tx) -> bool:
    """Any ledger line or invoice: amounts that would be read in another currency's units (SPEC 0.1)."""
    return bool(tx.scalar(select(exists().where(LedgerEntry.id.is_not(None)))) or
                tx.scalar(select(exists().where(Invoice.id.is_not(None)))))


def get_settings(practice: Practice, actor: Actor) -> dict:
    return dict(practice.settings())


def update_settings(practice: Practice, actor: Actor, **changes) -> dict:
    """Change some settings (admin only). All are checked before any is written."""
    require_role(actor, "admin")
    currency = _check("currency", changes["currency"]) if "currency" in changes else practice.settings()["currency"]
    clean = {k: _check(k, v, currency) for k, v in changes.items()}
    merged = {**practice.settings(), **clean}
    if merged["day_start_hour"] >= merged["day_end_hour"]:
        raise ValidationError("day end hour", "must be after the day start hour")
    if (numbering.format_number(merged["invoice_number_format"], 2026, 1)
            == numbering.format_number(merged["credit_note_number_format"], 2026, 1)):
        raise ValidationError("credit note number format", "must differ from the invoice number format "
                                                           "(e.g. CN-{year}-{seq:04d})")
    with practice.uow() as tx:
        if clean.get("currency", merged["currency"]) != practice.settings()["currency"] and _money_recorded(tx):
            raise ValidationError("currency", "cannot change once money is recorded: every amount already saved "
                                              "is in the current currency")
        for k, v in clean.items():
            tx.merge(Setting(key=k, value=json.dumps(v)))
        audit.record(tx, practice, actor, "settings.update", "setting", None, keys=sorted(clean))
    practice.settings_changed()
    return {k: merged[k] for k in DEFAULT_SETTINGS}

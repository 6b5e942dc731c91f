"""Custom completion types and the three defaults (SPEC 4.4, 4.5, 0.5)."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, CompletionType
from app.services.errors import PermissionDenied, RuleViolation, ValidationError
from app.services.money import ledger
from app.services.scheduling import completion, sessions
from app.services.scheduling.completion import CompletionTypeInput


def type_count(practice) -> int:
    with practice.read() as tx:
        return tx.scalar(select(func.count(CompletionType.id)))


def labels(practice, actor, **kw) -> list[str]:
    return [t.label for t in completion.list_completion_types(practice, actor, **kw)]


def late_cancel(**kw) -> CompletionTypeInput:
    values = dict(base_status="canceled", label="Late Cancel", description="under 24 h",
                  modifier_type="percentage", client_modifier=50, practitioner_modifier=50)
    return CompletionTypeInput(**{**values, **kw})


@pytest.fixture
def one_session(make):
    pr, svc, c = make.practitioner(), make.service(cost=8000, wage=4000), make.client()
    [s] = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), svc, pr, [c])
    return s, c


# SPEC 4.5
def test_defaults_are_offered_first_in_order(practice, admin):
    assert labels(practice, admin) == ["Completed", "Missed", "Canceled"]
    for key in ("completed", "missed", "canceled"):
        t = completion.type_by_key(practice, key)
        assert t.is_default and t.enabled and t.base_status == key


# SPEC 4.4
def test_create_custom_type(practice, admin):
    t = completion.create_completion_type(practice, admin, late_cancel())
    assert (t.key, t.base_status, t.label, t.modifier_type, t.client_modifier, t.practitioner_modifier) == (
        None, "canceled", "Late Cancel", "percentage", 50, 50)
    assert labels(practice, admin) == ["Completed", "Missed", "Canceled", "Late Cancel"]


# SPEC 4.4
def test_label_of_exactly_15_characters_is_accepted(practice, admin):
    t = completion.create_completion_type(practice, admin, late_cancel(label="A" * 15))
    assert t.label == "A" * 15


# SPEC 4.4, 0.5
@pytest.mark.parametrize("bad, field", [
    (dict(label="A" * 16), "label"),
    (dict(label="   "), "label"),
    (dict(label="Completed"), "label"),  # already used (case-insensitively) by a default
    (dict(base_status="open"), "base status"),
    (dict(base_status="done"), "base status"),
    (dict(modifier_type="ratio"), "modifier type"),
    (dict(client_modifier=12.5), "client modifier"),
    (dict(practitioner_modifier=12.5), "practitioner modifier"),
    (dict(client_modifier="50"), "client modifier"),
    (dict(client_modifier=-1), "client modifier"),
    (dict(practitioner_modifier=True), "practitioner modifier"),
])
def test_bad_type_input_names_the_field_and_writes_nothing(practice, admin, bad, field):
    before = type_count(practice)
    with pytest.raises(ValidationError) as err:
        completion.create_completion_type(practice, admin, late_cancel(**bad))
    assert err.value.field == field
    assert type_count(practice) == before


# SPEC 4.4, 0.5
def test_bad_edit_leaves_the_type_unchanged(practice, admin):
    t = completion.create_completion_type(practice, admin, late_cancel())
    with pytest.raises(ValidationError) as err:
        completion.update_completion_type(practice, admin, t.id, late_cancel(label="Sixteen chars!!!"))
    assert err.value.field == "label"
    [again] = [x for x in completion.list_completion_types(practice, admin) if x.id == t.id]
    assert again == t


# SPEC 4.5
@pytest.mark.parametrize("key", ["completed", "missed", "canceled"])
def test_switched_off_default_is_not_offered_and_cannot_be_used(practice, admin, one_session, key):
    s, c = one_session
    t = completion.type_by_key(practice, key)
    off = completion.set_completion_type_enabled(practice, admin, t.id, False)
    assert off.enabled is False
    assert t.label not in labels(practice, admin)
    assert t.label in labels(practice, admin, enabled_only=False)
    with pytest.raises(ValidationError) as err:
        completion.complete_session(practice, admin, s.id, t.id)
    assert err.value.field == "status"
    assert sessions.get_session(practice, admin, s.id).status == "open"
    assert ledger.client_balance(practice, admin, c.id) == 0

    completion.set_completion_type_enabled(practice, admin, t.id, True)
    assert t.label in labels(practice, admin)
    assert completion.complete_session(practice, admin, s.id, t.id).status == key


# SPEC 4.5
def test_defaults_cannot_be_edited_or_removed(practice, admin):
    t = completion.type_by_key(practice, "missed")
    with pytest.raises(RuleViolation):
        completion.update_completion_type(practice, admin, t.id, late_cancel(label="No show"))
    with pytest.raises(RuleViolation):
        completion.remove_completion_type(practice, admin, t.id)
    assert completion.type_by_key(practice, "missed") == t


# SPEC 4.5
def test_edit_custom_type_keeps_earlier_saved_sessions(practice, admin, one_session):
    s, c = one_session
    t = completion.create_completion_type(practice, admin, late_cancel())
    completion.complete_session(practice, admin, s.id, t.id)
    edited = completion.update_completion_type(practice, admin, t.id, late_cancel(
        label="Late Fee", modifier_type="fixed", client_modifier=10, practitioner_modifier=3))
    assert (edited.label, edited.modifier_type, edited.client_modifier) == ("Late Fee", "fixed", 10)
    view = sessions.get_session(practice, admin, s.id)
    assert view.completion_label == "Late Cancel"
    assert [x.charge_cents for x in view.clients] == [4000]
    assert view.wage_cents == 2000
    assert ledger.client_balance(practice, admin, c.id) == -4000
    # saving again uses the edited type
    view = completion.complete_session(practice, admin, s.id, t.id)
    assert view.completion_label == "Late Fee"
    assert [x.charge_cents for x in view.clients] == [1000]
    assert ledger.client_balance(practice, admin, c.id) == -1000


# SPEC 4.5
def test_remove_custom_type_keeps_earlier_saved_sessions(practice, admin, one_session):
    s, c = one_session
    t = completion.create_completion_type(practice, admin, late_cancel())
    completion.complete_session(practice, admin, s.id, t.id)
    completion.remove_completion_type(practice, admin, t.id)
    assert "Late Cancel" not in labels(practice, admin, enabled_only=False)
    view = sessions.get_session(practice, admin, s.id)
    assert (view.status, view.completion_label, view.wage_cents) == ("canceled", "Late Cancel", 2000)
    assert [x.charge_cents for x in view.clients] == [4000]
    assert ledger.client_balance(practice, admin, c.id) == -4000
    with pytest.raises(ValidationError) as err:
        completion.complete_session(practice, admin, s.id, t.id)
    assert err.value.field == "status"
    assert ledger.client_balance(practice, admin, c.id) == -4000
    # a removed type's label can be used again
    again = completion.create_completion_type(practice, admin, late_cancel())
    assert again.id != t.id


# SPEC 4.5
def test_switched_off_custom_type_is_not_offered(practice, admin, one_session):
    s, _ = one_session
    t = completion.create_completion_type(practice, admin, late_cancel())
    completion.set_completion_type_enabled(practice, admin, t.id, False)
    assert "Late Cancel" not in labels(practice, admin)
    with pytest.raises(ValidationError):
        completion.complete_session(practice, admin, s.id, t.id)


# SPEC 1.1, 4.4
@pytest.mark.parametrize("role", ["staff", "practitioner"])
def test_only_admin_manages_types(practice, admin, make, role):
    pid = make.practitioner().id if role == "practitioner" else None
    who = make.user(role, practitioner_id=pid)
    t = completion.create_completion_type(practice, admin, late_cancel())
    before = type_count(practice)
    with pytest.raises(PermissionDenied):
        completion.create_completion_type(practice, who, late_cancel(label="Other"))
    with pytest.raises(PermissionDenied):
        completion.update_completion_type(practice, who, t.id, late_cancel(label="Other"))
    with pytest.raises(PermissionDenied):
        completion.set_completion_type_enabled(practice, who, t.id, False)
    with pytest.raises(PermissionDenied):
        completion.remove_completion_type(practice, who, t.id)
    assert type_count(practice) == before
    assert [x for x in completion.list_completion_types(practice, admin) if x.id == t.id] == [t]


# SPEC 0.4
def test_type_changes_are_audited(practice, admin):
    t = completion.create_completion_type(practice, admin, late_cancel())
    completion.set_completion_type_enabled(practice, admin, t.id, False)
    completion.remove_completion_type(practice, admin, t.id)
    with practice.read() as tx:
        rows = tx.execute(select(AuditEntry.action, AuditEntry.user_id).where(
            AuditEntry.entity == "completion_type", AuditEntry.entity_id == t.id).order_by(AuditEntry.id)).all()
    assert rows == [("completion_type.create", admin.user_id), ("completion_type.disable", admin.user_id),
                    ("completion_type.remove", admin.user_id)]


# SPEC 4.4: labels are compared literally (case-insensitively); "_" and "%" are not wildcards
def test_label_uniqueness_is_literal(practice, admin):
    completion.create_completion_type(practice, admin, late_cancel(label="Late Cancel"))
    t = completion.create_completion_type(practice, admin, late_cancel(label="Late_Cancel"))
    u = completion.create_completion_type(practice, admin, late_cancel(label="Late%"))
    assert (t.label, u.label) == ("Late_Cancel", "Late%")
    with pytest.raises(ValidationError) as err:
        completion.create_completion_type(practice, admin, late_cancel(label="late cancel"))
    assert err.value.field == "label"
    completion.create_completion_type(practice, admin, late_cancel(label="Fee\\1"))
    with pytest.raises(ValidationError):
        completion.create_completion_type(practice, admin, late_cancel(label="FEE\\1"))


@pytest.mark.parametrize(("currency", "unit"), [("USD", 100), ("JPY", 1), ("KWD", 1000)])
def test_a_fixed_modifier_is_whole_units_of_the_practice_currency(practice, admin, make, currency, unit):
    # SPEC 4.4 "a fixed amount in whole currency units", SPEC 0.1 "the currency's own digits"
    from datetime import datetime

    from app.services import practice_settings

    practice_settings.update_settings(practice, admin, currency=currency)
    fee = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late fee", modifier_type="fixed", client_modifier=25, practitioner_modifier=10))
    pr, client = make.practitioner(), make.client()
    [s] = make.session(datetime(2026, 1, 5, 10), datetime(2026, 1, 5, 11), make.service(cost=8000, wage=4000),
                       pr, [client])
    preview = completion.preview_completion(practice, admin, s.id, fee.id)
    assert (preview.charge_per_client_cents, preview.wage_cents) == (25 * unit, 10 * unit)
    completion.complete_session(practice, admin, s.id, fee.id)
    assert ledger.client_balance(practice, admin, client.id) == -25 * unit

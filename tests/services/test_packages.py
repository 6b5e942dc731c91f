"""Package mode (SPEC 6.3): packages defined and sold, a cost per session of X/N with the cents spread
so the N costs add up to X, full cost or none, the fixed wage, and what remains."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.models.enums import WarningCode
from app.services import practice_settings
from app.services.errors import NeedsConfirmation, PermissionDenied, RuleViolation, ValidationError
from app.services.money import ledger, packages
from app.services.money.packages import PackageInput
from app.services.scheduling import completion, deletion, sessions
from app.services.scheduling.completion import CompletionTypeInput

WIDE = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


@pytest.fixture
def shop(practice, admin, make):
    """Package mode; 'Three sessions' of therapy (hourly, $120/h, wage $60/h) for $100.00."""
    practice_settings.update_settings(practice, admin, prepayment_mode="package")
    therapy = make.service("Therapy", kind="hourly", cost=12000, wage=6000)
    other = make.service("Yoga")
    pkg = packages.create_package(practice, admin, PackageInput("Three sessions", 3, 10000, (therapy.id,)))
    return therapy, other, pkg, make.practitioner(), make.client("Ann", "Lee")


def day(n: int, hour: int = 10, minutes: int = 50) -> tuple[datetime, datetime]:
    start = datetime(2026, 1, n, hour)
    return start, start.replace(minute=minutes) if minutes < 60 else start.replace(hour=hour + 1)


def book(make, service, pr, client, n, **kw):
    [s] = make.session(*day(n), service, pr, [client], **kw)
    return s


def prices(practice, admin, ids):
    return [sessions.get_session(practice, admin, i).clients[0].price_cents for i in ids]


def type_id(practice, key):
    return completion.type_by_key(practice, key).id


# SPEC 6.3
def test_three_for_100_costs_33_34_then_33_33_twice_and_adds_up(practice, admin, make, shop):
    therapy, _, pkg, pr, ann = shop
    assert pkg.shares_cents == (3334, 3333, 3333)
    sale = packages.sell_package(practice, admin, ann.id, pkg.id, "card")
    assert (sale.sessions, sale.remaining, sale.price_cents) == (3, 3, 10000)
    assert ledger.client_balance(practice, admin, ann.id) == 10000  # the sale is a payment
    ids = [book(make, therapy, pr, ann, n).id for n in (5, 6, 7)]
    assert prices(practice, admin, ids) == [3334, 3333, 3333]  # the first sessions take the extra cent
    for i in ids:
        completion.complete_session(practice, admin, i, type_id(practice, "completed"))
    assert ledger.client_balance(practice, admin, ann.id) == 0  # exactly X charged, whatever the length
    assert packages.client_packages(practice, admin, ann.id)[0].remaining == 0


# SPEC 6.3
def test_remaining_counts_saved_consuming_and_open_sessions(practice, admin, make, shop):
    therapy, _, pkg, pr, ann = shop
    packages.sell_package(practice, admin, ann.id, pkg.id, "cash")
    a, b = book(make, therapy, pr, ann, 5), book(make, therapy, pr, ann, 6)
    assert packages.remaining_sessions(practice, admin, ann.id, therapy.id) == 1  # two open
    completion.complete_session(practice, admin, a.id, type_id(practice, "missed"))
    assert packages.remaining_sessions(practice, admin, ann.id, therapy.id) == 1  # missed consumes
    completion.complete_session(practice, admin, b.id, type_id(practice, "canceled"))
    assert packages.remaining_sessions(practice, admin, ann.id, therapy.id) == 2  # canceled gives it back
    c = book(make, therapy, pr, ann, 7)
    deletion.delete_session(practice, admin, c.id)
    assert packages.remaining_sessions(practice, admin, ann.id, therapy.id) == 2  # deleted gives it back
    deletion.recover_sessions(practice, admin, [c.id])
    assert packages.remaining_sessions(practice, admin, ann.id, therapy.id) == 1


# SPEC 6.3: what the session form shows for every chosen client, in one call
def test_remaining_for_several_clients_at_once(practice, admin, make, shop):
    therapy, yoga, pkg, pr, ann = shop
    bob = make.client("Bob", "Hart")
    packages.sell_package(practice, admin, ann.id, pkg.id, "cash")
    book(make, therapy, pr, ann, 5)
    assert packages.remaining_for(practice, admin, [ann.id, bob.id], therapy.id) == {ann.id: 2, bob.id: 0}
    assert packages.remaining_for(practice, admin, (ann.id,), yoga.id) == {ann.id: 0}  # not covered
    assert packages.remaining_for(practice, admin, [], therapy.id) == {}
    with pytest.raises(PermissionDenied):
        packages.remaining_for(practice, make.user("practitioner", practitioner_id=pr.id), [ann.id], therapy.id)


# SPEC 6.3
def test_only_full_cost_or_none_and_the_fixed_wage_whatever_the_length(practice, admin, make, shop):
    therapy, _, pkg, pr, ann = shop
    packages.sell_package(practice, admin, ann.id, pkg.id, "card")
    late = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 50))
    half = completion.create_completion_type(practice, admin, CompletionTypeInput(
        "completed", "Short", "", "percentage", 50, 50))
    long_one = make.session(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 11), therapy, pr, [ann])[0]  # 2 hours
    v = completion.complete_session(practice, admin, long_one.id, half.id)
    assert v.clients[0].charge_cents == 3334  # a custom type based on completed: the full share
    assert v.wage_cents == 6000  # the service wage, not 2 x $60 for two hours
    late_one = book(make, therapy, pr, ann, 6)
    v = completion.complete_session(practice, admin, late_one.id, late.id)
    assert v.clients[0].charge_cents == 0 and v.wage_cents == 0  # based on canceled: no cost at all
    assert ledger.client_balance(practice, admin, ann.id) == 10000 - 3334


# SPEC 6.3
def test_a_slot_given_back_is_taken_again_so_the_costs_still_add_up(practice, admin, make, shop):
    therapy, _, pkg, pr, ann = shop
    packages.sell_package(practice, admin, ann.id, pkg.id, "card")
    a, b, c = (book(make, therapy, pr, ann, n) for n in (5, 6, 7))
    completion.complete_session(practice, admin, a.id, type_id(practice, "canceled"))  # gives 33.34 back
    d = book(make, therapy, pr, ann, 8)
    assert prices(practice, admin, [d.id]) == [3334]
    for s in (b, c, d):
        completion.complete_session(practice, admin, s.id, type_id(practice, "completed"))
    assert ledger.client_balance(practice, admin, ann.id) == 0


# SPEC 6.3, 2.5
def test_nothing_remaining_refuses_a_practitioner_and_warns_staff(practice, admin, make, shop):
    therapy, _, pkg, pr, ann = shop
    packages.sell_package(practice, admin, ann.id, pkg.id, "card")
    for n in (5, 6, 7):
        book(make, therapy, pr, ann, n)
    doc = make.user("practitioner", practitioner_id=pr.id)
    with pytest.raises(RuleViolation, match="no package sessions left"):
        book(make, therapy, pr, ann, 8, actor=doc)
    staff = make.user("staff")
    with pytest.raises(NeedsConfirmation) as e:
        book(make, therapy, pr, ann, 8, actor=staff)
    assert [w.code for w in e.value.warnings] == [WarningCode.PREPAYMENT_PACKAGE]
    assert "Ann Lee has nothing left" in e.value.warnings[0].message
    over = book(make, therapy, pr, ann, 8, actor=staff, confirm=True)  # booked anyway: no slot, service price
    assert sessions.get_session(practice, admin, over.id).clients[0].price_cents == 10000  # 50 min at $120/h
    # a second package sold later gives the waiting session a slot at once
    packages.sell_package(practice, admin, ann.id, pkg.id, "cash")
    assert prices(practice, admin, [over.id]) == [3334]
    assert packages.remaining_sessions(practice, admin, ann.id, therapy.id) == 2


# SPEC 6.3
def test_a_service_the_package_does_not_cover_has_nothing_remaining(practice, admin, make, shop):
    therapy, yoga, pkg, pr, ann = shop
    packages.sell_package(practice, admin, ann.id, pkg.id, "card")
    with pytest.raises(NeedsConfirmation):
        book(make, yoga, pr, ann, 5)
    s = book(make, therapy, pr, ann, 6)
    data = sessions.SessionInput(start=day(6)[0], end=day(6)[1], service_id=yoga.id, practitioner_id=pr.id,
                                 client_ids=(ann.id,))
    sessions.update_session(practice, admin, s.id, data, confirm=True)  # moved to yoga: the slot goes back
    assert packages.remaining_sessions(practice, admin, ann.id, therapy.id) == 3


# SPEC 6.3, 2.6
def test_each_participant_of_a_group_pays_from_their_own_package(practice, admin, make, shop):
    therapy, _, pkg, pr, ann = shop
    bo = make.client("Bo", "Ray")
    two = packages.create_package(practice, admin, PackageInput("Two", 2, 9001, (therapy.id,)))
    packages.sell_package(practice, admin, ann.id, pkg.id, "card")
    packages.sell_package(practice, admin, bo.id, two.id, "card")
    [g] = make.session(*day(5), therapy, pr, [ann, bo])
    v = completion.complete_session(practice, admin, g.id, type_id(practice, "completed"))
    assert sorted(c.charge_cents for c in v.clients) == [3334, 4501]
    assert v.wage_cents == 6000  # once per session


# SPEC 6.3
def test_sales_keep_their_price_when_the_package_changes_and_archived_packages_are_not_sold(practice, admin, make,
                                                                                            shop):
    therapy, _, pkg, pr, ann = shop
    packages.sell_package(practice, admin, ann.id, pkg.id, "card")
    packages.update_package(practice, admin, pkg.id, PackageInput("Three sessions", 3, 12000, (therapy.id,)))
    assert book(make, therapy, pr, ann, 5) and prices(practice, admin, [book(make, therapy, pr, ann, 6).id]) == [3333]
    packages.set_package_archived(practice, admin, pkg.id, True)
    assert packages.list_packages(practice, admin) == []
    with pytest.raises(ValidationError, match="no longer sold"):
        packages.sell_package(practice, admin, ann.id, pkg.id, "card")


# SPEC 0.5, 1.1
@pytest.mark.parametrize("bad, field", [
    (PackageInput("", 3, 10000, (1,)), "name"),
    (PackageInput("P", 0, 10000, (1,)), "number of sessions"),
    (PackageInput("P", 3, -1, (1,)), "price"),
    (PackageInput("P", 3, 10000, ()), "services"),
    (PackageInput("P", 3, 10000, (999,)), "services"),
])
def test_bad_package_input_names_the_field_and_changes_nothing(practice, admin, make, bad, field):
    make.service("Therapy")
    with pytest.raises(ValidationError) as e:
        packages.create_package(practice, admin, bad)
    assert e.value.field == field
    assert packages.list_packages(practice, admin, include_archived=True) == []


def test_only_admin_defines_packages_and_only_the_front_desk_sells_them(practice, admin, make, shop):
    therapy, _, pkg, pr, ann = shop
    with pytest.raises(PermissionDenied):
        packages.create_package(practice, make.user("staff"), PackageInput("P", 2, 100, (therapy.id,)))
    with pytest.raises(PermissionDenied):
        packages.sell_package(practice, make.user("practitioner", practitioner_id=pr.id), ann.id, pkg.id, "card")
    assert packages.sell_package(practice, make.user("staff"), ann.id, pkg.id, "cheque", reference="No. 1042")

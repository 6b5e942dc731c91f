"""The demo practice (app/demo.py): built through the public services, it holds what it
promises, never double-books, and its money adds up."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app import demo
from app.models import LedgerEntry, Series
from app.services.money import ledger
from app.services.money.amounts import percent_of
from app.services.people import clients, practitioners, users
from app.services.scheduling import catalog, completion, deletion, sessions

pytestmark = pytest.mark.sqlite_only(reason="builds the demo practice file")

TODAY = date(2026, 3, 11)  # three months either side cross the March DST change
NY = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    p = demo.build_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite", TODAY)
    yield p
    p.close()


@pytest.fixture(scope="module")
def admin(built):
    return users.login(built, demo.DEMO_USERNAME, demo.DEMO_PASSWORD).actor


@pytest.fixture(scope="module")
def all_sessions(built, admin):
    return sessions.list_sessions(built, admin, datetime(2000, 1, 1, tzinfo=NY), datetime(2100, 1, 1, tzinfo=NY))


def test_logins_work_with_the_demo_credentials(built):  # SPEC 1.1
    assert users.login(built, demo.DEMO_USERNAME, demo.DEMO_PASSWORD).role == "admin"
    assert users.login(built, demo.FRONTDESK_USERNAME, demo.FRONTDESK_PASSWORD).role == "staff"
    maya = users.login(built, demo.PRACTITIONER_USERNAME, demo.PRACTITIONER_PASSWORD)
    assert maya.role == "practitioner" and maya.practitioner_id is not None


def test_practice_settings_and_clock(built):
    s = built.settings()
    assert s["practice_name"] == "Harbourview Therapy & Music"
    assert "Portland" in s["practice_address"]
    assert (s["timezone"], s["currency"]) == ("America/New_York", "USD")
    assert built.clock.now() == datetime.combine(TODAY, time(12), NY)
    with built.read() as tx:  # the history ends at today noon: nothing was "written" later
        assert tx.scalar(select(func.max(LedgerEntry.created_at))) <= built.clock.now()


def test_people_catalogue_and_places(built, admin):  # SPEC 1.3, 1.4
    pracs = practitioners.list_practitioners(built, admin)
    assert len(pracs) == 3
    assert len({p.color for p in pracs}) == 3
    cls = clients.list_clients(built, admin)
    assert 35 <= len(cls) <= 45
    assert len({c.name for c in cls}) == len(cls)
    assert {"email", "sms", "both"} <= {c.notify_by for c in cls}
    services = catalog.list_services(built, admin)
    assert len(services) == 6
    assert {s.kind for s in services} == {"fixed", "hourly"}
    assert any(catalog.custom_wages(built, admin, p.id) for p in pracs)
    assert len(catalog.list_locations(built, admin)) == 2
    assert "Late Cancel" in {t.label for t in completion.list_completion_types(built, admin)}


def test_sessions_span_past_and_future(all_sessions):
    assert 500 <= len(all_sessions) <= 900
    today = datetime.combine(TODAY, time(12), NY)
    assert min(v.start for v in all_sessions) < today - timedelta(days=75)
    assert max(v.start for v in all_sessions) > today + timedelta(days=75)
    assert all(v.start.weekday() < 6 for v in all_sessions)  # Mon-Sat only
    assert any(v.start.weekday() == 5 for v in all_sessions)
    assert all(8 <= v.start.hour and v.end.hour * 60 + v.end.minute <= 20 * 60 for v in all_sessions)


def test_series_of_each_kind(built, admin, all_sessions):  # SPEC 3.1
    series_ids = {v.series_id for v in all_sessions if v.series_id}
    assert len(series_ids) >= 5
    assert all(len(sessions.list_series(built, admin, sid)) > 1 for sid in series_ids)
    with built.read() as tx:
        kinds = {(s.freq, s.interval) for s in tx.scalars(select(Series))}
    assert {("weekly", 1), ("weekly", 2), ("monthly", 1)} <= kinds


def test_a_group_session_every_week(all_sessions):  # SPEC 2.2
    weeks = {v.start.isocalendar()[:2] for v in all_sessions}
    group_weeks = {v.start.isocalendar()[:2] for v in all_sessions if v.kind == "group"}
    assert group_weeks == weeks


def test_every_status_and_label(all_sessions):  # SPEC 4.1, 4.4
    labels = {v.label for v in all_sessions}
    assert {"Open", "Completed", "Missed", "Canceled", "Late Cancel", "Cost override"} <= labels
    now = datetime.combine(TODAY, time(12), NY)
    forgotten = [v for v in all_sessions if v.status == "open" and v.end <= now]
    assert 1 <= len(forgotten) <= 10
    assert all(v.status == "open" for v in all_sessions if v.start >= now)
    for v in all_sessions:
        if v.label == "Late Cancel":  # percentage 50/50 of the price
            assert v.status == "canceled"
            assert all(c.charge_cents == percent_of(v.cost_cents, 50) for c in v.clients)
        if v.label == "Cost override":
            assert v.cost_override and v.status == "completed"


def test_no_double_booking(all_sessions):  # SPEC 2.5: the generator avoids conflicts by construction
    by_resource = defaultdict(list)
    for v in all_sessions:
        if v.status == "canceled":
            continue
        keys = [("p", v.practitioner_id)] + [("c", c.id) for c in v.clients]
        if v.location_id:
            keys.append(("l", v.location_id))
        for k in keys:
            by_resource[k].append((v.start, v.end, v.id))
    for k, spans in by_resource.items():
        spans.sort()
        for (_, end_a, a), (start_b, _, b) in zip(spans, spans[1:], strict=False):
            assert start_b >= end_a, f"{k} double-booked: sessions {a} and {b}"


def test_one_deleted_session_with_its_charges_reversed(built, admin):  # SPEC 5.2
    deleted = deletion.list_deleted(built, admin)
    assert len(deleted) == 1
    gone = deleted[0]
    assert gone.status != "open"
    for c in gone.clients:
        entries = [e for e in ledger.client_entries(built, admin, c.id) if e.session_id == gone.id]
        assert entries and sum(e.amount_cents for e in entries) == 0


def test_balances_are_payments_minus_live_charges(built, admin, all_sessions):  # SPEC 6 definitions, 0.4
    charges = defaultdict(int)
    for v in all_sessions:  # live (not deleted) sessions only
        if v.status != "open":
            for c in v.clients:
                charges[c.id] += c.charge_cents or 0
    balances = {b.client_id: b.balance_cents for b in clients.client_balances(built, admin)}
    paid_total = 0
    for cid, balance in balances.items():
        paid = sum(e.amount_cents for e in ledger.client_entries(built, admin, cid) if e.kind == "payment")
        paid_total += paid
        assert balance == paid - charges[cid] == ledger.client_balance(built, admin, cid)
    assert paid_total > 0
    assert any(b < 0 for b in balances.values()) and any(b > 0 for b in balances.values())


def test_deterministic_and_refuses_an_existing_file(built, admin, all_sessions, tmp_path):
    again = demo.build_demo(tmp_path / "again.sqlite", TODAY)
    try:
        twin = sessions.list_sessions(again, users.first_admin(again).actor,
                                      datetime(2000, 1, 1, tzinfo=NY), datetime(2100, 1, 1, tzinfo=NY))

        def digest(views):
            return [(v.start, v.end, v.practitioner_name, v.service_name, v.client_names, v.label,
                     tuple(c.charge_cents for c in v.clients)) for v in views]

        assert digest(twin) == digest(all_sessions)
    finally:
        again.close()
    with pytest.raises(FileExistsError):
        demo.build_demo(tmp_path / "again.sqlite", TODAY)

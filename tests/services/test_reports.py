"""Accounting reports (SPEC 9.4): balances and available credit, ageing as of a date by days past
due with credit apart, wages with the sessions behind them, revenue by month, service and
practitioner; every figure adds up to its ledger lines."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.services.errors import PermissionDenied, ValidationError
from app.services.money import ledger, payments, reports
from app.services.money.reports import Figure
from app.services.scheduling import completion
from tests.services.invoice_rows import issued


def done(practice, admin, s, key="completed"):
    return completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, key).id)


@pytest.fixture
def books(practice, admin, make, clock):
    """Ann: two $80 sessions saved (Nov 20, Dec 3), one open $60 hourly hour, paid $100.
    Bo: one $80 session saved Dec 3 by Dr. Two (wage $40 each), paid nothing."""
    clock.at = datetime(2025, 12, 15, 18, tzinfo=UTC)
    therapy, yoga = make.service("Therapy", cost=8000, wage=4000), make.service("Yoga", kind="hourly", cost=6000)
    one, two = make.practitioner("Dr. One"), make.practitioner("Dr. Two")
    ann, bo = make.client("Ann", "Lee"), make.client("Bo", "Ray")
    [a1] = make.session(datetime(2025, 11, 20, 10), datetime(2025, 11, 20, 11), therapy, one, [ann])
    [a2] = make.session(datetime(2025, 12, 3, 10), datetime(2025, 12, 3, 11), therapy, one, [ann])
    make.session(datetime(2025, 12, 20, 10), datetime(2025, 12, 20, 11), yoga, one, [ann])
    [b1] = make.session(datetime(2025, 12, 3, 12), datetime(2025, 12, 3, 13), therapy, two, [bo])
    for s in (a1, a2, b1):
        done(practice, admin, s)
    payments.record_payment(practice, admin, ann.id, 10000, "cash", allocate="none")
    return dict(ann=ann, bo=bo, one=one, two=two, therapy=therapy, yoga=yoga, a1=a1, a2=a2, b1=b1)


def test_balances_open_charges_available_and_unallocated_credit(practice, admin, books):  # SPEC 6, 9.4
    rows = {r.name: r for r in reports.balances(practice, admin)}
    ann, bo = rows["Ann Lee"], rows["Bo Ray"]
    assert (ann.balance_cents, ann.open_charges_cents, ann.available_cents) == (-6000, 6000, -12000)
    assert ann.unallocated_cents == 10000
    assert (bo.balance_cents, bo.available_cents, bo.unallocated_cents) == (-8000, -8000, 0)
    for r in rows.values():  # every balance is its ledger sum
        assert r.balance_cents == ledger.client_balance(practice, admin, r.client_id)
        assert r.balance_cents == sum(e.amount_cents for e in reports.figure_entries(
            practice, admin, Figure("balance", client_id=r.client_id)))


def test_ageing_by_days_past_due_with_credit_apart(practice, admin, books, make):  # SPEC 9.4
    ann, bo = books["ann"], books["bo"]
    as_of = date(2025, 12, 31)
    issued(practice, bo, 1000, date(2025, 12, 31))  # due today: current
    issued(practice, bo, 2000, date(2025, 12, 30))  # 1 day past due
    issued(practice, bo, 3000, date(2025, 12, 1))  # 30 days
    issued(practice, bo, 4000, date(2025, 11, 30))  # 31 days
    issued(practice, bo, 5000, date(2025, 10, 2))  # 90 days
    issued(practice, bo, 6000, date(2025, 10, 1))  # 91 days
    issued(practice, ann, 7000, date(2026, 1, 15), issue_date=date(2026, 1, 1))  # issued after: not yet owed
    inv = issued(practice, ann, 8000, date(2025, 12, 1), issue_date=date(2025, 11, 1))
    payments.record_payment(practice, admin, ann.id, 3000, "card", allocate=[(inv, 3000)])
    rows = {r.name: r for r in reports.ageing(practice, admin, as_of)}
    assert rows["Bo Ray"].buckets_cents == (1000, 5000, 4000, 5000, 6000)
    assert rows["Bo Ray"].total_cents == 21000 and rows["Bo Ray"].unallocated_cents == 0
    assert rows["Ann Lee"].buckets_cents == (0, 5000, 0, 0, 0)  # 8000 less 3000 paid, 30 days
    assert rows["Ann Lee"].unallocated_cents == 10000  # the earlier payment, apart
    before = {r.name: r for r in reports.ageing(practice, admin, date(2025, 11, 30))}
    assert before["Ann Lee"].buckets_cents == (8000, 0, 0, 0, 0)  # the allocation was made later


def test_wages_per_period_with_the_sessions_behind_them(practice, admin, books):  # SPEC 9.4
    one, two = books["one"], books["two"]
    dec = {r.name: r for r in reports.wages(practice, admin, date(2025, 12, 1), date(2025, 12, 31))}
    assert (dec["Dr. One"].wages_cents, dec["Dr. One"].sessions) == (4000, 1)
    assert (dec["Dr. Two"].wages_cents, dec["Dr. Two"].sessions) == (4000, 1)
    behind = reports.wage_sessions(practice, admin, one.id, date(2025, 11, 1), date(2025, 12, 31))
    assert [(w.session_id, w.amount_cents, w.clients, w.service_name) for w in behind] == [
        (books["a1"].id, 4000, "Ann Lee", "Therapy"), (books["a2"].id, 4000, "Ann Lee", "Therapy")]
    lines = reports.figure_entries(practice, admin, Figure("wages", practitioner_id=two.id,
                                                           first_day=date(2025, 12, 1), last_day=date(2025, 12, 31)))
    assert sum(e.amount_cents for e in lines) == dec["Dr. Two"].wages_cents


def test_revenue_by_month_service_and_practitioner_adds_up_to_its_lines(practice, admin, books):  # SPEC 9.4
    first, last = date(2025, 10, 1), date(2025, 12, 31)
    by_month = reports.revenue(practice, admin, first, last, "month")
    assert [(r.key, r.label, r.charged_cents) for r in by_month] == [
        ("2025-10", "October 2025", 0), ("2025-11", "November 2025", 8000), ("2025-12", "December 2025", 16000)]
    assert [(r.label, r.charged_cents) for r in reports.revenue(practice, admin, first, last, "service")] == [
        ("Therapy", 24000)]
    assert [(r.label, r.charged_cents) for r in reports.revenue(practice, admin, first, last, "practitioner")] == [
        ("Dr. One", 16000), ("Dr. Two", 8000)]
    for by, rows in (("month", by_month), ("practitioner", reports.revenue(practice, admin, first, last,
                                                                            "practitioner"))):
        for r in rows:
            lines = reports.figure_entries(practice, admin, Figure("revenue", first_day=first, last_day=last,
                                                                   by=by, key=r.key))
            assert -sum(e.amount_cents for e in lines) == r.charged_cents


def test_a_correction_lands_in_the_month_it_was_made(practice, admin, books, clock):  # SPEC 0.4, 9.4
    clock.at = datetime(2026, 1, 10, 15, tzinfo=UTC)
    done(practice, admin, books["a1"], "canceled")  # November's session re-saved in January
    rows = {r.key: r.charged_cents for r in reports.revenue(practice, admin, date(2025, 11, 1),
                                                             date(2026, 1, 31), "month")}
    assert rows == {"2025-11": 8000, "2025-12": 16000, "2026-01": -8000}


def test_who_may_read_which_report(practice, admin, books, make):
    staff, doc = make.user("staff"), make.user("practitioner", practitioner_id=books["one"].id)
    assert reports.balances(practice, staff)
    with pytest.raises(PermissionDenied):
        reports.balances(practice, doc)
    with pytest.raises(PermissionDenied):
        reports.revenue(practice, staff, date(2025, 1, 1), date(2025, 12, 31))
    mine = reports.wages(practice, doc, date(2025, 12, 1), date(2025, 12, 31))
    assert [r.name for r in mine] == ["Dr. One"]  # a practitioner sees only their own (SPEC 1.1)
    with pytest.raises(PermissionDenied):
        reports.wage_sessions(practice, doc, books["two"].id, date(2025, 12, 1), date(2025, 12, 31))


@pytest.mark.parametrize("call, field", [
    (lambda p, a: reports.revenue(p, a, date(2025, 12, 31), date(2025, 12, 1)), "to"),
    (lambda p, a: reports.revenue(p, a, date(2025, 1, 1), date(2025, 12, 31), "week"), "by"),
    (lambda p, a: reports.ageing(p, a, "2025-12-31"), "as of"),
    (lambda p, a: reports.figure_entries(p, a, Figure("revenue", first_day=date(2025, 1, 1),
                                                      last_day=date(2025, 2, 1), by="service", key="x")), "key"),
])
def test_bad_input_names_the_field(practice, admin, call, field):  # SPEC 0.5
    with pytest.raises(ValidationError) as e:
        call(practice, admin)
    assert e.value.field == field


@pytest.mark.parametrize("minutes", [7, 30, 45, 50, 61, 95])
def test_open_charges_in_sql_cost_what_pricing_says(practice, admin, make, clock, minutes):  # SPEC 2.6, 6, 9.4
    """Open charges are summed in SQL; an hourly service by the minute, half-up, as pricing does."""
    from datetime import timedelta

    from app.services.money.pricing import session_cost

    clock.at = datetime(2025, 12, 1, 12, tzinfo=UTC)
    odd = make.service("Odd hourly", kind="hourly", cost=6010)
    flat = make.service("Flat", cost=4999)
    pr, ann = make.practitioner(), make.client("Ann", "Odd")
    start = datetime(2025, 12, 20, 9)
    make.session(start, start + timedelta(minutes=minutes), odd, pr, [ann])
    make.session(datetime(2025, 12, 21, 9), datetime(2025, 12, 21, 10), flat, pr, [ann])
    [row] = [r for r in reports.balances(practice, admin) if r.client_id == ann.id]
    assert row.open_charges_cents == session_cost("hourly", 6010, minutes) + 4999


@pytest.mark.sqlite_only(reason="reads SQLite's own query plan (EXPLAIN QUERY PLAN)")
def test_reports_read_the_kept_totals_and_the_money_in_by_date(practice, admin, books):  # SPEC 9.4
    """Balances read client_total and never the ledger; ageing reads the money in dated after the day
    from ix_ledger_money_in_at (its WHERE repeated word for word), by date, never every entry."""
    from sqlalchemy import event, text

    seen: dict[str, list[tuple[str, object]]] = {"balances": [], "ageing": []}
    now = "balances"

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT") and "FROM setting" not in statement:
            seen[now].append((statement, parameters))

    event.listen(practice.engine, "before_cursor_execute", grab)
    try:
        reports.balances(practice, admin)
        now = "ageing"
        reports.ageing(practice, admin, date(2025, 12, 31))
    finally:
        event.remove(practice.engine, "before_cursor_execute", grab)
    [(balances_sql, _)] = seen["balances"]
    assert "client_total" in balances_sql and "ledger_entry" not in balances_sql
    [(statement, parameters)] = seen["ageing"]
    assert "ledger_entry.kind IN ('payment', 'writeoff', 'refund')" in statement
    with practice.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
        assert "COVERING INDEX ix_ledger_money_in_at (effective_at>?)" in plan, plan
        assert "SCAN ledger_entry" not in plan, plan
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ix_ledger_money_in_at'")).scalar()
    assert "kind IN ('payment', 'writeoff', 'refund')" in sql  # the model's index is the migration's


@pytest.mark.sqlite_only(reason="reads SQLite's own query plan (EXPLAIN QUERY PLAN)")
def test_ageing_sums_each_invoice_allocations_once(practice, admin, books):  # SPEC 9.4
    """What was allocated to each invoice by the date is summed once, in a joined GROUP BY, not by a
    subquery run again for each of the five buckets (and the figures stay those of the ledger)."""
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM invoice" in statement:
            seen.append((statement, parameters))

    event.listen(practice.engine, "before_cursor_execute", grab)
    try:
        reports.ageing(practice, admin, date(2025, 12, 31))
    finally:
        event.remove(practice.engine, "before_cursor_execute", grab)
    assert len(seen) == 1
    with practice.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + seen[0][0], seen[0][1]))
    assert "CORRELATED" not in plan, plan


def test_kept_totals_follow_every_kind_of_change(practice, admin, make, clock):  # SPEC 6, 9.3, 9.4 (issue 14)
    """client_total (kept by the database's triggers, SQLite and PostgreSQL alike) equals the totals
    recomputed from the ledger and the sessions after each kind of change, one by one."""
    from datetime import timedelta

    from sqlalchemy import select

    from app.models import ClientTotal
    from app.services.money import invoices
    from app.services.money.invoices import LineItem
    from app.services.scheduling import catalog, deletion, participants, sessions

    def check(step):
        with practice.read() as tx:
            want = reports.recomputed_totals(tx, practice)
            kept = {c: (b, o, u) for c, b, o, u in tx.execute(select(
                ClientTotal.client_id, ClientTotal.balance_cents, ClientTotal.open_charges_cents,
                ClientTotal.unallocated_cents))}
        assert kept == want, step
        return want

    clock.at = datetime(2025, 12, 1, 12, tzinfo=UTC)
    fixed, hourly = make.service("Fixed", cost=8000), make.service("Hourly", kind="hourly", cost=6001)
    pr, ann, bo = make.practitioner(), make.client("Ann", "Lee"), make.client("Bo", "Ray")
    assert check("new clients") == {ann.id: (0, 0, 0), bo.id: (0, 0, 0)}
    start = datetime(2025, 12, 10, 9)
    [group] = make.session(start, start + timedelta(minutes=50), hourly, pr, [ann, bo])
    [one] = make.session(start + timedelta(days=1), start + timedelta(days=1, hours=1), fixed, pr, [ann])
    assert check("added")[ann.id][1] == 5001 + 8000
    sessions.update_session(practice, admin, group.id, sessions.SessionInput(
        start, start + timedelta(minutes=95), hourly.id, pr.id, (ann.id,)), confirm=True)
    assert check("longer, Bo removed")[bo.id][1] == 0
    participants.set_participant_price(practice, admin, one.id, ann.id, 1234)
    check("own price")
    catalog.update_service(practice, admin, hourly.id, catalog.ServiceInput("Hourly", "hourly", 9000, 4000))
    check("hourly price changed")
    catalog.update_service(practice, admin, hourly.id, catalog.ServiceInput("Hourly", "fixed", 7000, 4000))
    assert check("now fixed")[ann.id][1] == 7000 + 1234
    deletion.delete_sessions(practice, admin, [one.id])
    assert check("deleted")[ann.id][1] == 7000
    deletion.recover_sessions(practice, admin, [one.id])
    check("recovered")
    done(practice, admin, group)
    assert check("completed")[ann.id][:2] == (-7000, 1234)
    done(practice, admin, one, "canceled")
    assert check("canceled")[ann.id][:2] == (-7000, 0)
    completion.reopen_session(practice, admin, one.id)
    assert check("reopened")[ann.id][1] == 1234
    pay = payments.record_payment(practice, admin, ann.id, 10000, "cash", allocate="none").payment
    assert check("paid")[ann.id] == (3000, 1234, 10000)
    draft = invoices.create_draft(practice, admin, ann.id, [group.id], date(2025, 12, 1), date(2025, 12, 31),
                                  [LineItem("Materials", 500, 2000)])
    inv = invoices.issue_invoice(practice, admin, draft.id)
    check("invoiced")
    a = payments.allocate(practice, admin, pay.id, inv.id, 2000)
    assert check("allocated")[ann.id][2] == 8000
    payments.take_back_allocation(practice, admin, a.id, "wrong invoice")
    assert check("taken back")[ann.id][2] == 10000
    payments.refund_payment(practice, admin, pay.id, 2500, "overpaid")
    assert check("refunded")[ann.id][2] == 7500
    off = payments.write_off(practice, admin, ann.id, 100, "goodwill", inv.id).payment
    check("written off")
    [back] = payments.payment_detail(practice, admin, off.id).allocations
    payments.take_back_allocation(practice, admin, back.id, "wrong")
    check("write-off taken back")
    invoices.cancel_invoice(practice, admin, inv.id, "issued by mistake")
    check("credit note")

"""Property test of the money side (SPEC 0.4, 6, 9.1, 9.3, 9.4): whatever sequence of sessions,
completions, payments, allocations, take-backs, refunds, write-offs, invoices and credit notes,

- every client's balance is the sum of their ledger lines, and agrees with what the sessions,
  payments, refunds, write-offs and invoice items say (a model kept here, independently);
- every invoice's amount due is its lines and tax less its live allocations, never below zero;
- no payment is allocated or refunded beyond its amount, and no session is on two live invoices;
- numbers of issued invoices and of credit notes are gap-free (1, 2, 3, ... per series).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from app.models import Allocation, CreditNote, Invoice, InvoiceLine, LedgerEntry
from app.services.clock import FixedClock
from app.services.errors import ServiceError
from app.services.money import invoices, ledger, payments, reports
from app.services.money.invoices import LineItem
from app.services.people import clients, users
from app.services.people.clients import ClientInput
from app.services.people.practitioners import PractitionerInput, create_practitioner
from app.services.practice import Practice
from app.services.scheduling import catalog, completion, sessions
from app.services.scheduling.catalog import ServiceInput

pytestmark = pytest.mark.sqlite_only(reason="copies a practice file for each example (to do: a database per example on a server)")

COST, WAGE = 8000, 4000
FIRST, LAST = date(2026, 1, 1), date(2026, 12, 31)


@pytest.fixture(scope="module")
def money_template(template_db, tmp_path_factory):
    """One practitioner, one $80 service, two clients; each example works on a copy."""
    path = tmp_path_factory.mktemp("money") / "practice.sqlite"
    shutil.copy(template_db, path)
    p = Practice.open(path, clock=FixedClock(datetime(2026, 1, 1, 12, tzinfo=UTC)))
    admin = users.first_admin(p).actor
    ids = {"admin": admin,
           "pr": create_practitioner(p, admin, PractitionerInput("P")).id,
           "svc": catalog.create_service(p, admin, ServiceInput("Therapy", "fixed", COST, WAGE)).id,
           "clients": [clients.create_client(p, admin, ClientInput("C", str(i))).id for i in range(2)],
           "keys": {k: completion.type_by_key(p, k).id for k in ("completed", "missed", "canceled")}}
    p.close()
    return path, ids


class MoneyMachine(RuleBasedStateMachine):
    template: tuple[Path, dict] | None = None

    def __init__(self):
        super().__init__()
        path, self.ids = self.template
        self.dir = tempfile.mkdtemp(prefix="money-prop-")
        shutil.copy(path, Path(self.dir) / "practice.sqlite")
        self.clock = FixedClock(datetime(2026, 2, 1, 12, tzinfo=UTC))
        self.p = Practice.open(Path(self.dir) / "practice.sqlite", clock=self.clock)
        self.admin = self.ids["admin"]
        self.sessions: dict[int, dict] = {}  # id -> client, charge (None while open)
        self.money_in = {c: 0 for c in self.ids["clients"]}  # payments + write-offs - refunds
        self.items = {c: 0 for c in self.ids["clients"]}  # issued invoices' own lines and tax, live
        self.invoices: dict[int, dict] = {}  # id -> client, status, items (their charge while issued)
        self.paid: list[int] = []  # payment and write-off entry ids

    def teardown(self):
        self.p.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def client(self, i: int) -> int:
        return self.ids["clients"][i % 2]

    def issued(self) -> list[int]:
        return sorted(k for k, v in self.invoices.items() if v["status"] == "issued")

    # ---- actions ---------------------------------------------------------------------------------
    @rule(c=st.integers(0, 1))
    def add_session(self, c):
        start = datetime(2026, 1, 5, 10) + timedelta(days=len(self.sessions))  # one a day, in the past
        [v] = sessions.add_session(self.p, self.admin, sessions.SessionInput(
            start, start + timedelta(hours=1), self.ids["svc"], self.ids["pr"], (self.client(c),)))
        self.sessions[v.id] = dict(client=self.client(c), charge=None)

    @precondition(lambda self: self.sessions)
    @rule(i=st.integers(0, 99), key=st.sampled_from(["completed", "missed", "canceled"]))
    def complete(self, i, key):
        sid = sorted(self.sessions)[i % len(self.sessions)]
        completion.complete_session(self.p, self.admin, sid, self.ids["keys"][key])
        self.sessions[sid]["charge"] = 0 if key == "canceled" else COST

    @rule(c=st.integers(0, 1), amount=st.integers(1, 30000), oldest=st.booleans())
    def pay(self, c, amount, oldest):
        r = payments.record_payment(self.p, self.admin, self.client(c), amount, "cash",
                                    allocate="oldest" if oldest else "none")
        self.money_in[self.client(c)] += amount
        self.paid.append(r.payment.id)

    @precondition(lambda self: self.paid and self.issued())
    @rule(i=st.integers(0, 99), j=st.integers(0, 99), amount=st.integers(1, 30000))
    def allocate(self, i, j, amount):
        pid, iid = self.paid[i % len(self.paid)], self.issued()[j % len(self.issued())]
        try:
            payments.allocate(self.p, self.admin, pid, iid, amount)
        except ServiceError:
            pass  # too much, another client's invoice, nothing left: refused and nothing changed

    @precondition(lambda self: self.paid)
    @rule(i=st.integers(0, 99))
    def take_back(self, i):
        pid = self.paid[i % len(self.paid)]
        live = [a for a in payments.payment_detail(self.p, self.admin, pid).allocations
                if a.amount_cents > 0 and not a.taken_back]
        if live:
            payments.take_back_allocation(self.p, self.admin, live[0].id, "wrong invoice")

    @precondition(lambda self: self.paid)
    @rule(i=st.integers(0, 99), amount=st.integers(1, 30000))
    def refund(self, i, amount):
        pid = self.paid[i % len(self.paid)]
        detail = payments.payment_detail(self.p, self.admin, pid)
        try:
            payments.refund_payment(self.p, self.admin, pid, amount, "overpaid")
        except ServiceError:
            assert amount > detail.left_cents or detail.payment.kind == "writeoff"
            return
        self.money_in[detail.payment.client_id] -= amount

    @precondition(lambda self: self.issued())
    @rule(j=st.integers(0, 99), amount=st.integers(1, 30000))
    def write_off(self, j, amount):
        iid = self.issued()[j % len(self.issued())]
        c = self.invoices[iid]["client"]
        try:
            r = payments.write_off(self.p, self.admin, c, amount, "goodwill", iid)
        except ServiceError:
            return
        self.money_in[c] += amount
        self.paid.append(r.payment.id)

    @rule(c=st.integers(0, 1), item=st.integers(0, 5000), tax_bp=st.sampled_from([0, 700, 2000]),
          with_sessions=st.booleans())
    def invoice(self, c, item, tax_bp, with_sessions):
        cid = self.client(c)
        free = invoices.uninvoiced_sessions(self.p, self.admin, cid, FIRST, LAST)
        ids = [s.session_id for s in free] if with_sessions else []
        items = [LineItem("Materials", item, tax_bp)] if item else []
        if not ids and not items:
            return
        draft = invoices.create_draft(self.p, self.admin, cid, ids, FIRST, LAST, items)
        v = invoices.issue_invoice(self.p, self.admin, draft.id)
        own = sum(line.amount_cents + line.tax_cents for line in v.lines if line.session_id is None) + \
            sum(line.tax_cents for line in v.lines if line.session_id is not None)
        self.invoices[v.id] = dict(client=cid, status="issued", items=own)
        self.items[cid] += own

    @precondition(lambda self: self.issued())
    @rule(j=st.integers(0, 99))
    def cancel(self, j):
        iid = self.issued()[j % len(self.issued())]
        before = invoices.get_invoice(self.p, self.admin, iid)
        try:
            invoices.cancel_invoice(self.p, self.admin, iid, "issued by mistake")
        except ServiceError:
            assert before.allocated_cents > 0  # refused only while payments are applied
            return
        self.invoices[iid]["status"] = "cancelled"
        self.items[self.invoices[iid]["client"]] -= self.invoices[iid]["items"]

    @rule(days=st.integers(1, 40))
    def time_passes(self, days):
        self.clock.advance(days=days)

    # ---- checks after every step -------------------------------------------------------------------
    @invariant()
    def balances_are_their_ledger_and_the_model(self):
        listed = {r.client_id: r for r in reports.balances(self.p, self.admin, include_zero=True)}
        for cid in self.ids["clients"]:
            charges = sum(s["charge"] or 0 for s in self.sessions.values() if s["client"] == cid)
            want = self.money_in[cid] - charges - self.items[cid]
            assert ledger.client_balance(self.p, self.admin, cid) == want
            assert sum(e.amount_cents for e in ledger.client_entries(self.p, self.admin, cid)) == want
            assert listed[cid].balance_cents == want
            assert listed[cid].unallocated_cents == payments.client_credit(self.p, self.admin, cid) >= 0

    @invariant()
    def invoices_owe_their_lines_less_live_allocations(self):
        with self.p.read() as tx:
            allocated = dict(tx.execute(select(Allocation.invoice_id, func.sum(Allocation.amount_cents))
                                        .group_by(Allocation.invoice_id)).all())
            live_lines = tx.execute(select(InvoiceLine.session_id, func.count()).where(
                InvoiceLine.live, InvoiceLine.session_id.is_not(None)).group_by(InvoiceLine.session_id)
                .having(func.count() > 1)).all()
            numbers = tx.execute(select(Invoice.year, Invoice.seq).where(Invoice.seq.is_not(None))).all()
            credit_numbers = tx.execute(select(CreditNote.year, CreditNote.seq)).all()
            refunds = dict(tx.execute(select(LedgerEntry.refund_of_id, func.sum(LedgerEntry.amount_cents))
                                      .where(LedgerEntry.refund_of_id.is_not(None))
                                      .group_by(LedgerEntry.refund_of_id)).all())
        assert live_lines == []  # SPEC 9.1: a session is on at most one live invoice
        for series in (numbers, credit_numbers):  # gap-free, each year from 1 (time may pass into the next year)
            for year in {y for y, _ in series}:
                seqs = sorted(seq for y, seq in series if y == year)
                assert seqs == list(range(1, len(seqs) + 1)), (year, seqs)
        for iid, m in self.invoices.items():
            v = invoices.get_invoice(self.p, self.admin, iid)
            assert v.total_cents == sum(line.amount_cents + line.tax_cents for line in v.lines)
            assert v.allocated_cents == int(allocated.get(iid, 0))
            if m["status"] == "cancelled":
                assert v.status == "cancelled" and v.allocated_cents == 0
                continue
            assert v.amount_due_cents == v.total_cents - v.allocated_cents >= 0
            assert v.status == ("paid" if v.amount_due_cents == 0 else
                                "partly paid" if v.allocated_cents else "issued")
        for pid in self.paid:
            d = payments.payment_detail(self.p, self.admin, pid)
            assert d.left_cents == d.payment.amount_cents - d.allocated_cents + int(refunds.get(pid, 0)) >= 0


# SPEC 0.4, 6, 9.1, 9.3, 9.4
def test_money_stays_consistent_whatever_happens(money_template):
    MoneyMachine.template = money_template
    run_state_machine_as_test(MoneyMachine, settings=settings(max_examples=int(os.environ.get("PRACTICE_PROPERTY_EXAMPLES", "25")), stateful_step_count=25,
                                                              deadline=None))

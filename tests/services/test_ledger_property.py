"""Property test of the ledger (SPEC 4.1, 4.3-4.6, 5.2, 0.4): whatever sequence of adding, saving,
re-saving, reopening, deleting, recovering and paying, every balance and wage total equals what the
live sessions and payments say, and every session carries the amounts the rules give."""
from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
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

from app.services.clock import FixedClock
from app.services.errors import NotFound, RuleViolation, ValidationError
from app.services.money import ledger
from app.services.people import clients, users
from app.services.people.clients import ClientInput
from app.services.people.practitioners import PractitionerInput, create_practitioner
from app.services.practice import Practice
from app.services.scheduling import catalog, completion, deletion, sessions
from app.services.scheduling.catalog import ServiceInput
from app.services.scheduling.completion import CompletionTypeInput, Override

pytestmark = pytest.mark.sqlite_only(reason="copies a practice file for each example (to do: a database per example on a server)")

WIDE = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
FIXED = dict(cost=8000, wage=4000)  # per session
HOURLY = dict(cost=6001, wage=3001)  # per hour, pro-rated by minutes
CUSTOM_WAGES = {(0, 0): 4500, (1, 1): 2500}  # (practitioner index, service index) -> wage
CHOICES = ("completed", "missed", "canceled", "pct", "flat", "override")


@pytest.fixture(scope="module")
def ledger_template(template_db, tmp_path_factory):
    """A practice with 2 practitioners, a fixed and an hourly service, custom wages, 3 clients,
    a staff user and two custom types; each example works on a copy."""
    path = tmp_path_factory.mktemp("ledger") / "practice.sqlite"
    shutil.copy(template_db, path)
    p = Practice.open(path, clock=FixedClock(datetime(2026, 1, 1, 12, tzinfo=UTC)))
    admin = users.first_admin(p).actor
    ids = {"admin": admin}
    ids["prs"] = [create_practitioner(p, admin, PractitionerInput(f"P{i}")).id for i in range(2)]
    ids["svcs"] = [catalog.create_service(p, admin, ServiceInput("Fixed", "fixed", FIXED["cost"], FIXED["wage"])).id,
                   catalog.create_service(p, admin, ServiceInput("Hourly", "hourly", HOURLY["cost"],
                                                                 HOURLY["wage"])).id]
    for (pi, si), wage in CUSTOM_WAGES.items():
        catalog.set_custom_wage(p, admin, ids["prs"][pi], ids["svcs"][si], wage)
    ids["clients"] = [clients.create_client(p, admin, ClientInput("C", str(i))).id for i in range(3)]
    ids["staff"] = users.create_user(p, admin, "desk", "Desk", "staff", "password123").actor
    ids["pct"] = completion.create_completion_type(p, admin, CompletionTypeInput(
        "canceled", "Late Cancel", "", "percentage", 50, 33)).id
    ids["flat"] = completion.create_completion_type(p, admin, CompletionTypeInput(
        "missed", "Flat Fee", "", "fixed", 25, 10)).id
    ids["keys"] = {k: completion.type_by_key(p, k).id for k in ("completed", "missed", "canceled")}
    p.close()
    return path, ids


def half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


class LedgerMachine(RuleBasedStateMachine):
    template: tuple[Path, dict] | None = None

    def __init__(self):
        super().__init__()
        path, self.ids = self.template
        self.dir = tempfile.mkdtemp(prefix="ledger-prop-")
        shutil.copy(path, Path(self.dir) / "practice.sqlite")
        self.clock = FixedClock(datetime(2026, 1, 1, 12, tzinfo=UTC))
        self.p = Practice.open(Path(self.dir) / "practice.sqlite", clock=self.clock)
        self.admin = self.ids["admin"]
        self.model: dict[int, dict] = {}  # session id -> pr, svc, clients, minutes, deleted, saved
        self.payments = {c: 0 for c in self.ids["clients"]}
        self.pct = (50, 33)
        self.flat_enabled = True

    def teardown(self):
        self.p.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- the rules, written independently of app.services.pricing ------------------------------
    def price(self, m) -> tuple[int, int]:
        custom = CUSTOM_WAGES.get((m["pr"], m["svc"]))
        if m["svc"] == 0:
            return FIXED["cost"], custom if custom is not None else FIXED["wage"]
        rate = custom if custom is not None else HOURLY["wage"]
        return half_up(HOURLY["cost"] * m["minutes"], 60), half_up(rate * m["minutes"], 60)

    def outcome(self, m, choice, override) -> tuple[str, str, int, int]:
        cost, wage = self.price(m)
        if choice in ("completed", "missed"):
            return choice, choice.capitalize(), cost, wage
        if choice == "canceled":
            return "canceled", "Canceled", 0, 0
        if choice == "pct":
            return "canceled", "Late Cancel", half_up(cost * self.pct[0], 100), half_up(wage * self.pct[1], 100)
        if choice == "flat":
            return "missed", "Flat Fee", 2500, 1000
        return "completed", "Cost override", *override

    def type_id(self, choice):
        return self.ids.get(choice) or self.ids["keys"][choice]

    def pool(self, deleted: bool) -> list[int]:
        return sorted(k for k, m in self.model.items() if m["deleted"] == deleted)

    def has(self, deleted: bool) -> bool:
        return bool(self.pool(deleted))

    def pick(self, i, deleted: bool) -> int:
        pool = self.pool(deleted)
        return pool[i % len(pool)]

    def actor(self, as_staff):
        return self.ids["staff"] if as_staff else self.admin

    # ---- actions ---------------------------------------------------------------------------------
    @rule(pr=st.integers(0, 1), svc=st.integers(0, 1), who=st.sets(st.integers(0, 2), min_size=1),
          minutes=st.sampled_from([30, 45, 60, 90]), as_staff=st.booleans())
    def add_session(self, pr, svc, who, minutes, as_staff):
        start = datetime(2026, 1, 5, 10) + timedelta(days=len(self.model))  # one a day: no conflicts
        cids = tuple(self.ids["clients"][c] for c in sorted(who))
        [v] = sessions.add_session(self.p, self.actor(as_staff), sessions.SessionInput(
            start, start + timedelta(minutes=minutes), self.ids["svcs"][svc], self.ids["prs"][pr], cids))
        self.model[v.id] = dict(pr=pr, svc=svc, clients=cids, minutes=minutes, deleted=False, saved=None)

    @precondition(lambda self: self.has(deleted=False))
    @rule(i=st.integers(0, 99), choice=st.sampled_from(CHOICES), as_staff=st.booleans(),
          override=st.tuples(st.integers(0, 20000), st.integers(0, 10000)))
    def complete(self, i, choice, as_staff, override):
        sid = self.pick(i, deleted=False)
        m, actor = self.model[sid], self.actor(as_staff)
        args = (None, Override(*override)) if choice == "override" else (self.type_id(choice), None)
        if choice == "flat" and not self.flat_enabled:
            with pytest.raises(ValidationError):
                completion.complete_session(self.p, actor, sid, *args)
            return
        preview = completion.preview_completion(self.p, actor, sid, *args)
        completion.complete_session(self.p, actor, sid, *args)
        m["saved"] = self.outcome(m, choice, override)
        assert (preview.label, preview.charge_per_client_cents, preview.wage_cents) == m["saved"][1:]

    @precondition(lambda self: self.has(deleted=False))
    @rule(picks=st.lists(st.integers(0, 99), min_size=1, max_size=4),
          choice=st.sampled_from(CHOICES[:5]))
    def bulk_complete(self, picks, choice):
        ids = [self.pick(i, deleted=False) for i in picks]
        if choice == "flat" and not self.flat_enabled:
            with pytest.raises(ValidationError):
                completion.bulk_action(self.p, self.admin, ids, "complete", self.type_id(choice))
            return
        completion.bulk_action(self.p, self.admin, ids, "complete", self.type_id(choice))
        for sid in ids:
            self.model[sid]["saved"] = self.outcome(self.model[sid], choice, None)

    @precondition(lambda self: self.has(deleted=False))
    @rule(i=st.integers(0, 99))
    def reopen(self, i):
        sid = self.pick(i, deleted=False)
        completion.reopen_session(self.p, self.admin, sid)
        self.model[sid]["saved"] = None

    @precondition(lambda self: self.has(deleted=False))
    @rule(picks=st.lists(st.integers(0, 99), min_size=1, max_size=3), bulk=st.booleans())
    def delete(self, picks, bulk):
        ids = list(dict.fromkeys(self.pick(i, deleted=False) for i in picks))
        if bulk:
            completion.bulk_action(self.p, self.admin, ids, "delete")
        else:
            deletion.delete_sessions(self.p, self.admin, ids)
        for sid in ids:
            self.model[sid]["deleted"] = True

    @precondition(lambda self: self.has(deleted=True))
    @rule(picks=st.lists(st.integers(0, 99), min_size=1, max_size=3))
    def recover(self, picks):
        ids = list(dict.fromkeys(self.pick(i, deleted=True) for i in picks))
        deletion.recover_sessions(self.p, self.admin, ids)
        for sid in ids:
            self.model[sid]["deleted"] = False

    @precondition(lambda self: self.has(deleted=True) and self.has(deleted=False))
    @rule(i=st.integers(0, 99), j=st.integers(0, 99), what=st.sampled_from(["delete", "recover", "complete"]))
    def refused(self, i, j, what):  # SPEC 5.1, 5.2, 0.4: refused as a whole, nothing changes
        gone, live = self.pick(i, deleted=True), self.pick(j, deleted=False)
        if what == "delete":
            with pytest.raises(RuleViolation):
                deletion.delete_sessions(self.p, self.admin, [live, gone])
        elif what == "recover":
            with pytest.raises(RuleViolation):
                deletion.recover_sessions(self.p, self.admin, [gone, live])
        else:
            with pytest.raises(NotFound):
                completion.complete_session(self.p, self.admin, gone, self.ids["keys"]["completed"])

    @rule(c=st.integers(0, 2), amount=st.integers(1, 50000), method=st.sampled_from(["cash", "card", "cheque"]))
    def pay(self, c, amount, method):
        cid = self.ids["clients"][c]
        ledger.record_payment(self.p, self.ids["staff"], cid, amount, method)
        self.payments[cid] += amount

    @rule(client_mod=st.integers(0, 150), pr_mod=st.integers(0, 150))
    def edit_percentage_type(self, client_mod, pr_mod):  # SPEC 4.5: saved sessions keep their amounts
        completion.update_completion_type(self.p, self.admin, self.ids["pct"], CompletionTypeInput(
            "canceled", "Late Cancel", "", "percentage", client_mod, pr_mod))
        self.pct = (client_mod, pr_mod)

    @rule()
    def toggle_flat_type(self):
        self.flat_enabled = not self.flat_enabled
        completion.set_completion_type_enabled(self.p, self.admin, self.ids["flat"], self.flat_enabled)

    @rule(minutes=st.integers(1, 600))
    def time_passes(self, minutes):
        self.clock.advance(minutes=minutes)

    # ---- checks after every step -------------------------------------------------------------------
    @invariant()
    def sessions_match_the_model(self):
        live = {v.id: v for v in sessions.list_sessions(self.p, self.admin, *WIDE)}
        assert sorted(live) == sorted(k for k, m in self.model.items() if not m["deleted"])
        assert sorted(v.id for v in deletion.list_deleted(self.p, self.admin)) == sorted(
            k for k, m in self.model.items() if m["deleted"])
        for sid, v in live.items():
            saved = self.model[sid]["saved"]
            if saved is None:
                assert (v.status, v.completion_label) == ("open", None)
                assert all(c.charge_cents is None for c in v.clients)
            else:
                status, label, charge, wage = saved
                assert (v.status, v.completion_label, v.wage_cents) == (status, label, wage)
                assert [c.charge_cents for c in v.clients] == [charge] * len(self.model[sid]["clients"])

    @invariant()
    def balances_equal_payments_minus_live_charges(self):
        live = [v for v in sessions.list_sessions(self.p, self.admin, *WIDE) if v.status != "open"]
        expected = dict(self.payments)
        for v in live:
            for c in v.clients:
                expected[c.id] -= c.charge_cents
        for cid, want in expected.items():
            assert ledger.client_balance(self.p, self.admin, cid) == want
            assert sum(e.amount_cents for e in ledger.client_entries(self.p, self.admin, cid)) == want
        listed = {b.client_id: b.balance_cents for b in clients.client_balances(self.p, self.admin)}
        assert listed == expected

    @invariant()
    def wages_equal_live_saved_sessions(self):
        live = [v for v in sessions.list_sessions(self.p, self.admin, *WIDE) if v.status != "open"]
        totals = {w.practitioner_id: (w.wages_cents, w.sessions)
                  for w in ledger.practitioner_wages(self.p, self.admin, *WIDE)}
        for pid in self.ids["prs"]:
            mine = [v.wage_cents for v in live if v.practitioner_id == pid]
            assert totals[pid] == (sum(mine), sum(1 for w in mine if w))


# SPEC 4.1, 4.3, 4.4, 4.5, 4.6, 5.2, 0.4
def test_ledger_agrees_with_live_sessions_whatever_happens(ledger_template):
    LedgerMachine.template = ledger_template
    run_state_machine_as_test(LedgerMachine, settings=settings(max_examples=40, deadline=None,
                                                               stateful_step_count=25))

"""Many invoices at once: ``invoices.issue_batch`` (SPEC 9.1, 9.3 tax, 6.3 package mode, 0.4, 0.5, 1.1).

The batch drafts and issues each invoice with the same steps as ``create_draft`` then
``issue_invoice``, one unit of work per chunk; these tests hold it to the same results as the two
calls, consecutive gap-free numbers, one live invoice per session and client, and refusals that
take no number and change nothing.
"""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Invoice, InvoiceLine, LedgerEntry, NumberSeries, Service, Setting
from app.models.enums import PrepaymentMode
from app.services.errors import PermissionDenied, ValidationError
from app.services.money import invoices, ledger
from app.services.money.invoices import BatchRequest, LineItem
from app.services.scheduling import completion, deletion
from tests.services.fingerprint import fingerprint

JAN = (date(2026, 1, 1), date(2026, 1, 31))
FEB = (date(2026, 2, 1), date(2026, 2, 28))


def save(practice, admin, session, key="completed"):
    return completion.complete_session(practice, admin, session.id, completion.type_by_key(practice, key).id)


@pytest.fixture
def desk(practice, admin, make):
    """Four clients, each with a saved $80 session on 5 and 12 January and 2 February 2026, and an
    open one on 19 January (a taxed service: 10 %)."""
    pr = make.practitioner("Maya Stone")
    svc = make.service("Therapy", cost=8000, wage=4000, tax_rate_bp=1000)
    people = []
    for n in range(4):
        client = make.client("Client", f"Batch{n}")
        made = [make.session(datetime(2026, m, d, 9 + n), datetime(2026, m, d, 10 + n), svc, pr, [client])[0]
                for m, d in ((1, 5), (1, 12), (2, 2), (1, 19))]
        for s in made[:3]:
            save(practice, admin, s)
        people.append((client, made))
    return people


def month(people, days=JAN, pick=(0, 1)):
    return [BatchRequest(c.id, [made[i].id for i in pick], *days) for c, made in people]


def test_a_batch_issues_consecutive_numbers_in_request_order(practice, admin, desk):
    # SPEC 9.1: numbers gap-free, given at issue in the same transaction; each invoice as
    # create_draft + issue_invoice make it (lines, totals, due date, tax charged once, audit)
    balances = [ledger.client_balance(practice, admin, c.id) for c, _ in desk]
    got = invoices.issue_batch(practice, admin, month(desk), issue_date=date(2026, 2, 3))
    assert got.refused == ()
    assert [i.number for i in got.issued] == ["2026-0001", "2026-0002", "2026-0003", "2026-0004"]
    assert [(i.index, i.client_id) for i in got.issued] == [(n, c.id) for n, (c, _) in enumerate(desk)]
    for issued, (client, made), before in zip(got.issued, desk, balances, strict=True):
        inv = invoices.get_invoice(practice, admin, issued.invoice_id)
        assert (inv.status, inv.number, inv.client_id) == ("issued", issued.number, client.id)
        assert (inv.issue_date, inv.due_date, inv.period_first, inv.period_last) == (
            date(2026, 2, 3), date(2026, 2, 17), *JAN)
        assert [(ln.session_id, ln.label, ln.amount_cents, ln.tax_cents) for ln in inv.lines] == [
            (made[0].id, "Completed", 8000, 800), (made[1].id, "Completed", 8000, 800)]
        assert inv.total_cents == issued.total_cents == 17600
        # the sessions were charged when saved: the invoice adds only its tax
        assert ledger.client_balance(practice, admin, client.id) == before - 1600
    with practice.read() as tx:
        assert tx.get(NumberSeries, ("invoice", 2026)).last_seq == 4
        actions = tx.scalars(select(AuditEntry.action).where(AuditEntry.entity == "invoice")
                             .order_by(AuditEntry.id)).all()
    assert actions == ["invoice.create_draft", "invoice.issue"] * 4
    # the next invoice, one by one, follows on
    one = invoices.create_draft(practice, admin, desk[0][0].id, [desk[0][1][2].id], *FEB)
    assert invoices.issue_invoice(practice, admin, one.id, date(2026, 2, 3)).number == "2026-0005"


def test_a_session_already_on_a_live_invoice_is_refused_alone_and_takes_no_number(practice, admin, desk):
    # SPEC 9.1: a session is on at most one live invoice; the refused invoice is rolled back alone
    (ann, ann_s), (bob, bob_s) = desk[0], desk[1]
    draft = invoices.create_draft(practice, admin, ann.id, [ann_s[0].id], *JAN)  # a draft holds it
    requests = month(desk)
    requests.append(BatchRequest(bob.id, [bob_s[0].id], *JAN))  # twice in the same batch
    got = invoices.issue_batch(practice, admin, requests, issue_date=date(2026, 2, 3))
    assert [(r.index, r.client_id) for r in got.refused] == [(0, ann.id), (4, bob.id)]
    assert "already on a draft invoice" in got.refused[0].message
    assert "already on invoice 2026-0001" in got.refused[1].message
    assert [i.number for i in got.issued] == ["2026-0001", "2026-0002", "2026-0003"]
    assert [i.client_id for i in got.issued] == [c.id for c, _ in desk[1:]]
    with practice.read() as tx:
        # nothing of the refused ones was written: Ann has only her draft, Bob one invoice
        assert tx.scalars(select(Invoice.id).where(Invoice.client_id == ann.id)).all() == [draft.id]
        assert tx.scalar(select(func.count()).select_from(Invoice).where(Invoice.client_id == bob.id)) == 1
        live = tx.execute(select(InvoiceLine.session_id, func.count()).where(InvoiceLine.live.is_(True))
                          .group_by(InvoiceLine.session_id, InvoiceLine.client_id)).all()
        assert max(n for _, n in live) == 1
        assert tx.get(NumberSeries, ("invoice", 2026)).last_seq == 3
    # a credit note frees the session for the next batch
    invoices.cancel_invoice(practice, admin, got.issued[0].invoice_id, "Wrong month")
    again = invoices.issue_batch(practice, admin, [BatchRequest(bob.id, [bob_s[0].id, bob_s[1].id], *JAN)],
                                 issue_date=date(2026, 2, 3))
    assert [i.number for i in again.issued] == ["2026-0004"] and again.refused == ()


def test_sessions_deleted_or_taken_off_are_refused_by_the_rules_of_a_draft(practice, admin, desk):
    # SPEC 9.1, 5: a deleted session is not invoiced; in package mode open sessions are not (SPEC 6.3)
    (ann, ann_s), (bob, bob_s) = desk[0], desk[1]
    deletion.delete_sessions(practice, admin, [ann_s[0].id])
    with practice.uow() as tx:  # the mode as packages.py's settings store it (the sessions are booked already)
        tx.merge(Setting(key="prepayment_mode", value=json.dumps(PrepaymentMode.PACKAGE.value)))
    practice.settings_changed()
    got = invoices.issue_batch(practice, admin, [BatchRequest(ann.id, [ann_s[0].id], *JAN),
                                                 BatchRequest(bob.id, [bob_s[3].id], *JAN),
                                                 BatchRequest(bob.id, [bob_s[0].id], *JAN)],
                               issue_date=date(2026, 2, 3))
    assert [r.index for r in got.refused] == [0, 1]
    assert "not this client's any more" in got.refused[0].message
    assert "has not been saved yet" in got.refused[1].message
    assert [(i.index, i.number) for i in got.issued] == [(2, "2026-0001")]


def test_chunks_are_committed_one_by_one_and_reported(practice, admin, desk):
    # SPEC 0.4: one unit of work per chunk; what on_chunk is given is in the file already
    seen = []

    def on_chunk(done):
        with practice.read() as tx:  # another transaction: the chunk is committed
            numbers = tx.scalars(select(Invoice.number).where(Invoice.id.in_([d.invoice_id for d in done]))
                                 .order_by(Invoice.number)).all()
        seen.append(numbers)

    requests = month(desk) + month(desk, FEB, pick=(2,))
    got = invoices.issue_batch(practice, admin, requests, issue_date=date(2026, 2, 28), chunk_size=3,
                               on_chunk=on_chunk)
    assert seen == [["2026-0001", "2026-0002", "2026-0003"], ["2026-0004", "2026-0005", "2026-0006"],
                    ["2026-0007", "2026-0008"]]
    assert [i.number for i in got.issued] == [n for chunk in seen for n in chunk]


def test_items_and_notes_as_in_a_draft(practice, admin, desk):
    # SPEC 9.1, 9.3: free line items charged once at issue, with their tax half-up
    ann, ann_s = desk[0]
    before = ledger.client_balance(practice, admin, ann.id)
    got = invoices.issue_batch(practice, admin, [BatchRequest(ann.id, [], *JAN, [LineItem("Report", 1005, 2000)],
                                                              "Thank you")], issue_date=date(2026, 2, 3))
    inv = invoices.get_invoice(practice, admin, got.issued[0].invoice_id)
    assert (inv.note, inv.total_cents, [ln.tax_cents for ln in inv.lines]) == ("Thank you", 1206, [201])
    assert ledger.client_balance(practice, admin, ann.id) == before - 1206
    with practice.read() as tx:
        assert tx.scalar(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.invoice_line_id.is_not(None))) == 2


@pytest.mark.parametrize("change, field", [
    (lambda reqs: "not a list", "invoices"),
    (lambda reqs: [], "invoices"),
    (lambda reqs: reqs + [("x",)], "invoice 5"),
    (lambda reqs: reqs + [BatchRequest(1, [1], JAN[1], JAN[0])], "invoice 5"),
    (lambda reqs: reqs + [BatchRequest("1", [1], *JAN)], "invoice 5"),
    (lambda reqs: reqs + [BatchRequest(1, [], *JAN)], "invoice 5"),  # nothing to invoice
    (lambda reqs: [reqs[0]._replace(items=[("Fee", -1, 0)])] + reqs[1:], "invoice 1"),
])
def test_bad_input_names_the_invoice_and_changes_nothing(practice, admin, desk, change, field):
    # SPEC 0.5: every request is checked before anything is written
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        invoices.issue_batch(practice, admin, change(month(desk)), issue_date=date(2026, 2, 3))
    assert e.value.field == field
    assert fingerprint(practice) == before


@pytest.mark.parametrize("kwargs, field", [
    ({"issue_date": datetime(2026, 2, 3)}, "issue date"),
    ({"chunk_size": 0}, "invoices per transaction"),
    ({"chunk_size": 1001}, "invoices per transaction"),
    ({"on_chunk": "print"}, "progress"),
])
def test_bad_batch_options_change_nothing(practice, admin, desk, kwargs, field):
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        invoices.issue_batch(practice, admin, month(desk), **kwargs)
    assert e.value.field == field
    assert fingerprint(practice) == before


def test_an_issue_date_before_the_last_invoice_refuses_each_and_takes_no_number(practice, admin, desk):
    # SPEC 9.1: within a year numbers follow dates
    invoices.issue_batch(practice, admin, month(desk)[:1], issue_date=date(2026, 2, 10))
    got = invoices.issue_batch(practice, admin, month(desk)[1:], issue_date=date(2026, 2, 3))
    assert got.issued == () and [r.index for r in got.refused] == [0, 1, 2]
    assert got.refused[0].message.startswith("issue date must not be before 10 Feb 2026")
    with practice.read() as tx:
        assert tx.get(NumberSeries, ("invoice", 2026)).last_seq == 1
        assert tx.scalar(select(func.count()).select_from(Invoice)) == 1


def test_practitioners_make_no_batch(practice, admin, make, desk):
    # SPEC 1.1: invoices are the front desk's
    own = make.user("practitioner", practitioner_id=make.practitioner().id)
    before = fingerprint(practice)
    with pytest.raises(PermissionDenied):
        invoices.issue_batch(practice, own, month(desk))
    assert fingerprint(practice) == before
    staff = make.user("staff")
    assert len(invoices.issue_batch(practice, staff, month(desk)).issued) == 4


def test_tax_rate_changed_after_saving_is_taken_as_for_a_draft(practice, admin, desk):
    # SPEC 9.3: the line's tax rate is the service's now, as create_draft takes it
    ann, ann_s = desk[0]
    with practice.uow() as tx:
        tx.scalars(select(Service).where(Service.name == "Therapy")).one().tax_rate_bp = 2000
    got = invoices.issue_batch(practice, admin, [BatchRequest(ann.id, [ann_s[0].id], *JAN)])
    inv = invoices.get_invoice(practice, admin, got.issued[0].invoice_id)
    assert [(ln.tax_rate_bp, ln.tax_cents) for ln in inv.lines] == [(2000, 1600)]

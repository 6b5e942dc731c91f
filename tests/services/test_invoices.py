"""Invoices and credit notes (SPEC 9.1, 9.3 tax, 6.3 package mode, 0.4, 0.5, 1.1)."""
from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select, text, update

from app.models import Allocation, Invoice, LedgerEntry, NumberSeries, Service, Setting
from app.models.enums import PrepaymentMode
from app.services import audit, practice_settings
from app.services.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from app.services.money import invoices, ledger
from app.services.money.invoices import LineItem
from app.services.scheduling import completion, deletion
from tests.races import race, raw_errors
from tests.services.fingerprint import fingerprint

JAN = (date(2026, 1, 1), date(2026, 1, 31))
TRIES = int(os.environ.get("PRACTICE_RACE_TRIES", "100"))  # the race issues this many invoices in all


def set_tax(practice, service, basis_points):
    with practice.uow() as tx:
        tx.execute(update(Service).where(Service.id == service.id).values(tax_rate_bp=basis_points))


def save(practice, admin, session, key="completed"):
    return completion.complete_session(practice, admin, session.id, completion.type_by_key(practice, key).id)


@pytest.fixture
def jan(practice, admin, make):
    """Client Ann Lee with three $80 sessions in January 2026 (5th saved, 12th saved, 19th open)."""
    pr, svc = make.practitioner("Maya Stone"), make.service("Therapy", cost=8000, wage=4000)
    ann = make.client("Ann", "Lee", address="1 Quay St")
    made = [make.session(datetime(2026, 1, d, 10), datetime(2026, 1, d, 11), svc, pr, [ann])[0] for d in (5, 12, 19)]
    save(practice, admin, made[0])
    save(practice, admin, made[1])
    return ann, svc, pr, made


def draft(practice, actor, client, sessions=(), items=(), note="", days=JAN):
    return invoices.create_draft(practice, actor, client.id, [s.id for s in sessions], *days, items=items, note=note)


def paid_in(practice, client, cents):
    """A payment row written directly, not through payments.py (which allocates it): these tests
    make their own allocations."""
    now = practice.clock.now()
    with practice.uow() as tx:
        e = LedgerEntry(kind="payment", client_id=client.id, amount_cents=cents, method="cash", effective_at=now,
                        created_at=now)
        tx.add(e)
        tx.flush()
        return e.id


def allocate(practice, payment_id, invoice, cents, reverses=None):
    with practice.uow() as tx:
        a = Allocation(payment_id=payment_id, invoice_id=invoice.id, amount_cents=cents, reverses_id=reverses,
                       created_at=practice.clock.now())
        tx.add(a)
        tx.flush()
        return a.id


def balance(practice, admin, client):
    return ledger.client_balance(practice, admin, client.id)


# -- drafts -------------------------------------------------------------------------------------

def test_draft_has_no_number_and_can_be_deleted(practice, admin, jan):
    # SPEC 9.1: a draft has no number and may be deleted; its sessions are free again
    ann, _, _, s = jan
    before = balance(practice, admin, ann)
    inv = draft(practice, admin, ann, s[:2], items=[LineItem("Report", 2500)], note="Thank you")
    assert (inv.status, inv.number, inv.issue_date, inv.due_date) == ("draft", None, None, None)
    assert [(ln.service_date, ln.service_name, ln.practitioner_name, ln.label, ln.amount_cents) for ln in inv.lines] == [
        (date(2026, 1, 5), "Therapy", "Maya Stone", "Completed", 8000),
        (date(2026, 1, 12), "Therapy", "Maya Stone", "Completed", 8000),
        (None, "", "", "", 2500)]
    assert inv.lines[2].description == "Report"
    assert (inv.total_cents, inv.amount_due_cents, inv.note) == (18500, 18500, "Thank you")
    assert balance(practice, admin, ann) == before  # a draft moves no money
    assert [r.id for r in invoices.list_invoices(practice, admin, status="draft")] == [inv.id]
    offered = invoices.uninvoiced_sessions(practice, admin, ann.id, *JAN)
    assert [u.session_id for u in offered] == [s[2].id]

    invoices.delete_draft(practice, admin, inv.id)
    with pytest.raises(NotFound):
        invoices.get_invoice(practice, admin, inv.id)
    assert invoices.list_invoices(practice, admin) == []
    assert [u.session_id for u in invoices.uninvoiced_sessions(practice, admin, ann.id, *JAN)] == [x.id for x in s]
    assert [a.action for a in audit.list_audit(practice, admin, entity="invoice", entity_id=inv.id)] == [
        "invoice.delete_draft", "invoice.create_draft"]


def test_update_draft_replaces_lines_and_takes_amounts_afresh(practice, admin, jan):
    ann, _, _, s = jan
    inv = draft(practice, admin, ann, [s[2]])
    assert [(ln.label, ln.amount_cents) for ln in inv.lines] == [("Scheduled", 8000)]
    save(practice, admin, s[2], "missed")
    inv = invoices.update_draft(practice, admin, inv.id, [s[2].id, s[0].id], *JAN,
                                items=[("Late fee", 1000, 0)], note="n")
    assert [(ln.position, ln.session_id, ln.label) for ln in inv.lines] == [
        (1, s[0].id, "Completed"), (2, s[2].id, "Missed"), (3, None, "")]
    assert inv.total_cents == 17000
    with practice.read() as tx:  # the replaced lines are gone, not left live
        assert tx.scalar(select(func.count()).select_from(text("invoice_line"))) == 3


def test_uninvoiced_sessions_saved_open_canceled_deleted_and_local_dates(practice, admin, make, jan):
    # SPEC 9.1: saved sessions at their charge, open ones at their price; nothing free, nothing deleted
    ann, svc, pr, s = jan
    [late] = make.session(datetime(2026, 1, 31, 23, 30), datetime(2026, 1, 31, 23, 55), svc, pr, [ann])
    [feb] = make.session(datetime(2026, 2, 1, 0, 5), datetime(2026, 2, 1, 1), svc, pr, [ann])
    [free] = make.session(datetime(2026, 1, 20, 10), datetime(2026, 1, 20, 11), svc, pr, [ann])
    save(practice, admin, free, "canceled")
    [gone] = make.session(datetime(2026, 1, 21, 10), datetime(2026, 1, 21, 11), svc, pr, [ann])
    deletion.delete_sessions(practice, admin, [gone.id])
    [other] = make.session(datetime(2026, 1, 22, 10), datetime(2026, 1, 22, 11), svc, pr, [make.client()])
    offered = invoices.uninvoiced_sessions(practice, admin, ann.id, *JAN)
    assert [(u.session_id, u.service_date, u.label, u.amount_cents) for u in offered] == [
        (s[0].id, date(2026, 1, 5), "Completed", 8000), (s[1].id, date(2026, 1, 12), "Completed", 8000),
        (s[2].id, date(2026, 1, 19), "Scheduled", 8000), (late.id, date(2026, 1, 31), "Scheduled", 8000)]
    assert feb.id not in [u.session_id for u in offered] and other.id not in [u.session_id for u in offered]
    with pytest.raises(ValidationError) as e:
        draft(practice, admin, ann, [free])
    assert e.value.field == "sessions" and "no charge" in e.value.message
    with pytest.raises(ValidationError, match="outside the invoice's dates"):
        draft(practice, admin, ann, [feb])
    with pytest.raises(ValidationError, match="not this client's"):
        draft(practice, admin, ann, [other])


def test_package_mode_offers_only_saved_sessions(practice, admin, jan):
    # SPEC 6.3: in package mode future sessions cannot be invoiced; saved ones can, with line items
    ann, _, _, s = jan
    with practice.uow() as tx:  # the mode as packages.py's settings store it (the sessions are booked already)
        tx.merge(Setting(key="prepayment_mode", value=json.dumps(PrepaymentMode.PACKAGE.value)))
    practice.settings_changed()
    assert [u.session_id for u in invoices.uninvoiced_sessions(practice, admin, ann.id, *JAN)] == [s[0].id, s[1].id]
    with pytest.raises(ValidationError, match="package mode"):
        draft(practice, admin, ann, [s[2]])
    inv = draft(practice, admin, ann, s[:2], items=[("Materials", 1500)])
    assert invoices.issue_invoice(practice, admin, inv.id).total_cents == 17500


# -- numbers ------------------------------------------------------------------------------------

def test_numbers_stay_gap_free_with_a_cancelled_invoice_between_two_others(practice, admin, jan):
    # SPEC 9.1: 2026-0001, 2026-0002 cancelled by CN-2026-0001, then 2026-0003
    ann, _, _, s = jan
    a, b, c = (draft(practice, admin, ann, [x]) for x in s)
    assert invoices.issue_invoice(practice, admin, a.id).number == "2026-0001"
    assert invoices.issue_invoice(practice, admin, b.id).number == "2026-0002"
    voided = invoices.cancel_invoice(practice, admin, b.id, "Wrong client address")
    assert voided.status == "cancelled" and voided.number == "2026-0002"
    assert (voided.credit_note.number, voided.credit_note.reason, voided.credit_note.amount_cents) == (
        "CN-2026-0001", "Wrong client address", 8000)
    assert voided.credit_note.issue_date == date(2026, 1, 1)
    assert voided.amount_due_cents == 0
    assert invoices.issue_invoice(practice, admin, c.id).number == "2026-0003"
    rows = invoices.list_invoices(practice, admin)
    assert [(r.number, r.status, r.credit_note_number) for r in rows] == [
        ("2026-0003", "issued", None), ("2026-0002", "cancelled", "CN-2026-0001"), ("2026-0001", "issued", None)]


def test_issuing_sets_dates_freezes_and_uses_the_settings(practice, admin, jan):
    # SPEC 9.1: issue date, due date from the payment terms, number in the practice's format
    ann, _, _, s = jan
    practice_settings.update_settings(practice, admin, invoice_number_format="INV/{year}/{seq:03d}",
                                      payment_terms_days=30)
    inv = invoices.issue_invoice(practice, admin, draft(practice, admin, ann, s[:1]).id, date(2026, 1, 15))
    assert (inv.number, inv.status, inv.issue_date, inv.due_date) == ("INV/2026/001", "issued", date(2026, 1, 15),
                                                                      date(2026, 2, 14))
    assert inv.issued_at == datetime(2026, 1, 1, 12, tzinfo=UTC)
    with practice.read() as tx:
        assert (tx.get(Invoice, inv.id).year, tx.get(Invoice, inv.id).seq) == (2026, 1)
    # default terms are 14 days, and an issue date of today by default
    practice_settings.update_settings(practice, admin, payment_terms_days=14)
    second = invoices.issue_invoice(practice, admin, draft(practice, admin, ann, s[1:2]).id, date(2026, 1, 20))
    assert second.due_date == date(2026, 2, 3)


def test_year_rollover_starts_at_0001(practice, admin, clock, jan):
    # SPEC 9.1: the number belongs to the series of the issue date's year
    ann, _, _, s = jan
    a, b, c = (draft(practice, admin, ann, [x]) for x in s)
    assert invoices.issue_invoice(practice, admin, a.id, date(2026, 12, 31)).number == "2026-0001"
    clock.advance(days=366)  # 2027-01-02
    assert invoices.issue_invoice(practice, admin, b.id).number == "2027-0001"
    assert invoices.cancel_invoice(practice, admin, b.id, "Duplicate").credit_note.number == "CN-2027-0001"
    with pytest.raises(ValidationError) as e:  # numbers follow dates within a year
        invoices.issue_invoice(practice, admin, c.id, date(2026, 6, 1))
    assert e.value.field == "issue date" and "2026-0001" in e.value.message
    assert invoices.issue_invoice(practice, admin, c.id, date(2026, 12, 31)).number == "2026-0002"
    with practice.read() as tx:
        assert {(n.series, n.year): n.last_seq for n in tx.scalars(select(NumberSeries))} == {
            ("invoice", 2026): 2, ("invoice", 2027): 1, ("credit", 2027): 1}


def test_a_refused_issue_takes_no_number(practice, admin, make, jan):
    # SPEC 9.1: gap-free: an issue that fails gives its number back
    ann, _, _, s = jan
    first = draft(practice, admin, ann, [s[0]])
    doomed = draft(practice, admin, ann, [s[1]])
    deletion.delete_sessions(practice, admin, [s[1].id])
    with pytest.raises(RuleViolation, match="deleted"):
        invoices.issue_invoice(practice, admin, doomed.id)
    assert invoices.issue_invoice(practice, admin, first.id).number == "2026-0001"


def test_issue_refuses_a_draft_whose_session_changed(practice, admin, jan):
    ann, _, _, s = jan
    inv = draft(practice, admin, ann, [s[2]])
    save(practice, admin, s[2], "canceled")  # now free: the draft's $80 is wrong
    with pytest.raises(RuleViolation, match="changed since this draft was made"):
        invoices.issue_invoice(practice, admin, inv.id)
    assert invoices.get_invoice(practice, admin, inv.id).status == "draft"


@pytest.mark.parametrize("changes, field", [
    ({"invoice_number_format": "{seq:04d}"}, "invoice number format"),  # no year: 2027 would repeat 2026
    ({"invoice_number_format": "{year}-{n}"}, "invoice number format"),
    ({"invoice_number_format": "{year}-{seq:s}"}, "invoice number format"),
    ({"invoice_number_format": "{year}-{seq!r}"}, "invoice number format"),
    ({"invoice_number_format": "{year}-{seq.real}"}, "invoice number format"),
    ({"invoice_number_format": "{year}-{seq:099999999d}"}, "invoice number format"),
    ({"invoice_number_format": "{year}-{seq:{year}}"}, "invoice number format"),
    ({"invoice_number_format": "{year}-{seq:04d"}, "invoice number format"),
    ({"invoice_number_format": "{year}-{seq:%}-" + "x" * 40}, "invoice number format"),
    ({"credit_note_number_format": "{year}-{seq:04d}"}, "credit note number format"),  # same as invoices
    ({"payment_terms_days": -1}, "payment terms"),
    ({"payment_terms_days": "14"}, "payment terms"),
    ({"payment_instructions": "x" * 1001}, "payment instructions"),
    ({"tax_note": 5}, "tax id or exemption note"),
])
def test_invoice_settings_are_checked(practice, admin, changes, field):
    before = dict(practice.settings())
    with pytest.raises(ValidationError) as e:
        practice_settings.update_settings(practice, admin, **changes)
    assert e.value.field == field
    assert practice.settings() == before


def test_invoice_settings_defaults_and_changes(practice, admin):
    conf = practice_settings.get_settings(practice, admin)
    assert (conf["invoice_number_format"], conf["credit_note_number_format"], conf["payment_terms_days"],
            conf["payment_instructions"], conf["tax_note"]) == ("{year}-{seq:04d}", "CN-{year}-{seq:04d}", 14, "", "")
    out = practice_settings.update_settings(practice, admin, payment_instructions="IBAN PL61 1090 1014",
                                            tax_note="VAT exempt (art. 43)", credit_note_number_format="K{year}/{seq}")
    assert (out["payment_instructions"], out["tax_note"], out["credit_note_number_format"]) == (
        "IBAN PL61 1090 1014", "VAT exempt (art. 43)", "K{year}/{seq}")


# -- one live invoice per session ---------------------------------------------------------------

def test_a_session_is_on_at_most_one_live_invoice_and_free_after_a_credit_note(practice, admin, make, jan):
    # SPEC 9.1
    ann, _, _, s = jan
    first = draft(practice, admin, ann, s[:1])
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:  # on a draft
        draft(practice, admin, ann, s[:2])
    assert e.value.field == "sessions" and "already on a draft invoice" in e.value.message
    assert fingerprint(practice) == before
    invoices.issue_invoice(practice, admin, first.id)
    after_issue = fingerprint(practice)
    with pytest.raises(ValidationError, match="already on invoice 2026-0001"):
        draft(practice, admin, ann, s[:1])
    assert fingerprint(practice) == after_issue
    assert s[0].id not in [u.session_id for u in invoices.uninvoiced_sessions(practice, admin, ann.id, *JAN)]

    invoices.cancel_invoice(practice, admin, first.id, "Sent twice")
    assert s[0].id in [u.session_id for u in invoices.uninvoiced_sessions(practice, admin, ann.id, *JAN)]
    again = draft(practice, admin, ann, s[:1])
    assert invoices.issue_invoice(practice, admin, again.id).number == "2026-0002"
    # the cancelled invoice still shows what it held
    assert [ln.session_id for ln in invoices.get_invoice(practice, admin, first.id).lines] == [s[0].id]


def test_the_database_refuses_a_second_live_line_for_a_session(practice, admin, jan):
    # SPEC 9.1: the partial unique index is the backstop under the service's own check
    from sqlalchemy.exc import IntegrityError

    from app.models import InvoiceLine

    ann, _, _, s = jan
    inv = draft(practice, admin, ann, s[:1])
    with pytest.raises(IntegrityError), practice.uow() as tx:
        tx.add(InvoiceLine(invoice_id=inv.id, position=9, client_id=ann.id, session_id=s[0].id, amount_cents=1,
                           live=True))
        tx.flush()


def test_a_group_session_is_invoiced_to_each_client_apart(practice, admin, make):
    pr, svc = make.practitioner(), make.service(cost=8000)
    a, b = make.client(), make.client()
    [g] = make.session(datetime(2026, 1, 7, 10), datetime(2026, 1, 7, 11), svc, pr, [a, b])
    save(practice, admin, g)
    invoices.issue_invoice(practice, admin, draft(practice, admin, a, [g]).id)
    assert invoices.issue_invoice(practice, admin, draft(practice, admin, b, [g]).id).total_cents == 8000


# -- money --------------------------------------------------------------------------------------

def test_tax_is_rounded_half_up_per_line(practice, admin, make):
    # SPEC 9.3: a rate per service, none by default, rounded half-up per line (not on the total)
    pr, svc = make.practitioner(), make.service(cost=1005)
    set_tax(practice, svc, 500)  # 5 %: 50.25 cents -> 50 per line; on the total 2 x 50.25 = 100.5 -> 101
    client = make.client()
    made = [make.session(datetime(2026, 1, d, 10), datetime(2026, 1, d, 11), svc, pr, [client])[0] for d in (5, 6)]
    for x in made:
        save(practice, admin, x)
    inv = draft(practice, admin, client, made, items=[("Half", 10, 500), ("Round", 30, 500), ("Untaxed", 999)])
    assert [(ln.amount_cents, ln.tax_rate_bp, ln.tax_cents) for ln in inv.lines] == [
        (1005, 500, 50), (1005, 500, 50), (10, 500, 1), (30, 500, 2), (999, 0, 0)]  # 0.5 -> 1, 1.5 -> 2
    assert (inv.subtotal_cents, inv.tax_cents, inv.total_cents) == (3049, 103, 3152)
    assert invoices.line_tax(1005, 2000) == 201 and invoices.line_tax(25, 2000) == 5 and invoices.line_tax(0, 2000) == 0
    default = make.service()
    with practice.read() as tx:
        assert tx.get(Service, default.id).tax_rate_bp == 0  # none by default


def test_free_items_and_tax_charge_the_ledger_once_at_issue_and_the_credit_note_reverses_exactly_them(
        practice, admin, jan):
    # SPEC 9.1, 9.3, 0.4: sessions are charged when saved, never again by an invoice; the invoice
    # charges only what it adds, and its credit note reverses exactly that, dated when it is made
    ann, svc, _, s = jan
    set_tax(practice, svc, 2000)
    assert balance(practice, admin, ann) == -16000  # two saved sessions
    inv = draft(practice, admin, ann, s[:2], items=[LineItem("Report", 2500), LineItem("Copy", 1005, 2000)])
    assert balance(practice, admin, ann) == -16000
    issued = invoices.issue_invoice(practice, admin, inv.id)
    assert (issued.subtotal_cents, issued.tax_cents, issued.total_cents) == (19505, 3401, 22906)
    # the sessions' tax (2 x 16.00), the report and the copy with its tax (2.01): 69.06
    with practice.read() as tx:
        posted = list(tx.scalars(select(LedgerEntry).where(LedgerEntry.invoice_line_id.is_not(None))))
    assert sorted(e.amount_cents for e in posted) == sorted([-1600, -1600, -2500, -1005, -201])
    assert all(e.kind == "charge" and e.client_id == ann.id and e.session_id is None for e in posted)
    assert all(e.effective_at == datetime(2026, 1, 1, 12, tzinfo=UTC) for e in posted)
    assert balance(practice, admin, ann) == -16000 - 6906
    with pytest.raises(RuleViolation, match="already issued"):
        invoices.issue_invoice(practice, admin, inv.id)
    assert balance(practice, admin, ann) == -16000 - 6906  # issuing twice is refused and charges nothing more

    # re-saving a session on the invoice leaves the invoice's own entries alone
    save(practice, admin, s[0])
    assert balance(practice, admin, ann) == -16000 - 6906

    practice.clock.advance(days=40)
    invoices.cancel_invoice(practice, admin, inv.id, "Wrong rate")
    with practice.read() as tx:
        reversals = list(tx.scalars(select(LedgerEntry).where(LedgerEntry.reverses_id.in_([e.id for e in posted]))))
    assert sorted((r.reverses_id, r.amount_cents) for r in reversals) == sorted((e.id, -e.amount_cents) for e in posted)
    assert all(r.effective_at == datetime(2026, 2, 10, 12, tzinfo=UTC) for r in reversals)  # dated when made
    assert balance(practice, admin, ann) == -16000  # the sessions' charges stay


def test_cancel_is_refused_while_payments_are_applied(practice, admin, jan):
    # SPEC 9.1, 9.3: take the payments back first (payments.py); the rule is checked here
    ann, _, _, s = jan
    inv = invoices.issue_invoice(practice, admin, draft(practice, admin, ann, s[:2]).id)
    pay = paid_in(practice, ann, 5000)
    first = allocate(practice, pay, inv, 5000)
    got = invoices.get_invoice(practice, admin, inv.id)
    assert (got.status, got.allocated_cents, got.amount_due_cents) == ("partly paid", 5000, 11000)
    assert [(p.payment_id, p.method, p.amount_cents) for p in got.payments] == [(pay, "cash", 5000)]
    before = fingerprint(practice)
    with pytest.raises(RuleViolation, match=r"\$50.00 of payments are applied to invoice 2026-0001. Take those "
                                            "payments back"):
        invoices.cancel_invoice(practice, admin, inv.id, "Mistake")
    assert fingerprint(practice) == before
    allocate(practice, pay, inv, -5000, reverses=first)  # taken back: a reversal row
    assert invoices.get_invoice(practice, admin, inv.id).payments == ()
    assert invoices.cancel_invoice(practice, admin, inv.id, "Mistake").status == "cancelled"


def test_issued_invoices_are_never_edited_or_deleted(practice, admin, jan):
    # SPEC 9.1
    ann, _, _, s = jan
    inv = invoices.issue_invoice(practice, admin, draft(practice, admin, ann, s[:1]).id)
    before = fingerprint(practice)
    with pytest.raises(RuleViolation, match="2026-0001 has been issued"):
        invoices.update_draft(practice, admin, inv.id, [s[1].id], *JAN)
    with pytest.raises(RuleViolation, match="never changed"):
        invoices.delete_draft(practice, admin, inv.id)
    invoices.cancel_invoice(practice, admin, inv.id, "Typo")
    after = fingerprint(practice)
    for call in (lambda: invoices.delete_draft(practice, admin, inv.id),
                 lambda: invoices.cancel_invoice(practice, admin, inv.id, "Again"),
                 lambda: invoices.issue_invoice(practice, admin, inv.id)):
        with pytest.raises(RuleViolation):
            call()
    assert fingerprint(practice) == after != before
    second = draft(practice, admin, ann, s[1:2])
    with pytest.raises(RuleViolation, match="delete it instead"):
        invoices.cancel_invoice(practice, admin, second.id, "Not needed")


# -- reading ------------------------------------------------------------------------------------

def test_statuses_filters_and_keyset_pages(practice, admin, make, jan):
    # SPEC 9.1: draft, issued, partly paid, paid, cancelled; the list filters and pages by key
    ann, svc, pr, s = jan
    bob = make.client("Bob", "Ray")
    [b1] = make.session(datetime(2026, 1, 8, 10), datetime(2026, 1, 8, 11), svc, pr, [bob])
    save(practice, admin, b1)
    paid = invoices.issue_invoice(practice, admin, draft(practice, admin, ann, [s[0]]).id, date(2026, 1, 6))
    part = invoices.issue_invoice(practice, admin, draft(practice, admin, ann, [s[1]]).id, date(2026, 1, 13))
    gone = invoices.issue_invoice(practice, admin, draft(practice, admin, bob, [b1]).id, date(2026, 1, 14))
    invoices.cancel_invoice(practice, admin, gone.id, "Bob paid cash on the day")
    unpaid = invoices.issue_invoice(practice, admin, draft(practice, admin, ann, [], items=[("Report", 900)]).id,
                                    date(2026, 1, 20))
    open_draft = draft(practice, admin, ann, [s[2]])
    pay = paid_in(practice, ann, 20000)
    allocate(practice, pay, paid, 8000)
    allocate(practice, pay, part, 3000)

    def ids(**kw):
        return [r.id for r in invoices.list_invoices(practice, admin, **kw)]

    assert ids() == [open_draft.id, unpaid.id, gone.id, part.id, paid.id]
    assert ids(status="paid") == [paid.id]
    assert ids(status="partly paid") == [part.id]
    assert ids(status="issued") == [unpaid.id]
    assert ids(status="cancelled") == [gone.id]
    assert ids(status="draft") == [open_draft.id]
    assert ids(client_id=bob.id) == [gone.id]
    assert ids(first_day=date(2026, 1, 13), last_day=date(2026, 1, 14)) == [gone.id, part.id]
    assert ids(first_day=date(2026, 1, 31)) == [open_draft.id]  # a draft is dated by its last service day
    assert ids(limit=2) == [open_draft.id, unpaid.id]
    assert ids(limit=2, after=unpaid.id) == [gone.id, part.id]
    assert ids(limit=2, after=part.id) == [paid.id]
    rows = {r.id: r for r in invoices.list_invoices(practice, admin)}
    assert (rows[part.id].status, rows[part.id].allocated_cents, rows[part.id].amount_due_cents) == (
        "partly paid", 3000, 5000)
    assert (rows[paid.id].status, rows[paid.id].amount_due_cents) == ("paid", 0)
    assert (rows[gone.id].amount_due_cents, rows[gone.id].credit_note_number) == (0, "CN-2026-0001")
    assert rows[open_draft.id].number is None and rows[open_draft.id].client_name == "Ann Lee"
    practice.clock.advance(days=30)  # 31 Jan: part (due 27 Jan) is overdue, unpaid (due 3 Feb) not yet
    rows = {r.id: r for r in invoices.list_invoices(practice, admin)}
    assert [i for i, r in rows.items() if r.overdue] == [part.id]
    view = invoices.get_invoice(practice, admin, part.id)
    assert (view.client_name, view.client_address, view.due_date) == ("Ann Lee", "1 Quay St", date(2026, 1, 27))


def test_the_list_is_one_select(practice, admin, make):
    # ARCHITECTURE: summaries in SQL (GROUP BY), never a query per row
    client = make.client()
    for _ in range(30):
        invoices.issue_invoice(practice, admin, invoices.create_draft(
            practice, admin, client.id, [], *JAN, items=[("Item", 100)]).id)
    statements = []
    event.listen(practice.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    rows = invoices.list_invoices(practice, admin, status="issued")
    assert len(rows) == 30
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 1


# -- bad input and permissions ------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, field", [
    ({"client_id": "1"}, "client"),
    ({"client_id": 999_999}, "client"),
    ({"session_ids": "5"}, "sessions"),
    ({"session_ids": [True]}, "sessions"),
    ({"session_ids": [], "items": []}, "sessions"),  # nothing to invoice
    ({"first_day": datetime(2026, 1, 1)}, "from"),
    ({"last_day": date(2025, 12, 31)}, "to"),
    ({"items": [("", 100, 0)]}, "line item 1"),
    ({"items": [("Fee", 100, 0), ("Fee", -1, 0)]}, "line item 2"),
    ({"items": [("Fee", 1.5, 0)]}, "line item 1"),
    ({"items": [("Fee", 100, 10_001)]}, "line item 1"),
    ({"items": [("Fee", 100_000_000_001, 0)]}, "line item 1"),
    ({"items": [("Fee", 1_000_000_000, 0), ("Fee", 1, 0)]}, "line items"),  # the total over SPEC 0.1's maximum
    ({"items": ["Fee"]}, "line item 1"),
    ({"items": "Fee"}, "line items"),
    ({"items": [("Fee", 100, 0)] * 101}, "line items"),
    ({"note": "x" * 2001}, "note"),
    ({"note": 5}, "note"),
])
def test_bad_draft_input_names_the_field_and_changes_nothing(practice, admin, jan, kwargs, field):
    # SPEC 0.5, 0.1
    ann, _, _, s = jan
    values = {"client_id": ann.id, "session_ids": [s[0].id], "first_day": JAN[0], "last_day": JAN[1],
              "items": [("Fee", 100, 0)], "note": "", **kwargs}
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        invoices.create_draft(practice, admin, **values)
    assert e.value.field == field
    assert fingerprint(practice) == before


@pytest.mark.parametrize("call, field", [
    (lambda p, a, inv: invoices.issue_invoice(p, a, inv.id, datetime(2026, 1, 2)), "issue date"),
    (lambda p, a, inv: invoices.issue_invoice(p, a, str(inv.id)), "invoice"),
    (lambda p, a, inv: invoices.cancel_invoice(p, a, inv.id, "  "), "reason"),
    (lambda p, a, inv: invoices.cancel_invoice(p, a, inv.id, None), "reason"),
    (lambda p, a, inv: invoices.delete_draft(p, a, [inv.id]), "invoice"),
    (lambda p, a, inv: invoices.update_draft(p, a, inv.id, [], *JAN, items=[("Fee", "10", 0)]), "line item 1"),
    (lambda p, a, inv: invoices.list_invoices(p, a, status="overdue"), "status"),
    (lambda p, a, inv: invoices.list_invoices(p, a, limit=0), "page size"),
    (lambda p, a, inv: invoices.list_invoices(p, a, after=0), "after"),
    (lambda p, a, inv: invoices.uninvoiced_sessions(p, a, inv.client_id, JAN[1], JAN[0]), "to"),
    (lambda p, a, inv: invoices.get_invoice(p, a, None), "invoice"),
])
def test_bad_input_to_the_other_calls(practice, admin, jan, call, field):
    # SPEC 0.5
    ann, _, _, s = jan
    inv = draft(practice, admin, ann, s[:1])
    before = fingerprint(practice)
    with pytest.raises(ValidationError) as e:
        call(practice, admin, inv)
    assert e.value.field == field
    assert fingerprint(practice) == before


def test_practitioners_neither_see_nor_make_invoices(practice, admin, make, jan):
    # SPEC 1.1: invoices are the front desk's (admin, staff)
    ann, _, pr, s = jan
    own = make.user("practitioner", practitioner_id=pr.id)
    staff = make.user("staff")
    inv = draft(practice, staff, ann, s[:1])  # staff may
    before = fingerprint(practice)
    calls = [
        lambda: invoices.uninvoiced_sessions(practice, own, ann.id, *JAN),
        lambda: draft(practice, own, ann, s[1:2]),
        lambda: invoices.update_draft(practice, own, inv.id, [s[1].id], *JAN),
        lambda: invoices.delete_draft(practice, own, inv.id),
        lambda: invoices.issue_invoice(practice, own, inv.id),
        lambda: invoices.cancel_invoice(practice, own, inv.id, "No"),
        lambda: invoices.get_invoice(practice, own, inv.id),
        lambda: invoices.list_invoices(practice, own),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert fingerprint(practice) == before
    invoices.issue_invoice(practice, staff, inv.id)
    assert invoices.cancel_invoice(practice, staff, inv.id, "Staff may void").status == "cancelled"
    with pytest.raises(PermissionDenied):
        practice_settings.update_settings(practice, staff, payment_terms_days=7)


def test_every_write_is_audited(practice, admin, jan):
    ann, _, _, s = jan
    inv = draft(practice, admin, ann, s[:1])
    invoices.update_draft(practice, admin, inv.id, [x.id for x in s[:2]], *JAN)
    invoices.issue_invoice(practice, admin, inv.id)
    invoices.cancel_invoice(practice, admin, inv.id, "Wrong period")
    trail = audit.list_audit(practice, admin, entity="invoice", entity_id=inv.id)
    assert [a.action for a in trail] == ["invoice.cancel", "invoice.issue", "invoice.update_draft",
                                         "invoice.create_draft"]
    assert trail[0].detail["reason"] == "Wrong period" and trail[0].detail["credit_note"] == "CN-2026-0001"
    assert trail[1].detail["number"] == "2026-0001"


# -- two workstations ---------------------------------------------------------------------------

def test_two_processes_issuing_at_once_never_share_or_skip_a_number(practice, admin, make):
    # SPEC 9.1, 0.4: two desks issue TRIES/2 invoices each, in step: TRIES distinct consecutive numbers
    client = make.client()
    made = [invoices.create_draft(practice, admin, client.id, [], *JAN, items=[(f"Item {i}", 100 + i)]).id
            for i in range(TRIES // 2 * 2)]
    half = len(made) // 2
    a, b = race(practice, admin, ("issue_each", made[:half], None), ("issue_each", made[half:], None))

    assert raw_errors(a, b) == []
    assert a["ok"] + b["ok"] == len(made), (a, b)
    with practice.read() as tx:
        got = tx.execute(select(Invoice.number, Invoice.seq).where(Invoice.status == "issued")).all()
        assert tx.get(NumberSeries, ("invoice", 2026)).last_seq == len(made)
    assert sorted(seq for _, seq in got) == list(range(1, len(made) + 1))
    assert len({n for n, _ in got}) == len(made)
    assert sorted(n for n, _ in got) == [f"2026-{i:04d}" for i in range(1, len(made) + 1)]
    print(f"\n{len(made)} invoices issued by two processes at once: {a + b}")

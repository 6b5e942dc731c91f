"""capabilities(actor): what each role may do, as the views ask it (SPEC 1.1). Each line is also
enforced by the service it names; here the read must agree with the enforcement."""
from __future__ import annotations

from datetime import date

import pytest

from app.services import backups
from app.services.errors import NotFound, PermissionDenied
from app.services.people import clients
from app.services.people.capabilities import capabilities
from app.services.practice import Actor

JAN_2026 = (date(2026, 1, 1), date(2026, 1, 31))


@pytest.mark.parametrize(("role", "expected"), [
    ("admin", dict(front_desk=True, settings=True, override_cost=True, confirm_warnings=True, see_balances=True,
                   back_up=True, restore=True, manage_users=True, practitioner_id=None)),
    ("staff", dict(front_desk=True, settings=False, override_cost=True, confirm_warnings=True, see_balances=True,
                   back_up=True, restore=False, manage_users=False, practitioner_id=None)),
    ("practitioner", dict(front_desk=False, settings=False, override_cost=False, confirm_warnings=False,
                          see_balances=False, back_up=False, restore=False, manage_users=False, practitioner_id=7)),
])
def test_spec_1_1_capabilities_per_role(role, expected):
    caps = capabilities(Actor(1, role, 7 if role == "practitioner" else None))
    assert {k: getattr(caps, k) for k in expected} == expected
    assert caps.works_on(7) and caps.works_on(8) == (role != "practitioner")


@pytest.mark.sqlite_only(reason="backups are copies of the practice file")
@pytest.mark.parametrize("role", ["staff", "practitioner"])
def test_spec_1_1_the_read_agrees_with_the_backup_service(practice, make, role):
    pr = make.practitioner()
    actor = make.user(role, practitioner_id=pr.id if role == "practitioner" else None)
    caps = capabilities(actor)
    for allowed, call in ((caps.back_up, lambda: backups.backup_now(practice, actor)),
                          (caps.back_up, lambda: backups.list_backups(practice, actor))):
        if allowed:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()


@pytest.mark.parametrize(("role", "may"), [("admin", True), ("staff", True), ("practitioner", False)])
def test_spec_1_1_create_clients_agrees_with_the_client_service(practice, make, role, may):
    pr = make.practitioner()
    actor = make.user(role, practitioner_id=pr.id if role == "practitioner" else None)
    assert capabilities(actor).create_clients is may
    if may:
        clients.create_client(practice, actor, clients.ClientInput("Jane", "Doe"))
    else:
        with pytest.raises(PermissionDenied):
            clients.create_client(practice, actor, clients.ClientInput("Jane", "Doe"))


@pytest.mark.parametrize(("role", "desk", "boss"), [("admin", True, True), ("staff", True, False),
                                                     ("practitioner", False, False)])
def test_spec_9_4_report_capabilities_agree_with_the_reports_service(practice, make, role, desk, boss):
    """Accounting > Reports: balances and ageing (and a balance's lines) for the front desk; every
    practitioner's wages, their sessions and lines, and revenue for the admin (money/reports.py). A
    practitioner's own wages stay under Practitioner Wages, as the service lets them read those."""
    from datetime import date

    from app.services.money import reports
    from app.services.money.reports import Figure

    me, other = make.practitioner(), make.practitioner()
    client = make.client()
    actor = make.user(role, practitioner_id=me.id if role == "practitioner" else None)
    caps = capabilities(actor)
    assert (caps.reports, caps.money_reports) == (desk, boss)
    first, last = date(2026, 1, 1), date(2026, 1, 31)
    for allowed, call in (
            (caps.reports, lambda: reports.balances(practice, actor)),
            (caps.reports, lambda: reports.ageing(practice, actor, last)),
            (caps.reports, lambda: reports.figure_entries(practice, actor, Figure("balance", client_id=client.id))),
            (caps.money_reports, lambda: reports.revenue(practice, actor, first, last, "month")),
            (caps.money_reports, lambda: reports.wage_sessions(practice, actor, other.id, first, last)),
            (caps.money_reports, lambda: reports.figure_entries(practice, actor, Figure(
                "wages", practitioner_id=other.id, first_day=first, last_day=last))),
            (caps.money_reports, lambda: reports.figure_entries(practice, actor, Figure(
                "revenue", first_day=first, last_day=last, key="2026-01")))):
        if allowed:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()
    if caps.money_reports:  # every practitioner's wages
        assert {r.practitioner_id for r in reports.wages(practice, actor, first, last)} >= {me.id, other.id}
    elif role == "staff":
        with pytest.raises(PermissionDenied):
            reports.wages(practice, actor, first, last)


@pytest.mark.parametrize(("role", "may"), [("admin", True), ("staff", True), ("practitioner", False)])
def test_spec_1_1_invoices_capability_agrees_with_the_invoice_services(practice, make, role, may):
    """Accounting > Invoices is the front desk's; practitioners neither see nor make invoices."""
    from app.services.money import invoice_documents, invoices

    pr = make.practitioner()
    actor = make.user(role, practitioner_id=pr.id if role == "practitioner" else None)
    assert capabilities(actor).invoices is may
    for call in (lambda: invoices.list_invoices(practice, actor),
                 lambda: invoices.create_draft(practice, actor, make.client().id, [], *JAN_2026,
                                               items=[("Report", 1000)]),
                 lambda: invoice_documents.invoice_pdf_bytes(practice, actor, 10**6)):
        if may:
            try:
                call()
            except NotFound:  # the invoice asked for does not exist: past the permission check
                pass
        else:
            with pytest.raises(PermissionDenied):
                call()

"""Automatic invoicing runs (SPEC 10.2, 10.3): one invoice per client with sessions in the interval,
completed vs scheduled, e-mailed with the PDF through the outbox, idempotent (the same cycle twice,
and two processes at once, make each invoice once), catch-up after missed cycles, an interrupted run
taken up again, the history with each client's result, and Retry. Real SQLite files, a real local
SMTP server."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, BillingResult, BillingRun, Client, Invoice, InvoiceLine, OutboxMessage
from app.services.billing import auto_invoicing
from app.services.billing import settings as auto_settings
from app.services.billing.settings import AutoInvoiceInput
from app.services.errors import PermissionDenied, RuleViolation, ValidationError
from app.services.messaging import settings as msettings
from app.services.money import invoices
from app.services.money.amounts import max_amount
from app.services.scheduling import completion, deletion, participants
from app.services.scheduling import sessions as sessions_service
from tests.services.fingerprint import fingerprint

NY = ZoneInfo("America/New_York")
MONTHLY = AutoInvoiceInput(enabled=True, interval="monthly", weekday=4, run_time=time(18, 0), completed=True,
                           scheduled=False, email=False, start_date=date(2027, 1, 1))


def at(clock, *a):
    clock.at = datetime(*a, tzinfo=NY).astimezone(UTC)


def count(practice, model, *where):
    with practice.read() as tx:
        return tx.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def desk(practice, admin, make, clock):
    """Ann: a session completed on 12 Jan 2027 and one scheduled on 9 Feb; Ben: one scheduled on
    16 Feb; Cy: a session on 14 Jan canceled at no charge; Dee: nothing. $80 sessions."""
    at(clock, 2027, 1, 2, 9)
    pr, svc = make.practitioner("Maya Stone"), make.service("Therapy", cost=8000, wage=4000)
    ann = make.client("Ann", "Archer", email="ann@client.test")
    ben = make.client("Ben", "Baker", email="ben@client.test")
    cy, dee = make.client("Cy", "Cole"), make.client("Dee", "Dunn")
    [ann_jan] = make.session(datetime(2027, 1, 12, 10), datetime(2027, 1, 12, 11), svc, pr, [ann])
    [ann_feb] = make.session(datetime(2027, 2, 9, 10), datetime(2027, 2, 9, 11), svc, pr, [ann])
    [ben_feb] = make.session(datetime(2027, 2, 16, 10), datetime(2027, 2, 16, 11), svc, pr, [ben])
    [cy_jan] = make.session(datetime(2027, 1, 14, 10), datetime(2027, 1, 14, 11), svc, pr, [cy])
    at(clock, 2027, 1, 20, 9)
    completion.complete_session(practice, admin, ann_jan.id, completion.type_by_key(practice, "completed").id)
    completion.complete_session(practice, admin, cy_jan.id, completion.type_by_key(practice, "canceled").id)
    return {"ann": ann, "ben": ben, "cy": cy, "dee": dee, "ann_jan": ann_jan, "ann_feb": ann_feb,
            "ben_feb": ben_feb, "svc": svc, "pr": pr}


def invoiced_sessions(practice, client_id):
    with practice.read() as tx:
        return sorted(tx.scalars(select(InvoiceLine.session_id).join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                                 .where(Invoice.client_id == client_id, Invoice.status == "issued")))


@pytest.mark.parametrize("completed, scheduled, ann, ben", [
    (True, False, ["ann_jan"], []),
    (False, True, ["ann_feb"], ["ben_feb"]),
    (True, True, ["ann_jan", "ann_feb"], ["ben_feb"]),
])
def test_completed_vs_scheduled_sessions(practice, admin, clock, desk, completed, scheduled, ann, ben):
    # SPEC 10.1, 10.2: completed sessions of the period just ended and/or scheduled ones of the coming
    # period; one invoice per client with sessions; none for a client canceled free or with nothing
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, completed=completed, scheduled=scheduled))
    at(clock, 2027, 1, 31, 18, 5)
    summary = auto_invoicing.run_due(practice, admin)
    assert summary.cycles == ("2027-01-31",) and summary.ok
    assert invoiced_sessions(practice, desk["ann"].id) == sorted(desk[k].id for k in ann)
    assert invoiced_sessions(practice, desk["ben"].id) == sorted(desk[k].id for k in ben)
    assert count(practice, Invoice, Invoice.client_id == desk["cy"].id) == 0
    assert count(practice, Invoice, Invoice.client_id == desk["dee"].id) == 0
    assert count(practice, Invoice) == (1 if ann else 0) + (1 if ben else 0)
    assert summary.invoices == count(practice, Invoice) and summary.total_cents == 8000 * (len(ann) + len(ben))
    [run] = auto_invoicing.list_runs(practice, admin)
    assert (run.cycle_key, run.interval, run.clients, run.invoiced, run.failed, run.status) == (
        "2027-01-31", "monthly", summary.invoices, summary.invoices, 0, "finished")
    assert (run.completed_first, run.completed_last) == ((date(2027, 1, 1), date(2027, 1, 31)) if completed
                                                         else (None, None))
    assert (run.scheduled_first, run.scheduled_last) == ((date(2027, 2, 1), date(2027, 2, 28)) if scheduled
                                                         else (None, None))
    results = auto_invoicing.run_results(practice, admin, run.id)
    assert {r.client_name for r in results} == {n for n, k in (("Ann Archer", ann), ("Ben Baker", ben)) if k}
    assert all(r.status == "invoiced" and r.invoice_number and r.amount_cents for r in results)


def test_nothing_runs_before_its_time_or_while_off(practice, admin, clock, desk):
    at(clock, 2027, 1, 31, 18, 5)
    assert auto_invoicing.run_due(practice, admin).cycles == ()  # never saved: off
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, enabled=False))
    assert auto_invoicing.due_count(practice, admin) == 0 and auto_invoicing.run_due(practice, admin).cycles == ()
    auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
    at(clock, 2027, 1, 31, 17, 59)
    assert auto_invoicing.due_count(practice, admin) == 0
    assert auto_invoicing.run_due(practice, admin).cycles == () and count(practice, BillingRun) == 0
    at(clock, 2027, 1, 31, 18)
    assert auto_invoicing.due_count(practice, admin) == 1


def test_the_same_cycle_twice_creates_nothing_new(practice, admin, clock, desk):
    # SPEC 10.2: idempotent; the cycle is recorded before it starts
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, scheduled=True))
    at(clock, 2027, 1, 31, 18, 5)
    first = auto_invoicing.run_due(practice, admin)
    before = fingerprint(practice)
    again = auto_invoicing.run_due(practice, admin)
    assert first.invoices == 2 and again.cycles == () and again.invoices == 0
    assert fingerprint(practice) == before
    # a new session of Ann's now, in the same period, waits for the next cycle: no second run today
    completion.complete_session(practice, admin, desk["ann_feb"].id, completion.type_by_key(practice, "completed").id)
    assert auto_invoicing.run_due(practice, admin).cycles == () and count(practice, Invoice) == 2


def test_catch_up_after_three_missed_cycles(practice, admin, make, clock, desk):
    # SPEC 10.2: catch-up for cycles missed while the app was closed: each cycle once, oldest first
    auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
    at(clock, 2027, 2, 20, 9)
    [ann_mar] = make.session(datetime(2027, 3, 3, 10), datetime(2027, 3, 3, 11), desk["svc"], desk["pr"], [desk["ann"]])
    at(clock, 2027, 3, 10, 9)
    for s in (desk["ann_feb"], desk["ben_feb"], ann_mar):
        completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    at(clock, 2027, 4, 15, 9)  # closed since before 31 January: January, February and March are due
    assert auto_invoicing.due_count(practice, admin) == 3
    summary = auto_invoicing.run_due(practice, admin)
    assert summary.cycles == ("2027-01-31", "2027-02-28", "2027-03-31") and summary.invoices == 4
    runs = {r.cycle_key: r for r in auto_invoicing.list_runs(practice, admin)}
    assert (runs["2027-01-31"].invoiced, runs["2027-02-28"].invoiced, runs["2027-03-31"].invoiced) == (1, 2, 1)
    assert invoiced_sessions(practice, desk["ann"].id) == sorted([desk["ann_jan"].id, desk["ann_feb"].id, ann_mar.id])
    assert count(practice, Invoice) == 4 and auto_invoicing.run_due(practice, admin).cycles == ()
    with practice.read() as tx:  # invoices issued when the run happened, numbered in order
        assert list(tx.scalars(select(Invoice.number).order_by(Invoice.id))) == [
            "2027-0001", "2027-0002", "2027-0003", "2027-0004"]
        assert set(tx.scalars(select(Invoice.issue_date))) == {date(2027, 4, 15)}


def test_invoices_are_emailed_with_their_pdf(practice, admin, clock, desk, smtp_server, memory_keyring):
    # SPEC 10.2: issued and e-mailed through the outbox, the PDF attached; a client without an
    # address is invoiced and the history says why it was not e-mailed
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_user="", mail_from="desk@practice.test")
    cy = desk["cy"]
    at(clock, 2027, 1, 20, 9)
    [cy_jan] = sessions_service.add_session(practice, admin, sessions_service.SessionInput(
        start=datetime(2027, 1, 18, 10), end=datetime(2027, 1, 18, 11), service_id=desk["svc"].id,
        practitioner_id=desk["pr"].id, client_ids=(cy.id,)), confirm=True)
    completion.complete_session(practice, admin, cy_jan.id, completion.type_by_key(practice, "completed").id)
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, scheduled=True, email=True))
    at(clock, 2027, 1, 31, 18, 1)
    summary = auto_invoicing.run_due(practice, admin)
    assert (summary.invoices, summary.emails_sent, summary.emails_failed) == (3, 2, 0)
    arrived = {a.rcpt_tos[0]: a.message for a in smtp_server.arrived}
    assert set(arrived) == {"ann@client.test", "ben@client.test"}
    mail = arrived["ann@client.test"]
    assert mail["Subject"] == "Invoice 2027-0001 from Test Practice"
    [part] = [p for p in mail.iter_attachments()]
    assert part.get_filename() == "Invoice 2027-0001.pdf" and part.get_content().startswith(b"%PDF")
    body = mail.get_body(("plain",)).get_content()
    assert "invoice 2027-0001" in body and "$160.00" in body
    [run] = auto_invoicing.list_runs(practice, admin)
    results = {r.client_name: r for r in auto_invoicing.run_results(practice, admin, run.id)}
    assert results["Ann Archer"].emailed and results["Ann Archer"].email_status == "sent"
    assert not results["Cy Cole"].emailed and results["Cy Cole"].note == "Not e-mailed: the client has no e-mail address."
    assert not results["Cy Cole"].can_retry
    with practice.read() as tx:
        assert tx.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.purpose == "invoice")) == 2


def test_a_failed_email_is_kept_and_retried(practice, admin, clock, desk, smtp_server, memory_keyring):
    # SPEC 10.3: the error and its reason, with Retry; a failed send never undoes the invoice (7.2)
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, email=True))
    at(clock, 2027, 1, 31, 18, 1)
    summary = auto_invoicing.run_due(practice, admin)  # e-mail not set up yet
    assert (summary.invoices, summary.emails_sent, summary.emails_failed, summary.ok) == (1, 0, 1, False)
    [run] = auto_invoicing.list_runs(practice, admin)
    [res] = auto_invoicing.run_results(practice, admin, run.id)
    assert res.status == "invoiced" and res.email_status == "failed" and res.can_retry
    assert "E-mail is not set up yet" in res.email_error
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_user="", mail_from="desk@practice.test")
    again = auto_invoicing.retry_client(practice, admin, run.id, desk["ann"].id)
    assert again.email_status == "sent" and not again.can_retry and again.invoice_number == res.invoice_number
    assert [a.rcpt_tos for a in smtp_server.arrived] == [["ann@client.test"]]
    with pytest.raises(RuleViolation, match="nothing to retry"):
        auto_invoicing.retry_client(practice, admin, run.id, desk["ann"].id)
    assert count(practice, Invoice) == 1


def test_a_failed_client_keeps_its_reason_and_retry_invoices_it(practice, admin, clock, desk):
    # SPEC 10.3: a client the invoices service refuses gets the error and its reason; the run goes on;
    # Retry invoices them once the cause is fixed
    top = max_amount("USD")
    at(clock, 2027, 1, 20, 9)
    participants.set_participant_price(practice, admin, desk["ann_feb"].id, desk["ann"].id, top)
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, scheduled=True))  # Jan $80 + Feb max
    at(clock, 2027, 1, 31, 18, 1)
    summary = auto_invoicing.run_due(practice, admin)
    assert (summary.invoices, summary.failed, summary.ok) == (1, 1, False)
    [run] = auto_invoicing.list_runs(practice, admin)
    assert (run.clients, run.invoiced, run.failed, run.status) == (2, 1, 1, "finished with failures")
    failed, ok = auto_invoicing.run_results(practice, admin, run.id)  # failures first
    assert failed.client_name == "Ann Archer" and failed.status == "failed" and failed.can_retry
    assert "more than the largest amount allowed" in failed.error and failed.invoice_id is None
    assert ok.client_name == "Ben Baker" and ok.status == "invoiced"
    assert count(practice, Invoice, Invoice.client_id == desk["ann"].id) == 0  # nothing half made
    assert count(practice, AuditEntry, AuditEntry.action == "auto_invoicing.client_failed") == 1
    participants.set_participant_price(practice, admin, desk["ann_feb"].id, desk["ann"].id, None)
    again = auto_invoicing.retry_client(practice, admin, run.id, desk["ann"].id)
    assert again.status == "invoiced" and again.amount_cents == 16000 and again.attempts == 2 and again.error == ""
    [run] = auto_invoicing.list_runs(practice, admin)
    assert (run.clients, run.invoiced, run.failed, run.total_cents) == (2, 2, 0, 24000)
    assert invoiced_sessions(practice, desk["ann"].id) == sorted([desk["ann_jan"].id, desk["ann_feb"].id])


def test_retry_with_nothing_left_to_invoice_says_so(practice, admin, clock, desk):
    at(clock, 2027, 1, 20, 9)
    participants.set_participant_price(practice, admin, desk["ann_feb"].id, desk["ann"].id, max_amount("USD"))
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, scheduled=True))
    at(clock, 2027, 1, 31, 18, 1)
    auto_invoicing.run_due(practice, admin)
    [run] = auto_invoicing.list_runs(practice, admin)
    deletion.delete_sessions(practice, admin, [desk["ann_feb"].id])
    invoices.issue_invoice(practice, admin, invoices.create_draft(practice, admin, desk["ann"].id, [desk["ann_jan"].id],
                                                                  date(2027, 1, 1), date(2027, 1, 31)).id)
    before = fingerprint(practice)
    with pytest.raises(RuleViolation, match="Nothing is left to invoice for Ann Archer"):
        auto_invoicing.retry_client(practice, admin, run.id, desk["ann"].id)
    assert fingerprint(practice) == before


def test_a_stopped_run_is_taken_up_again_and_finishes_once(practice, admin, clock, desk):
    # SPEC 10.2: stopped (or the desk closed) mid-run: the next run finishes it; nobody twice
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, scheduled=True))
    at(clock, 2027, 1, 31, 18, 1)
    asked = []
    first = auto_invoicing.run_due(practice, admin, should_stop=lambda: asked.append(1) or len(asked) > 1)
    assert first.stopped and first.invoices == 1
    [run] = auto_invoicing.list_runs(practice, admin)
    assert run.status == "unfinished" and auto_invoicing.due_count(practice, admin) == 1
    second = auto_invoicing.run_due(practice, admin)
    assert second.cycles == ("2027-01-31",) and second.invoices == 1
    [run] = auto_invoicing.list_runs(practice, admin)
    assert (run.status, run.clients, run.invoiced) == ("finished", 2, 2)
    assert count(practice, Invoice) == 2 and count(practice, BillingRun) == 1


def test_a_run_another_desk_is_working_on_is_left_to_it(practice, impatient, admin, clock, desk):
    # a run whose heartbeat is fresh belongs to the desk running it; after STALE_AFTER it is taken up
    auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
    at(clock, 2027, 1, 31, 18, 1)
    run_id, _ = auto_invoicing._claim(practice, admin, auto_invoicing.APP)  # a desk that then went silent
    summary = auto_invoicing.run_due(practice, admin)
    assert summary.cycles == () and summary.busy == ("2027-01-31",) and count(practice, Invoice) == 0
    clock.advance(minutes=11)
    assert auto_invoicing.run_due(practice, admin).cycles == ("2027-01-31",) and count(practice, Invoice) == 1
    assert count(practice, BillingRun) == 1 and run_id == auto_invoicing.list_runs(practice, admin)[0].id


def _race_worker(path: str, instant: datetime, barrier, out) -> None:
    from app.services.billing import auto_invoicing as ai
    from app.services.clock import FixedClock
    from tests.races import _open

    p = _open(path, 30_000, FixedClock(instant))  # the file, or the database on a server
    try:
        barrier.wait()
        s = ai.run_due(p, ai.SYSTEM, ai.COMMAND)
        out.put((s.cycles, s.invoices, s.failed))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        out.put(("raw", repr(exc), 0))
    finally:
        p.close()


def test_two_processes_at_once_create_each_invoice_once(practice, admin, make, clock, desk):
    # SPEC 10.2, 0.4: two workstations (real processes) running the due cycles at once on one file
    from tests.races import context, where

    for n in range(30):
        c = make.client("Race", f"Client{n:02d}")
        make.session(datetime(2027, 2, 1 + n % 27, 9), datetime(2027, 2, 1 + n % 27, 10), desk["svc"], desk["pr"], [c],
                     confirm=True)
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, scheduled=True, start_date=date(2026, 12, 1)))
    instant = datetime(2027, 1, 31, 18, 1, tzinfo=NY)  # December and January are both due
    ctx = context()
    barrier, out = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=_race_worker, args=(where(practice), instant, barrier, out)) for _ in range(2)]
    for w in workers:
        w.start()
    got = [out.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(30)
    assert all(g[0] != "raw" for g in got), got
    assert sum(g[1] for g in got) == 32 and sum(g[2] for g in got) == 0  # Ann, Ben and the 30, once each
    cycles = [k for g in got for k in g[0]]
    assert sorted(cycles) == ["2026-12-31", "2027-01-31"]  # each cycle run by one process only
    assert count(practice, BillingRun) == 2 and count(practice, Invoice) == 32
    with practice.read() as tx:
        per_client = tx.execute(select(Invoice.client_id, func.count()).group_by(Invoice.client_id)).all()
        assert all(n == 1 for _, n in per_client) and len(per_client) == 32
        assert tx.scalar(select(func.count()).select_from(BillingResult)) == 32
        numbers = list(tx.scalars(select(Invoice.seq).order_by(Invoice.seq)))
    assert numbers == list(range(1, 33))  # gap-free


def test_who_may_run_and_see_the_history(practice, admin, make, clock, desk):
    # SPEC 1.1: invoices are the front desk's; practitioners neither run nor see them
    staff, pract = make.user("staff"), make.user("practitioner", practitioner_id=desk["pr"].id)
    auto_settings.update_auto_invoicing(practice, admin, MONTHLY)
    at(clock, 2027, 1, 31, 18, 1)
    for call in (lambda: auto_invoicing.run_due(practice, pract), lambda: auto_invoicing.list_runs(practice, pract),
                 lambda: auto_invoicing.due_count(practice, pract)):
        with pytest.raises(PermissionDenied):
            call()
    assert auto_invoicing.run_due(practice, staff).invoices == 1
    [run] = auto_invoicing.list_runs(practice, staff)
    assert run.started_by.startswith("Staff")
    with pytest.raises(PermissionDenied):
        auto_invoicing.run_results(practice, pract, run.id)


def test_settings_admin_only_and_bad_input_names_the_field(practice, admin, make, clock):
    # SPEC 10.1, 0.5: settings are the admin's; bad input names the field and changes nothing
    staff = make.user("staff")
    before = fingerprint(practice)
    with pytest.raises(PermissionDenied):
        auto_settings.update_auto_invoicing(practice, staff, MONTHLY)
    bad = [(replace(MONTHLY, interval="daily"), "how often"), (replace(MONTHLY, weekday=7), "day of the week"),
           (replace(MONTHLY, run_time="18:00"), "time of day"), (replace(MONTHLY, run_time=time(18, 0, 30)),
                                                                 "time of day"),
           (replace(MONTHLY, completed=False, scheduled=False), "sessions to invoice"),
           (replace(MONTHLY, start_date=datetime(2027, 1, 1)), "start date"),
           (replace(MONTHLY, start_date=date(2024, 6, 1)), "start date"),  # more than a year back
           (replace(MONTHLY, email=1), "e-mail the invoices"), (replace(MONTHLY, enabled=None), "automatic invoicing on"),
           (None, "automatic invoicing settings")]
    for value, field in bad:
        with pytest.raises(ValidationError) as err:
            auto_settings.update_auto_invoicing(practice, admin, value)
        assert err.value.field == field
    assert fingerprint(practice) == before
    saved = auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, interval="weekly", weekday=0))
    assert (saved.interval, saved.weekday, saved.timezone) == ("weekly", 0, "America/New_York")
    assert auto_settings.get_auto_invoicing(practice, staff) == saved


def test_emails_left_queued_by_a_desk_that_closed_are_sent_by_the_next_run(practice, admin, clock, desk, smtp_server,
                                                                          memory_keyring):
    # SPEC 10.2, 0.4: a desk closed after finishing a run but before sending: nothing is lost
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_user="", mail_from="desk@practice.test")
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, email=True))
    at(clock, 2027, 1, 31, 18, 1)
    run_id, _ = auto_invoicing._claim(practice, admin, auto_invoicing.APP)  # the closed desk's steps, up to
    auto_invoicing._invoice_client(practice, admin, run_id, desk["ann"].id)  # the point where it stopped
    auto_invoicing._finish(practice, admin, run_id)
    assert smtp_server.arrived == []
    summary = auto_invoicing.run_due(practice, admin)
    assert summary.cycles == () and (summary.emails_sent, summary.emails_failed) == (1, 0)
    assert summary.lines() == ["Automatic invoicing: nothing was due.", "E-mails sent: 1, failed: 0."]
    assert [a.rcpt_tos for a in smtp_server.arrived] == [["ann@client.test"]]
    assert auto_invoicing.run_due(practice, admin).emails_sent == 0  # once


def test_a_run_in_chunks_emails_each_invoice_and_says_why_not(practice, admin, make, clock, desk, smtp_server,
                                                               memory_keyring, monkeypatch):
    # SPEC 10.2, 10.3: a run of many clients (chunks, PDFs made by helper processes, the chunk's e-mails
    # queued together) e-mails each invoice with its PDF; a client without an address, or with one
    # saved before addresses were checked, is invoiced all the same and the history says why not
    monkeypatch.setattr(auto_invoicing, "PDF_WORKERS_FROM", 1)  # chunks from the first client
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_user="", mail_from="desk@practice.test")
    at(clock, 2027, 1, 20, 9)
    cy, dee = desk["cy"], desk["dee"]
    for who in (cy, dee):
        [s] = sessions_service.add_session(practice, admin, sessions_service.SessionInput(
            start=datetime(2027, 1, 18, 10 + who.id % 5), end=datetime(2027, 1, 18, 11 + who.id % 5),
            service_id=desk["svc"].id, practitioner_id=desk["pr"].id, client_ids=(who.id,)), confirm=True)
        completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    with practice.uow() as tx:  # an address kept from before addresses were checked
        tx.get(Client, dee.id).email = "dee at home"
    auto_settings.update_auto_invoicing(practice, admin, replace(MONTHLY, scheduled=True, email=True))
    at(clock, 2027, 1, 31, 18, 1)
    summary = auto_invoicing.run_due(practice, admin)
    assert (summary.invoices, summary.failed, summary.emails_sent, summary.emails_failed) == (4, 0, 2, 0)
    arrived = {a.rcpt_tos[0]: a.message for a in smtp_server.arrived}
    assert set(arrived) == {"ann@client.test", "ben@client.test"}
    for mail in arrived.values():
        [part] = list(mail.iter_attachments())
        assert part.get_filename().startswith("Invoice 2027-000") and part.get_content().startswith(b"%PDF")
    [run] = auto_invoicing.list_runs(practice, admin)
    results = {r.client_name: r for r in auto_invoicing.run_results(practice, admin, run.id)}
    assert [results[n].emailed for n in ("Ann Archer", "Ben Baker", "Cy Cole", "Dee Dunn")] == [True, True, False,
                                                                                                False]
    assert results["Cy Cole"].note == "Not e-mailed: the client has no e-mail address."
    assert results["Dee Dunn"].note.startswith("Not e-mailed: the client's recipient")
    with practice.read() as tx:
        numbers = sorted(tx.scalars(select(Invoice.number).where(Invoice.status == "issued")))
        assert numbers == ["2027-0001", "2027-0002", "2027-0003", "2027-0004"]
        assert tx.scalar(select(func.count()).select_from(OutboxMessage)) == 2

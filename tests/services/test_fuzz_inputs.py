"""Fuzz over every public service (SPEC 0.5, 0.1): wrong types, out-of-range values and odd text
come back only as the project's typed errors (``ServiceError``), and a call that raised changed
nothing in the file (``fingerprint``: row counts of every table, the ledger sum, settings, flags).

Each argument is drawn from a good value for it (real ids of a small practice) or from ``junk``:
None, bools, huge and negative ints, floats (NaN, inf), empty / 10,000-character / odd Unicode
text, lists, dicts, dates where datetimes are due and the reverse, naive and aware datetimes,
years 1 and 9999. The actor is an admin (so permissions do not hide input bugs), a staff member
or a practitioner for a few.

``PRACTICE_FUZZ_EXAMPLES`` sets the examples per function (default 30, for ``make test``); for a
longer run: ``PRACTICE_FUZZ_EXAMPLES=500 pytest tests/services/test_fuzz_inputs.py``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import audit, backups, practice_settings
from app.services.billing import auto_invoicing, card_settings, cards
from app.services.billing import settings as auto_settings
from app.services.errors import ServiceError
from app.services.messaging import outbox, reminders
from app.services.messaging import settings as message_settings
from app.services.money import (
    invoice_documents,
    invoices,
    ledger,
    packages,
    payment_documents,
    payments,
    reports,
)
from app.services.people import client_record, clients, practitioners, users
from app.services.practice import Actor
from app.services.scheduling import (
    calendar_rows,
    cancellation_tool,
    catalog,
    class_list,
    classes,
    client_cancellations,
    client_requests,
    closures,
    completion,
    deletion,
    month_rows,
    participants,
    session_lists,
    sessions,
)
from app.services.scheduling.recurrence import RecurrenceInput
from tests.messaging_servers import MemoryKeyring
from tests.services.fingerprint import fingerprint
from tests.services.invoice_rows import issued

EXAMPLES = int(os.environ.get("PRACTICE_FUZZ_EXAMPLES", "30"))
NY = ZoneInfo("America/New_York")

# -- junk -----------------------------------------------------------------------------------------
ODD_TEXT = ["", " ", "   \t\n", "\x00", "a\x00b", "\ud800", "\U0001F600", "e\u0301", "\u202e", "DESK",
            "x" * 10_000, "Robert'); DROP TABLE client;--", "%", "_", "zz_ZZ", "en-US", "1e3", "NaN", "٣", "１２",
            "../../etc/passwd", "Mars/Olympus", "usd", "XYZ"]
ODD_INTS = [0, -1, -2**31, 2**31, 2**63 - 1, 2**63, 2**64, -2**63 - 1, 10**30, 10_000_000 * 100 + 1]
ODD_TIMES = [date(1, 1, 1), date(9999, 12, 31), datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59),
             datetime(9999, 12, 31, 23, 59, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC),
             datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 2, 30, tzinfo=NY), date(2026, 3, 2),
             datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Pacific/Kiritimati"))]

junk = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-2**70, max_value=2**70), st.sampled_from(ODD_INTS),
    st.floats(), st.sampled_from([0.5, float("nan"), float("inf"), Decimal("1"), 1 + 2j]),
    st.text(max_size=40), st.sampled_from(ODD_TEXT), st.binary(max_size=8),
    st.lists(st.integers(min_value=-3, max_value=5), max_size=3), st.lists(st.text(max_size=3), max_size=2),
    st.lists(st.one_of(st.lists(st.integers(1, 3), max_size=1), st.dictionaries(st.integers(1, 2), st.none()),
                       st.booleans(), st.floats(1, 2), st.none()), min_size=1, max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.tuples(st.none()), st.sets(st.integers()),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.sampled_from([UTC, NY])), st.sampled_from(ODD_TIMES),
    st.just(object()),
)


WRONG: list[str] = []  # the wrongly typed arguments drawn for the current example


def _wrong_type(good, value) -> bool:
    """``value`` is of a type the argument never takes (or a year outside 1900-2200): the call must
    refuse it. Text arguments take None as empty; arguments whose good value is None are not judged."""
    if good is None or value is good:
        return False
    if isinstance(good, bool):
        return type(value) is not bool
    if isinstance(good, int):
        return type(value) is not int
    if isinstance(good, str):
        return value is not None and not isinstance(value, str)
    if isinstance(good, (list, tuple)):
        return not isinstance(value, (list, tuple)) or any(type(v) is not int for v in value)
    if isinstance(good, datetime):
        return not isinstance(value, datetime) or not 1900 <= value.year <= 2200
    if isinstance(good, date):
        return type(value) is not date or not 1900 <= value.year <= 2200
    return False


def arg(data, good, strict: bool = False, nullable: bool = False):
    """Mostly junk, sometimes the good value, so that calls also get past the first check.
    A wrongly typed value is noted in WRONG (``strict``: any junk at all is wrong; ``nullable``:
    None is a good value too)."""
    value = data.draw(st.one_of(st.just(good), junk) if data.draw(st.integers(0, 2)) else junk)
    if (strict and value is not good) or (_wrong_type(good, value) and not (nullable and value is None)):
        WRONG.append(repr(value)[:60])
    return value


def maybe(data, good, nullable: bool = False):
    """A good value three times out of four: one broken field among good ones."""
    return good if data.draw(st.integers(0, 3)) else arg(data, good, nullable=nullable)


def session_filter(data):
    """A calendar filter, one field now and then broken (None in a field is "all", as an empty tuple)."""
    return sessions.SessionFilter(*(maybe(data, (), nullable=True) for _ in range(4)))


# -- a small practice -----------------------------------------------------------------------------
@dataclass
class World:
    p: object
    admin: Actor
    staff: Actor
    pract: Actor
    service: int
    practitioner: int
    client: int
    location: int
    session: int
    saved: int
    closure: int
    ctype: int
    series: int
    backup: Path


@pytest.fixture
def world(practice, admin, make, tmp_path):
    sv, pr, cl, loc = make.service(cost=8000, wage=4000), make.practitioner(), make.client(), make.location()
    [s] = make.session(datetime(2026, 2, 2, 10), datetime(2026, 2, 2, 11), sv, pr, [cl])
    [done] = make.session(datetime(2026, 2, 3, 10), datetime(2026, 2, 3, 11), sv, pr, [cl])
    completion.complete_session(practice, admin, done.id, completion.type_by_key(practice, "completed").id)
    series = make.session(datetime(2026, 2, 9, 10), datetime(2026, 2, 9, 11), sv, pr, [cl],
                          recurrence=RecurrenceInput((0,), count=3))
    c = closures.add_closure(practice, admin, date(2026, 12, 24), None, "Christmas")
    t = completion.create_completion_type(practice, admin, completion.CompletionTypeInput("canceled", "Late"))
    ledger.record_payment(practice, admin, cl.id, 5000, "cash")
    # on PostgreSQL (PRACTICE_DB=postgres) there is no file, so no backup: the backup calls get a missing one
    made = backups.backup_now(practice, admin).path if practice.path else tmp_path / "no backup.sqlite"
    w = World(practice, admin, make.user("staff"), make.user("practitioner", practitioner_id=pr.id),
              sv.id, pr.id, cl.id, loc.id, s.id, done.id, c.id, t.id, series[0].series_id, made)
    w.folder = tmp_path  # the test's own folder (the practice file's, on SQLite)
    return w


# -- the calls ------------------------------------------------------------------------------------
def money(w):
    """(invoice, payment, allocation) of the world's client, made once per world, before the first
    example that needs them takes its fingerprint: an issued $80.00 invoice with $50.00 allocated
    from a $70.00 Stripe payment (so $30.00 due, $20.00 left)."""
    if not hasattr(w, "money"):
        inv = issued(w.p, w.client, 8000, date(2025, 12, 1))
        paid = payments.record_payment(w.p, w.admin, w.client, 7000, "stripe", allocate=[(inv, 5000)])
        w.money = (inv, paid.payment.id, paid.allocations[0].id)
    return w.money


def package(w) -> int:
    """A package of the world's service, made once per world before the first example that needs it."""
    if not hasattr(w, "package"):
        w.package = packages.create_package(w.p, w.admin, packages.PackageInput("Three", 3, 10000, (w.service,))).id
    return w.package


def package_input(d, w):
    return packages.PackageInput(name=maybe(d, "Five"), sessions=maybe(d, 5), price_cents=maybe(d, 20000),
                                 service_ids=maybe(d, (w.service,)))


def invoicing(w):
    """(draft, issued invoice) of the world's client through the invoices service, made once per
    world before the first example that needs them: a draft of its open session and an issued
    invoice of its saved one with a $10.00 line item."""
    if not hasattr(w, "invoicing"):
        first, last = date(2026, 2, 1), date(2026, 2, 28)
        made = invoices.create_draft(w.p, w.admin, w.client, [w.saved], first, last, items=[("Report", 1000, 0)])
        w.invoicing = (invoices.create_draft(w.p, w.admin, w.client, [w.session], first, last).id,
                       invoices.issue_invoice(w.p, w.admin, made.id, date(2026, 2, 3)).id)
    return w.invoicing


def cancellable(w) -> int:
    """The world's open session, with client cancellations switched on (one level, 24 h -> the world's
    custom type) and its client allowed to cancel, set once per world before the first fingerprint."""
    if not hasattr(w, "cancellable"):
        client_cancellations.set_cancellation_policy(
            w.p, w.admin, True, [client_cancellations.PolicyLevelInput(24, w.ctype)])
        client_cancellations.set_client_permissions(w.p, w.admin, [w.client], True)
        w.cancellable = w.session
    return w.cancellable


def message(w) -> int:
    """A queued e-mail to the world's client, made once per world before the first fingerprint."""
    if not hasattr(w, "message"):
        w.message = outbox.queue_message(w.p, w.staff, outbox.MessageDraft(
            "email", "client@example.com", "Body", subject="Subject", client_id=w.client)).id
    return w.message


def in_memory_keyring(fn):
    """Run a message-settings call against an in-memory keyring: the fuzz never reaches the
    machine's real one (and behaves the same where the machine has none)."""
    def call(w, *a, **kw):
        import keyring

        before = keyring.get_keyring()
        if not hasattr(w, "keyring"):
            w.keyring = MemoryKeyring()
        keyring.set_keyring(w.keyring)
        try:
            return fn(w, *a, **kw)
        finally:
            keyring.set_keyring(before)
    return call


def message_draft(d, w):
    return outbox.MessageDraft(maybe(d, "email"), maybe(d, "client@example.com"), maybe(d, "Body"),
                               subject=maybe(d, "Subject"), purpose=maybe(d, "reminder"),
                               client_id=maybe(d, w.client, nullable=True), session_id=maybe(d, w.session, nullable=True),
                               attachment=maybe(d, None), attachment_name=maybe(d, None))


def pdf_path(w) -> Path:
    """Where a saved PDF may go: in the test's own folder (beside the practice file)."""
    return w.folder / "fuzz.pdf"


def line_items(d):
    """Free line items: good ones with a broken field, or junk in their place."""
    if not d.draw(st.integers(0, 3)):
        return arg(d, (), nullable=True)
    return [invoices.LineItem(maybe(d, "Report"), maybe(d, 1500), maybe(d, 0))
            for _ in range(d.draw(st.integers(0, 2)))]


def batch_requests(d, w):
    """Invoices for issue_batch: good ones (line items only, so the world's sessions stay free for
    ``invoicing``) with a broken field, or junk in the list's place."""
    if not d.draw(st.integers(0, 3)):
        return arg(d, [], strict=True)
    return [invoices.BatchRequest(maybe(d, w.client), arg(d, [], nullable=True), maybe(d, date(2026, 2, 1)),
                                  maybe(d, date(2026, 2, 28)), line_items(d), maybe(d, ""))
            for _ in range(d.draw(st.integers(1, 2)))]


def session_input(d, w):
    return sessions.SessionInput(
        start=maybe(d, datetime(2026, 3, 2, 10)), end=maybe(d, datetime(2026, 3, 2, 11)),
        service_id=maybe(d, w.service), practitioner_id=maybe(d, w.practitioner),
        client_ids=maybe(d, (w.client,), nullable=True), location_id=maybe(d, None), public_note=maybe(d, ""),
        private_note=maybe(d, ""))


def recurrence(d):
    return RecurrenceInput(weekdays=maybe(d, (0, 2)), freq=maybe(d, "weekly"), interval=maybe(d, 1),
                           count=maybe(d, 3), until=maybe(d, None), enabled=maybe(d, True))


def client_input(d):
    return clients.ClientInput(first_name=maybe(d, "Ann"), last_name=maybe(d, "Lee"), email=maybe(d, ""),
                               phone=maybe(d, ""), address=maybe(d, ""), notify_by=maybe(d, "none"),
                               may_cancel=maybe(d, False), notes=maybe(d, ""))


def service_input(d):
    return catalog.ServiceInput(name=maybe(d, "Therapy"), kind=maybe(d, "fixed"), cost_cents=maybe(d, 8000),
                                wage_cents=maybe(d, 4000), visibility=maybe(d, "all"),
                                client_booking=maybe(d, False), tax_rate_bp=maybe(d, 0))


def type_input(d):
    return completion.CompletionTypeInput(base_status=maybe(d, "canceled"), label=maybe(d, "Late 2"),
                                          description=maybe(d, ""), modifier_type=maybe(d, "percentage"),
                                          client_modifier=maybe(d, 50), practitioner_modifier=maybe(d, 50))


def klass(w) -> tuple[int, int]:
    """(class, its first session): a class made of the world's series (3 sessions from Mon 9 Feb 2026),
    once per world before the first example that needs it; the world's client, on the series, is enrolled."""
    if not hasattr(w, "klass"):
        first = sessions.list_series(w.p, w.admin, w.series)[0].id
        w.klass = (classes.make_class(w.p, w.admin, first, w.service, classes.ClassInput(
            "Course", 4, datetime(2026, 2, 8, 18), datetime(2026, 2, 8, 18))).id, first)
    return w.klass


def class_input(d):
    return classes.ClassInput(name=maybe(d, "Yoga"), capacity=maybe(d, 5), enroll_deadline=maybe(d, datetime(2026, 3, 1)),
                              drop_deadline=maybe(d, datetime(2026, 3, 1, 18)))


def cancel_scope(d):
    return cancellation_tool.CancelScope(maybe(d, date(2026, 2, 2)), maybe(d, date(2026, 2, 3), nullable=True),
                                         maybe(d, None, nullable=True), maybe(d, None, nullable=True))


def cancel_request(d, w):
    return cancellation_tool.CancelRequest(
        cancel_scope(d), maybe(d, cancellation_tool.NOTIFY_AND_CANCEL), maybe(d, (w.session,)),
        maybe(d, cancellation_tool.DEFAULT_SUBJECT), maybe(d, "Dear {client}, {date} at {time} is off."),
        maybe(d, w.ctype, nullable=True))


def bookable(w) -> tuple[int, int, int]:
    """(service, location, request): a service and a room open to client booking and a pending request of
    the world's client for them, made once per world before the first example that needs them."""
    if not hasattr(w, "bookable"):
        sv = catalog.create_service(w.p, w.admin, catalog.ServiceInput("Open therapy", "fixed", 8000, 4000,
                                                                       client_booking=True)).id
        loc = catalog.create_location(w.p, w.admin, "Open room", client_booking=True).id
        r = client_requests.record_request(w.p, w.staff, client_requests.RequestInput(
            w.client, sv, datetime(2026, 3, 4, 10), datetime(2026, 3, 4, 11), loc, w.practitioner)).id
        w.bookable = (sv, loc, r)
    return w.bookable


def request_input(d, w):
    sv, loc, _ = bookable(w)
    return client_requests.RequestInput(
        maybe(d, w.client), maybe(d, sv), maybe(d, datetime(2026, 3, 5, 10)), maybe(d, datetime(2026, 3, 5, 11)),
        maybe(d, loc, nullable=True), maybe(d, w.practitioner, nullable=True), maybe(d, ""))


def export_path(w, suffix: str) -> Path:
    return w.folder / f"fuzz{suffix}"


def auto_input(d):
    return auto_settings.AutoInvoiceInput(
        enabled=maybe(d, True), interval=maybe(d, "weekly"), weekday=maybe(d, 4), run_time=maybe(d, time(18, 0)),
        completed=maybe(d, True), scheduled=maybe(d, False), email=maybe(d, False),
        start_date=maybe(d, date(2025, 12, 1)))


def whole_or_junk(d, good, form):
    """The input dataclass with broken fields, or junk in its place."""
    return form(d) if d.draw(st.integers(0, 4)) else arg(d, good, strict=True)


# name -> (function, lambda data, world -> (args after practice, actor-free), actor kind); "a" = admin
CALLS = {
    # people
    "users.login": (lambda w, *a: users.login(w.p, *a), lambda d, w: (arg(d, "admin"), arg(d, "wrong pass"))),
    "users.create_user": (lambda w, *a: users.create_user(w.p, w.admin, *a), lambda d, w: (
        arg(d, "desk"), maybe(d, "Desk"), maybe(d, "staff"), arg(d, "password123"), maybe(d, None))),
    "users.change_password": (lambda w, *a: users.change_password(w.p, w.staff, *a),
                              lambda d, w: (arg(d, "password123"), arg(d, "another-pass"))),
    "users.unlock_user": (lambda w, *a: users.unlock_user(w.p, w.admin, *a), lambda d, w: (arg(d, w.staff.user_id),)),
    "users.reset_password": (lambda w, *a: users.reset_password(w.p, w.admin, *a),
                             lambda d, w: (arg(d, w.staff.user_id), arg(d, "new-password"))),
    "users.list_users": (lambda w: users.list_users(w.p, w.admin), lambda d, w: ()),
    "users.set_user_active": (lambda w, *a: users.set_user_active(w.p, w.admin, *a),
                              lambda d, w: (arg(d, w.staff.user_id), maybe(d, False))),
    "users.update_user": (lambda w, *a: users.update_user(w.p, w.admin, a[0], display_name=a[1], role=a[2],
                                                          practitioner_id=a[3]), lambda d, w: (
        arg(d, w.staff.user_id), maybe(d, "Desk"), maybe(d, "staff"), maybe(d, None, nullable=True))),
    "clients.create_client": (lambda w, *a: clients.create_client(w.p, w.admin, *a),
                              lambda d, w: (whole_or_junk(d, None, client_input),)),
    "clients.update_client": (lambda w, *a: clients.update_client(w.p, w.admin, *a),
                              lambda d, w: (arg(d, w.client), whole_or_junk(d, None, client_input))),
    "clients.set_archived": (lambda w, *a: clients.set_archived(w.p, w.admin, *a),
                             lambda d, w: (maybe(d, w.client), arg(d, False))),
    "clients.get_client": (lambda w, *a: clients.get_client(w.p, w.pract, *a), lambda d, w: (arg(d, w.client),)),
    "clients.list_clients": (lambda w, *a: clients.list_clients(w.p, w.admin, *a), lambda d, w: (
        arg(d, "lee", nullable=True), maybe(d, False), maybe(d, 50, nullable=True), maybe(d, 0))),
    "clients.client_balances": (lambda w: clients.client_balances(w.p, w.admin), lambda d, w: ()),
    "client_record.client_record": (lambda w, *a: client_record.client_record(w.p, w.admin, *a),
                                    lambda d, w: (arg(d, w.client), maybe(d, 50))),
    "practitioners.create_practitioner": (lambda w, *a: practitioners.create_practitioner(w.p, w.admin, *a),
                                          lambda d, w: (practitioners.PractitionerInput(
                                              maybe(d, "Maya"), maybe(d, ""), maybe(d, ""), maybe(d, "#4a7fc1"))
                                              if d.draw(st.booleans()) else arg(d, None),)),
    "practitioners.update_practitioner": (lambda w, *a: practitioners.update_practitioner(w.p, w.admin, *a),
                                          lambda d, w: (arg(d, w.practitioner), practitioners.PractitionerInput(
                                              maybe(d, "Maya"), maybe(d, ""), maybe(d, ""), maybe(d, "#4a7fc1")))),
    "practitioners.set_archived": (lambda w, *a: practitioners.set_archived(w.p, w.admin, *a),
                                   lambda d, w: (maybe(d, w.practitioner), arg(d, False))),
    "practitioners.list_practitioners": (lambda w, *a: practitioners.list_practitioners(w.p, w.admin, *a),
                                         lambda d, w: (arg(d, False),)),
    # catalogue
    "catalog.create_service": (lambda w, *a: catalog.create_service(w.p, w.admin, *a),
                               lambda d, w: (whole_or_junk(d, None, service_input),)),
    "catalog.update_service": (lambda w, *a: catalog.update_service(w.p, w.admin, *a),
                               lambda d, w: (arg(d, w.service), whole_or_junk(d, None, service_input))),
    "catalog.set_service_archived": (lambda w, *a: catalog.set_service_archived(w.p, w.admin, *a),
                                     lambda d, w: (maybe(d, w.service), arg(d, False))),
    "catalog.list_services": (lambda w, *a: catalog.list_services(w.p, w.admin, *a),
                              lambda d, w: (arg(d, False), arg(d, False))),
    "catalog.set_custom_wage": (lambda w, *a: catalog.set_custom_wage(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.practitioner), maybe(d, w.service), arg(d, 5000, nullable=True))),
    "catalog.custom_wages": (lambda w, *a: catalog.custom_wages(w.p, w.pract, *a),
                             lambda d, w: (arg(d, w.practitioner),)),
    "catalog.create_location": (lambda w, *a: catalog.create_location(w.p, w.admin, *a),
                                lambda d, w: (arg(d, "Room"), maybe(d, False))),
    "catalog.update_location": (lambda w, *a: catalog.update_location(w.p, w.admin, *a),
                                lambda d, w: (maybe(d, w.location), arg(d, "Room"), maybe(d, False))),
    "catalog.set_location_archived": (lambda w, *a: catalog.set_location_archived(w.p, w.admin, *a),
                                      lambda d, w: (maybe(d, w.location), arg(d, False))),
    "catalog.list_locations": (lambda w, *a: catalog.list_locations(w.p, w.admin, *a),
                               lambda d, w: (arg(d, False), arg(d, False))),
    # sessions
    "sessions.add_session": (lambda w, *a: sessions.add_session(w.p, w.admin, *a), lambda d, w: (
        session_input(d, w), recurrence(d) if d.draw(st.booleans()) else arg(d, None), arg(d, True))),
    "sessions.add_session[practitioner]": (lambda w, *a: sessions.add_session(w.p, w.pract, *a), lambda d, w: (
        session_input(d, w), recurrence(d) if d.draw(st.booleans()) else arg(d, None), arg(d, False))),
    "sessions.check_session": (lambda w, *a: sessions.check_session(w.p, w.admin, *a), lambda d, w: (
        session_input(d, w), recurrence(d) if d.draw(st.booleans()) else None, maybe(d, None), maybe(d, "this"))),
    "sessions.get_session": (lambda w, *a: sessions.get_session(w.p, w.pract, *a), lambda d, w: (arg(d, w.session),)),
    "sessions.list_sessions": (lambda w, *a: sessions.list_sessions(w.p, w.admin, *a), lambda d, w: (
        arg(d, datetime(2026, 2, 1)), arg(d, datetime(2026, 3, 1)), maybe(d, None),
        session_filter(d)
        if d.draw(st.booleans()) else arg(d, None))),
    "calendar_rows.calendar_rows": (lambda w, *a: calendar_rows.calendar_rows(w.p, w.admin, *a), lambda d, w: (
        arg(d, datetime(2026, 2, 1)), arg(d, datetime(2026, 3, 1)), maybe(d, None),
        session_filter(d)
        if d.draw(st.booleans()) else arg(d, None))),
    "calendar_rows.calendar_days": (lambda w, *a: calendar_rows.calendar_days(w.p, w.admin, *a), lambda d, w: (
        arg(d, date(2026, 2, 23)), arg(d, date(2026, 3, 1)),
        session_filter(d)
        if d.draw(st.booleans()) else arg(d, None))),
    "month_rows.month_rows": (lambda w, *a: month_rows.month_rows(w.p, w.admin, *a), lambda d, w: (
        arg(d, date(2026, 2, 23)), arg(d, date(2026, 4, 5)), arg(d, 6),
        session_filter(d)
        if d.draw(st.booleans()) else arg(d, None), arg(d, date(2026, 3, 2), nullable=True))),
    "sessions.list_series": (lambda w, *a: sessions.list_series(w.p, w.pract, *a), lambda d, w: (arg(d, w.series),)),
    "sessions.update_session": (lambda w, *a: sessions.update_session(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.session), session_input(d, w), maybe(d, "this"), arg(d, True))),
    "sessions.update_session[practitioner]": (lambda w, *a: sessions.update_session(w.p, w.pract, *a), lambda d, w: (
        maybe(d, w.session), session_input(d, w), arg(d, "all"), arg(d, False))),
    "sessions.enable_series": (lambda w, *a: sessions.enable_series(w.p, w.admin, *a),
                               lambda d, w: (arg(d, w.series), arg(d, False))),
    "participants.session_participants": (lambda w, *a: participants.session_participants(w.p, w.admin, *a),
                                          lambda d, w: (arg(d, w.session),)),
    "participants.set_participant_price": (lambda w, *a: participants.set_participant_price(w.p, w.admin, *a),
                                           lambda d, w: (maybe(d, w.session), maybe(d, w.client), arg(d, 7000, nullable=True))),
    # classes (SPEC 11)
    "classes.list_classes": (lambda w, *a: classes.list_classes(w.p, w.staff, *a), lambda d, w: (arg(d, False),)),
    "classes.get_class": (lambda w, *a: classes.get_class(w.p, w.admin, *a), lambda d, w: (arg(d, klass(w)[0]),)),
    "classes.class_of_session": (lambda w, *a: classes.class_of_session(w.p, w.admin, *a),
                                 lambda d, w: (arg(d, w.session),)),
    "classes.make_class": (lambda w, *a: classes.make_class(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.session), maybe(d, w.service), whole_or_junk(d, None, class_input), arg(d, True))),
    "classes.update_class": (lambda w, *a: classes.update_class(w.p, w.admin, *a), lambda d, w: (
        maybe(d, klass(w)[0]), whole_or_junk(d, None, class_input))),
    "classes.set_class_archived": (lambda w, *a: classes.set_class_archived(w.p, w.admin, *a),
                                   lambda d, w: (maybe(d, klass(w)[0]), arg(d, False))),
    "classes.set_session_displayed": (lambda w, *a: classes.set_session_displayed(w.p, w.staff, *a), lambda d, w: (
        maybe(d, klass(w)[0]), maybe(d, klass(w)[1]), arg(d, False))),
    "classes.enroll": (lambda w, *a: classes.enroll(w.p, w.admin, *a), lambda d, w: (
        maybe(d, klass(w)[0]), arg(d, w.client), arg(d, False))),
    "classes.accept_offer": (lambda w, *a: classes.accept_offer(w.p, w.admin, *a), lambda d, w: (
        maybe(d, klass(w)[0]), arg(d, w.client), arg(d, True))),
    "classes.drop": (lambda w, *a: classes.drop(w.p, w.staff, *a), lambda d, w: (
        arg(d, klass(w)[0]), maybe(d, w.client), arg(d, True))),
    "classes.add_to_waitlist": (lambda w, *a: classes.add_to_waitlist(w.p, w.admin, *a), lambda d, w: (
        maybe(d, klass(w)[0]), arg(d, w.client))),
    "classes.remove_from_waitlist": (lambda w, *a: classes.remove_from_waitlist(w.p, w.admin, *a), lambda d, w: (
        maybe(d, klass(w)[0]), arg(d, w.client), arg(d, False))),
    "class_list.published_list": (lambda w: class_list.published_list(w.p, w.staff), lambda d, w: ()),
    "class_list.export_html": (lambda w, *a: class_list.export_html(w.p, w.admin, *a),
                               lambda d, w: (arg(d, export_path(w, ".html")),)),
    "class_list.export_ics": (lambda w, *a: class_list.export_ics(w.p, w.staff, *a),
                              lambda d, w: (arg(d, str(export_path(w, ".ics"))),)),
    # the cancellation tool (SPEC 7.1)
    "cancellation_tool.affected_sessions": (lambda w, *a: cancellation_tool.affected_sessions(w.p, w.staff, *a),
                                            lambda d, w: (whole_or_junk(d, None, cancel_scope),)),
    "cancellation_tool.run_cancellations": (lambda w, *a: cancellation_tool.run_cancellations(w.p, w.staff, *a),
                                            lambda d, w: (whole_or_junk(d, None, lambda d: cancel_request(d, w)),
                                                          arg(d, False))),
    # closures
    "closures.add_closure": (lambda w, *a: closures.add_closure(w.p, w.admin, *a), lambda d, w: (
        arg(d, date(2026, 5, 1)), arg(d, None), maybe(d, "Shut"))),
    "closures.remove_closure": (lambda w, *a: closures.remove_closure(w.p, w.admin, *a),
                                lambda d, w: (arg(d, w.closure),)),
    "closures.list_closures": (lambda w, *a: closures.list_closures(w.p, w.pract, *a),
                               lambda d, w: (arg(d, date(2026, 1, 1)), arg(d, date(2026, 12, 31)))),
    # completion
    "completion.list_completion_types": (lambda w, *a: completion.list_completion_types(w.p, w.admin, *a),
                                         lambda d, w: (arg(d, True),)),
    "completion.create_completion_type": (lambda w, *a: completion.create_completion_type(w.p, w.admin, *a),
                                          lambda d, w: (whole_or_junk(d, None, type_input),)),
    "completion.update_completion_type": (lambda w, *a: completion.update_completion_type(w.p, w.admin, *a),
                                          lambda d, w: (arg(d, w.ctype), whole_or_junk(d, None, type_input))),
    "completion.set_completion_type_enabled": (
        lambda w, *a: completion.set_completion_type_enabled(w.p, w.admin, *a),
        lambda d, w: (maybe(d, w.ctype), arg(d, True))),
    "completion.remove_completion_type": (lambda w, *a: completion.remove_completion_type(w.p, w.admin, *a),
                                          lambda d, w: (arg(d, -w.ctype),)),
    "completion.type_by_key": (lambda w, *a: completion.type_by_key(w.p, *a), lambda d, w: (arg(d, "completed"),)),
    "completion.preview_completion": (lambda w, *a: completion.preview_completion(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.session), arg(d, w.ctype, nullable=True),
        completion.Override(arg(d, 9000), maybe(d, 100)) if d.draw(st.booleans()) else arg(d, None))),
    "completion.complete_session": (lambda w, *a: completion.complete_session(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.session), arg(d, None),
        completion.Override(arg(d, 9000), maybe(d, 100)) if d.draw(st.booleans()) else arg(d, None))),
    "completion.complete_session[practitioner]": (
        lambda w, *a: completion.complete_session(w.p, w.pract, *a),
        lambda d, w: (arg(d, w.session), arg(d, w.ctype), arg(d, None))),
    "completion.reopen_session": (lambda w, *a: completion.reopen_session(w.p, w.admin, *a),
                                  lambda d, w: (arg(d, -1),)),
    "completion.bulk_action": (lambda w, *a: completion.bulk_action(w.p, w.admin, *a), lambda d, w: (
        arg(d, [w.session]), arg(d, "complete"), arg(d, w.ctype))),
    # the sessions lists
    "session_lists.list_page": (lambda w, *a: session_lists.list_page(w.p, w.admin, *a), lambda d, w: (
        session_lists.ListFilter(maybe(d, date(2026, 2, 1), nullable=True), maybe(d, date(2026, 2, 28), nullable=True),
                                 maybe(d, w.practitioner, nullable=True), maybe(d, w.client, nullable=True),
                                 maybe(d, w.location, nullable=True), maybe(d, "open", nullable=True),
                                 maybe(d, w.ctype, nullable=True), maybe(d, "a"))
        if d.draw(st.booleans()) else arg(d, None),
        arg(d, "client"), arg(d, False), arg(d, None), arg(d, 50))),
    "session_lists.open_page": (lambda w, *a: session_lists.open_page(w.p, w.pract, *a), lambda d, w: (
        arg(d, "date"), arg(d, True), arg(d, None), arg(d, 50))),
    "session_lists.count": (lambda w, *a: session_lists.count(w.p, w.staff, *a), lambda d, w: (
        session_lists.ListFilter(maybe(d, date(2026, 2, 1), nullable=True), text=maybe(d, "x"))
        if d.draw(st.booleans()) else arg(d, None),)),
    "session_lists.count_open": (lambda w, *a: session_lists.count_open(w.p, w.admin, *a), lambda d, w: ()),
    "session_lists.list_actions": (lambda w, *a: session_lists.list_actions(w.p, w.admin, *a),
                                   lambda d, w: (arg(d, False),)),
    "session_lists.not_ended": (lambda w, *a: session_lists.not_ended(w.p, w.admin, *a), lambda d, w: (
        arg(d, [w.session], nullable=True), session_lists.list_actions(w.p, w.admin)[0] if d.draw(st.booleans()) else arg(d, None))),
    # deletion
    "deletion.delete_session": (lambda w, *a: deletion.delete_session(w.p, w.admin, *a),
                                lambda d, w: (arg(d, -w.session), arg(d, "this"))),
    "deletion.delete_sessions": (lambda w, *a: deletion.delete_sessions(w.p, w.admin, *a),
                                 lambda d, w: (arg(d, [-1]),)),
    "deletion.recover_sessions": (lambda w, *a: deletion.recover_sessions(w.p, w.admin, *a),
                                  lambda d, w: (arg(d, [w.session]),)),
    "deletion.list_deleted": (lambda w, *a: deletion.list_deleted(w.p, w.admin, *a), lambda d, w: (arg(d, 10),)),
    # money
    "ledger.record_payment": (lambda w, *a: ledger.record_payment(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.client), arg(d, 5000), maybe(d, "cash"), maybe(d, ""))),
    "ledger.client_balance": (lambda w, *a: ledger.client_balance(w.p, w.admin, *a), lambda d, w: (arg(d, w.client),)),
    "ledger.client_entries": (lambda w, *a: ledger.client_entries(w.p, w.admin, *a), lambda d, w: (arg(d, w.client),)),
    "payments.record_payment": (lambda w, *a: payments.record_payment(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.client), arg(d, 500), maybe(d, "cash"), arg(d, date(2025, 12, 30), nullable=True), maybe(d, ""),
        maybe(d, ""), arg(d, "none"))),
    "payments.record_payment[chosen]": (lambda w, *a: payments.record_payment(
        w.p, w.staff, a[0], a[1], "card", allocate=[(a[2], a[3])]), lambda d, w: (
        maybe(d, w.client), arg(d, 500), maybe(d, money(w)[0]), arg(d, 100))),
    "payments.allocate": (lambda w, *a: payments.allocate(w.p, w.staff, *a), lambda d, w: (
        maybe(d, money(w)[1]), maybe(d, money(w)[0]), arg(d, 100))),
    "payments.take_back_allocation": (lambda w, *a: payments.take_back_allocation(w.p, w.admin, *a),
                                      lambda d, w: (arg(d, money(w)[2]), arg(d, "wrong invoice"))),
    "payments.refund_payment": (lambda w, *a: payments.refund_payment(w.p, w.admin, *a), lambda d, w: (
        maybe(d, money(w)[1]), arg(d, 100), arg(d, "overpaid"))),
    "payments.write_off": (lambda w, *a: payments.write_off(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.client), arg(d, 100), arg(d, "goodwill"), arg(d, money(w)[0], nullable=True))),
    "payments.client_credit": (lambda w, *a: payments.client_credit(w.p, w.admin, *a),
                               lambda d, w: (arg(d, w.client),)),
    "payments.payment_history": (lambda w, *a: payments.payment_history(w.p, w.admin, *a),
                                 lambda d, w: (arg(d, w.client), arg(d, False))),
    "payments.payment_detail": (lambda w, *a: payments.payment_detail(w.p, w.admin, *a),
                                lambda d, w: (arg(d, money(w)[1]),)),
    "payment_documents.receipt_document": (lambda w, *a: payment_documents.receipt_document(w.p, w.staff, *a),
                                           lambda d, w: (arg(d, money(w)[1]),)),
    "payment_documents.statement_document": (
        lambda w, *a: payment_documents.statement_document(w.p, w.staff, *a),
        lambda d, w: (arg(d, w.client), arg(d, date(2026, 1, 1)), arg(d, date(2026, 3, 31)))),
    "payment_documents.save_receipt_pdf": (lambda w, *a: payment_documents.save_receipt_pdf(w.p, w.admin, *a),
                                           lambda d, w: (maybe(d, money(w)[1]), arg(d, pdf_path(w)))),
    "payment_documents.save_statement_pdf": (
        lambda w, *a: payment_documents.save_statement_pdf(w.p, w.admin, *a), lambda d, w: (
            maybe(d, w.client), maybe(d, date(2026, 1, 1)), maybe(d, date(2026, 3, 31)), arg(d, pdf_path(w)))),
    "invoices.uninvoiced_sessions": (lambda w, *a: invoices.uninvoiced_sessions(w.p, w.staff, *a), lambda d, w: (
        arg(d, w.client), arg(d, date(2026, 2, 1)), arg(d, date(2026, 2, 28)))),
    "invoices.create_draft": (lambda w, *a: invoices.create_draft(w.p, w.staff, *a), lambda d, w: (
        maybe(d, w.client), arg(d, [], nullable=True), maybe(d, date(2026, 2, 1)), maybe(d, date(2026, 2, 28)),
        line_items(d), maybe(d, ""))),
    "invoices.update_draft": (lambda w, *a: invoices.update_draft(w.p, w.admin, *a), lambda d, w: (
        maybe(d, invoicing(w)[0]), arg(d, [w.session], nullable=True), maybe(d, date(2026, 2, 1)),
        maybe(d, date(2026, 2, 28)), line_items(d), maybe(d, "Thank you"))),
    "invoices.delete_draft": (lambda w, *a: invoices.delete_draft(w.p, w.admin, *a),
                              lambda d, w: (arg(d, invoicing(w)[1]),)),
    "invoices.issue_invoice": (lambda w, *a: invoices.issue_invoice(w.p, w.staff, *a), lambda d, w: (
        maybe(d, invoicing(w)[0]), arg(d, None))),
    "invoices.issue_batch": (lambda w, *a: invoices.issue_batch(w.p, w.staff, *a), lambda d, w: (
        batch_requests(d, w), arg(d, None), maybe(d, 250), arg(d, None))),
    "invoices.cancel_invoice": (lambda w, *a: invoices.cancel_invoice(w.p, w.admin, *a), lambda d, w: (
        maybe(d, invoicing(w)[1]), arg(d, "Wrong address"))),
    "invoices.get_invoice": (lambda w, *a: invoices.get_invoice(w.p, w.admin, *a),
                             lambda d, w: (arg(d, invoicing(w)[1]),)),
    "invoices.list_invoices": (lambda w, *a: invoices.list_invoices(w.p, w.staff, *a), lambda d, w: (
        arg(d, "issued", nullable=True), arg(d, w.client, nullable=True), arg(d, date(2026, 1, 1), nullable=True),
        arg(d, None), arg(d, None), maybe(d, 100))),
    "invoice_documents.invoice_document": (lambda w, *a: invoice_documents.invoice_document(w.p, w.staff, *a),
                                           lambda d, w: (arg(d, invoicing(w)[1]),)),
    "invoice_documents.credit_note_document": (lambda w, *a: invoice_documents.credit_note_document(w.p, w.admin, *a),
                                               lambda d, w: (arg(d, invoicing(w)[1]),)),
    "invoice_documents.invoice_pdf_bytes": (lambda w, *a: invoice_documents.invoice_pdf_bytes(w.p, w.pract, *a),
                                            lambda d, w: (arg(d, invoicing(w)[1]),)),
    "invoice_documents.credit_note_pdf_bytes": (
        lambda w, *a: invoice_documents.credit_note_pdf_bytes(w.p, w.staff, *a), lambda d, w: (arg(d, invoicing(w)[0]),)),
    "invoice_documents.save_invoice_pdf": (lambda w, *a: invoice_documents.save_invoice_pdf(w.p, w.staff, *a),
                                           lambda d, w: (maybe(d, invoicing(w)[1]), arg(d, pdf_path(w)))),
    "invoice_documents.save_credit_note_pdf": (
        lambda w, *a: invoice_documents.save_credit_note_pdf(w.p, w.admin, *a),
        lambda d, w: (maybe(d, invoicing(w)[1]), arg(d, str(pdf_path(w))))),
    "packages.create_package": (lambda w, *a: packages.create_package(w.p, w.admin, *a),
                                lambda d, w: (whole_or_junk(d, None, lambda d2: package_input(d2, w)),)),
    "packages.update_package": (lambda w, *a: packages.update_package(w.p, w.admin, *a), lambda d, w: (
        maybe(d, package(w)), whole_or_junk(d, None, lambda d2: package_input(d2, w)))),
    "packages.set_package_archived": (lambda w, *a: packages.set_package_archived(w.p, w.admin, *a),
                                      lambda d, w: (maybe(d, package(w)), arg(d, True))),
    "packages.list_packages": (lambda w, *a: packages.list_packages(w.p, w.staff, *a), lambda d, w: (arg(d, False),)),
    "packages.sell_package": (lambda w, *a: packages.sell_package(w.p, w.staff, *a), lambda d, w: (
        maybe(d, w.client), maybe(d, package(w)), maybe(d, "card"), maybe(d, ""))),
    "packages.client_packages": (lambda w, *a: packages.client_packages(w.p, w.staff, *a),
                                 lambda d, w: (arg(d, w.client),)),
    "packages.remaining_sessions": (lambda w, *a: packages.remaining_sessions(w.p, w.staff, *a),
                                    lambda d, w: (arg(d, w.client), arg(d, w.service))),
    "packages.remaining_for": (lambda w, *a: packages.remaining_for(w.p, w.staff, *a),
                               lambda d, w: (arg(d, [w.client], nullable=True), arg(d, w.service))),  # None: none chosen
    "reports.balances": (lambda w, *a: reports.balances(w.p, w.staff, *a), lambda d, w: (arg(d, False),)),
    "reports.ageing": (lambda w, *a: reports.ageing(w.p, w.staff, *a), lambda d, w: (arg(d, date(2026, 1, 31)),)),
    "reports.wages": (lambda w, *a: reports.wages(w.p, w.pract, *a), lambda d, w: (
        arg(d, date(2026, 1, 1)), arg(d, date(2026, 3, 31)))),
    "reports.wage_sessions": (lambda w, *a: reports.wage_sessions(w.p, w.admin, *a), lambda d, w: (
        maybe(d, w.practitioner), arg(d, date(2026, 1, 1)), arg(d, date(2026, 3, 31)))),
    "reports.revenue": (lambda w, *a: reports.revenue(w.p, w.admin, *a), lambda d, w: (
        arg(d, date(2026, 1, 1)), arg(d, date(2026, 3, 31)), maybe(d, "service"))),
    "reports.figure_entries": (lambda w, *a: reports.figure_entries(w.p, w.admin, *a), lambda d, w: (
        reports.Figure(maybe(d, "revenue"), client_id=maybe(d, w.client), practitioner_id=maybe(d, w.practitioner),
                       first_day=arg(d, date(2026, 1, 1)), last_day=arg(d, date(2026, 3, 31)),
                       by=maybe(d, "month"), key=maybe(d, "2026-02")), arg(d, 100))),
    "ledger.practitioner_wages": (lambda w, *a: ledger.practitioner_wages(w.p, w.pract, *a), lambda d, w: (
        arg(d, datetime(2026, 1, 1, tzinfo=UTC)), arg(d, datetime(2026, 3, 1)))),
    # client cancellations (SPEC 8)
    "client_cancellations.get_cancellation_policy": (
        lambda w: client_cancellations.get_cancellation_policy(w.p, w.staff), lambda d, w: ()),
    "client_cancellations.set_cancellation_policy": (
        lambda w, *a: client_cancellations.set_cancellation_policy(w.p, w.admin, *a), lambda d, w: (
            maybe(d, True), [client_cancellations.PolicyLevelInput(maybe(d, 24), maybe(d, w.ctype))
                             for _ in range(d.draw(st.integers(0, 4)))] if d.draw(st.integers(0, 4)) else arg(d, []))),
    "client_cancellations.list_client_permissions": (
        lambda w: client_cancellations.list_client_permissions(w.p, w.staff), lambda d, w: ()),
    "client_cancellations.set_client_permissions": (
        lambda w, *a: client_cancellations.set_client_permissions(w.p, w.staff, *a), lambda d, w: (
            arg(d, [w.client], nullable=True), maybe(d, True))),
    "client_cancellations.quote_client_cancel": (
        lambda w, *a: client_cancellations.quote_client_cancel(w.p, w.staff, *a), lambda d, w: (
            maybe(d, cancellable(w)), maybe(d, w.client), arg(d, datetime(2026, 1, 1, 11, tzinfo=UTC),
                                                              nullable=True))),
    "client_cancellations.client_cancels": (
        lambda w, *a: client_cancellations.client_cancels(w.p, w.staff, *a), lambda d, w: (
            maybe(d, cancellable(w)), maybe(d, w.client), arg(d, datetime(2026, 1, 1, 11, tzinfo=UTC),
                                                              nullable=True), maybe(d, True))),
    # client requests (SPEC 1.4)
    "client_requests.booking_choices": (lambda w: client_requests.booking_choices(w.p, w.staff), lambda d, w: ()),
    "client_requests.record_request": (lambda w, *a: client_requests.record_request(w.p, w.staff, *a),
                                       lambda d, w: (whole_or_junk(d, None, lambda d2: request_input(d2, w)),)),
    "client_requests.list_requests": (lambda w, *a: client_requests.list_requests(w.p, w.staff, *a), lambda d, w: (
        arg(d, "pending", nullable=True), arg(d, 50, nullable=True), maybe(d, 0))),
    "client_requests.count_requests": (lambda w, *a: client_requests.count_requests(w.p, w.staff, *a),
                                       lambda d, w: (arg(d, "declined", nullable=True),)),
    "client_requests.get_request": (lambda w, *a: client_requests.get_request(w.p, w.staff, *a),
                                    lambda d, w: (arg(d, bookable(w)[2]),)),
    "client_requests.accept_request": (lambda w, *a: client_requests.accept_request(w.p, w.admin, *a), lambda d, w: (
        maybe(d, bookable(w)[2]), arg(d, w.practitioner, nullable=True), arg(d, False))),
    "client_requests.decline_request": (lambda w, *a: client_requests.decline_request(w.p, w.staff, *a),
                                        lambda d, w: (maybe(d, bookable(w)[2]), arg(d, "Fully booked"))),
    # messages (outbox and Settings > Messages)
    "outbox.queue_message": (lambda w, *a: outbox.queue_message(w.p, w.staff, *a), lambda d, w: (
        whole_or_junk(d, None, lambda d2: message_draft(d2, w)),)),
    "outbox.get_message": (lambda w, *a: outbox.get_message(w.p, w.staff, *a), lambda d, w: (arg(d, message(w)),)),
    "outbox.list_outbox": (lambda w, *a: outbox.list_outbox(w.p, w.staff, *a), lambda d, w: (
        arg(d, None), maybe(d, 50), arg(d, None))),
    "outbox.count_outbox": (lambda w, *a: outbox.count_outbox(w.p, w.staff, *a), lambda d, w: (arg(d, "failed"),)),
    "outbox.pending_ids": (lambda w, *a: outbox.pending_ids(w.p, w.staff, *a), lambda d, w: (
        arg(d, False), maybe(d, 100))),
    "outbox.send_message": (lambda w, *a: outbox.send_message(w.p, w.staff, *a), lambda d, w: (arg(d, message(w)),)),
    "outbox.send_pending": (lambda w, *a: outbox.send_pending(w.p, w.staff, *a), lambda d, w: (
        arg(d, True), maybe(d, 10))),
    "outbox.send_test_message": (lambda w, *a: outbox.send_test_message(w.p, w.admin, *a), lambda d, w: (
        maybe(d, "sms"), arg(d, "+1 555 0100"))),
    "outbox.queue_test_message": (lambda w, *a: outbox.queue_test_message(w.p, w.staff, *a), lambda d, w: (
        maybe(d, "email"), arg(d, "owner@example.com"))),
    # reminders (SPEC 7.4)
    "reminders.get_reminder_settings": (lambda w: reminders.get_reminder_settings(w.p, w.staff), lambda d, w: ()),
    "reminders.update_reminder_settings": (
        lambda w, changes: reminders.update_reminder_settings(w.p, w.admin, **changes),
        lambda d, w: (reminder_changes(d),)),
    "reminders.preview_reminder": (lambda w, *a: reminders.preview_reminder(w.p, w.staff, *a), lambda d, w: (
        arg(d, "{client} on {date}"), arg(d, "{time} with {practitioner}"))),
    "reminders.queue_due_reminders": (lambda w, *a: reminders.queue_due_reminders(w.p, w.staff, *a), lambda d, w: (
        arg(d, datetime(2026, 2, 1, 12, tzinfo=UTC), nullable=True),)),
    "reminders.pending_reminder_ids": (lambda w, *a: reminders.pending_reminder_ids(w.p, w.staff, *a),
                                       lambda d, w: (maybe(d, 100),)),
    "reminders.send_due_reminders": (lambda w, *a: reminders.send_due_reminders(w.p, w.staff, *a),
                                     lambda d, w: (maybe(d, 10),)),
    "message_settings.get_message_settings": (
        in_memory_keyring(lambda w: message_settings.get_message_settings(w.p, w.staff)), lambda d, w: ()),
    "message_settings.update_message_settings": (
        in_memory_keyring(lambda w, changes: message_settings.update_message_settings(w.p, w.admin, **changes)),
        lambda d, w: (message_changes(d),)),
    "message_settings.set_mail_password": (
        in_memory_keyring(lambda w, *a: message_settings.set_mail_password(w.p, w.admin, *a)),
        lambda d, w: (arg(d, "secret-password"),)),
    "message_settings.set_sms_token": (
        in_memory_keyring(lambda w, *a: message_settings.set_sms_token(w.p, w.admin, *a)),
        lambda d, w: (arg(d, "token"),)),
    # card payments (SPEC 10.4, 9.3): without a key saved they stop before any network call
    "card_settings.get_card_settings": (in_memory_keyring(lambda w: card_settings.get_card_settings(w.p, w.staff)),
                                        lambda d, w: ()),
    "card_settings.update_card_settings": (
        in_memory_keyring(lambda w, *a: card_settings.update_card_settings(w.p, w.admin, return_url=a[0],
                                                                           retry_cycles=a[1])),
        lambda d, w: (maybe(d, "https://practice.test/thanks"), maybe(d, 3))),
    "card_settings.set_card_key": (in_memory_keyring(lambda w, *a: card_settings.set_card_key(w.p, w.admin, *a)),
                                   lambda d, w: (arg(d, ""),)),
    "cards.card_on_file": (lambda w, *a: cards.card_on_file(w.p, w.staff, *a), lambda d, w: (arg(d, w.client),)),
    "cards.remove_card": (lambda w, *a: cards.remove_card(w.p, w.staff, *a), lambda d, w: (arg(d, w.client),)),
    "cards.list_links": (lambda w, *a: cards.list_links(w.p, w.staff, *a), lambda d, w: (arg(d, w.client),)),
    "cards.list_charges": (lambda w, *a: cards.list_charges(w.p, w.staff, *a),
                           lambda d, w: (arg(d, money(w)[0]),)),
    "cards.send_card_link": (in_memory_keyring(lambda w, *a: cards.send_card_link(w.p, w.staff, *a)),
                             lambda d, w: (arg(d, w.client),)),
    "cards.charge_invoice": (in_memory_keyring(lambda w, *a: cards.charge_invoice(w.p, w.staff, *a)),
                             lambda d, w: (arg(d, money(w)[0]), arg(d, None, nullable=True))),
    "cards.send_payment_link": (in_memory_keyring(lambda w, *a: cards.send_payment_link(w.p, w.staff, *a)),
                                lambda d, w: (arg(d, money(w)[0]), maybe(d, "Your card was declined."))),
    "cards.send_refund": (in_memory_keyring(lambda w, *a: cards.send_refund(w.p, w.staff, *a)), lambda d, w: (
        arg(d, payments.GatewayRefund(1, "pi_test_1", 100, "key-1")),)),
    "cards.unsent_refunds": (lambda w, *a: cards.unsent_refunds(w.p, w.staff, *a), lambda d, w: (arg(d, w.client),)),
    # automatic invoicing (SPEC 10)
    "auto_invoicing.due_count": (lambda w: auto_invoicing.due_count(w.p, w.staff), lambda d, w: ()),
    "auto_invoicing.run_due": (lambda w, *a: auto_invoicing.run_due(w.p, w.admin, *a), lambda d, w: (
        arg(d, "app"), arg(d, None, nullable=True), arg(d, None, nullable=True))),
    "auto_invoicing.retry_client": (lambda w, *a: auto_invoicing.retry_client(w.p, w.staff, *a),
                                    lambda d, w: (arg(d, 1), arg(d, w.client))),
    "auto_invoicing.list_runs": (lambda w, *a: auto_invoicing.list_runs(w.p, w.admin, *a),
                                 lambda d, w: (arg(d, 100), arg(d, None, nullable=True))),
    "auto_invoicing.get_run": (lambda w, *a: auto_invoicing.get_run(w.p, w.staff, *a), lambda d, w: (arg(d, 1),)),
    "auto_invoicing.run_results": (lambda w, *a: auto_invoicing.run_results(w.p, w.admin, *a),
                                   lambda d, w: (arg(d, 1),)),
    "auto_settings.get_auto_invoicing": (lambda w: auto_settings.get_auto_invoicing(w.p, w.staff), lambda d, w: ()),
    "auto_settings.update_auto_invoicing": (lambda w, *a: auto_settings.update_auto_invoicing(w.p, w.admin, *a),
                                            lambda d, w: (whole_or_junk(d, None, auto_input),)),
    "auto_settings.preview": (lambda w, *a: auto_settings.preview(w.p, *a),
                              lambda d, w: (whole_or_junk(d, None, auto_input),)),
    # settings, audit, backups
    "practice_settings.update_settings": (lambda w, **kw: practice_settings.update_settings(w.p, w.admin, **kw),
                                          None),
    "practice_settings.get_settings": (lambda w: practice_settings.get_settings(w.p, w.admin), lambda d, w: ()),
    "audit.list_audit": (lambda w, *a: audit.list_audit(w.p, w.admin, *a), lambda d, w: (
        arg(d, None), arg(d, None), maybe(d, 20))),
    "backups.check_backup": (lambda w, *a: backups.check_backup(*a), lambda d, w: (arg(d, w.backup), arg(d, None))),
    "backups.restore_backup": (lambda w, *a: backups.restore_backup(w.p, w.admin, *a),
                               lambda d, w: (arg(d, "no such backup.sqlite"),)),
}
SETTINGS_GOOD = {"practice_name": "P", "practice_address": "", "timezone": "UTC", "currency": "USD",
                 "locale": "en_US", "day_start_hour": 8, "day_end_hour": 20, "prepayment_mode": "open",
                 "threshold_cents": 0, "invoice_number_format": "{year}-{seq:04d}",
                 "credit_note_number_format": "CN-{year}-{seq:04d}", "payment_terms_days": 14,
                 "payment_instructions": "", "tax_note": ""}
# sign-in attempts are counted even when refused (SPEC 1.2): the file changes by design
COUNTS_ATTEMPTS = {"users.login", "users.change_password"}

MESSAGE_GOOD = {"mail_host": "127.0.0.1", "mail_port": 587, "mail_security": "starttls", "mail_user": "desk",
                "mail_from": "desk@example.com", "sms_url": "https://sms.example.com/send", "sms_sender": ""}


REMINDER_GOOD = {"enabled": True, "hours_before": 24, "subject": "See you {date}", "body": "{client}: {time}"}


def reminder_changes(d):
    keys = d.draw(st.lists(st.sampled_from([*REMINDER_GOOD, "reminder_hours", ""]), max_size=3, unique=True))
    return {k: arg(d, REMINDER_GOOD.get(k)) for k in keys}


def message_changes(d):
    keys = d.draw(st.lists(st.sampled_from([*MESSAGE_GOOD, "mail_password", ""]), max_size=3, unique=True))
    return {k: arg(d, MESSAGE_GOOD.get(k)) for k in keys}


def settings_changes(d):
    keys = d.draw(st.lists(st.sampled_from([*SETTINGS_GOOD, "stripe_secret", ""]), max_size=3, unique=True))
    return {k: arg(d, SETTINGS_GOOD.get(k)) for k in keys}


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(data=st.data())
def test_only_typed_errors_and_nothing_changed(world, name, data):
    # SPEC 0.5: bad input gets a clear message naming the field, and changes nothing; SPEC 0.1 limits
    call, draw = CALLS[name]
    WRONG.clear()
    args, kwargs = ((), settings_changes(data)) if draw is None else (draw(data, world), {})
    wrong = list(WRONG)
    before = fingerprint(world.p)
    try:
        call(world, *args, **kwargs)
    except ServiceError:
        if name not in COUNTS_ATTEMPTS:
            assert fingerprint(world.p) == before, f"{name} raised but changed the file"
        return
    except Exception as exc:  # noqa: BLE001 - the point of the test
        raise AssertionError(f"{name}{_short(args, kwargs)} let {type(exc).__name__} out: {exc!r}"[:2000]) from exc
    assert not wrong, f"{name} accepted wrongly typed input {wrong}: {_short(args, kwargs)}"


def _short(args, kwargs) -> str:
    return repr((args, kwargs))[:500]


def test_every_public_service_is_fuzzed():
    """Every public function of the service modules views call is in CALLS (or named here as not
    taking input from a form)."""
    import inspect

    modules = {"users": users, "clients": clients, "practitioners": practitioners, "catalog": catalog,
               "client_cancellations": client_cancellations, "client_requests": client_requests,
               "cancellation_tool": cancellation_tool,
               "sessions": sessions, "calendar_rows": calendar_rows, "month_rows": month_rows,
               "participants": participants, "closures": closures, "completion": completion,
               "session_lists": session_lists, "classes": classes, "class_list": class_list,
               "deletion": deletion, "ledger": ledger, "payments": payments, "packages": packages, "reports": reports,
               "invoices": invoices, "payment_documents": payment_documents, "invoice_documents": invoice_documents,
               "practice_settings": practice_settings, "audit": audit,
               "backups": backups, "client_record": client_record,
               "reminders": reminders,
               "outbox": outbox, "message_settings": message_settings,
               "auto_invoicing": auto_invoicing, "auto_settings": auto_settings,
               "card_settings": card_settings, "cards": cards}
    not_views_inputs = {  # helpers for other services (take a tx), pure functions, or the app itself
        "users.create_practice", "users.first_admin", "users.can_manage_users", "sessions.to_local_naive",
        "sessions.prepare_new", "sessions.add_in",  # add_session's two halves (add_in takes a tx)
        "users.check_new_practice",  # create_practice's own checks, run page by page by the set-up form
        "users.create_practice_on_server",  # the same checks, with junk: test_postgres.py (needs a server)
        "sessions.checked_range",  # list_sessions' and calendar_rows' own checks
        "calendar_rows.filter_key", "calendar_rows.filter_params", "calendar_rows.filter_where",  # of a checked filter
        "calendar_rows.range_statement", "calendar_rows.shown_select",  # SQL built from no input
        "calendar_rows.rows_to_calendar",  # rows read by calendar_rows and month_rows
        "calendar_rows.checked_days",  # calendar_days' and month_rows' own checks
        "calendar_rows.read_range", "calendar_rows.read_names",  # take a tx (and checked arguments)
        "closures.overlapping", "closures.closed_days",  # take a tx; a pure function of closures read
        "sessions.local_to_utc", "sessions.local_span", "sessions.scope_targets", "participants.book",
        "participants.remove", "closures.closure_on", "closures.closure_warnings", "deletion.delete_rows",
        "ledger.live_entries_for_sessions", "ledger.reverse_session_entries", "ledger.post_session_entries",
        "payments.allocated_to_invoice", "payments.amount_due_sql", "payments.amounts_due",  # take a tx
        "packages.remaining", "packages.package_warnings", "packages.sync_slots",  # take a tx
        "packages.package_outcome",  # a pure function
        "payments.money_left", "payments.credit_of",
        "invoices.line_tax",  # a pure function
        "invoices.issued_invoice_numbers",  # takes a tx
        "invoices.clients_to_invoice", "invoices.sessions_to_invoice", "invoices.draft_and_issue_in",  # take a tx
        "invoice_documents.document_of", "invoice_documents.pdf_of",  # take a view read in the caller's tx
        "auto_settings.read_in",  # takes a tx
        "payments.record_payment_in",  # record_payment's writes inside a caller's tx
        "payment_documents.receipt_pdf_bytes",  # save_receipt_pdf's document as bytes (a payment id only)
        "card_settings.gateway_config", "card_settings.test_card_connection",  # no input; talk to Stripe
        "cards.poll_card_links",  # no input; talks to Stripe
        "auto_settings.check",  # update_auto_invoicing's and preview's own checks
        "invoice_documents.practice_header",  # takes no input: the practice's settings
        "audit.record", "backups.can_back_up", "backups.can_restore", "backups.backup_folder",
        "backups.before_upgrade_path", "backups.parse_name", "backups.list_backups", "backups.backup_now",
        "backups.auto_backup", "backups.daily_backup_due", "backups.auto_backup_if_due",
        "outbox.queue_in", "outbox.client_addresses", "outbox.messages_for_session",  # take a tx
        "message_settings.mail_secret_name", "message_settings.sms_secret_name",  # pure functions
        "message_settings.smtp_config", "message_settings.sms_config",  # read for the outbox, no input
        "reminders.check_template",  # update_reminder_settings' and preview_reminder's own check
        "reports.recomputed_totals",  # takes a tx: the property tests' check of client_total
        "outbox.send_many",  # a billing run's sender (run_due); its ids are checked as send_message's
    }
    missing = []
    for short, module in modules.items():
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or fname.startswith("_"):
                continue
            key = f"{short}.{fname}"
            if key not in CALLS and key not in not_views_inputs:
                missing.append(key)
    assert not missing, f"public services not fuzzed: {missing}"


@pytest.mark.parametrize("currency", ["JPY", "KWD"])
def test_amount_limits_follow_the_currency(practice, admin, make, currency):
    # SPEC 0.1: the maximum is 10,000,000 major units in the currency's own digits (the currency is
    # chosen before any money is recorded: it cannot change afterwards)
    from app.services.errors import ValidationError
    from app.services.money.amounts import max_amount

    practice_settings.update_settings(practice, admin, currency=currency)
    client, top = make.client().id, max_amount(currency)
    ledger.record_payment(practice, admin, client, top, "cash")
    before = fingerprint(practice)
    with pytest.raises(ValidationError):
        ledger.record_payment(practice, admin, client, top + 1, "cash")
    assert fingerprint(practice) == before


def test_create_practice_refuses_junk(tmp_path):
    # SPEC 0.5, 0.1: a new practice's name, zone, currency and locale are checked before a file exists
    for kwargs in ({"timezone": "Mars/Olympus"}, {"currency": "ZZZ"}, {"locale": "zz_ZZ"}, {"locale": None},
                   {"admin_password": " " * 8}, {"admin_username": ["admin"]}, {"name": "x" * 10_000}):
        values = {**dict(path=tmp_path / "new.sqlite", name="P", timezone="UTC", admin_username="admin",
                         admin_password="password123"), **kwargs}
        with pytest.raises(ServiceError):
            users.create_practice(**values)
        assert not (tmp_path / "new.sqlite").exists()

"""Accounting reports (SPEC 9.4): client balances and available credit, ageing as of a date, wages per
period with the sessions behind them, revenue by month, service and practitioner. Every figure is
computed in SQL (GROUP BY over the ledger, invoices and allocations), never by loading every row, and
each can be traced to its ledger lines with ``figure_entries``.

Periods are practice-local dates, both included; a day runs from local midnight to local midnight.
Revenue is what clients were charged (charge entries, reversals included, so a correction lands in
the period it was made: SPEC 0.4), by the entry's date.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import BigInteger, Integer, and_, case, cast, func, literal, or_, select, text
from sqlalchemy.orm import Session

from ...models import (
    Allocation,
    Client,
    ClientTotal,
    Invoice,
    LedgerEntry,
    Participant,
    PracticeSession,
    Practitioner,
    Service,
)
from ...models.enums import SessionStatus
from ...models.ledger import MONEY_IN_SQL
from .. import validate
from ..errors import ValidationError
from ..people.permissions import require_front_desk, require_role
from ..practice import Actor, Practice

AGEING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
REVENUE_BY = ("month", "service", "practitioner")
OTHER_ITEMS = "Other items"  # charges not of a session: an invoice's own lines and tax
MAX_DAYS = 366 * 20


@dataclass(frozen=True)
class BalanceRow:
    client_id: int
    name: str
    balance_cents: int  # payments - saved charges (SPEC 6)
    open_charges_cents: int  # what their open sessions cost now
    available_cents: int  # balance - open charges (SPEC 6)
    unallocated_cents: int  # payments and write-offs not allocated to invoices, less refunds (SPEC 9.3)


@dataclass(frozen=True)
class AgeingRow:
    client_id: int
    name: str
    buckets_cents: tuple[int, int, int, int, int]  # current, 1-30, 31-60, 61-90, 90+ days past due
    total_cents: int
    unallocated_cents: int  # credit, kept apart from what is owed


@dataclass(frozen=True)
class WageRow:
    practitioner_id: int
    name: str
    wages_cents: int
    sessions: int


@dataclass(frozen=True)
class WageSession:
    entry_id: int
    session_id: int | None
    session_start: datetime | None  # practice time zone
    service_name: str
    clients: str
    amount_cents: int
    memo: str
    effective_at: datetime


@dataclass(frozen=True)
class RevenueRow:
    key: str  # "2026-03" by month; the service's or practitioner's id as text, "" for other items
    label: str  # "March 2026", "Therapy 50 min", "Dr. Maya Okafor", "Other items"
    charged_cents: int
    entries: int


@dataclass(frozen=True)
class EntryLine:
    """A ledger line behind a figure."""

    id: int
    kind: str
    effective_at: datetime  # practice time zone
    amount_cents: int
    client_name: str
    practitioner_name: str
    session_id: int | None
    memo: str
    reverses_id: int | None


# --- periods -------------------------------------------------------------------------------------
def _day_start(practice: Practice, d: date) -> datetime:
    return datetime.combine(d, time(0), practice.tz)


def _period(practice: Practice, first_day, last_day) -> tuple[datetime, datetime]:
    first_day, last_day = validate.a_date("from", first_day), validate.a_date("to", last_day)
    if last_day < first_day:
        raise ValidationError("to", "must be on or after the first day")
    if (last_day - first_day).days > MAX_DAYS:
        raise ValidationError("to", "choose a period of at most twenty years")
    return _day_start(practice, first_day), _day_start(practice, last_day + timedelta(days=1))


def _months(first_day: date, last_day: date) -> list[date]:
    out, d = [], first_day.replace(day=1)
    while d <= last_day:
        out.append(d)
        d = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def _name():
    return Client.first_name + literal(" ") + Client.last_name


# --- balances ------------------------------------------------------------------------------------
def _minutes(practice: Practice):
    """A session's length in whole minutes, in SQL: SQLite keeps UTC times as text, PostgreSQL as
    timestamps."""
    start, end = PracticeSession.start_at, PracticeSession.end_at
    if practice.engine.dialect.name == "sqlite":
        return cast(func.round((func.julianday(end) - func.julianday(start)) * 1440), Integer)
    return cast(func.round(func.extract("epoch", end - start) / 60), Integer)


def _open_charges(tx: Session, practice: Practice) -> dict[int, int]:
    """O for every client, in one pass over the open sessions: a participant's own price, else what
    the service costs them, an hourly one by the minute half-up as ``pricing.session_cost`` prices it
    (SPEC 2.6; tests/services/test_reports.py holds the two to the same cents)."""
    hourly = (Service.cost_cents * _minutes(practice) + 30) // 60  # div_half_up(cost * minutes, 60), cost >= 0
    cost = func.coalesce(Participant.price_cents, case((Service.kind == "hourly", hourly), else_=Service.cost_cents))
    q = (select(Participant.client_id, func.sum(cost))
         .select_from(PracticeSession)
         .join(Participant, Participant.session_id == PracticeSession.id)
         .join(Service, Service.id == PracticeSession.service_id)
         .where(PracticeSession.status == SessionStatus.OPEN.value, PracticeSession.deleted_at.is_(None),
                Participant.is_booked())
         .group_by(Participant.client_id))
    return {cid: int(total) for cid, total in tx.connection().execute(q)}


def _unallocated(tx: Session, until: datetime | None = None) -> dict[int, int]:
    """Per client: payments, write-offs and refunds (dated before ``until``) less allocations (made
    before it). The money in is read from the partial index ix_ledger_money_in alone; allocations are
    read from their own table first (``IN``), so a file without any costs nothing."""
    money_in = (select(LedgerEntry.client_id, func.sum(LedgerEntry.amount_cents))
                .where(text(f"ledger_entry.{MONEY_IN_SQL}")).group_by(LedgerEntry.client_id))
    paying = select(Allocation.payment_id)
    if until is not None:
        money_in = money_in.where(LedgerEntry.effective_at < until)
        paying = paying.where(Allocation.created_at < until)
    allocated = (select(LedgerEntry.client_id, func.sum(Allocation.amount_cents))
                 .select_from(Allocation).join(LedgerEntry, LedgerEntry.id == Allocation.payment_id)
                 .where(LedgerEntry.id.in_(paying)).group_by(LedgerEntry.client_id))
    if until is not None:
        allocated = allocated.where(Allocation.created_at < until)
    out: dict[int, int] = defaultdict(int)
    for cid, total in tx.connection().execute(money_in):  # plain rows, no ORM: 3,000 of them
        out[cid] += int(total)
    for cid, total in tx.connection().execute(allocated):
        out[cid] -= int(total)
    return out


def recomputed_totals(tx: Session, practice: Practice) -> dict[int, tuple[int, int, int]]:
    """(balance, open charges, unallocated credit) of every client, computed from the ledger, the
    sessions and the allocations as they are now: what the table client_total, kept by triggers,
    must hold (the property tests compare the two after every step; a figure of nothing is 0)."""
    bal = dict(tx.connection().execute(select(LedgerEntry.client_id, func.sum(LedgerEntry.amount_cents))
                                       .where(LedgerEntry.client_id.is_not(None))
                                       .group_by(LedgerEntry.client_id)).all())
    pending, free = _open_charges(tx, practice), _unallocated(tx)
    return {cid: (int(bal.get(cid, 0)), pending.get(cid, 0), free.get(cid, 0))
            for cid in tx.connection().execute(select(Client.id)).scalars()}


def balances(practice: Practice, actor: Actor, include_zero: bool = False) -> list[BalanceRow]:
    """Every client's balance, open charges, available credit and unallocated credit (SPEC 6, 9.4),
    by name. Clients with nothing at all are left out unless ``include_zero``.

    The three figures are read from client_total, which the database's triggers keep equal to the
    ledger and the open sessions (app/models/totals.py; ``recomputed_totals`` computes them anew)."""
    validate.flag("include zero", include_zero)
    require_front_desk(actor)
    t = ClientTotal
    q = (select(Client.id, _name(), t.balance_cents, t.open_charges_cents, t.unallocated_cents)
         .join(t, t.client_id == Client.id).order_by(Client.last_name, Client.first_name, Client.id))
    if not include_zero:
        q = q.where(or_(t.balance_cents != 0, t.open_charges_cents != 0, t.unallocated_cents != 0))
    with practice.read() as tx:
        rows = tx.connection().execute(q).all()  # plain rows, no ORM: 3,000 of them
    return [BalanceRow(cid, name, b, o, b - o, u) for cid, name, b, o, u in rows]


def _later_credit(until: datetime):
    """Per client, as subqueries (client_id, cents): the money in dated from ``until`` on, and what
    was allocated from then on. Credit before ``until`` = client_total's credit now - the first +
    the second: the same figure as ``_unallocated(tx, until)`` (the tests hold the two equal), read
    by date from ix_ledger_money_in_at and ix_allocation_created instead of every payment."""
    # grouped by an expression, not the column: else SQLite reads all of ix_ledger_money_in in
    # client order (to skip a sort) rather than the few entries after ``until`` by date
    client = (LedgerEntry.client_id + 0).label("client_id")
    later_in = (select(client, func.sum(LedgerEntry.amount_cents).label("cents"))
                .where(text(f"ledger_entry.{MONEY_IN_SQL}"), LedgerEntry.effective_at >= until)
                .group_by(client).subquery())
    paying = select(Allocation.payment_id).where(Allocation.created_at >= until)  # from the allocations first
    later_out = (select(LedgerEntry.client_id, func.sum(Allocation.amount_cents).label("cents"))
                 .select_from(Allocation).join(LedgerEntry, LedgerEntry.id == Allocation.payment_id)
                 .where(LedgerEntry.id.in_(paying), Allocation.created_at >= until)
                 .group_by(LedgerEntry.client_id).subquery())
    return later_in, later_out


# --- ageing --------------------------------------------------------------------------------------
def ageing(practice: Practice, actor: Actor, as_of: date) -> list[AgeingRow]:
    """What each client owed on ``as_of`` by days past due (SPEC 9.4): invoices issued by then and not
    cancelled by then, less allocations made by then; unallocated credit apart. By client name."""
    as_of = validate.a_date("as of", as_of)
    require_front_desk(actor)
    until = _day_start(practice, as_of + timedelta(days=1))
    paid = (select(Allocation.invoice_id, func.sum(Allocation.amount_cents).label("paid"))
            .where(Allocation.created_at < until).group_by(Allocation.invoice_id).subquery())
    due = (Invoice.total_cents - func.coalesce(paid.c.paid, 0)).label("due")  # summed once, not once per bucket
    owed = (select(Invoice.client_id, Invoice.due_date, due)
            .outerjoin(paid, paid.c.invoice_id == Invoice.id)
            .where(Invoice.status.in_(("issued", "cancelled")), Invoice.issue_date <= as_of,
                   or_(Invoice.cancelled_at.is_(None), Invoice.cancelled_at >= until))
            .subquery())
    edges = [as_of - timedelta(days=n) for n in (0, 30, 60, 90)]  # due on or after each edge
    bucket = case((owed.c.due_date >= edges[0], 0), (owed.c.due_date >= edges[1], 1),
                  (owed.c.due_date >= edges[2], 2), (owed.c.due_date >= edges[3], 3), else_=4)
    owes = (select(owed.c.client_id, *[func.sum(case((bucket == i, owed.c.due), else_=0)).label(f"b{i}")
                                       for i in range(5)])
            .where(owed.c.due != 0).group_by(owed.c.client_id).subquery())
    later_in, later_out = _later_credit(until)
    credit = (ClientTotal.unallocated_cents - func.coalesce(later_in.c.cents, 0)
              + func.coalesce(later_out.c.cents, 0))
    buckets = [func.coalesce(owes.c[f"b{i}"], 0) for i in range(5)]
    q = (select(Client.id, _name(), *[cast(b, BigInteger) for b in buckets], cast(credit, BigInteger))
         .join(ClientTotal, ClientTotal.client_id == Client.id)
         .outerjoin(owes, owes.c.client_id == Client.id)
         .outerjoin(later_in, later_in.c.client_id == Client.id)
         .outerjoin(later_out, later_out.c.client_id == Client.id)
         .where(or_(owes.c.client_id.is_not(None), credit != 0))
         .order_by(Client.last_name, Client.first_name, Client.id))
    with practice.read() as tx:
        rows = tx.connection().execute(q).all()  # one statement, plain rows: up to 3,000 of them
    return [AgeingRow(cid, name, (b0, b1, b2, b3, b4), b0 + b1 + b2 + b3 + b4, free)
            for cid, name, b0, b1, b2, b3, b4, free in rows]


# --- wages ---------------------------------------------------------------------------------------
def wages(practice: Practice, actor: Actor, first_day: date, last_day: date) -> list[WageRow]:
    """Wages per practitioner for the period (SPEC 9.4); a practitioner sees only their own."""
    start, end = _period(practice, first_day, last_day)
    if actor.role not in ("admin", "practitioner"):
        require_role(actor, "admin")
    cond = and_(LedgerEntry.practitioner_id == Practitioner.id, LedgerEntry.effective_at >= start,
                LedgerEntry.effective_at < end)
    q = (select(Practitioner.id, Practitioner.name, func.coalesce(func.sum(LedgerEntry.amount_cents), 0),
                func.coalesce(func.sum(case((LedgerEntry.id.is_(None), 0),
                                            (LedgerEntry.reverses_id.is_(None), 1), else_=-1)), 0))
         .outerjoin(LedgerEntry, cond).group_by(Practitioner.id, Practitioner.name).order_by(Practitioner.name))
    q = q.where(Practitioner.id == actor.practitioner_id) if actor.role == "practitioner" else \
        q.where(or_(Practitioner.archived_at.is_(None), LedgerEntry.id.is_not(None)))
    with practice.read() as tx:
        return [WageRow(pid, name, int(total), int(n)) for pid, name, total, n in tx.execute(q)]


def wage_sessions(practice: Practice, actor: Actor, practitioner_id: int, first_day: date,
                  last_day: date) -> list[WageSession]:
    """The wage entries behind one practitioner's figure, with their sessions (SPEC 9.4)."""
    validate.an_id("practitioner", practitioner_id)
    start, end = _period(practice, first_day, last_day)
    if actor.role == "practitioner":
        if actor.practitioner_id != practitioner_id:
            require_role(actor, "admin")
    else:
        require_role(actor, "admin")
    names = (select(func.group_concat(_name(), ", ") if practice.engine.dialect.name == "sqlite"
                    else func.string_agg(_name(), ", "))
             .select_from(Participant).join(Client, Client.id == Participant.client_id)
             .where(Participant.session_id == LedgerEntry.session_id, Participant.is_booked())
             .correlate(LedgerEntry).scalar_subquery())
    q = (select(LedgerEntry.id, LedgerEntry.session_id, PracticeSession.start_at, Service.name, names,
                LedgerEntry.amount_cents, LedgerEntry.memo, LedgerEntry.effective_at)
         .outerjoin(PracticeSession, PracticeSession.id == LedgerEntry.session_id)
         .outerjoin(Service, Service.id == PracticeSession.service_id)
         .where(LedgerEntry.practitioner_id == practitioner_id, LedgerEntry.effective_at >= start,
                LedgerEntry.effective_at < end)
         .order_by(LedgerEntry.effective_at, LedgerEntry.id))
    tz = practice.tz
    with practice.read() as tx:
        return [WageSession(eid, sid, at.astimezone(tz) if at else None, svc or "", who or "", int(cents), memo,
                            when.astimezone(tz))
                for eid, sid, at, svc, who, cents, memo, when in tx.execute(q)]


# --- revenue -------------------------------------------------------------------------------------
def _revenue_group(practice: Practice, by: str, first_day: date, last_day: date):
    """(SQL expression of the group key, {key: label} source) for ``by``."""
    if by == "month":
        months = _months(first_day, last_day)
        starts = [_day_start(practice, m) for m in months]
        whens = [(LedgerEntry.effective_at >= s, m.strftime("%Y-%m")) for s, m in reversed(list(zip(starts, months,
                                                                                                     strict=True)))]
        return case(*whens, else_=months[0].strftime("%Y-%m"))
    if by == "service":
        return func.coalesce(PracticeSession.service_id, 0)
    return func.coalesce(PracticeSession.practitioner_id, 0)


def revenue(practice: Practice, actor: Actor, first_day: date, last_day: date, by: str = "month") -> list[RevenueRow]:
    """What clients were charged in the period (SPEC 9.4), by month, service or practitioner. Months
    with nothing charged are listed too, so a chart has every month."""
    start, end = _period(practice, first_day, last_day)
    validate.choice("by", by, REVENUE_BY)
    require_role(actor, "admin")
    key = _revenue_group(practice, by, first_day, last_day).label("key")
    q = (select(key, -func.sum(LedgerEntry.amount_cents), func.count())
         .outerjoin(PracticeSession, PracticeSession.id == LedgerEntry.session_id)
         .where(LedgerEntry.kind == "charge", LedgerEntry.client_id.is_not(None),
                LedgerEntry.effective_at >= start, LedgerEntry.effective_at < end)
         .group_by(key))
    with practice.read() as tx:
        found = {str(k): (int(total), int(n)) for k, total, n in tx.execute(q)}
        if by == "month":
            return [RevenueRow(m.strftime("%Y-%m"), m.strftime("%B %Y"), *found.get(m.strftime("%Y-%m"), (0, 0)))
                    for m in _months(first_day, last_day)]
        table = Service if by == "service" else Practitioner
        labels = dict(tx.execute(select(table.id, table.name).where(table.id.in_(
            [int(k) for k in found if k != "0"]))).all())
    rows = [RevenueRow("" if k == "0" else k, labels.get(int(k), OTHER_ITEMS), total, n)
            for k, (total, n) in found.items()]
    return sorted(rows, key=lambda r: (-r.charged_cents, r.label))


# --- the ledger lines behind a figure ------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """Which figure to trace: ``kind`` balance (client_id), wages (practitioner_id and period) or
    revenue (period, ``by`` and the row's key)."""

    kind: str  # balance | wages | revenue
    client_id: int | None = None
    practitioner_id: int | None = None
    first_day: date | None = None
    last_day: date | None = None
    by: str = "month"
    key: str = ""


def figure_entries(practice: Practice, actor: Actor, figure: Figure, limit: int = 5000) -> list[EntryLine]:
    """The ledger lines that add up to a report's figure, in date order."""
    validate.form("figure", figure, Figure)
    validate.choice("figure", figure.kind, ("balance", "wages", "revenue"))
    validate.whole("number of lines", limit, 1, 100_000)
    where = []
    if figure.kind == "balance":
        where.append(LedgerEntry.client_id == validate.an_id("client", figure.client_id))
        require_front_desk(actor)
    else:
        start, end = _period(practice, figure.first_day, figure.last_day)
        where += [LedgerEntry.effective_at >= start, LedgerEntry.effective_at < end]
        if figure.kind == "wages":
            where.append(LedgerEntry.practitioner_id == validate.an_id("practitioner", figure.practitioner_id))
            require_role(actor, "admin")
        else:
            validate.choice("by", figure.by, REVENUE_BY)
            require_role(actor, "admin")
            where += [LedgerEntry.kind == "charge", LedgerEntry.client_id.is_not(None)]
            key = validate.text("key", figure.key, 20, required=False)
            group = _revenue_group(practice, figure.by, figure.first_day, figure.last_day)
            if figure.by != "month":
                if key and not key.isdigit():
                    raise ValidationError("key", "is not a row of this report")
                key = key or "0"
                where.append(group == int(key))
            else:
                where.append(group == key)
    q = (select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.effective_at, LedgerEntry.amount_cents,
                func.coalesce(_name(), ""), func.coalesce(Practitioner.name, ""), LedgerEntry.session_id,
                LedgerEntry.memo, LedgerEntry.reverses_id)
         .outerjoin(Client, Client.id == LedgerEntry.client_id)
         .outerjoin(Practitioner, Practitioner.id == LedgerEntry.practitioner_id)
         .outerjoin(PracticeSession, PracticeSession.id == LedgerEntry.session_id)
         .where(*where).order_by(LedgerEntry.effective_at, LedgerEntry.id).limit(limit))
    tz = practice.tz
    with practice.read() as tx:
        return [EntryLine(i, k, at.astimezone(tz), int(c), cn, pn, sid, memo, rev)
                for i, k, at, c, cn, pn, sid, memo, rev in tx.execute(q)]

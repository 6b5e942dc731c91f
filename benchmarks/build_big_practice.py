"""Build a big, realistic practice file for benchmarks: by default 200,000 sessions over 10 years.

``build(path, sessions=200_000, clients=3000, practitioners=20, years=10, seed=7)`` creates a real
practice file (migrated by ``app.db.open_practice`` through ``users.create_practice``, which also
makes the first admin and the settings) and then fills it with SQLAlchemy Core bulk inserts
(``conn.execute(table.insert(), rows)`` in batches of 20,000, inside ONE transaction).

This is test data: the rows are written directly instead of through the services (which would
take hours: one transaction, audit entry and conflict check per session). They are nevertheless
what the services would have written, using the same pricing functions:

- 20 practitioners, 3,000 clients (each with a "home" practitioner), 6 services (fixed and hourly),
  2 locations, a few custom wages, and a custom completion type "Late Cancel" (50 % / 50 %);
- sessions Monday to Saturday in working hours (from 08:00 local time, back to back with short gaps,
  at most ~9 per practitioner per day, no double booking of a practitioner or a client; rooms are
  not checked), in the practice zone America/New_York; 90 % single, 10 % group (2-6 clients, the
  "Group class" service);
- the clock stands at 90 % of the span: earlier sessions are mostly saved (completed, missed,
  canceled, Late Cancel; a few still open), later ones open (a few canceled ahead);
- a saved session has its snapshots (``participant.charge_cents``, ``practice_session.wage_cents``,
  label, saved_at/by) and its ledger entries exactly as ``ledger.post_session_entries`` makes them
  (a negative charge per client, a wage for the practitioner, none when zero);
- 1 % of sessions are soft-deleted; a deleted saved session has its entries reversed
  (``reverses_id``) as ``deletion.delete_rows`` does;
- clients pay what they owe every one to four sessions (payments); the rest stays owed.

Sessions get their ids in creation order (booked 0-60 days ahead), as in a real file. No audit
entries and no recurrence series are written.

Usage: python benchmarks/build_big_practice.py PATH [--sessions N] [--clients N] [--practitioners N]
                                                     [--years N] [--seed N]
"""
from __future__ import annotations

import argparse
import math
import random
import sys
import time as _time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from app.models import (
    Client,
    CompletionType,
    CustomWage,
    LedgerEntry,
    Location,
    Participant,
    PracticeSession,
    Practitioner,
    Service,
    User,
)
from app.services.clock import FixedClock
from app.services.money.pricing import Outcome, completion_amounts, session_cost, session_wage
from app.services.people import users

TIMEZONE = "America/New_York"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "big-practice"
FIRST_DAY = date(2020, 1, 6)  # a Monday
BATCH = 20_000

# name, kind, cost, wage, possible lengths in minutes
SERVICES = [
    ("Therapy 50 min", "fixed", 12000, 6000, (50,)),
    ("Therapy 80 min", "fixed", 18000, 9000, (80,)),
    ("Assessment", "fixed", 20000, 10000, (90,)),
    ("Piano lesson", "hourly", 7000, 3500, (30, 45, 60)),
    ("Voice lesson", "hourly", 6500, 3200, (30, 45, 60)),
    ("Group class", "fixed", 2500, 6000, (60, 90)),
]
GROUP_SERVICE = len(SERVICES)  # ids are 1-based: the last one is the group class
LOCATIONS = ["Harbour Room", "Music Studio"]
FIRST_NAMES = ["Amelia", "Noah", "Priya", "Mateo", "Chloe", "Darnell", "Yuki", "Fatima", "Liam", "Hannah",
               "Omar", "Grace", "Ethan", "Mei", "Isabella", "Jamal", "Nora", "Ravi", "Elena", "Tomasz",
               "Aisha", "Benjamin", "Camila", "Declan", "Zoë", "Hiroshi", "Leila", "Marcus", "Olivia", "André"]
LAST_NAMES = ["Whitaker", "Nguyen", "Patel", "Alvarez", "Dubois", "Johnson", "Tanaka", "Haddad", "O'Brien",
              "Kowalski", "Mensah", "Rossi", "Lindqvist", "Chen", "Okonkwo", "Fitzgerald", "Moreau", "Sato",
              "Gallagher", "Ibrahim", "Castillo", "Novák", "Hughes", "Kim", "Larsen", "Delgado", "Brennan",
              "Abernathy", "Osei", "Schultz", "Romero", "Park", "MacLeod", "Varga", "Achebe", "Holloway"]
COLORS = ["#5b8def", "#e8a33d", "#4fb39a", "#c75b7a", "#8a6fd1", "#3fa7c9", "#d1723f", "#6b9e3f"]
NOTES = ["", "", "", "", "", "", "Bring the workbook.", "Parking at the back.", "Review homework first."]
# past sessions: (status, completion key, weight); "open" = not saved yet
PAST_MIX = [("completed", "completed", 80), ("missed", "missed", 4), ("canceled", "canceled", 7),
            ("canceled", "late", 4), ("open", None, 5)]
FUTURE_MIX = [("open", None, 97), ("canceled", "canceled", 3)]
OUTCOMES = {"completed": Outcome("completed", None), "missed": Outcome("missed", None),
            "canceled": Outcome("canceled", None), "late": Outcome("canceled", "percentage", 50, 50)}


@dataclass(frozen=True)
class BuildInfo:
    path: Path
    sessions: int
    participants: int
    ledger_entries: int
    clients: int
    practitioners: int
    first_day: date
    last_day: date
    now: datetime
    seconds: float

    def summary(self) -> str:
        return (f"built {self.sessions:,} sessions ({self.participants:,} participants, "
                f"{self.ledger_entries:,} ledger entries), {self.clients:,} clients, "
                f"{self.practitioners} practitioners, {self.first_day} .. {self.last_day} "
                f"in {self.seconds:.1f} s at {self.path}")


def _insert(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[i:i + BATCH])


def build(path, sessions: int = 200_000, clients: int = 3000, practitioners: int = 20, years: int = 10,
          seed: int = 7) -> BuildInfo:
    """Create a new practice file at ``path`` and fill it; refuses to touch an existing file."""
    t_start = _time.perf_counter()
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; give a new path")
    rnd = random.Random(seed)
    tz = ZoneInfo(TIMEZONE)
    n_days = round(years * 365.25)
    last_day = FIRST_DAY + timedelta(days=n_days - 1)
    now = datetime.combine(FIRST_DAY + timedelta(days=int(n_days * 0.9)), time(12), tzinfo=tz).astimezone(UTC)
    setup_at = datetime.combine(FIRST_DAY - timedelta(days=30), time(9), tzinfo=tz).astimezone(UTC)

    practice = users.create_practice(path, "Big Practice", TIMEZONE, ADMIN_USERNAME, ADMIN_PASSWORD,
                                     clock=FixedClock(setup_at))
    try:
        with practice.engine.begin() as conn:
            admin_id = conn.execute(select(User.id).where(User.username == ADMIN_USERNAME)).scalar_one()
            types = {k: (i, lbl) for k, i, lbl in conn.execute(
                select(CompletionType.key, CompletionType.id, CompletionType.label)
                .where(CompletionType.key.is_not(None)))}
            late_id = conn.execute(CompletionType.__table__.insert().values(
                base_status="canceled", label="Late Cancel", description="Less than 24 hours ahead.",
                modifier_type="percentage", client_modifier=50, practitioner_modifier=50, enabled=True)
            ).inserted_primary_key[0]
            types["late"] = (late_id, "Late Cancel")

            _insert(conn, Practitioner.__table__, [
                dict(id=p, name=f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}",
                     email=f"practitioner{p}@example.com", phone=f"(207) 555-{p:04d}",
                     color=COLORS[p % len(COLORS)], archived_at=None) for p in range(1, practitioners + 1)])
            _insert(conn, Service.__table__, [
                dict(id=i, name=name, kind=kind, cost_cents=cost, wage_cents=wage, visibility="all",
                     client_booking=kind == "hourly", archived_at=None)
                for i, (name, kind, cost, wage, _) in enumerate(SERVICES, 1)])
            _insert(conn, Location.__table__, [dict(id=i, name=n, client_booking=i == 2, archived_at=None)
                                               for i, n in enumerate(LOCATIONS, 1)])
            custom = {(p, 1): 7000 for p in range(1, practitioners + 1, 5)}  # senior rates for therapy
            _insert(conn, CustomWage.__table__, [dict(practitioner_id=p, service_id=s, wage_cents=w)
                                                 for (p, s), w in custom.items()])
            _insert(conn, Client.__table__, [
                dict(id=c, first_name=rnd.choice(FIRST_NAMES), last_name=f"{rnd.choice(LAST_NAMES)}-{c}",
                     email=f"client{c}@example.org", phone=f"(207) 555-{c % 10000:04d}", address="",
                     notify_by=rnd.choice(("email", "sms", "both", "none")), may_cancel=rnd.random() < 0.3,
                     notes="", archived_at=None) for c in range(1, clients + 1)])
            pool: dict[int, list[int]] = defaultdict(list)  # practitioner -> their clients
            for c in range(1, clients + 1):
                pool[1 + (c - 1) % practitioners].append(c)

            # working days (Saturdays a fifth as busy) x practitioners, at most `cap` sessions each
            days = [FIRST_DAY + timedelta(days=i) for i in range(n_days)]
            days = [d for d in days if d.weekday() < 6]
            weights = [1 if d.weekday() < 5 else 0.2 for d in days]
            cap = max(9, math.ceil(2 * sessions / (len(days) * practitioners)))
            load: Counter = Counter()
            for d in rnd.choices(range(len(days)), weights, k=sessions):
                p = 1 + rnd.randrange(practitioners)
                while load[d, p] >= cap:
                    d, p = rnd.randrange(len(days)), 1 + rnd.randrange(practitioners)
                load[d, p] += 1

            planned = []  # (created_at, start, end, practitioner, service, minutes)
            for (d, p), k in sorted(load.items()):
                minute = 8 * 60 + rnd.choice((0, 0, 15, 30, 60))
                for _ in range(k):
                    service = GROUP_SERVICE if rnd.random() < 0.1 else rnd.randrange(1, GROUP_SERVICE)
                    minutes = rnd.choice(SERVICES[service - 1][4])
                    local = datetime.combine(days[d], time()) + timedelta(minutes=minute)
                    start = local.replace(tzinfo=tz).astimezone(UTC)
                    end = (local + timedelta(minutes=minutes)).replace(tzinfo=tz).astimezone(UTC)
                    created = min(start - timedelta(days=rnd.randrange(61), minutes=rnd.randrange(600)), now)
                    planned.append((created, start, end, p, service, minutes))
                    minute += minutes + rnd.choice((0, 0, 0, 10, 15, 30))
            planned.sort(key=lambda t: t[0])

            session_rows, part_rows, ledger_rows = [], [], []
            owed: dict[int, list[tuple[datetime, int]]] = defaultdict(list)  # client -> live charges
            ledger_id = 0

            def entry(**kw) -> int:
                nonlocal ledger_id
                ledger_id += 1
                row = dict(id=ledger_id, kind=None, client_id=None, practitioner_id=None, session_id=None,
                           amount_cents=0, reverses_id=None, method=None, memo="", effective_at=None,
                           created_at=None, created_by=admin_id)
                row.update(kw)
                ledger_rows.append(row)
                return ledger_id

            for sid, (created, start, end, p, service, minutes) in enumerate(planned, 1):
                _, kind, cost, wage, _ = SERVICES[service - 1]
                group = service == GROUP_SERVICE
                who = rnd.sample(pool[p], min(len(pool[p]), rnd.randint(2, 6))) if group else [rnd.choice(pool[p])]
                mix = PAST_MIX if start < now else FUTURE_MIX
                status, key = rnd.choices([(s, k) for s, k, _ in mix], [w for *_, w in mix])[0]
                deleted = rnd.random() < 0.01
                row = dict(id=sid, start_at=start, end_at=end, service_id=service,
                           location_id=rnd.choice((1, 2, None)), practitioner_id=p, series_id=None,
                           public_note=rnd.choice(NOTES), private_note="", status=status,
                           completion_type_id=None, completion_label=None, cost_override=False, wage_cents=None,
                           saved_at=None, saved_by=None, created_at=created, created_by=admin_id,
                           deleted_at=None, deleted_by=None)
                charge = None
                if status != "open":
                    saved_at = min(max(end, created) + timedelta(hours=rnd.randrange(72)), now)
                    charge, pay = completion_amounts(OUTCOMES[key], session_cost(kind, cost, minutes),
                                                     session_wage(kind, wage, custom.get((p, service)), minutes))
                    type_id, label = types[key]
                    row.update(completion_type_id=type_id, completion_label=label, wage_cents=pay,
                               saved_at=saved_at, saved_by=admin_id)
                    posted = []
                    if charge:
                        for c in who:
                            posted.append(entry(kind="charge", client_id=c, session_id=sid, amount_cents=-charge,
                                                memo=label, effective_at=start, created_at=saved_at))
                    if pay:
                        posted.append(entry(kind="wage", practitioner_id=p, session_id=sid, amount_cents=pay,
                                            memo=label, effective_at=start, created_at=saved_at))
                    if deleted:  # deleting a saved session reverses its live entries
                        deleted_at = min(saved_at + timedelta(days=rnd.randrange(1, 10)), now)
                        for orig in list(posted):
                            o = ledger_rows[orig - 1]
                            entry(kind=o["kind"], client_id=o["client_id"], practitioner_id=o["practitioner_id"],
                                  session_id=sid, amount_cents=-o["amount_cents"], reverses_id=orig,
                                  memo="session deleted", effective_at=start, created_at=deleted_at)
                    elif charge:
                        for c in who:
                            owed[c].append((start, charge))
                elif deleted:
                    deleted_at = min(created + timedelta(days=rnd.randrange(1, 20)), now)
                if deleted:
                    row.update(deleted_at=deleted_at, deleted_by=admin_id)
                session_rows.append(row)
                part_rows.extend(dict(session_id=sid, client_id=c, charge_cents=charge) for c in who)

            # clients pay what they owe every one to four sessions, a few days after the last one
            methods = ("card", "card", "cash", "cheque", "stripe")
            for c, charges in owed.items():
                charges.sort()
                due, every = 0, rnd.randint(1, 4)
                for i, (at, cents) in enumerate(charges, 1):
                    due += cents
                    if i % every == 0:  # what is left after the last payment stays owed
                        paid_at = min(at + timedelta(days=rnd.randrange(15), hours=rnd.randrange(8)), now)
                        entry(kind="payment", client_id=c, amount_cents=due, method=rnd.choice(methods),
                              memo="", effective_at=paid_at, created_at=paid_at)
                        due = 0

            _insert(conn, PracticeSession.__table__, session_rows)
            _insert(conn, Participant.__table__, part_rows)
            _insert(conn, LedgerEntry.__table__, ledger_rows)
        raw = practice.engine.raw_connection()  # fold the WAL into the file: it is self-contained
        try:  # outside any transaction (a checkpoint cannot run inside one)
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    finally:
        practice.close()
    return BuildInfo(path, len(session_rows), len(part_rows), len(ledger_rows), clients, practitioners,
                     FIRST_DAY, last_day, now, _time.perf_counter() - t_start)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", help="the practice file to create (must not exist)")
    ap.add_argument("--sessions", type=int, default=200_000)
    ap.add_argument("--clients", type=int, default=3000)
    ap.add_argument("--practitioners", type=int, default=20)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    info = build(a.path, a.sessions, a.clients, a.practitioners, a.years, a.seed)
    print(info.summary())
    print(f"sign in as {ADMIN_USERNAME!r} / {ADMIN_PASSWORD!r}")


if __name__ == "__main__":
    main()

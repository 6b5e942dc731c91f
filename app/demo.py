"""A demo practice: realistic, deterministic sample data made through the public services.

``build_demo(path, today)`` creates a new practice file holding about six months of a small
therapy-and-music practice (three practitioners, ~40 clients, recurring lessons, weekly group
classes, every completion status, payments, one deleted session), centred on ``today``. Every
record goes through the same services the views call, with the clock stood at the moment each
action "happened", so ledger and audit times read like a real history ending at ``today`` noon.

Double-booking is avoided by construction: each practitioner, location and client has its own
15-minute time grid, and a session is planned only where all of them are free. A conflict warning
(NeedsConfirmation) from ``add_session`` therefore means a bug here, and is not caught.
"""
from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .practice_file import put_in_place, remove_with_sidecars, temporary_sibling
from .services import practice_settings
from .services.clock import FixedClock
from .services.money import ledger, pricing
from .services.people import clients, practitioners, users
from .services.practice import Actor, Practice
from .services.scheduling import catalog, closures, completion, deletion, sessions
from .services.scheduling.recurrence import RecurrenceInput, occurrence_dates

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "demo-admin"
FRONTDESK_USERNAME = "frontdesk"
FRONTDESK_PASSWORD = "demo-frontdesk"
PRACTITIONER_USERNAME = "maya"
PRACTITIONER_PASSWORD = "demo-practitioner"

PRACTICE_NAME = "Harbourview Therapy & Music"
PRACTICE_ADDRESS = "214 Commercial Street, Suite 3\nPortland, ME 04101"
TIMEZONE = "America/New_York"
LATE_CANCEL = "Late Cancel"
SEED = 20260105
WEEKS_BEFORE = WEEKS_AFTER = 13

_PRACTITIONERS = {  # key: (name, e-mail, phone, calendar colour)
    "maya": ("Dr. Maya Okafor", "maya.okafor@harbourview.example", "(207) 555-0181", "#5b8def"),
    "lucas": ("Lucas Bennett", "lucas.bennett@harbourview.example", "(207) 555-0182", "#e8a33d"),
    "sofia": ("Sofia Marchetti", "sofia.marchetti@harbourview.example", "(207) 555-0183", "#4fb39a"),
}
_SERVICES = {  # key: (name, kind, cost, wage, client booking)
    "therapy": ("Therapy 50 min", "fixed", 12000, 6000, False),
    "couples": ("Couples therapy 80 min", "fixed", 18000, 9000, False),
    "piano": ("Piano lesson", "hourly", 7000, 3500, True),
    "voice": ("Voice lesson", "hourly", 6500, 3200, True),
    "music_therapy": ("Music therapy", "fixed", 9500, 5000, False),
    "group": ("Group class", "fixed", 2500, 6000, True),
}
_LOCATIONS = {"harbour": ("Harbour Room", False), "studio": ("Music Studio", True)}

_FIRST = ["Amelia", "Noah", "Priya", "Mateo", "Chloe", "Darnell", "Yuki", "Fatima", "Liam", "Hannah", "Omar",
          "Grace", "Ethan", "Mei", "Isabella", "Jamal", "Nora", "Ravi", "Elena", "Tomasz", "Aisha", "Benjamin",
          "Camila", "Declan", "Zoë", "Hiroshi", "Leila", "Marcus", "Olivia", "André", "Ingrid", "Kwame", "Rosa",
          "Samuel", "Tessa", "Victor", "Wren", "Yasmin", "Gabriel", "Niamh", "Diego", "Harper"]
_LAST = ["Whitaker", "Nguyen", "Patel", "Alvarez", "Dubois", "Johnson", "Tanaka", "Haddad", "O'Brien",
         "Kowalski", "Mensah", "Rossi", "Lindqvist", "Chen", "Okonkwo", "Fitzgerald", "Moreau", "Sato",
         "Gallagher", "Ibrahim", "Castillo", "Novák", "Hughes", "Kim", "Larsen", "Delgado", "Brennan",
         "Abernathy", "Osei", "Schultz", "Romero", "Park", "MacLeod", "Varga", "Achebe", "Holloway", "Cruz",
         "Bergström", "Quinn", "Reyes", "Lopez", "Singh"]
_STREETS = ["Congress St", "Fore St", "Brackett St", "Danforth St", "Pine St", "Deering Ave", "Forest Ave",
            "Baxter Blvd", "Eastern Promenade", "Vaughan St", "State St", "Spring St"]
N_CLIENTS = 40
SLOT = 15  # minutes: the planning grid


@dataclass
class _Booking:
    """One add_session call: a single session or a whole series."""

    prac: str
    service: str
    clients: tuple[int, ...]  # indexes into the client list
    location: str | None
    first: date
    start: time
    minutes: int
    dates: list[date]
    recurrence: RecurrenceInput | None = None
    note: str = ""
    private: str = ""
    booked_at: datetime | None = None
    by_practitioner: bool = False
    ids: list[int] = field(default_factory=list)  # filled when it is added


class _Grid:
    """Busy 15-minute slots per resource (practitioner, location, client): nothing overlaps."""

    def __init__(self):
        self.busy: dict[tuple, set[tuple[date, int]]] = defaultdict(set)

    @staticmethod
    def _slots(start: time, minutes: int) -> range:
        first = (start.hour * 60 + start.minute) // SLOT
        return range(first, first + -(-minutes // SLOT))

    def free(self, keys, dates, start: time, minutes: int) -> bool:
        slots = self._slots(start, minutes)
        return all((d, s) not in self.busy[k] for k in keys for d in dates for s in slots)

    def take(self, keys, dates, start: time, minutes: int) -> None:
        for k in keys:
            self.busy[k].update((d, s) for d in dates for s in self._slots(start, minutes))


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum()).lower()


class _Demo:
    def __init__(self, path: Path, today: date, clock: FixedClock):
        self.path, self.today, self.clock = path, today, clock
        self.rng = random.Random(SEED)
        self.tz = ZoneInfo(TIMEZONE)
        self.week0 = today - timedelta(days=today.weekday(), weeks=WEEKS_BEFORE)
        self.last_day = self.week0 + timedelta(weeks=WEEKS_BEFORE + WEEKS_AFTER, days=-1)
        self.now_end = datetime.combine(today, time(12))
        self.setup_at = datetime.combine(self.week0 - timedelta(days=10), time(9))
        self.grid = _Grid()
        self.bookings: list[_Booking] = []
        self.events: list[tuple[datetime, int, int, Callable[[], None]]] = []

    # ----- running actions at their moment -------------------------------------------------
    def at(self, when: datetime) -> None:
        self.clock.at = when.replace(tzinfo=self.tz).astimezone(ZoneInfo("UTC"))

    def later(self, when: datetime, prio: int, fn: Callable[[], None]) -> None:
        if when > self.now_end:
            raise AssertionError(f"demo action planned after the end of its history: {when}")
        self.events.append((when, prio, len(self.events), fn))

    # ----- setup: people, catalogue, users -------------------------------------------------
    def setup(self) -> Practice:
        self.at(self.setup_at)
        p = users.create_practice(self.path, PRACTICE_NAME, TIMEZONE, DEMO_USERNAME, DEMO_PASSWORD,
                                  currency="USD", locale="en_US", clock=self.clock)
        self.p = p
        self.admin = users.login(p, DEMO_USERNAME, DEMO_PASSWORD).actor
        practice_settings.update_settings(p, self.admin, practice_address=PRACTICE_ADDRESS)
        self.prac = {k: practitioners.create_practitioner(p, self.admin, practitioners.PractitionerInput(*v)).id
                     for k, v in _PRACTITIONERS.items()}
        self.svc = {k: catalog.create_service(p, self.admin, catalog.ServiceInput(
            name, kind, cost, wage, "all", booking)) for k, (name, kind, cost, wage, booking) in _SERVICES.items()}
        self.custom_wages = {("maya", "therapy"): 7000}  # Dr. Okafor's senior rate
        for (prac, service), wage in self.custom_wages.items():
            catalog.set_custom_wage(p, self.admin, self.prac[prac], self.svc[service].id, wage)
        self.loc = {k: catalog.create_location(p, self.admin, name, booking).id
                    for k, (name, booking) in _LOCATIONS.items()}
        self.late = completion.create_completion_type(p, self.admin, completion.CompletionTypeInput(
            "canceled", LATE_CANCEL, "Canceled less than 24 hours ahead: half the fee, half the wage.",
            "percentage", 50, 50))
        self.types = {t.key: t.id for t in completion.list_completion_types(p, self.admin) if t.key}
        self.clock.advance(minutes=20)
        self.frontdesk = users.create_user(p, self.admin, FRONTDESK_USERNAME, "Jordan Ellis (front desk)", "staff",
                                           FRONTDESK_PASSWORD).actor
        self.maya = users.create_user(p, self.admin, PRACTITIONER_USERNAME, "Dr. Maya Okafor", "practitioner",
                                      PRACTITIONER_PASSWORD, practitioner_id=self.prac["maya"]).actor
        self.clock.advance(minutes=40)
        self.client_ids = [clients.create_client(p, self.frontdesk, data).id for data in self._clients()]
        return p

    def _clients(self) -> list[clients.ClientInput]:
        rng = self.rng
        firsts, lasts = _FIRST[:], _LAST[:]
        rng.shuffle(firsts)
        rng.shuffle(lasts)
        out = []
        for i, (first, last) in enumerate(zip(firsts[:N_CLIENTS], lasts[:N_CLIENTS], strict=True)):
            style = rng.choice(["{f}.{l}", "{f}{l}", "{i}.{l}", "{f}.{l}{n}", "{f}_{l}"])
            local = style.format(f=_ascii(first), l=_ascii(last), i=_ascii(first)[0], n=rng.randint(7, 99))
            email = f"{local}@{rng.choice(['example.com', 'example.org', 'example.net'])}"
            phone = f"(207) 555-{100 + i:04d}"
            notify = rng.choices(["email", "sms", "both", "none"], weights=[50, 20, 20, 10])[0]
            has_email = notify in ("email", "both") or rng.random() < 0.8
            has_phone = notify in ("sms", "both") or rng.random() < 0.85
            address = (f"{rng.randint(3, 480)} {rng.choice(_STREETS)}, Portland, ME 041{rng.randint(1, 3):02d}"
                       if rng.random() < 0.6 else "")
            notes = rng.choice(["", "", "", "Prefers morning appointments.", "Referred by Dr. Patel.",
                                "Parent/guardian books and pays.", "Insurance receipts needed monthly.",
                                "Uses the side entrance (wheelchair access)."])
            out.append(clients.ClientInput(first, last, email if has_email else "", phone if has_phone else "",
                                           address, notify, rng.random() < 0.3, notes))
        return out

    # ----- planning sessions ----------------------------------------------------------------
    def _keys(self, prac: str, loc: str | None, cl) -> list[tuple]:
        return [("p", prac)] + ([("l", loc)] if loc else []) + [("c", c) for c in cl]

    def _place(self, b: _Booking, locations) -> bool:
        for loc in locations:
            keys = self._keys(b.prac, loc, b.clients)
            if self.grid.free(keys, b.dates, b.start, b.minutes):
                self.grid.take(keys, b.dates, b.start, b.minutes)
                b.location = loc
                self.bookings.append(b)
                return True
        return False

    def series(self, prac, service, cl, minutes, days, times, locations, freq="weekly", interval=1,
               n_days=1, weeks=(0, 2), count=None, note="", private="") -> bool:
        rng = self.rng
        for _ in range(60):
            chosen = tuple(sorted(rng.sample(days, n_days)))
            first = self.week0 + timedelta(weeks=rng.randint(*weeks), days=chosen[0])
            rec = RecurrenceInput(chosen if freq == "weekly" else (first.weekday(),), freq, interval,
                                  count=count, until=None if count else self.last_day)
            b = _Booking(prac, service, tuple(cl), None, first, rng.choice(times), minutes,
                         occurrence_dates(first, rec), rec, note, private)
            if self._place(b, locations):
                return True
        return False

    def plan_series(self) -> None:
        rng, pool = self.rng, list(range(N_CLIENTS))
        rng.shuffle(pool)
        therapy, piano, voice, extra = pool[:14], pool[14:26], pool[26:34], pool[34:]
        self.pools = {"maya": therapy + extra[:2], "lucas": piano + extra[2:4], "sofia": voice + extra[4:]}
        # Sofia Marchetti's group classes go on the grid first: the Thursday one runs every week of the
        # demo (a group session each week), the Saturday children's circle every other week
        if not self.series("sofia", "group", voice[:4] + piano[:2], 60, [3], [time(17, 30)], ["studio", "harbour"],
                           weeks=(0, 0), note="Adult choir workshop: bring your folder."):
            raise AssertionError("the weekly group class did not fit on an empty grid")
        self.series("sofia", "group", piano[2:6] + voice[4:5], 60, [5], [time(11, 30), time(12)],
                    ["studio", "harbour"], interval=2, weeks=(0, 1), note="Children's music circle.")
        hours = [time(h) for h in (9, 10, 11, 13, 14, 15, 16)]
        after_school = [time(h, m) for h in (15, 16, 17, 18) for m in (0, 30)]
        # Dr. Okafor: weekly therapy clients, two every other week, an intensive Mon+Thu, monthly couples
        for c, count in zip(therapy[:5], [None, None, None, 16, 20], strict=True):
            self.series("maya", "therapy", [c], 50, range(5), hours, ["harbour", None], weeks=(0, 3), count=count,
                        private="Weekly; review the treatment plan at week 12.")
        for c in therapy[5:7]:
            self.series("maya", "therapy", [c], 50, range(5), hours, ["harbour", None], interval=2, weeks=(0, 1),
                        note="Every other week.")
        self.series("maya", "therapy", [therapy[7]], 50, [0, 3], hours, ["harbour"], n_days=2, weeks=(1, 4),
                    count=12, private="Intensive block: 12 sessions.")
        self.series("maya", "couples", therapy[8:10], 80, range(5), [time(h) for h in (9, 13, 15)], ["harbour"],
                    freq="monthly", weeks=(0, 1), note="Monthly check-in.")
        # Lucas Bennett: weekly piano lessons after school and on Saturday mornings
        for i, c in enumerate(piano[:9]):
            saturday = i >= 7
            self.series("lucas", "piano", [c], rng.choice([30, 45, 60]), [5] if saturday else range(5),
                        [time(h, m) for h in (9, 10, 11) for m in (0, 30)] if saturday else after_school,
                        ["studio", "harbour"], weeks=(0, 4))
        self.series("lucas", "piano", [piano[9]], 60, range(5), [time(13), time(14)], ["studio", "harbour"],
                    interval=2, weeks=(0, 1), note="Adult learner, every other week.")
        # Sofia Marchetti: voice lessons and music therapy
        for c in voice[:3]:
            self.series("sofia", "voice", [c], rng.choice([45, 60]), [1, 2, 3, 4], [time(h) for h in range(9, 17)],
                        ["studio", "harbour"], weeks=(0, 5))
        for c in voice[5:7]:
            self.series("sofia", "music_therapy", [c], 45, [1, 2, 4], [time(h) for h in (10, 11, 14, 15)],
                        ["harbour", "studio"], weeks=(0, 3))
        self.series("sofia", "music_therapy", [voice[7]], 45, [1, 2, 4], [time(10), time(14)], ["harbour"],
                    freq="monthly", weeks=(1, 2), note="Monthly family session.")

    def plan_one_offs(self) -> None:
        rng = self.rng
        menu = {  # practitioner: (working days, [(service, minutes, times, locations, weight)])
            "maya": (range(5), [("therapy", 50, [time(h) for h in range(9, 17) if h != 12], ["harbour", None], 7),
                                ("therapy", 50, [time(h) for h in range(9, 17) if h != 12], [None], 2),  # video
                                ("couples", 80, [time(9), time(13), time(15)], ["harbour"], 1)]),
            "lucas": (range(6), [("piano", 30, [time(h, m) for h in range(13, 19) for m in (0, 30)],
                                  ["studio", "harbour"], 4),
                                 ("piano", 60, [time(h) for h in range(13, 18)], ["studio", "harbour"], 3)]),
            "sofia": (range(1, 6), [("voice", 45, [time(h) for h in range(9, 17)], ["studio", "harbour"], 4),
                                    ("music_therapy", 45, [time(h) for h in (10, 11, 14, 15)],
                                     ["harbour", "studio"], 3),
                                    ("group", 90, [time(13), time(14)], ["studio"], 1)]),
        }
        notes = ["", "", "", "Initial consultation.", "Make-up session.", "Trial lesson.", "Rescheduled from last week."]
        for week in range(WEEKS_BEFORE + WEEKS_AFTER):
            for prac, (days, options) in menu.items():
                for _ in range(rng.randint(1, 4)):
                    for _attempt in range(30):
                        service, minutes, times, locs, _w = rng.choices(options, [o[4] for o in options])[0]
                        day = self.week0 + timedelta(weeks=week, days=rng.choice(days))
                        if day.weekday() == 5 and prac == "lucas":
                            times = [time(h, m) for h in (9, 10, 11) for m in (0, 30)]
                        if service == "couples":
                            cl = tuple(rng.sample(self.pools[prac], 2))
                        elif service == "group":
                            cl = tuple(rng.sample(self.pools[prac] + self.pools["lucas"], rng.randint(4, 7)))
                        else:
                            cl = (rng.choice(self.pools[prac]),)
                        note = ("Songwriting workshop." if service == "group" else
                                "Video session: the link is e-mailed the day before." if locs == [None] else
                                rng.choice(notes))
                        b = _Booking(prac, service, cl, None, day, rng.choice(times), minutes, [day], None, note,
                                     by_practitioner=prac == "maya" and rng.random() < 0.3)
                        if self._place(b, locs):
                            break

    # ----- when things happened ----------------------------------------------------------------
    def _moment(self, lo: datetime, hi: datetime) -> datetime:
        """A working-hours moment in [lo, hi] (or the nearest end of it)."""
        if hi <= lo:
            return hi
        day = lo.date() + timedelta(days=self.rng.randint(0, (hi.date() - lo.date()).days))
        when = datetime.combine(day, time(self.rng.randint(8, 17), self.rng.choice([0, 10, 20, 35, 45, 50])))
        return min(max(when, lo), hi)

    def plan_bookings(self) -> None:
        for b in self.bookings:
            start = datetime.combine(b.first, b.start)
            hi = min(start - timedelta(hours=2), self.now_end - timedelta(minutes=30))
            lo = max(self.setup_at + timedelta(hours=2), start - timedelta(days=21))
            if lo > hi:
                lo = max(self.setup_at + timedelta(hours=2), hi - timedelta(days=14))
            b.booked_at = self._moment(lo, hi)
            self.later(b.booked_at, 0, lambda b=b: self._add(b))

    def _add(self, b: _Booking) -> None:
        actor = self.maya if b.by_practitioner else self.frontdesk
        data = sessions.SessionInput(
            start=datetime.combine(b.first, b.start),
            end=datetime.combine(b.first, b.start) + timedelta(minutes=b.minutes),
            service_id=self.svc[b.service].id, practitioner_id=self.prac[b.prac],
            client_ids=tuple(self.client_ids[c] for c in b.clients),
            location_id=self.loc[b.location] if b.location else None, public_note=b.note, private_note=b.private)
        made = sessions.add_session(self.p, actor, data, recurrence=b.recurrence)  # a conflict here is a bug
        if [v.start.date() for v in made] != b.dates:
            raise AssertionError("demo planner and add_session disagree on a series' dates")
        b.ids = [v.id for v in made]

    def plan_outcomes(self) -> None:
        rng = self.rng
        past = [(b, i) for b in self.bookings for i, d in enumerate(b.dates)
                if datetime.combine(d, b.start) + timedelta(minutes=b.minutes) <= self.now_end]
        past.sort(key=lambda bi: (bi[0].dates[bi[1]], bi[0].start))
        outcome = {(id(bi[0]), bi[1]): rng.choices(
            ["completed", "canceled", "missed", "late", "override"], weights=[84, 6, 4, 4, 2])[0] for bi in past}
        recent = [bi for bi in past if bi[0].dates[bi[1]] >= self.today - timedelta(days=12)]
        for b, i in rng.sample(recent, min(5, len(recent))):  # forgot to save these
            outcome[(id(b), i)] = None
        for status in ("completed", "canceled", "missed", "late", "override"):  # every one, at least twice
            while sum(v == status for v in outcome.values()) < 2:
                b, i = rng.choice(past)
                if outcome[(id(b), i)] == "completed":
                    outcome[(id(b), i)] = status
        singles = [(b, i) for b, i in past if b.recurrence is None and len(b.clients) == 1
                   and outcome[(id(b), i)] == "completed"]
        self.deleted = rng.choice(singles)
        bulk: dict[date, list] = defaultdict(list)
        for b, i in past:
            status = outcome[(id(b), i)]
            start = datetime.combine(b.dates[i], b.start)
            end = start + timedelta(minutes=b.minutes)
            if status is None:
                continue
            by_maya = b.prac == "maya" and rng.random() < 0.6
            if status == "completed" and not by_maya and not (b is self.deleted[0] and i == self.deleted[1]):
                bulk[b.dates[i]].append((b, i, end))
                continue
            if status == "canceled":
                when = max(b.booked_at + timedelta(minutes=5), start - timedelta(hours=rng.randint(26, 72)))
            elif status == "late":
                when = max(b.booked_at + timedelta(minutes=5), start - timedelta(hours=rng.randint(2, 20)))
            else:
                when = end + timedelta(minutes=rng.randint(5, 40))
            actor = self.maya if b.prac == "maya" and status != "override" and rng.random() < 0.7 else self.frontdesk
            self.later(min(when, self.now_end), 1, lambda b=b, i=i, s=status, a=actor: self._save(b, i, s, a))
        for items in bulk.values():  # the front desk saves the rest at the end of each day
            when = min(max(e for _, _, e in items) + timedelta(minutes=20), self.now_end)
            self.later(when, 1, lambda items=items: completion.bulk_action(
                self.p, self.frontdesk, [b.ids[i] for b, i, _ in items], "complete", self.types["completed"]))
        b, i = self.deleted
        when = datetime.combine(b.dates[i], b.start) + timedelta(minutes=b.minutes, hours=2)
        self.later(min(when, self.now_end), 3, lambda: deletion.delete_session(self.p, self.frontdesk, b.ids[i]))

    def _save(self, b: _Booking, i: int, status: str, actor: Actor) -> None:
        sid = b.ids[i]
        if status == "override":  # a sliding-scale fee agreed with the client (two thirds), full wage
            _name, kind, cost, wage, _booking = _SERVICES[b.service]
            custom = self.custom_wages.get((b.prac, b.service))
            cost = pricing.session_cost(kind, cost, b.minutes) * 2 // 3 // 500 * 500
            override = completion.Override(cost, pricing.session_wage(kind, wage, custom, b.minutes))
            completion.complete_session(self.p, actor, sid, override=override)
            return
        type_id = self.late.id if status == "late" else self.types[status]
        completion.complete_session(self.p, actor, sid, type_id)

    # ----- payments ---------------------------------------------------------------------------------
    def plan_payments(self) -> None:
        rng = self.rng
        first_seen: dict[int, datetime] = {}
        for b in self.bookings:
            for c in b.clients:
                first_seen[c] = min(first_seen.get(c, b.booked_at), b.booked_at)
        for c, seen in sorted(first_seen.items()):
            style = rng.choices(["settles", "prepays", "partial", "late"], weights=[50, 20, 20, 10])[0]
            if style == "prepays":
                self.later(seen + timedelta(minutes=10), 2, lambda c=c: self._pay(c, 40000, "cheque",
                                                                                   "Prepaid block of sessions"))
            step = {"settles": 7, "prepays": 21, "partial": 14, "late": 45}[style]
            when = seen + timedelta(days=rng.randint(3, step + 3))
            while when < self.now_end - timedelta(days=1):
                moment = self._moment(when, min(when + timedelta(days=2), self.now_end))
                self.later(moment, 2, lambda c=c, s=style: self._settle(c, s))
                when += timedelta(days=step + rng.randint(-2, 3))

    def _settle(self, c: int, style: str) -> None:
        balance = ledger.client_balance(self.p, self.frontdesk, self.client_ids[c])
        if style == "prepays" and balance < 10000:
            amount = (30000 - balance + 9999) // 10000 * 10000
            self._pay(c, amount, "cheque", "Top-up of prepaid sessions")
        elif style in ("settles", "late") and balance < 0:
            method = self.rng.choice(["card", "card", "card", "cash", "stripe"])
            self._pay(c, -balance, method, "Settled account" if style == "settles" else "Paid overdue balance")
        elif style == "partial" and balance < -5000:
            self._pay(c, (-balance * 6 // 10) // 1000 * 1000, self.rng.choice(["card", "cash"]), "Part payment")

    def _pay(self, c: int, amount: int, method: str, memo: str) -> None:
        ledger.record_payment(self.p, self.frontdesk, self.client_ids[c], amount, method, memo)

    # ----- all together ------------------------------------------------------------------------------
    def build(self) -> Practice:
        p = self.setup()
        self.plan_series()
        self.plan_one_offs()
        self.plan_bookings()
        self.plan_outcomes()
        self.plan_payments()
        for when, _prio, _seq, fn in sorted(self.events, key=lambda e: e[:3]):
            self.at(when)
            fn()
        self.at(self.now_end)
        # a closure ahead (SPEC 7.3): sessions already booked that day show as marked
        closed = self.today + timedelta(days=(3 - self.today.weekday()) % 7 + 7)  # Thursday next week
        closures.add_closure(p, self.admin, closed, None, "Staff training day")
        return p


def build_demo(path: str | Path, today: date, clock: FixedClock | None = None) -> Practice:
    """Create a new demo practice file at ``path`` with about six months of sessions around
    ``today`` (half before, half after). Returns the open Practice, its clock standing at
    ``today`` 12:00 in the practice time zone. The same ``today`` always gives the same data.

    Log in with DEMO_USERNAME / DEMO_PASSWORD (admin), FRONTDESK_USERNAME / FRONTDESK_PASSWORD
    (staff) or PRACTITIONER_USERNAME / PRACTITIONER_PASSWORD (Dr. Maya Okafor's own login).
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; the demo is built into a new file")
    if clock is None:
        clock = FixedClock(datetime.combine(today, time(12), ZoneInfo(TIMEZONE)))
    # built whole or not at all (SPEC 0.7): in a temporary file beside path, moved in when complete
    building = temporary_sibling(path)
    try:
        _Demo(building, today, clock).build().close()
        put_in_place(building, path)
    finally:
        remove_with_sidecars(building)
    return Practice.open(path, clock=clock)

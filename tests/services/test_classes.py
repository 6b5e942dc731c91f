"""Classes (SPEC 11): made from a series or one session; enrolling and dropping (11.1) with their
deadlines, capacity and staff overrides; display flags and the published list (11.2); pricing by a
fixed service (11.3); credit for the whole class (11.4); the waitlist."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from icalendar import Calendar

from app.models.enums import ParticipantStatus, WarningCode
from app.services import audit, practice_settings
from app.services.errors import NeedsConfirmation, PermissionDenied, RuleViolation, ValidationError
from app.services.money import ledger
from app.services.scheduling import class_list, classes, completion, participants, sessions
from app.services.scheduling.classes import ClassInput
from app.services.scheduling.recurrence import RecurrenceInput

from .fingerprint import fingerprint

START = datetime(2026, 3, 2, 10)  # a Monday, 10:00 in the practice's time zone (New York)
HOUR = timedelta(hours=1)


class Course:
    """A weekly series of ``count`` Monday sessions made into a class; Ida Host, booked on the series
    when it was made, is its first enrollment."""

    def __init__(self, practice, make, count=10, capacity=10, enroll_by=datetime(2026, 3, 1, 18),
                 drop_by=datetime(2026, 3, 9, 18), name="Pottery", session_service=None):
        self.p, self.make, self.admin = practice, make, make.admin
        self.service = make.service("Pottery course", cost=10000, wage=3000)
        self.practitioner = make.practitioner("Maya Stone")
        self.host = make.client("Ida", "Host")
        made = make.session(START, START + HOUR, session_service or self.service, self.practitioner, [self.host],
                            recurrence=RecurrenceInput((0,), count=count))
        self.session_ids = [s.id for s in made]
        self.view = classes.make_class(practice, self.admin, made[0].id, self.service.id,
                                       ClassInput(name, capacity, enroll_by, drop_by))
        self.id = self.view.id

    def get(self):
        return classes.get_class(self.p, self.admin, self.id)

    def booked_on(self, client_id) -> list[int]:
        """The class's sessions the client is booked on now."""
        return [sid for sid in self.session_ids
                if any(c.id == client_id for c in sessions.get_session(self.p, self.admin, sid).clients)]


@pytest.fixture
def course(practice, make):
    return Course(practice, make)


def _codes(exc) -> list[str]:
    return [w.code for w in exc.value.warnings]


def _audit(practice, admin, action):
    return [a for a in audit.list_audit(practice, admin, "class") if a.action == action]


def test_class_from_a_series_takes_every_session_and_its_clients(practice, admin, make):
    # SPEC 11.1: a class is a series (or one session); 11.2: every session displayed at first
    hourly = make.service("Drop-in", kind="hourly", cost=6000, wage=2000)
    c = Course(practice, make, session_service=hourly)
    v = c.view
    assert [s.session_id for s in v.sessions] == c.session_ids and len(v.sessions) == 10
    assert all(s.displayed for s in v.sessions)
    assert [e.client_name for e in v.enrolled] == ["Ida Host"]
    # SPEC 11.3: the sessions take the class's fixed service, so their cost and wage are the class's
    s = sessions.get_session(practice, admin, c.session_ids[-1])
    assert (s.service_name, s.cost_cents, s.wage_cents) == ("Pottery course", 10000, 3000)
    assert classes.class_of_session(practice, admin, c.session_ids[3]) == c.id
    assert [x.name for x in classes.list_classes(practice, admin)] == ["Pottery"]


def test_class_from_one_session(practice, admin, make):
    # SPEC 11.1: "a class is a single session or a series"
    sv, pr = make.service(cost=5000, wage=2000), make.practitioner()
    a, b = make.client(), make.client()
    [one] = make.session(START, START + HOUR, sv, pr, [a, b])
    v = classes.make_class(practice, admin, one.id, sv.id, ClassInput("Workshop", 8, START, START))
    assert [s.session_id for s in v.sessions] == [one.id] and v.series_id is None
    assert len(v.enrolled) == 2 and v.seats_left == 6


def test_enrolling_adds_the_client_to_every_session_of_the_series(practice, admin, make, course):
    # SPEC 11.1: enrolling adds the client to every session of the series, each at the class price (11.3)
    ann = make.client("Ann", "Lee")
    v = classes.enroll(practice, admin, course.id, ann.id)
    assert [e.client_name for e in v.enrolled] == ["Ida Host", "Ann Lee"]  # by last name
    assert course.booked_on(ann.id) == course.session_ids
    for sid in course.session_ids:
        [mine] = [c for c in sessions.get_session(practice, admin, sid).clients if c.id == ann.id]
        assert mine.price_cents == 10000
    with pytest.raises(ValidationError) as e:
        classes.enroll(practice, admin, course.id, ann.id)
    assert e.value.field == "client"


def test_class_of_ten_sessions_at_100_with_a_30_wage(practice, admin, clock, make, course):
    # SPEC 11.3: 10 sessions, cost $100, wage $30 -> class total $1000.00, wages $300.00
    ann = make.client("Ann", "Lee")
    v = classes.enroll(practice, admin, course.id, ann.id)
    money = lambda cents: classes_money(practice, cents)  # noqa: E731
    assert (money(v.total_cents), money(v.wages_cents)) == ("$1,000.00", "$300.00")
    clock.advance(days=80)  # every session has taken place
    done = completion.type_by_key(practice, "completed").id
    for sid in course.session_ids:
        completion.complete_session(practice, admin, sid, done)
    assert ledger.client_balance(practice, admin, ann.id) == -100000  # charged $1000.00 for the class
    wages = ledger.practitioner_wages(practice, admin, datetime(2026, 1, 1), datetime(2026, 12, 31))
    [maya] = [w for w in wages if w.name == "Maya Stone"]
    assert (maya.wages_cents, maya.sessions) == (30000, 10)  # $300.00


def classes_money(practice, cents):
    from app.services.money.amounts import format_money
    conf = practice.settings()
    return format_money(cents, conf["currency"], conf["locale"])


def test_drop_after_three_held_sessions_keeps_the_client_on_those_three(practice, admin, clock, make):
    # SPEC 11.1: dropping removes the client from every session not yet held; the rest is history
    c = Course(practice, make, drop_by=datetime(2026, 4, 30, 18))
    ann = make.client("Ann", "Lee")
    classes.enroll(practice, admin, c.id, ann.id)
    clock.at = datetime(2026, 3, 16, 12, tzinfo=UTC) + timedelta(hours=5)  # after the third Monday's session
    done = completion.type_by_key(practice, "completed").id
    for sid in c.session_ids[:3]:
        completion.complete_session(practice, admin, sid, done)
    v = classes.drop(practice, admin, c.id, ann.id)
    assert c.booked_on(ann.id) == c.session_ids[:3]
    history = participants.session_participants(practice, admin, c.session_ids[3])
    assert [(h.client_name, h.status) for h in history if h.client_id == ann.id] == \
        [("Ann Lee", ParticipantStatus.DROPPED)]
    assert [d.client_name for d in v.dropped] == ["Ann Lee"] and "Ann Lee" not in [e.client_name for e in v.enrolled]
    assert ledger.client_balance(practice, admin, ann.id) == -30000  # charged for the three held only
    assert [s.held for s in v.sessions] == [True] * 3 + [False] * 7


def test_enrolling_after_the_deadline_is_refused_unless_staff_override_it(practice, admin, clock, make, course):
    # SPEC 11.1: after a deadline the action is refused (staff may override, recorded)
    ann = make.client("Ann", "Lee")
    clock.at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC) + timedelta(hours=1)  # 19:30 New York, past 18:00
    before = fingerprint(practice)
    with pytest.raises(NeedsConfirmation) as e:
        classes.enroll(practice, admin, course.id, ann.id)
    assert _codes(e) == [WarningCode.CLASS_ENROLL_CLOSED]
    assert e.value.warnings[0].message == "Enrollment in Pottery closed on Sun 01 Mar 2026 18:00."
    assert fingerprint(practice) == before and course.booked_on(ann.id) == []
    pract = make.user("practitioner", practitioner_id=course.practitioner.id)
    with pytest.raises(PermissionDenied):
        classes.enroll(practice, pract, course.id, ann.id, confirm=True)
    staff = make.user("staff")
    v = classes.enroll(practice, staff, course.id, ann.id, confirm=True)
    [mine] = [x for x in v.enrolled if x.client_id == ann.id]
    assert mine.overridden
    [entry] = _audit(practice, admin, "class.warnings_overridden")
    assert entry.user_id == staff.user_id and entry.detail["codes"] == ["class.enroll_closed"]
    assert entry.detail["client_id"] == ann.id and entry.detail["doing"] == "enroll"


def test_a_full_class_is_refused_unless_staff_override_it(practice, admin, make):
    # SPEC 11.1: capacity
    c = Course(practice, make, capacity=2)
    ann, bo = make.client("Ann", "Lee"), make.client("Bo", "Ng")
    classes.enroll(practice, admin, c.id, ann.id)
    before = fingerprint(practice)
    with pytest.raises(NeedsConfirmation) as e:
        classes.enroll(practice, admin, c.id, bo.id)
    assert _codes(e) == [WarningCode.CLASS_FULL]
    assert fingerprint(practice) == before
    v = classes.enroll(practice, admin, c.id, bo.id, confirm=True)
    assert len(v.enrolled) == 3 and v.seats_left == 0
    assert [x.overridden for x in v.enrolled if x.client_id == bo.id] == [True]
    assert _audit(practice, admin, "class.warnings_overridden")[0].detail["codes"] == ["class.full"]


def test_dropping_after_the_drop_deadline_needs_a_staff_override(practice, admin, clock, make, course):
    # SPEC 11.1: dropping before the drop deadline; after it refused unless overridden (recorded)
    ann = make.client("Ann", "Lee")
    classes.enroll(practice, admin, course.id, ann.id)
    clock.at = datetime(2026, 3, 10, 12, tzinfo=UTC)  # past Mon 9 Mar 18:00; two sessions held
    before = fingerprint(practice)
    with pytest.raises(NeedsConfirmation) as e:
        classes.drop(practice, admin, course.id, ann.id)
    assert _codes(e) == [WarningCode.CLASS_DROP_CLOSED] and fingerprint(practice) == before
    v = classes.drop(practice, admin, course.id, ann.id, confirm=True)
    assert v.dropped[0].drop_overridden and course.booked_on(ann.id) == course.session_ids[:2]
    assert _audit(practice, admin, "class.warnings_overridden")[0].detail["doing"] == "drop"


def test_the_waitlist_offers_a_freed_seat_to_the_first_in_line(practice, admin, make):
    c = Course(practice, make, capacity=2)
    ann, bo, cy, dee = (make.client(n, "W") for n in ("Ann", "Bo", "Cy", "Dee"))
    with pytest.raises(RuleViolation, match="free seat"):
        classes.add_to_waitlist(practice, admin, c.id, ann.id)  # a seat is free: enroll instead
    classes.enroll(practice, admin, c.id, ann.id)
    classes.add_to_waitlist(practice, admin, c.id, bo.id)
    v = classes.add_to_waitlist(practice, admin, c.id, cy.id)
    assert [(w.client_name, w.position, w.offered_at) for w in v.waitlist] == [("Bo W", 1, None), ("Cy W", 2, None)]
    v = classes.drop(practice, admin, c.id, ann.id)
    assert [w.offered_at is not None for w in v.waitlist] == [True, False]  # Bo, the first in line
    assert [a.detail["client_id"] for a in _audit(practice, admin, "class.waitlist_offer")] == [bo.id]
    assert v.seats_left == 0  # the seat is held for Bo
    with pytest.raises(NeedsConfirmation) as e:
        classes.enroll(practice, admin, c.id, dee.id)
    assert _codes(e) == [WarningCode.CLASS_FULL]
    with pytest.raises(ValidationError) as e:
        classes.accept_offer(practice, admin, c.id, cy.id)  # Cy has not been offered a seat
    assert e.value.field == "client"
    v = classes.accept_offer(practice, admin, c.id, bo.id)
    assert sorted(x.client_name for x in v.enrolled) == ["Bo W", "Ida Host"]
    assert [w.client_name for w in v.waitlist] == ["Cy W"] and c.booked_on(bo.id) == c.session_ids
    # the host drops: Cy is offered the seat, declines, and the waitlist is empty
    v = classes.drop(practice, admin, c.id, c.host.id)
    assert v.waitlist[0].offered_at is not None
    v = classes.remove_from_waitlist(practice, admin, c.id, cy.id, declined=True)
    assert v.waitlist == () and v.seats_left == 1


def test_available_credit_mode_needs_credit_for_the_whole_class(practice, admin, make, course):
    # SPEC 11.4 (with 6.4): joining needs available credit for the whole class
    practice_settings.update_settings(practice, admin, prepayment_mode="credit")
    ann = make.client("Ann", "Lee")
    ledger.record_payment(practice, admin, ann.id, 90000, "cash")  # $900: one session short
    with pytest.raises(NeedsConfirmation) as e:
        classes.enroll(practice, admin, course.id, ann.id)
    assert _codes(e) == [WarningCode.PREPAYMENT_CREDIT]
    assert e.value.warnings[0].message == ("Insufficient funds: Ann Lee has $900.00 of available credit; "
                                           "this booking costs $1,000.00.")
    ledger.record_payment(practice, admin, ann.id, 10000, "cash")
    classes.enroll(practice, admin, course.id, ann.id)  # $1000.00 covers the class
    assert course.booked_on(ann.id) == course.session_ids


def test_threshold_mode_refuses_even_with_confirmation(practice, admin, make, course):
    # SPEC 6.2 applies to a class too: such a client cannot be added, not even by an override
    practice_settings.update_settings(practice, admin, prepayment_mode="threshold", threshold_cents=5000)
    ann = make.client("Ann", "Lee")
    with pytest.raises(RuleViolation, match="Ann Lee cannot be booked"):
        classes.enroll(practice, admin, course.id, ann.id, confirm=True)
    assert course.booked_on(ann.id) == []


def test_display_flags_choose_what_the_published_list_shows(practice, admin, clock, make, course):
    # SPEC 11.2: only displayed sessions are listed; the details show every session of the class
    for sid in course.session_ids[2:]:
        v = classes.set_session_displayed(practice, admin, course.id, sid, False)
    assert [s.displayed for s in v.sessions] == [True, True] + [False] * 8
    [pc] = class_list.published_list(practice, admin).classes
    assert [s.session_id for s in pc.listed] == course.session_ids[:2]
    assert [s.session_id for s in pc.sessions] == course.session_ids
    assert (pc.total, pc.price, pc.seats_left) == ("$1,000.00", "$100.00", 9)
    clock.at = datetime(2026, 3, 3, 12, tzinfo=UTC)  # the first session has been held: no longer listed
    [pc] = class_list.published_list(practice, admin).classes
    assert [s.session_id for s in pc.listed] == course.session_ids[1:2]
    classes.set_session_displayed(practice, admin, course.id, course.session_ids[1], False)
    assert class_list.published_list(practice, admin).classes == ()  # nothing displayed left to list
    classes.set_class_archived(practice, admin, course.id, True)
    assert classes.list_classes(practice, admin) == []


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.items, self.headings, self._cell, self._row, self._in = [], [], [], [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "li", "h2"):
            self._in, self._cell = tag, []

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._cell).strip()
            {"td": lambda: self._row.append(text), "li": lambda: self.items.append(text),
             "h2": lambda: self.headings.append(text)}[tag]()
            self._in = None
        elif tag == "tr" and self._row:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in:
            self._cell.append(data)


def test_the_published_list_exports_as_html_and_icalendar(practice, admin, make, tmp_path):
    # SPEC 11.2: the exported list shows the displayed sessions; the details every session
    c = Course(practice, make, count=4, name="Clay & <Glaze> \"101\"")
    classes.set_session_displayed(practice, admin, c.id, c.session_ids[3], False)
    page = class_list.export_html(practice, admin, tmp_path / "list.html")
    text = page.read_text("utf-8")
    assert "<Glaze>" not in text and "&lt;Glaze&gt;" in text  # escaped
    parsed = _Page()
    parsed.feed(text)
    assert [r[0] for r in parsed.rows] == ["Mon 02 Mar 2026", "Mon 09 Mar 2026", "Mon 16 Mar 2026"]
    assert parsed.rows[0][1:] == ["10:00\u201311:00", 'Clay & <Glaze> "101"', "Maya Stone", "", "9 seats left",
                                  "$400.00"]
    assert parsed.headings == ['Clay & <Glaze> "101"']
    assert len(parsed.items) == 4 and parsed.items[3].startswith("Mon 23 Mar 2026 10:00\u201311:00")

    ics = class_list.export_ics(practice, admin, str(tmp_path / "list.ics"))
    cal = Calendar.from_ical(ics.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ['Clay & <Glaze> "101"'] * 3
    assert events[0].decoded("dtstart") == datetime(2026, 3, 2, 15, tzinfo=UTC)  # 10:00 in New York (EST)
    assert events[2].decoded("dtend") == datetime(2026, 3, 16, 15, tzinfo=UTC)  # 11:00 EDT
    assert "Mon 23 Mar 2026" in str(events[0]["description"])  # the details list every session
    assert len({str(e["uid"]) for e in events}) == 3


def test_bad_input_names_the_field_and_changes_nothing(practice, admin, make, course, tmp_path):
    # SPEC 0.5
    ann = make.client("Ann", "Lee")
    hourly = make.service("Hourly", kind="hourly")
    [other] = make.session(datetime(2026, 4, 1, 9), datetime(2026, 4, 1, 10), hourly, course.practitioner, [ann])
    good = ClassInput("Yoga", 5, START, START)
    before = fingerprint(practice)
    cases = [
        (lambda: classes.make_class(practice, admin, other.id, hourly.id, good), "service"),
        (lambda: classes.make_class(practice, admin, other.id, course.service.id, ClassInput("", 5, START, START)),
         "name"),
        (lambda: classes.make_class(practice, admin, other.id, course.service.id, ClassInput("Y", 0, START, START)),
         "capacity"),
        (lambda: classes.make_class(practice, admin, other.id, course.service.id, ClassInput("Y", 5, "soon", START)),
         "enrollment deadline"),
        (lambda: classes.make_class(practice, admin, other.id, course.service.id, ClassInput("Y", 5, START, None)),
         "drop deadline"),
        (lambda: classes.make_class(practice, admin, other.id, course.service.id, None), "class"),
        (lambda: classes.make_class(practice, admin, "7", course.service.id, good), "session"),
        (lambda: classes.enroll(practice, admin, course.id, 99999), "client"),
        (lambda: classes.enroll(practice, admin, course.id, ann.id, confirm="yes"), "confirm"),
        (lambda: classes.drop(practice, admin, course.id, ann.id), "client"),  # not enrolled
        (lambda: classes.set_session_displayed(practice, admin, course.id, other.id, False), "session"),
        (lambda: classes.update_class(practice, admin, course.id, ClassInput("Pottery", 0, START, START)),
         "capacity"),
        (lambda: class_list.export_html(practice, admin, "list.html"), "file"),
        (lambda: class_list.export_ics(practice, admin, tmp_path / "list.txt"), "file"),
        (lambda: class_list.export_ics(practice, admin, tmp_path / "missing" / "list.ics"), "file"),
    ]
    for call, field in cases:
        with pytest.raises(ValidationError) as e:
            call()
        assert e.value.field == field, (field, e.value)
    assert fingerprint(practice) == before
    assert not (tmp_path / "missing").exists()
    # a session already in a class cannot start another one
    with pytest.raises(RuleViolation, match="already belongs to the class"):
        classes.make_class(practice, admin, course.session_ids[4], course.service.id, good)
    assert fingerprint(practice) == before


def test_practitioners_cannot_manage_classes(practice, make, course):
    # SPEC 0.3: classes are the front desk's
    pract = make.user("practitioner", practitioner_id=course.practitioner.id)
    for call in (lambda: classes.list_classes(practice, pract), lambda: classes.get_class(practice, pract, course.id),
                 lambda: class_list.published_list(practice, pract)):
        with pytest.raises(PermissionDenied):
            call()


def test_the_audit_log_records_each_change(practice, admin, make, course):
    ann = make.client("Ann", "Lee")
    classes.enroll(practice, admin, course.id, ann.id)
    classes.drop(practice, admin, course.id, ann.id)
    classes.update_class(practice, admin, course.id, ClassInput("Pottery II", 12, START, START))
    actions = [a.action for a in audit.list_audit(practice, admin, "class")]
    assert actions[:4] == ["class.update", "class.drop", "class.enroll", "class.make"]
    assert audit.list_audit(practice, admin, "class")[0].detail["changes"]["capacity"] == {"before": 10, "after": 12}

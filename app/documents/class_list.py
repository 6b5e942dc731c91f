"""The published group-sessions list (SPEC 11.2) as an HTML page and as an iCalendar file, for a
practice to put on its web site. Only the displayed sessions are listed; each class's details show
every session of it. Plain data in, text or bytes out: no services, no database."""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event


@dataclass(frozen=True)
class PublishedSession:
    session_id: int
    start: datetime  # aware, the practice's time zone
    end: datetime
    practitioner: str
    location: str
    held: bool = False


@dataclass(frozen=True)
class PublishedClass:
    class_id: int
    name: str
    price: str  # per session, formatted
    total: str  # the whole class, formatted
    seats_left: int
    enroll_deadline: datetime
    listed: tuple[PublishedSession, ...]  # displayed and not yet held: the list's rows
    sessions: tuple[PublishedSession, ...]  # every session of the class: its details


@dataclass(frozen=True)
class PublishedList:
    practice_name: str
    practice_address: str
    made_at: datetime
    classes: tuple[PublishedClass, ...]


def _day(d: datetime) -> str:
    return f"{d:%a %d %b %Y}"


def _time(s: PublishedSession) -> str:
    return f"{s.start:%H:%M}\u2013{s.end:%H:%M}"


def _seats(n: int) -> str:
    return "Full" if n <= 0 else ("1 seat left" if n == 1 else f"{n} seats left")


def html_page(data: PublishedList) -> str:
    """A whole HTML page: every text escaped, no scripts, styles inline in the head."""
    e = html.escape
    rows = sorted(((s, c) for c in data.classes for s in c.listed), key=lambda sc: (sc[0].start, sc[1].name))
    out = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
           f"<title>{e(data.practice_name)} \u2013 group sessions</title>",
           "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
           "th,td{padding:4px 12px;border-bottom:1px solid #ccc;text-align:left}"
           "h2{margin-top:1.6em}.muted{color:#666}</style></head><body>",
           f"<h1>{e(data.practice_name)}: group sessions</h1>"]
    if data.practice_address:
        out.append(f"<p class=\"muted\">{e(data.practice_address)}</p>")
    if not rows:
        out.append("<p>No group sessions are open for enrollment at the moment.</p>")
    else:
        out.append("<table id=\"sessions\"><thead><tr><th>Date</th><th>Time</th><th>Class</th>"
                   "<th>With</th><th>Where</th><th>Seats</th><th>Whole class</th></tr></thead><tbody>")
        for s, c in rows:
            out.append(f"<tr><td>{e(_day(s.start))}</td><td>{e(_time(s))}</td>"
                       f"<td><a href=\"#class-{c.class_id}\">{e(c.name)}</a></td><td>{e(s.practitioner)}</td>"
                       f"<td>{e(s.location)}</td><td>{e(_seats(c.seats_left))}</td><td>{e(c.total)}</td></tr>")
        out.append("</tbody></table>")
    for c in data.classes:
        n = len(c.sessions)
        out.append(f"<h2 id=\"class-{c.class_id}\">{e(c.name)}</h2>")
        out.append(f"<p>{n} session{'s' if n != 1 else ''}, {e(c.total)} for the whole class ({e(c.price)} a "
                   f"session). Enroll by {e(_day(c.enroll_deadline))} {c.enroll_deadline:%H:%M}. "
                   f"{e(_seats(c.seats_left))}. Enrolling joins every session below.</p>")
        out.append("<ol class=\"all-sessions\">")
        for s in c.sessions:
            place = f", {e(s.location)}" if s.location else ""
            done = " <span class=\"muted\">(held)</span>" if s.held else ""
            out.append(f"<li>{e(_day(s.start))} {e(_time(s))}, with {e(s.practitioner)}{place}{done}</li>")
        out.append("</ol>")
    out.append(f"<p class=\"muted\">Updated {e(_day(data.made_at))} {data.made_at:%H:%M}.</p></body></html>")
    return "\n".join(out) + "\n"


def ics_bytes(data: PublishedList) -> bytes:
    """An iCalendar file (RFC 5545): one event per listed session; its description lists every
    session of the class."""
    cal = Calendar()
    cal.add("prodid", "-//Practice Desk//Group sessions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{data.practice_name} group sessions")
    for c in data.classes:
        details = "\n".join(f"{_day(s.start)} {_time(s)}, with {s.practitioner}" for s in c.sessions)
        for s in c.listed:
            ev = Event()
            ev.add("uid", f"class-{c.class_id}-session-{s.session_id}@practice-desk")
            ev.add("dtstamp", data.made_at.astimezone(UTC))  # times in UTC: no VTIMEZONE needed
            ev.add("dtstart", s.start.astimezone(UTC))
            ev.add("dtend", s.end.astimezone(UTC))
            ev.add("summary", c.name)
            if s.location:
                ev.add("location", s.location)
            ev.add("description", f"{len(c.sessions)} sessions, {c.total} for the whole class. "
                                  f"{_seats(c.seats_left)}. Enroll by {_day(c.enroll_deadline)}.\n"
                                  f"All sessions:\n{details}")
            cal.add_component(ev)
    return cal.to_ical()

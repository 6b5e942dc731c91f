"""Message templates (SPEC 7.1, 7.4): the text a practice writes once, with a session's details
filled in for each client, e.g. "Dear {client}, your session on {date} at {time} with
{practitioner} is canceled." Placeholders are the names in ``PLACEHOLDERS`` in braces; a brace
that is not one of them is refused with a plain message naming the field, so a typo never goes
out to clients as "{dtae}". Dates and times are written for the practice locale (babel) in the
practice time zone. Pure functions: no database, no Qt.
"""
from __future__ import annotations

import re
from datetime import datetime

from ...money_format import babel_locale
from ..errors import ValidationError

PLACEHOLDERS = {
    "client": "the client's name",
    "date": "the session's date",
    "time": "its start time",
    "end": "its end time",
    "practitioner": "the practitioner",
    "service": "the service",
    "location": "the location",
    "practice": "the practice's name",
}

_FIELD = re.compile(r"\{([^{}]*)\}")


def placeholder_help() -> str:
    """One line for a form: '{client} the client's name, {date} the session's date, …'."""
    return ", ".join(f"{{{k}}} {v}" for k, v in PLACEHOLDERS.items())


def check_template(field: str, template: str, max_len: int, required: bool = True) -> str:
    """The template stripped, or ValidationError naming ``field``: too long, or a brace that is not
    a known placeholder (unknown name, or a lone '{' or '}')."""
    if not isinstance(template, str):
        raise ValidationError(field, "must be text")
    template = template.strip()
    if required and not template:
        raise ValidationError(field, "is required")
    if len(template) > max_len:
        raise ValidationError(field, f"is too long (at most {max_len} characters)")
    for name in _FIELD.findall(template):
        if name.strip() not in PLACEHOLDERS:
            known = ", ".join(f"{{{k}}}" for k in PLACEHOLDERS)
            raise ValidationError(field, f"has an unknown placeholder {{{name}}}; use one of {known}")
    rest = _FIELD.sub("", template)
    if "{" in rest or "}" in rest:
        raise ValidationError(field, "has a brace that does not enclose a placeholder such as {date}")
    return template


def session_values(start: datetime, end: datetime, locale: str, *, client: str, practitioner: str,
                   service: str, location: str, practice: str) -> dict[str, str]:
    """The placeholder values for one session and client; ``start``/``end`` aware, already in the
    practice time zone."""
    from babel.dates import format_date, format_time

    loc = babel_locale(locale)
    return {"client": client, "date": format_date(start.date(), "full", locale=loc),
            "time": format_time(start.timetz(), "short", locale=loc),
            "end": format_time(end.timetz(), "short", locale=loc), "practitioner": practitioner,
            "service": service, "location": location, "practice": practice}


def fill(template: str, values: dict[str, str]) -> str:
    """The template with each {placeholder} replaced (a checked template; values are plain text)."""
    return _FIELD.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), template)

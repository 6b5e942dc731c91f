"""The names the calendar shows, kept in memory while the database says they still hold (issue 17).

A week shows hundreds of sessions with a handful of practitioners, services and locations and a few
hundred clients. Reading the names with every range (a join to the client per booked place, a
statement for the rest) cost a quarter of a week switch on the 200,000-session practice. Here they
are read once, all of them (deleted and archived ones too: a session keeps the ones it was booked
with), together with the token of ``names_token``, which the database's triggers (migration
0017_names_token) change in the same transaction as any insert, delete or change of a client's,
practitioner's (or their colour), service's or location's name. Each range reads the token in its own
transaction: the same token means these names are exactly the ones that transaction sees, at every
desk and whoever wrote. A new token (or none: a database without the row) means a fresh read.
"""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import literal, null, select, union_all

from ...models import Client, Location, NamesToken, Practitioner, Service
from ..driver_select import DriverSelect
from ..practice import Practice


class Names(NamedTuple):
    """Every practitioner (name, colour), service, location and client by id."""

    practitioners: dict[int, tuple[str, str]]
    services: dict[int, str]
    locations: dict[int, str]
    clients: dict[int, tuple[str, str, str]]  # (last name, first name, "first last")


_TOKEN = DriverSelect(select(NamesToken.token).where(NamesToken.id == 1))
_ALL = DriverSelect(union_all(select(literal(0), Practitioner.id, Practitioner.name, Practitioner.color),
                              select(literal(1), Service.id, Service.name, null()),
                              select(literal(2), Location.id, Location.name, null()),
                              select(literal(3), Client.id, Client.first_name, Client.last_name)))
KEPT = "calendar names"  # the key of Practice.kept


def read_names(tx, practice: Practice) -> Names:
    """``Names`` as the caller's transaction sees them: the kept ones when the token is unchanged (one
    small statement), else read again (one statement over the four tables) and kept."""
    found = _TOKEN.rows(tx)
    token = found[0][0] if found else None
    kept = practice.kept.get(KEPT)
    if token is not None and kept is not None and kept[0] == token:
        return kept[1]
    names = _read_all(tx)
    if token is not None:
        practice.kept[KEPT] = (token, names)  # one assignment: another thread sees the old pair or this one
    return names


def _read_all(tx) -> Names:
    practitioners: dict = {}
    services: dict = {}
    locations: dict = {}
    clients: dict = {}
    for kind, id_, name, other in _ALL.rows(tx):
        if kind == 3:
            clients[id_] = (other, name, f"{name} {other}")
        elif kind == 0:
            practitioners[id_] = (name, other)
        elif kind == 1:
            services[id_] = name
        else:
            locations[id_] = name
    return Names(practitioners, services, locations, clients)

"""How packages read in the views (SPEC 6.3): what each of a package's sessions costs, and what a
client has left. The figures come from the packages service; this only words them."""
from __future__ import annotations

from itertools import groupby

LISTED_SHARES = 3  # up to this many sessions each share is listed; more are summed up


def shares_text(shares, money) -> str:
    """What each session of a package costs: "$25.00 each", "$33.34, $33.33, $33.33" or
    "first 4 × $16.67, then $16.66" (the extra cents go to the first sessions)."""
    runs = [(cents, len(list(group))) for cents, group in groupby(shares)]
    if not runs:
        return ""
    if len(runs) == 1:
        return f"{money(runs[0][0])} each"
    if len(shares) <= LISTED_SHARES or len(runs) > 2:
        return ", ".join(money(c) for c in shares)
    (first, k), (rest, _n) = runs
    return f"first {k} \u00d7 {money(first)}, then {money(rest)}"


def sessions_text(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''}"


def left_text(name: str, left: int) -> str:
    """One line of the session form in package mode: "Ann Lee: 2 sessions left on packages"."""
    if left <= 0:
        return f"{name}: no sessions left on packages for this service"
    return f"{name}: {sessions_text(left)} left on packages"

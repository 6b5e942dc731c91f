"""Prepayment modes (SPEC 6.1, 6.2, 6.4), checked when clients are booked.

For a client: payments P and saved charges C are their ledger (balance = P - C); open charges O
are the current cost of their open, live sessions; available credit = P - C - O.
In package mode (6.3) what counts is the sessions left on the client's packages (packages.py).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Client, LedgerEntry, Participant, PracticeSession, Service
from ...models.enums import PrepaymentMode, SessionStatus, WarningCode
from ..errors import Warning_
from ..practice import Practice
from .amounts import format_money
from .packages import package_warnings
from .pricing import session_cost

MODES = tuple(PrepaymentMode)
HARD_CODES = (WarningCode.PREPAYMENT_THRESHOLD,)  # SPEC 6.2: such a client "cannot be added"; nobody overrides
# (each such warning also says so itself: ``Warning_.hard``)
# SPEC 6.3, 6.4: where staff see a warning and may add anyway, practitioners and client-initiated
# requests are refused; a request is refused on these codes (sessions.add_in, client_request=True)
CLIENT_REFUSED_CODES = HARD_CODES + (WarningCode.PREPAYMENT_CREDIT, WarningCode.PREPAYMENT_PACKAGE)


def balances(tx: Session, client_ids: Sequence[int]) -> dict[int, int]:
    rows = tx.execute(select(LedgerEntry.client_id, func.sum(LedgerEntry.amount_cents))
                      .where(LedgerEntry.client_id.in_(list(client_ids))).group_by(LedgerEntry.client_id))
    found = {cid: int(total) for cid, total in rows}
    return {cid: found.get(cid, 0) for cid in client_ids}


def open_charges(tx: Session, client_ids: Sequence[int], exclude_ids: Sequence[int] = ()) -> dict[int, int]:
    """O: what each client's open, live sessions cost at today's prices (SPEC 6, 4.3): their own
    price on a session where they have one. Clients taken off a session owe nothing for it."""
    q = (select(Participant.client_id, Service.kind, Service.cost_cents, PracticeSession.start_at,
                PracticeSession.end_at, Participant.price_cents)
         .join(PracticeSession, PracticeSession.id == Participant.session_id)
         .join(Service, Service.id == PracticeSession.service_id)
         .where(Participant.client_id.in_(list(client_ids)), Participant.is_booked(),
                PracticeSession.status == SessionStatus.OPEN, PracticeSession.deleted_at.is_(None)))
    if exclude_ids:
        q = q.where(PracticeSession.id.not_in(list(exclude_ids)))
    out: dict[int, int] = defaultdict(int)
    for cid, kind, cost, start, end, own in tx.execute(q):
        out[cid] += own if own is not None else session_cost(kind, cost, int((end - start).total_seconds() // 60))
    return {cid: out.get(cid, 0) for cid in client_ids}


def prepayment_warnings(tx: Session, practice: Practice, client_ids: Sequence[int], service_id: int,
                        slots: Sequence[tuple[datetime, datetime]], exclude_ids: Sequence[int] = ()) -> list[Warning_]:
    conf = practice.settings()
    mode = conf.get("prepayment_mode", "open")
    if mode == PrepaymentMode.OPEN or not client_ids or not slots:
        return []

    def money(cents: int) -> str:
        return format_money(cents, conf["currency"], conf["locale"])

    names = {c.id: f"{c.first_name} {c.last_name}"
             for c in tx.scalars(select(Client).where(Client.id.in_(list(client_ids))))}
    if mode == PrepaymentMode.PACKAGE:  # SPEC 6.3: sessions left on the client's packages, not money
        return package_warnings(tx, client_ids, service_id, len(slots), names)
    bal = balances(tx, client_ids)
    out: list[Warning_] = []
    if mode == PrepaymentMode.THRESHOLD:
        floor = int(conf.get("threshold_cents", 0))
        for cid in client_ids:
            if bal[cid] < floor:
                out.append(Warning_(WarningCode.PREPAYMENT_THRESHOLD,
                                    f"{names[cid]} cannot be booked: "
                                    + (f"they owe {money(-bal[cid])}; the minimum balance is {money(floor)}."
                                       if bal[cid] < 0 else  # said as the client list says it ("Owes $5.00")
                                       f"their balance is {money(bal[cid])}, below the minimum of {money(floor)}."),
                                    redacted=f"{names[cid]} cannot be booked: their balance is below the "
                                             "practice's minimum. The front desk can help.",
                                    hard=True))
        return out
    service = tx.get(Service, service_id)
    needed = sum(session_cost(service.kind, service.cost_cents, int((b - a).total_seconds() // 60)) for a, b in slots)
    pending = open_charges(tx, client_ids, exclude_ids)
    for cid in client_ids:
        available = bal[cid] - pending[cid]
        if available < needed:
            out.append(Warning_(WarningCode.PREPAYMENT_CREDIT,
                                f"Insufficient funds: {names[cid]} "
                                + (f"owes {money(-available)} (no available credit)" if available < 0
                                   else f"has {money(available)} of available credit")
                                + f"; this booking costs {money(needed)}.",
                                redacted=f"Insufficient funds: {names[cid]} does not have enough credit for "
                                         "this booking. The front desk can help."))
    return out

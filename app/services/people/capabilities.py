"""What the acting user may do, as one read the views ask (SPEC 0.3, 1.1). The services enforce
each of these on their own; this only lets a view show or hide what would be refused anyway."""
from __future__ import annotations

from dataclasses import dataclass

from ...models.enums import Role
from ..practice import Actor


@dataclass(frozen=True)
class Capabilities:
    front_desk: bool  # clients, payments, deleted sessions, closures, bulk tools (admin, staff)
    settings: bool  # practice settings, users (admin)
    override_cost: bool  # cost override when saving a session (admin, staff)
    confirm_warnings: bool  # save despite an overridable warning, e.g. a conflict (admin, staff)
    see_balances: bool  # client balances and prepayment figures (admin, staff)
    back_up: bool  # File > Back Up Now (admin, staff)
    restore: bool  # File > Restore From Backup (admin)
    manage_users: bool  # unlock a user, reset a password (admin)
    create_clients: bool  # New client… in the session form; clients.create_client's rule (admin, staff)
    invoices: bool  # Accounting > Invoices: list, make, issue, cancel and print invoices (admin, staff; money/invoices.py)
    reports: bool  # Accounting > Reports: balances and ageing with their ledger lines (admin, staff; money/reports.py)
    money_reports: bool  # every practitioner's wages and the revenue report, with their lines (admin)
    practitioner_id: int | None  # a practitioner works on their own sessions only; None = everyone's
    write_off: bool = False  # forgive what a client owes, with a reason (admin; payments.write_off)

    def works_on(self, practitioner_id: int | None) -> bool:
        """May this user add, edit, move or save sessions of ``practitioner_id``?"""
        return self.practitioner_id is None or practitioner_id == self.practitioner_id


def capabilities(actor: Actor) -> Capabilities:
    admin, desk = actor.role == Role.ADMIN, actor.is_front_desk
    return Capabilities(front_desk=desk, settings=admin, override_cost=desk, confirm_warnings=desk,
                        see_balances=desk, back_up=desk, restore=admin, manage_users=admin,
                        create_clients=desk, invoices=desk, reports=desk, money_reports=admin,
                        practitioner_id=None if desk else actor.practitioner_id, write_off=admin)

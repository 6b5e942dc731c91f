"""Client records (SPEC 1.1): contact details, notification preference, may-cancel permission."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select, true

from ...models import Client, LedgerEntry, Participant, PracticeSession
from ...models.people import NOTIFY_CHOICES
from .. import audit, validate
from ..errors import NotFound, ValidationError
from ..practice import Actor, Practice
from .permissions import require_front_desk


@dataclass(frozen=True)
class ClientInput:
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    notify_by: str = "none"
    may_cancel: bool = False
    notes: str = ""


@dataclass(frozen=True)
class ClientView:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    address: str
    notify_by: str
    may_cancel: bool
    notes: str
    archived: bool
    details_hidden: bool = False  # a practitioner without sessions with this client sees the name only

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _view(c: Client, details: bool = True) -> ClientView:
    """``details=False``: the name only, for a practitioner who has no sessions with the client (SPEC 1.5)."""
    if not details:
        return ClientView(c.id, c.first_name, c.last_name, "", "", "", c.notify_by, c.may_cancel, "",
                          c.archived_at is not None, details_hidden=True)
    return ClientView(c.id, c.first_name, c.last_name, c.email, c.phone, c.address, c.notify_by,
                      c.may_cancel, c.notes, c.archived_at is not None)


def _sees_details(actor: Actor):
    """A SQL condition: may ``actor`` read a client's contact details and notes? The front desk
    always; a practitioner for clients who have a (not deleted) session with them (SPEC 1.5)."""
    if actor.is_front_desk:
        return true()
    return exists().where(Participant.client_id == Client.id, Participant.session_id == PracticeSession.id,
                          PracticeSession.practitioner_id == actor.practitioner_id,
                          PracticeSession.deleted_at.is_(None))


def _clean(data: ClientInput) -> dict:
    values = dict(
        first_name=validate.text("first name", data.first_name, 80),
        last_name=validate.text("last name", data.last_name, 80),
        email=validate.email("e-mail", data.email),
        phone=validate.phone("phone", data.phone),
        address=validate.text("address", data.address, 500, required=False),
        notify_by=validate.choice("notify by", data.notify_by, NOTIFY_CHOICES),
        may_cancel=validate.flag("may cancel", data.may_cancel),
        notes=validate.text("notes", data.notes, 5000, required=False),
    )
    if values["notify_by"] in ("email", "both") and not values["email"]:
        raise ValidationError("e-mail", "is needed to notify this client by e-mail")
    if values["notify_by"] in ("sms", "both") and not values["phone"]:
        raise ValidationError("phone", "is needed to notify this client by SMS")
    return values


def create_client(practice: Practice, actor: Actor, data: ClientInput) -> ClientView:
    validate.form("client", data, ClientInput)
    require_front_desk(actor)
    values = _clean(data)
    with practice.uow() as tx:
        client = Client(**values)
        tx.add(client)
        tx.flush()
        audit.record(tx, practice, actor, "client.create", "client", client.id)
        return _view(client)


def update_client(practice: Practice, actor: Actor, client_id: int, data: ClientInput) -> ClientView:
    validate.an_id("client", client_id), validate.form("client", data, ClientInput)
    require_front_desk(actor)
    values = _clean(data)
    with practice.uow() as tx:
        client = tx.get(Client, client_id)
        if client is None:
            raise NotFound.gone("client")
        changed = {k: v for k, v in values.items() if getattr(client, k) != v}
        for k, v in changed.items():
            setattr(client, k, v)
        audit.record(tx, practice, actor, "client.update", "client", client.id, fields=sorted(changed))
        return _view(client)


def set_archived(practice: Practice, actor: Actor, client_id: int, archived: bool) -> ClientView:
    """Archiving hides a client from pickers; their sessions and ledger stay (SPEC 0.4)."""
    validate.an_id("client", client_id), validate.flag("archived", archived)
    require_front_desk(actor)
    with practice.uow() as tx:
        client = tx.get(Client, client_id)
        if client is None:
            raise NotFound.gone("client")
        client.archived_at = practice.clock.now() if archived else None
        audit.record(tx, practice, actor, "client.archive" if archived else "client.restore", "client", client.id)
        return _view(client)


def get_client(practice: Practice, actor: Actor, client_id: int) -> ClientView:
    """Anyone may read a client's name; contact details and notes as ``_sees_details`` says."""
    validate.an_id("client", client_id)
    with practice.read() as tx:
        row = tx.execute(select(Client, _sees_details(actor)).where(Client.id == client_id)).first()
        if row is None:
            raise NotFound.gone("client")
        return _view(*row)


def list_clients(practice: Practice, actor: Actor, search: str = "", include_archived: bool = False,
                 limit: int | None = None, offset: int = 0) -> list[ClientView]:
    search = validate.text("search", search, 200, required=False)
    validate.flag("include archived", include_archived), validate.limit_offset(limit, offset)
    q = select(Client, _sees_details(actor)).order_by(Client.last_name, Client.first_name, Client.id)
    if not include_archived:
        q = q.where(Client.archived_at.is_(None))
    if search.strip():
        like = f"%{search.strip()}%"
        q = q.where(or_(Client.first_name.ilike(like), Client.last_name.ilike(like),
                        and_(_sees_details(actor), Client.email.ilike(like)),  # no probing hidden e-mails
                        (Client.first_name + " " + Client.last_name).ilike(like)))
    if limit is not None:
        q = q.limit(limit).offset(offset)
    with practice.read() as tx:
        return [_view(c, details) for c, details in tx.execute(q)]


@dataclass(frozen=True)
class ClientBalance:
    client_id: int
    name: str
    balance_cents: int  # payments minus live charges


def client_balances(practice: Practice, actor: Actor) -> list[ClientBalance]:
    """Every client's balance in one GROUP BY (ledger reversals cancel their originals)."""
    require_front_desk(actor)
    sums = (select(LedgerEntry.client_id, func.sum(LedgerEntry.amount_cents).label("bal"))
            .where(LedgerEntry.client_id.is_not(None)).group_by(LedgerEntry.client_id).subquery())
    q = (select(Client.id, Client.first_name, Client.last_name, func.coalesce(sums.c.bal, 0))
         .outerjoin(sums, sums.c.client_id == Client.id)
         .where(Client.archived_at.is_(None)).order_by(Client.last_name, Client.first_name))
    with practice.read() as tx:
        return [ClientBalance(i, f"{first} {last}", int(b)) for i, first, last, b in tx.execute(q)]

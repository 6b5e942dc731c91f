"""client_total: every client's balance, open charges and unallocated credit, kept by triggers (SPEC 6,
9.4; issue 14: the balances report within 1.5x of a bare GROUP BY on a 200,000-session file)

Revision ID: 0014_client_totals
Revises: 0013_card_payments
Create Date: 2026-12-02

The balances report summed the whole ledger (474,000 entries in the big file), every booked place on
an open session (36,000, a year ahead) and the money in less allocations at each call. Now one row
per client holds the three figures and triggers keep them, on SQLite and on PostgreSQL alike, so
every writer (services, imports, the copy to a server, a hand edit) keeps them exact:

- ledger_entry INSERT (the ledger is append-only: 0003 refuses UPDATE and DELETE): the balance takes
  the amount, unallocated credit too when it is money in (payment, write-off, refund);
- allocation INSERT/UPDATE/DELETE: unallocated credit of the payment's client loses (gets back) it;
- open charges are RECOMPUTED for a client (not adjusted) from their booked places on open sessions
  whenever an input changes: a participant row of theirs (insert, update of status, price, client or
  session, delete), a session they are on (update of status, deleted_at, times or service while
  open before or after; delete), a service's cost or kind (its clients with open sessions);
- client INSERT: a row of zeros.

Existing clients' rows are filled here from the ledger and the sessions. The formula of the open
charges is reports._open_charges' (tests/services/test_reports.py holds it to pricing.session_cost).
Two indexes by date, of the money in (effective_at, client_id, amount_cents, kind: without it SQLite reads each
row to test the kind) and of the
allocations (created_at, payment_id, amount_cents), let ageing read the credit as of a day as the
total now less what came after it. Runs inside the upgrade's one transaction.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_client_totals'
down_revision = '0013_card_payments'
branch_labels = None
depends_on = None

MONEY_IN = "('payment', 'writeoff', 'refund')"
MONEY_IN_SQL = "kind IN ('payment', 'writeoff', 'refund')"  # as app.models.ledger.MONEY_IN_SQL, word for word
SESSION_INPUTS = "status, deleted_at, start_at, end_at, service_id"
PARTICIPANT_INPUTS = "status, price_cents, client_id, session_id"


def _open_of(client: str, minutes: str) -> str:
    """What a client's booked places on open sessions cost now, as a scalar expression of ``client``."""
    return f"""(SELECT COALESCE(SUM(COALESCE(p.price_cents, CASE WHEN v.kind = 'hourly'
                   THEN (v.cost_cents * {minutes} + 30) / 60 ELSE v.cost_cents END)), 0)
               FROM participant p JOIN practice_session s ON s.id = p.session_id
               JOIN service v ON v.id = s.service_id
               WHERE p.client_id = {client} AND p.status = 'booked' AND s.status = 'open'
                 AND s.deleted_at IS NULL)"""


SQLITE_MINUTES = "CAST(round((julianday(s.end_at) - julianday(s.start_at)) * 1440) AS INTEGER)"
PG_MINUTES = "CAST(round(EXTRACT(epoch FROM s.end_at - s.start_at) / 60) AS INTEGER)"


def _balance_of(client: str) -> str:
    return f"(SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entry WHERE client_id = {client})"


def _unallocated_of(client: str) -> str:
    return f"""((SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_entry
                 WHERE client_id = {client} AND {MONEY_IN_SQL})
              - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM allocation a
                 JOIN ledger_entry e ON e.id = a.payment_id WHERE e.client_id = {client}))"""


def _sqlite_triggers() -> list[str]:
    open_of = _open_of("client_total.client_id", SQLITE_MINUTES)
    recompute = f"UPDATE client_total SET open_charges_cents = {open_of}"
    return [
        """CREATE TRIGGER client_total_client_insert AFTER INSERT ON client
           BEGIN INSERT INTO client_total (client_id, balance_cents, open_charges_cents, unallocated_cents)
                 VALUES (NEW.id, 0, 0, 0); END""",
        f"""CREATE TRIGGER client_total_ledger_insert AFTER INSERT ON ledger_entry WHEN NEW.client_id IS NOT NULL
            BEGIN UPDATE client_total SET balance_cents = balance_cents + NEW.amount_cents,
                  unallocated_cents = unallocated_cents
                      + CASE WHEN NEW.kind IN {MONEY_IN} THEN NEW.amount_cents ELSE 0 END
                  WHERE client_id = NEW.client_id; END""",
        """CREATE TRIGGER client_total_allocation_insert AFTER INSERT ON allocation
           BEGIN UPDATE client_total SET unallocated_cents = unallocated_cents - NEW.amount_cents
                 WHERE client_id = (SELECT client_id FROM ledger_entry WHERE id = NEW.payment_id); END""",
        """CREATE TRIGGER client_total_allocation_update AFTER UPDATE OF amount_cents, payment_id ON allocation
           BEGIN UPDATE client_total SET unallocated_cents = unallocated_cents + OLD.amount_cents
                 WHERE client_id = (SELECT client_id FROM ledger_entry WHERE id = OLD.payment_id);
                 UPDATE client_total SET unallocated_cents = unallocated_cents - NEW.amount_cents
                 WHERE client_id = (SELECT client_id FROM ledger_entry WHERE id = NEW.payment_id); END""",
        """CREATE TRIGGER client_total_allocation_delete AFTER DELETE ON allocation
           BEGIN UPDATE client_total SET unallocated_cents = unallocated_cents + OLD.amount_cents
                 WHERE client_id = (SELECT client_id FROM ledger_entry WHERE id = OLD.payment_id); END""",
        # a place counts only when booked on an open session: no other insert changes a figure
        f"""CREATE TRIGGER client_total_participant_insert AFTER INSERT ON participant
            WHEN NEW.status = 'booked' AND EXISTS (SELECT 1 FROM practice_session
                 WHERE id = NEW.session_id AND status = 'open' AND deleted_at IS NULL)
            BEGIN {recompute} WHERE client_id = NEW.client_id; END""",
        f"""CREATE TRIGGER client_total_participant_update AFTER UPDATE OF {PARTICIPANT_INPUTS} ON participant
            BEGIN {recompute} WHERE client_id IN (OLD.client_id, NEW.client_id); END""",
        f"""CREATE TRIGGER client_total_participant_delete AFTER DELETE ON participant
            BEGIN {recompute} WHERE client_id = OLD.client_id; END""",
        # a session that is open neither before nor after counts for nobody, before or after
        f"""CREATE TRIGGER client_total_session_update AFTER UPDATE OF {SESSION_INPUTS} ON practice_session
            WHEN OLD.status = 'open' OR NEW.status = 'open'
            BEGIN {recompute} WHERE client_id IN (SELECT client_id FROM participant
                                                  WHERE session_id IN (OLD.id, NEW.id)); END""",
        f"""CREATE TRIGGER client_total_session_delete AFTER DELETE ON practice_session
            BEGIN {recompute} WHERE client_id IN (SELECT client_id FROM participant WHERE session_id = OLD.id);
            END""",
        f"""CREATE TRIGGER client_total_service_update AFTER UPDATE OF cost_cents, kind ON service
            BEGIN {recompute} WHERE client_id IN (
                SELECT p.client_id FROM practice_session s JOIN participant p ON p.session_id = s.id
                WHERE s.service_id IN (OLD.id, NEW.id) AND s.status = 'open' AND s.deleted_at IS NULL
                  AND p.status = 'booked'); END""",
    ]


def _pg_statements() -> list[str]:
    return [
        f"""CREATE FUNCTION client_total_open(cid integer) RETURNS bigint LANGUAGE sql STABLE AS $$
            SELECT CAST({_open_of("cid", PG_MINUTES)} AS bigint) $$""",
        """CREATE FUNCTION client_total_client() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN INSERT INTO client_total (client_id, balance_cents, open_charges_cents, unallocated_cents)
                 VALUES (NEW.id, 0, 0, 0);
                 RETURN NULL; END $$""",
        """CREATE TRIGGER client_total_client_insert AFTER INSERT ON client
           FOR EACH ROW EXECUTE FUNCTION client_total_client()""",
        f"""CREATE FUNCTION client_total_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN UPDATE client_total SET balance_cents = balance_cents + NEW.amount_cents,
                  unallocated_cents = unallocated_cents
                      + CASE WHEN NEW.kind IN {MONEY_IN} THEN NEW.amount_cents ELSE 0 END
                  WHERE client_id = NEW.client_id;
                  RETURN NULL; END $$""",
        """CREATE TRIGGER client_total_ledger_insert AFTER INSERT ON ledger_entry
           FOR EACH ROW WHEN (NEW.client_id IS NOT NULL) EXECUTE FUNCTION client_total_ledger()""",
        """CREATE FUNCTION client_total_allocation() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             IF TG_OP IN ('UPDATE', 'DELETE') THEN
               UPDATE client_total SET unallocated_cents = unallocated_cents + OLD.amount_cents
               WHERE client_id = (SELECT client_id FROM ledger_entry WHERE id = OLD.payment_id);
             END IF;
             IF TG_OP IN ('INSERT', 'UPDATE') THEN
               UPDATE client_total SET unallocated_cents = unallocated_cents - NEW.amount_cents
               WHERE client_id = (SELECT client_id FROM ledger_entry WHERE id = NEW.payment_id);
             END IF;
             RETURN NULL;
           END $$""",
        """CREATE TRIGGER client_total_allocation_insert AFTER INSERT OR DELETE ON allocation
           FOR EACH ROW EXECUTE FUNCTION client_total_allocation()""",
        """CREATE TRIGGER client_total_allocation_update AFTER UPDATE OF amount_cents, payment_id ON allocation
           FOR EACH ROW EXECUTE FUNCTION client_total_allocation()""",
        """CREATE FUNCTION client_total_participant() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT 1 FROM practice_session
                 WHERE id = NEW.session_id AND status = 'open' AND deleted_at IS NULL) THEN
               RETURN NULL;
             END IF;
             IF TG_OP IN ('UPDATE', 'DELETE') THEN
               UPDATE client_total SET open_charges_cents = client_total_open(OLD.client_id)
               WHERE client_id = OLD.client_id;
             END IF;
             IF TG_OP IN ('INSERT', 'UPDATE') THEN
               UPDATE client_total SET open_charges_cents = client_total_open(NEW.client_id)
               WHERE client_id = NEW.client_id;
             END IF;
             RETURN NULL;
           END $$""",
        """CREATE TRIGGER client_total_participant_insert AFTER INSERT ON participant
           FOR EACH ROW WHEN (NEW.status = 'booked') EXECUTE FUNCTION client_total_participant()""",
        f"""CREATE TRIGGER client_total_participant_update AFTER UPDATE OF {PARTICIPANT_INPUTS} ON participant
            FOR EACH ROW EXECUTE FUNCTION client_total_participant()""",
        """CREATE TRIGGER client_total_participant_delete AFTER DELETE ON participant
           FOR EACH ROW EXECUTE FUNCTION client_total_participant()""",
        """CREATE FUNCTION client_total_session() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             UPDATE client_total SET open_charges_cents = client_total_open(client_id)
             WHERE client_id IN (SELECT client_id FROM participant WHERE session_id = OLD.id);
             RETURN NULL;
           END $$""",
        f"""CREATE TRIGGER client_total_session_update AFTER UPDATE OF {SESSION_INPUTS} ON practice_session
            FOR EACH ROW WHEN (OLD.status = 'open' OR NEW.status = 'open')
            EXECUTE FUNCTION client_total_session()""",
        """CREATE TRIGGER client_total_session_delete AFTER DELETE ON practice_session
           FOR EACH ROW EXECUTE FUNCTION client_total_session()""",
        """CREATE FUNCTION client_total_service() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             UPDATE client_total SET open_charges_cents = client_total_open(client_id)
             WHERE client_id IN (
               SELECT p.client_id FROM practice_session s JOIN participant p ON p.session_id = s.id
               WHERE s.service_id = NEW.id AND s.status = 'open' AND s.deleted_at IS NULL
                 AND p.status = 'booked');
             RETURN NULL;
           END $$""",
        """CREATE TRIGGER client_total_service_update AFTER UPDATE OF cost_cents, kind ON service
           FOR EACH ROW EXECUTE FUNCTION client_total_service()""",
    ]


PG_FUNCTIONS = ("client_total_open(integer)", "client_total_client()", "client_total_ledger()",
                "client_total_allocation()", "client_total_participant()", "client_total_session()",
                "client_total_service()")


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    cents = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
    op.create_table('client_total',
    sa.Column('client_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('balance_cents', cents, server_default='0', nullable=False),
    sa.Column('open_charges_cents', cents, server_default='0', nullable=False),
    sa.Column('unallocated_cents', cents, server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_client_total_client_id_client'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_client_total'))
    )
    op.create_index('ix_ledger_money_in_at', 'ledger_entry', ['effective_at', 'client_id', 'amount_cents', 'kind'],
                    sqlite_where=sa.text(MONEY_IN_SQL), postgresql_where=sa.text(MONEY_IN_SQL))
    op.create_index('ix_allocation_created', 'allocation', ['created_at', 'payment_id', 'amount_cents'])
    op.execute(f"""INSERT INTO client_total (client_id, balance_cents, open_charges_cents, unallocated_cents)
                   SELECT c.id, {_balance_of("c.id")}, {_open_of("c.id", PG_MINUTES if pg else SQLITE_MINUTES)},
                          {_unallocated_of("c.id")}
                   FROM client c""")
    for statement in _pg_statements() if pg else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for name, table in (("client_insert", "client"), ("ledger_insert", "ledger_entry"),
                        ("allocation_insert", "allocation"), ("allocation_update", "allocation"),
                        ("allocation_delete", "allocation"), ("participant_insert", "participant"),
                        ("participant_update", "participant"), ("participant_delete", "participant"),
                        ("session_update", "practice_session"), ("session_delete", "practice_session"),
                        ("service_update", "service")):
        if pg and name != "allocation_delete":
            op.execute(f"DROP TRIGGER IF EXISTS client_total_{name} ON {table}")
        elif not pg:
            op.execute(f"DROP TRIGGER IF EXISTS client_total_{name}")
    if pg:
        for fn in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION {fn}")
    op.drop_index('ix_allocation_created', table_name='allocation')
    op.drop_index('ix_ledger_money_in_at', table_name='ledger_entry',
                  sqlite_where=sa.text(MONEY_IN_SQL), postgresql_where=sa.text(MONEY_IN_SQL))
    op.drop_table('client_total')

"""packages, invoices, credit notes, allocations, refunds and write-offs (SPEC 6.3, 9; issue 14)

Revision ID: 0006_money_documents
Revises: 0005_service_default_length
Create Date: 2026-12-01

New tables: package, package_service, package_sale (SPEC 6.3); invoice, invoice_line, credit_note,
number_series, allocation (SPEC 9.1, 9.3). Allocations are append-only like the ledger (triggers).
ledger_entry gains a payment's reference, a refund's payment and an invoice line, and the kind
'writeoff'; participant gains its package sale and slot; service gains a tax rate (none by default).
Rebuilding ledger_entry on SQLite drops its append-only triggers, so they are made again here.
Runs inside the upgrade's one transaction (app.db).
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

LEDGER_MESSAGE = "ledger entries are append-only: add a reversal instead"
ALLOCATION_MESSAGE = "allocations are append-only: take an allocation back with a reversal"


revision = '0006_money_documents'
down_revision = '0005_service_default_length'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_series',
    sa.Column('series', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_number_series'))
    )
    op.create_table('package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('sessions_count', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('archived_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint('price_cents >= 0', name=op.f('ck_package_money')),
    sa.CheckConstraint('sessions_count BETWEEN 1 AND 1000', name=op.f('ck_package_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package'))
    )
    op.create_table('package_service',
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['package.id'], name=op.f('fk_package_service_package_id_package')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_package_service_service_id_service')),
    sa.PrimaryKeyConstraint('package_id', 'service_id', name=op.f('pk_package_service'))
    )
    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('period_first', sa.Date(), nullable=True),
    sa.Column('period_last', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('total_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('issued_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('deleted_at', app.models.base.UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', app.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint("(status = 'draft') = (number IS NULL)", name=op.f('ck_invoice_numbered')),
    sa.CheckConstraint("status IN ('draft','issued','cancelled')", name=op.f('ck_invoice_status')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_invoice_client_id_client')),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_invoice_created_by_user_account')),
    sa.ForeignKeyConstraint(['issued_by'], ['user_account.id'], name=op.f('fk_invoice_issued_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('number', name=op.f('uq_invoice_number')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_invoice_year'))
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_client', ['client_id', 'status'], unique=False)
        batch_op.create_index('ix_invoice_due', ['status', 'due_date'], unique=False)

    op.create_table('credit_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_credit_note_created_by_user_account')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_credit_note_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_note')),
    sa.UniqueConstraint('invoice_id', name=op.f('uq_credit_note_invoice_id')),
    sa.UniqueConstraint('number', name=op.f('uq_credit_note_number')),
    sa.UniqueConstraint('year', 'seq', name=op.f('uq_credit_note_year'))
    )
    op.create_table('invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('service_name', sa.String(length=120), nullable=False),
    sa.Column('practitioner_name', sa.String(length=120), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('amount_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tax_rate_bp', sa.Integer(), nullable=False),
    sa.Column('tax_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('live', sa.Boolean(), nullable=False),
    sa.CheckConstraint('tax_rate_bp BETWEEN 0 AND 10000', name=op.f('ck_invoice_line_tax')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_invoice_line_client_id_client')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_invoice_line_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_session.id'], name=op.f('fk_invoice_line_session_id_practice_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_line'))
    )
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_line_invoice', ['invoice_id', 'position'], unique=False)
        batch_op.create_index('uq_invoice_line_live_session', ['session_id', 'client_id'], unique=True, sqlite_where=sa.text('live AND session_id IS NOT NULL'), postgresql_where=sa.text('live AND session_id IS NOT NULL'))

    op.create_table('allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_allocation_created_by_user_account')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_allocation_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['payment_id'], ['ledger_entry.id'], name=op.f('fk_allocation_payment_id_ledger_entry')),
    sa.ForeignKeyConstraint(['reverses_id'], ['allocation.id'], name=op.f('fk_allocation_reverses_id_allocation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_allocation_reverses_id'))
    )
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.create_index('ix_allocation_invoice', ['invoice_id', 'amount_cents'], unique=False)
        batch_op.create_index('ix_allocation_payment', ['payment_id', 'amount_cents'], unique=False)

    op.create_table('package_sale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('sessions_count', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('sold_at', app.models.base.UTCDateTime(), nullable=False),
    sa.Column('sold_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('price_cents >= 0', name=op.f('ck_package_sale_money')),
    sa.CheckConstraint('sessions_count BETWEEN 1 AND 1000', name=op.f('ck_package_sale_sessions')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_package_sale_client_id_client')),
    sa.ForeignKeyConstraint(['package_id'], ['package.id'], name=op.f('fk_package_sale_package_id_package')),
    sa.ForeignKeyConstraint(['payment_id'], ['ledger_entry.id'], name=op.f('fk_package_sale_payment_id_ledger_entry')),
    sa.ForeignKeyConstraint(['sold_by'], ['user_account.id'], name=op.f('fk_package_sale_sold_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_sale')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_package_sale_payment_id'))
    )
    with op.batch_alter_table('package_sale', schema=None) as batch_op:
        batch_op.create_index('ix_package_sale_client', ['client_id', 'sold_at'], unique=False)

    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # the rebuild below would drop them with the old table
        _ledger_triggers("DROP")
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ledger_entry_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ledger_entry_kind'),
                                         "kind IN ('charge','wage','payment','refund','writeoff')")
        batch_op.add_column(sa.Column('reference', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('refund_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('invoice_line_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entry_refund_of_id_ledger_entry'), 'ledger_entry', ['refund_of_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entry_invoice_line_id_invoice_line'), 'invoice_line', ['invoice_line_id'], ['id'])

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('package_sale_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('package_slot', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_participant_package_sale_id'), ['package_sale_id', 'package_slot'])
        batch_op.create_foreign_key(batch_op.f('fk_participant_package_sale_id_package_sale'), 'package_sale', ['package_sale_id'], ['id'])

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_rate_bp', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_service_tax'), "tax_rate_bp BETWEEN 0 AND 10000")

    if sqlite:
        _ledger_triggers("CREATE")
    _allocation_triggers("CREATE")


def _ledger_triggers(verb: str) -> None:
    for action in ("UPDATE", "DELETE"):
        if verb == "DROP":
            op.execute(f"DROP TRIGGER ledger_entry_no_{action.lower()}")
        else:
            op.execute(f"""
                CREATE TRIGGER ledger_entry_no_{action.lower()} BEFORE {action} ON ledger_entry
                BEGIN SELECT RAISE(ABORT, '{LEDGER_MESSAGE}'); END""")


def _allocation_triggers(verb: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        if verb == "DROP":
            op.execute("DROP TRIGGER allocation_no_update ON allocation")
            op.execute("DROP FUNCTION allocation_append_only()")
            return
        op.execute(f"""
            CREATE FUNCTION allocation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{ALLOCATION_MESSAGE}'; END $$""")
        op.execute("""CREATE TRIGGER allocation_no_update BEFORE UPDATE OR DELETE ON allocation
                      FOR EACH ROW EXECUTE FUNCTION allocation_append_only()""")
        return
    for action in ("UPDATE", "DELETE"):
        if verb == "DROP":
            op.execute(f"DROP TRIGGER allocation_no_{action.lower()}")
        else:
            op.execute(f"""
                CREATE TRIGGER allocation_no_{action.lower()} BEFORE {action} ON allocation
                BEGIN SELECT RAISE(ABORT, '{ALLOCATION_MESSAGE}'); END""")


def downgrade() -> None:
    # refunds, write-offs and invoice lines' entries have no place in the old shape: a downgrade is
    # for development only (a practice file is never downgraded; a backup is restored instead)
    sqlite = op.get_bind().dialect.name == "sqlite"
    _allocation_triggers("DROP")
    if sqlite:
        _ledger_triggers("DROP")
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_service_tax'), type_='check')
        batch_op.drop_column('tax_rate_bp')

    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_participant_package_sale_id_package_sale'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_participant_package_sale_id'), type_='unique')
        batch_op.drop_column('package_slot')
        batch_op.drop_column('package_sale_id')

    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entry_invoice_line_id_invoice_line'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ledger_entry_refund_of_id_ledger_entry'), type_='foreignkey')
        batch_op.drop_column('invoice_line_id')
        batch_op.drop_column('refund_of_id')
        batch_op.drop_column('reference')
        batch_op.drop_constraint(batch_op.f('ck_ledger_entry_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ledger_entry_kind'), "kind IN ('charge','wage','payment','refund')")
    if sqlite:
        _ledger_triggers("CREATE")

    with op.batch_alter_table('package_sale', schema=None) as batch_op:
        batch_op.drop_index('ix_package_sale_client')

    op.drop_table('package_sale')
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.drop_index('ix_allocation_payment')
        batch_op.drop_index('ix_allocation_invoice')

    op.drop_table('allocation')
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index('uq_invoice_line_live_session', sqlite_where=sa.text('live AND session_id IS NOT NULL'), postgresql_where=sa.text('live AND session_id IS NOT NULL'))
        batch_op.drop_index('ix_invoice_line_invoice')

    op.drop_table('invoice_line')
    op.drop_table('credit_note')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_due')
        batch_op.drop_index('ix_invoice_client')

    op.drop_table('invoice')
    op.drop_table('package_service')
    op.drop_table('package')
    op.drop_table('number_series')

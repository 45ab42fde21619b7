"""Finance: part payments (each payment a row), purchase order numbers on charges, and each
school's finance settings (finance contact, purchase orders, financial year)

Revision ID: f3c8a1d94e27
Revises: m5c8e1a7d3b9
Create Date: 2026-12-07 23:59:00.000000

"""
from alembic import op
import sqlalchemy as sa

import elp.timeutil


# revision identifiers, used by Alembic.
revision = 'f3c8a1d94e27'
down_revision = 'm5c8e1a7d3b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('charge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purchase_order_number', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('amount_paid_pence', sa.Integer(), server_default='0', nullable=False))

    # A charge paid before part payments existed was paid in full.
    op.execute(
        "UPDATE charge SET amount_paid_pence = gross_pence WHERE status IN ('paid', 'refunded')"
    )

    with op.batch_alter_table('charge', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_charge_paid'), 'amount_paid_pence >= 0 AND amount_paid_pence <= gross_pence'
        )

    op.create_table('charge_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charge_id', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('created_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_charge_payment_amount')),
    sa.ForeignKeyConstraint(['charge_id'], ['charge.id'], name=op.f('fk_charge_payment_charge_id_charge')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_charge_payment_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_payment'))
    )
    with op.batch_alter_table('charge_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charge_payment_charge_id'), ['charge_id'], unique=False)

    # Each payment made before part payments existed, as the one payment of its charge.
    op.execute(
        "INSERT INTO charge_payment (charge_id, amount_pence, received_on, via, reference, created_at) "
        "SELECT id, gross_pence, paid_on, paid_via, COALESCE(payment_reference, ''), updated_at "
        "FROM charge WHERE status IN ('paid', 'refunded') AND gross_pence > 0 "
        "AND paid_on IS NOT NULL AND paid_via IS NOT NULL"
    )

    op.create_table('school_finance',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('finance_contact_name', sa.String(length=120), nullable=True),
    sa.Column('finance_contact_email', sa.String(length=254), nullable=True),
    sa.Column('purchase_orders_required', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('financial_year_start_month', sa.Integer(), nullable=True),
    sa.Column('updated_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('financial_year_start_month IS NULL OR (financial_year_start_month >= 1 AND financial_year_start_month <= 12)', name=op.f('ck_school_finance_year_start')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_school_finance_school_id_school')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_school_finance_updated_by_id_user')),
    sa.PrimaryKeyConstraint('school_id', name=op.f('pk_school_finance'))
    )


def downgrade():
    op.drop_table('school_finance')
    with op.batch_alter_table('charge_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charge_payment_charge_id'))
    op.drop_table('charge_payment')
    with op.batch_alter_table('charge', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_charge_paid'), type_='check')
        batch_op.drop_column('amount_paid_pence')
        batch_op.drop_column('purchase_order_number')

"""offer units booked within capacity, so no edit racing an acceptance can overbook

Revision ID: 9d3f6b2a4e71
Revises: 491ce01a0f9f
Create Date: 2026-12-03 07:00:00

"""
from alembic import op


revision = '9d3f6b2a4e71'
down_revision = '491ce01a0f9f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_offer_units_booked_within_capacity'),
            'units_booked >= 0 AND (capacity IS NULL OR units_booked <= capacity)',
        )


def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_offer_units_booked_within_capacity'), type_='check')

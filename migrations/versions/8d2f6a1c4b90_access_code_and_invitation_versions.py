"""access code and invitation version and updated_at, for compare-and-set transitions

Revision ID: 8d2f6a1c4b90
Revises: 9d3f6b2a4e71
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import elp.timeutil


revision = '8d2f6a1c4b90'
down_revision = '9d3f6b2a4e71'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('access_code', 'invitation'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
            batch_op.add_column(sa.Column('updated_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True))
        # Existing rows last changed when they were made, as far as anyone can tell.
        op.execute(f'UPDATE {table} SET updated_at = created_at')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('updated_at', existing_type=elp.timeutil.UTCDateTime(timezone=True), nullable=False)


def downgrade():
    for table in ('invitation', 'access_code'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
            batch_op.drop_column('version')

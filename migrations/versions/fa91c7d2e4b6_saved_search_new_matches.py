"""Saved searches remember how many new offers the alerts found, for "What needs you"

Revision ID: fa91c7d2e4b6
Revises: f3c8a1d94e27
Create Date: 2026-12-08 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import elp.timeutil


# revision identifiers, used by Alembic.
revision = 'fa91c7d2e4b6'
down_revision = 'f3c8a1d94e27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_matches', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('new_matches_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.drop_column('new_matches_at')
        batch_op.drop_column('new_matches')

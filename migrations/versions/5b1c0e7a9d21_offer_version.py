"""offer version, for compare-and-set status changes and edits

Revision ID: 5b1c0e7a9d21
Revises: 73cd0f714584
Create Date: 2026-12-02 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5b1c0e7a9d21'
down_revision = '73cd0f714584'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_column('version')

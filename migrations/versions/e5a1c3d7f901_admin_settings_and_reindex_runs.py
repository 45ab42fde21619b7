"""admin settings, and rebuilds of the search index asked for in the browser

Revision ID: e5a1c3d7f901
Revises: 8f3b6d2a41c7
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import elp.timeutil


revision = 'e5a1c3d7f901'
down_revision = '8f3b6d2a41c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('setting',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_setting_updated_by_id_user')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_setting'))
    )
    op.create_table('reindex_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('offers_total', sa.Integer(), nullable=True),
    sa.Column('offers_done', sa.Integer(), nullable=False),
    sa.Column('failure', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_reindex_run_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reindex_run'))
    )
    with op.batch_alter_table('reindex_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reindex_run_requested_at'), ['requested_at'], unique=False)


def downgrade():
    with op.batch_alter_table('reindex_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reindex_run_requested_at'))
    op.drop_table('reindex_run')
    op.drop_table('setting')

"""GIAS files uploaded in the browser, imported in the background with their progress

Revision ID: a9c4e2b7d615
Revises: f7b2d4e6a803
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa

import elp.timeutil


revision = 'a9c4e2b7d615'
down_revision = 'f7b2d4e6a803'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school_import_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('la_code', sa.String(length=3), nullable=False),
    sa.Column('bytes_total', sa.Integer(), nullable=False),
    sa.Column('bytes_done', sa.Integer(), nullable=False),
    sa.Column('started_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refusal', sa.String(length=1000), nullable=True),
    sa.Column('failure', sa.String(length=500), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_school_import_run_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_import_run'))
    )
    with op.batch_alter_table('school_import_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_import_run_requested_at'), ['requested_at'], unique=False)


def downgrade():
    with op.batch_alter_table('school_import_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_import_run_requested_at'))
    op.drop_table('school_import_run')

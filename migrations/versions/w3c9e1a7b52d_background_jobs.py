"""background jobs: each run of a job, and the timers' locks

Revision ID: w3c9e1a7b52d
Revises: hc187a696356
Create Date: 2026-12-08 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import elp.timeutil


revision = 'w3c9e1a7b52d'
down_revision = 'hc187a696356'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('arguments', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=100), nullable=False),
    sa.Column('started_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failure', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_run_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_status'), ['status'], unique=False)
    op.create_table('timer_lock',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('next_run_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('held_until', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('held_by', sa.String(length=100), nullable=False),
    sa.Column('last_finished_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_timer_lock'))
    )


def downgrade():
    op.drop_table('timer_lock')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_run_status'))
        batch_op.drop_index(batch_op.f('ix_job_run_started_at'))
        batch_op.drop_index(batch_op.f('ix_job_run_name'))
    op.drop_table('job_run')

"""user session, one per sign-in, so signing out ends a session on the server

Revision ID: c4e81f2a9b37
Revises: 5b1c0e7a9d21
Create Date: 2026-12-02 13:30:00

"""
from alembic import op
import sqlalchemy as sa

import elp.timeutil


revision = 'c4e81f2a9b37'
down_revision = '5b1c0e7a9d21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('browser', sa.String(length=60), nullable=False),
    sa.Column('created_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))

    op.drop_table('user_session')

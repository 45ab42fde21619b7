"""worker heartbeat, and Stripe's event times in 64 bits

`worker_heartbeat` keeps when each node's `elp worker` was last seen, for /healthz.
`stripe_event.created` (Unix seconds) was a 32-bit integer, which overflows in January
2038; it is now a 64-bit one (SQLite's integers are 64 bits already).

Revision ID: od1126dca51
Revises: a4747a5f4f3e
Create Date: 2026-12-07 23:55:00

"""
import sqlalchemy as sa
from alembic import op

from elp.timeutil import UTCDateTime

revision = 'od1126dca51'
down_revision = 'a4747a5f4f3e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'worker_heartbeat',
        sa.Column('node', sa.String(length=200), nullable=False),
        sa.Column('last_seen_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('node', name=op.f('pk_worker_heartbeat')),
    )
    with op.batch_alter_table('stripe_event', schema=None) as batch_op:
        batch_op.alter_column(
            'created', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
        )


def downgrade():
    with op.batch_alter_table('stripe_event', schema=None) as batch_op:
        batch_op.alter_column(
            'created', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
        )
    op.drop_table('worker_heartbeat')

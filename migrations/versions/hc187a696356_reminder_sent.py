"""reminders sent by `elp tick`, one row each, so each is sent once

A reminder (mark a booking delivered, confirm it, leave feedback, pay a charge) is claimed
by inserting its row: the primary key makes a second tick, on this node or another, find
it sent and skip it.

Revision ID: hc187a696356
Revises: b5e1d93c2a7f
Create Date: 2026-12-08 00:30:00

"""
import sqlalchemy as sa
from alembic import op

import elp.timeutil

revision = 'hc187a696356'
down_revision = 'b5e1d93c2a7f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminder_sent',
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=60), nullable=False),
        sa.Column('sent_at', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'subject', name=op.f('pk_reminder_sent')),
    )


def downgrade():
    op.drop_table('reminder_sent')

"""the outbox keeps each email's Message-ID, its next attempt and whether it failed

An email is attempted when it is due, backing off from 1 minute to 1 hour for 48 hours,
rather than on every commit until ten attempts were spent; one that still fails is kept as
failed for admins to send again. Its Message-ID is made when it is queued, so a resend is
the same message.

Rows already queued get a Message-ID of their own and are due at once, with 48 hours from
this upgrade to go: an email the old outbox gave up on after ten attempts is tried again.

Revision ID: m5c8e1a7d3b9
Revises: w3c9e1a7b52d
Create Date: 2026-12-07 23:55:00

"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from elp.timeutil import UTCDateTime

revision = 'm5c8e1a7d3b9'
down_revision = 'w3c9e1a7b52d'
branch_labels = None
depends_on = None

RETRY_FOR = timedelta(hours=48)

outbox_email = sa.table(
    'outbox_email', sa.column('id', sa.Integer()), sa.column('created_at', UTCDateTime(timezone=True)),
    sa.column('message_id', sa.String()), sa.column('next_attempt_at', UTCDateTime(timezone=True)),
    sa.column('retry_until', UTCDateTime(timezone=True)), sa.column('sent_at', UTCDateTime(timezone=True)),
)


def upgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retry_until', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', UTCDateTime(timezone=True), nullable=True))

    connection = op.get_bind()
    now = datetime.now(UTC)
    for email_id, created_at in connection.execute(
        sa.select(outbox_email.c.id, outbox_email.c.created_at)
    ).all():
        connection.execute(
            outbox_email.update()
            .where(outbox_email.c.id == email_id)
            .values(
                message_id=f"<outbox.{email_id}.{int(now.timestamp())}@elp-exchange.invalid>",
                next_attempt_at=now,
                retry_until=now + RETRY_FOR,
            )
        )

    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=250), nullable=False)
        batch_op.alter_column('next_attempt_at', existing_type=UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('retry_until', existing_type=UTCDateTime(timezone=True), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_outbox_email_message_id'), ['message_id']
        )
        batch_op.create_index(
            batch_op.f('ix_outbox_email_next_attempt_at'), ['next_attempt_at'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_outbox_email_failed_at'), ['failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_email_failed_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_email_next_attempt_at'))
        batch_op.drop_constraint(batch_op.f('uq_outbox_email_message_id'), type_='unique')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('retry_until')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('unsubscribe_url')
        batch_op.drop_column('message_id')

"""outbox email attachment

Revision ID: 8f3b6d2a41c7
Revises: c3a9f0d5e812
Create Date: 2026-12-10 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8f3b6d2a41c7"
down_revision = "c3a9f0d5e812"
branch_labels = None
depends_on = None


def upgrade():
    # The document an email carries ("invoice:12"), made when the email is sent.
    with op.batch_alter_table("outbox_email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_email", schema=None) as batch_op:
        batch_op.drop_column("attachment")

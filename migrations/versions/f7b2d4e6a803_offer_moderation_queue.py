"""offer moderation queue: offers newly published or edited since an admin approved them

Revision ID: f7b2d4e6a803
Revises: e5a1c3d7f901
Create Date: 2026-12-03 08:30:00

"""
from alembic import op
import sqlalchemy as sa

import elp.timeutil


revision = 'f7b2d4e6a803'
down_revision = 'e5a1c3d7f901'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offer_moderation',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('since', elp.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_again_at', elp.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_offer_moderation_offer_id_offer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offer_id', name=op.f('pk_offer_moderation'))
    )
    with op.batch_alter_table('offer_moderation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_moderation_since'), ['since'], unique=False)


def downgrade():
    with op.batch_alter_table('offer_moderation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_moderation_since'))
    op.drop_table('offer_moderation')

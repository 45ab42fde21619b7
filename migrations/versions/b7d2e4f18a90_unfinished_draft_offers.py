"""unfinished draft offers

A draft can be saved with only its title: its category and DBS answer may be missing, and
price_on_request tells "price on request" apart from a price not given yet.

Revision ID: b7d2e4f18a90
Revises: 8d2f6a1c4b90
Create Date: 2026-12-10 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d2e4f18a90'
down_revision = '8d2f6a1c4b90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('price_on_request', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.alter_column('category_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('dbs_confirmed', existing_type=sa.Boolean(), nullable=True)
    # Until now every offer without a price was on request.
    offer = sa.table('offer', sa.column('price_pence', sa.Integer()),
                     sa.column('price_on_request', sa.Boolean()))
    op.execute(
        offer.update().where(offer.c.price_pence.is_(None)).values(price_on_request=sa.true())
    )


def downgrade():
    offer = sa.table('offer', sa.column('category_id', sa.Integer()),
                     sa.column('dbs_confirmed', sa.Boolean()))
    # Unfinished drafts cannot be kept as they are: drop those without a category, and read
    # an unanswered DBS question as "no".
    op.execute(offer.delete().where(offer.c.category_id.is_(None)))
    op.execute(offer.update().where(offer.c.dbs_confirmed.is_(None)).values(dbs_confirmed=sa.false()))
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.alter_column('dbs_confirmed', existing_type=sa.Boolean(), nullable=False)
        batch_op.alter_column('category_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('price_on_request')

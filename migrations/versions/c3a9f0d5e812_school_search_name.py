"""school search name

The school's name folded for the admin's school search (elp.folding): words lower-case,
without accents or apostrophes, each after one space.

Revision ID: c3a9f0d5e812
Revises: b7d2e4f18a90
Create Date: 2026-12-10 11:00:00.000000

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3a9f0d5e812'
down_revision = 'b7d2e4f18a90'
branch_labels = None
depends_on = None

# A copy of elp.folding as it was written, so this revision means the same whatever the
# code becomes.
_APOSTROPHES = re.compile("['\u2018\u2019\u0060\u00b4\u02bc\u02b9]")
_WORD = re.compile(r"[^\W_]+")


def _folded_name(name):
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(f" {word}" for word in _WORD.findall(_APOSTROPHES.sub("", plain).casefold()))


def upgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('search_name', sa.String(length=220), server_default='', nullable=False)
        )
    school = sa.table(
        'school', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
        sa.column('search_name', sa.String()),
    )
    connection = op.get_bind()
    for school_id, name in connection.execute(sa.select(school.c.id, school.c.name)).all():
        connection.execute(
            school.update().where(school.c.id == school_id).values(search_name=_folded_name(name))
        )


def downgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_column('search_name')

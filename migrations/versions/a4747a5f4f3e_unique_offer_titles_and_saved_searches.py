"""unique offer titles per school and saved searches per user, held by the database

Two people saving at once both passed the checks in the code, so a school could have two
offers of one title and a user two copies of one saved search. Each row gets a key the
database keeps unique: the offer's title folded (`title_key`), the saved search's
parameters in canonical form (`params_key`).

Rows that are already duplicates: the oldest keeps its place. A later offer whose title
repeats an earlier one's is renamed with a number, "Phonics support (2)", and queued for
the search index, so nothing a school wrote is lost; a later copy of a saved search is
deleted, as saving the same search again keeps the first.

Revision ID: a4747a5f4f3e
Revises: a9c4e2b7d615
Create Date: 2026-12-03 10:45:00

"""
import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = 'a4747a5f4f3e'
down_revision = 'a9c4e2b7d615'
branch_labels = None
depends_on = None

TITLE_MAX = 120

# Copies of elp.offers.models.title_key and elp.search.models.params_key as they were
# written, so this revision means the same whatever the code becomes.


def _title_key(title):
    return " ".join((title or "").split()).casefold()


def _params_key(params):
    canonical = json.dumps(params or {}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


offer = sa.table(
    'offer', sa.column('id', sa.Integer()), sa.column('school_id', sa.Integer()),
    sa.column('title', sa.String()), sa.column('title_key', sa.String()),
)
search_outbox = sa.table(
    'search_outbox', sa.column('offer_id', sa.Integer()), sa.column('created_at', sa.DateTime()),
)
saved_search = sa.table(
    'saved_search', sa.column('id', sa.Integer()), sa.column('user_id', sa.Integer()),
    sa.column('school_id', sa.Integer()), sa.column('params', sa.JSON()),
    sa.column('params_key', sa.String()),
)


def _numbered(title, taken):
    """The title with the first number in brackets that no title of the school has."""
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = title[: TITLE_MAX - len(suffix)].rstrip() + suffix
        if _title_key(candidate) not in taken:
            return candidate
        number += 1


def _key_offer_titles(connection):
    rows = connection.execute(
        sa.select(offer.c.id, offer.c.school_id, offer.c.title).order_by(offer.c.id)
    ).all()
    taken = {(school_id, _title_key(title)) for _, school_id, title in rows}
    kept = set()
    for offer_id, school_id, title in rows:
        key = _title_key(title)
        if (school_id, key) in kept:
            title = _numbered(title, {k for s, k in taken if s == school_id})
            key = _title_key(title)
            taken.add((school_id, key))
            connection.execute(
                search_outbox.insert().values(offer_id=offer_id, created_at=datetime.now(UTC))
            )
        kept.add((school_id, key))
        connection.execute(
            offer.update().where(offer.c.id == offer_id).values(title=title, title_key=key)
        )


def _key_saved_searches(connection):
    rows = connection.execute(
        sa.select(saved_search.c.id, saved_search.c.user_id, saved_search.c.school_id,
                  saved_search.c.params).order_by(saved_search.c.id)
    ).all()
    kept = set()
    for saved_search_id, user_id, school_id, params in rows:
        key = _params_key(params)
        if (user_id, school_id, key) in kept:
            connection.execute(saved_search.delete().where(saved_search.c.id == saved_search_id))
            continue
        kept.add((user_id, school_id, key))
        connection.execute(
            saved_search.update().where(saved_search.c.id == saved_search_id)
            .values(params_key=key)
        )


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_key', sa.String(length=120), nullable=True))
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params_key', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    _key_offer_titles(connection)
    _key_saved_searches(connection)
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.alter_column('title_key', existing_type=sa.String(length=120), nullable=False)
        batch_op.create_unique_constraint(
            'uq_offer_school_id_title_key', ['school_id', 'title_key']
        )
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.alter_column('params_key', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            'uq_saved_search_user_id_params_key', ['user_id', 'school_id', 'params_key']
        )


def downgrade():
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.drop_constraint('uq_saved_search_user_id_params_key', type_='unique')
        batch_op.drop_column('params_key')
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_constraint('uq_offer_school_id_title_key', type_='unique')
        batch_op.drop_column('title_key')

"""indexes for England-scale data (bench/scale_bench.py)

`support_request (offering_school_id, last_activity_at)` and `(seeking_school_id,
last_activity_at)`: a school's Requests inbox, newest activity first; with last_activity_at
indexed alone PostgreSQL walked every school's requests newest first to find one school's
25. They take the place of the one-column indexes on the two school ids.

`support_request (seeking_school_id, created_at)`: the unmet-demand report asks, for each
search, whether the school sent a request within days of it; with only the two one-column
indexes PostgreSQL ANDed a school's requests with every request of a fortnight, per search.
`support_request (created_at) INCLUDE (seeking_school_id, offer_id)`: the reports count a
period's requests by the asking school's district and by the offer's category and
specialisms; with the columns in the index those counts read the index alone, not the
table's rows (PostgreSQL only: elsewhere it is a plain index on created_at).

Revision ID: s6e36e09c07
Revises: fa91c7d2e4b6
Create Date: 2026-12-08 01:10:00

"""
from alembic import op

revision = 's6e36e09c07'
down_revision = 'fa91c7d2e4b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.create_index(
            'ix_support_request_offering_school_id_last_activity_at',
            ['offering_school_id', 'last_activity_at'],
            unique=False,
        )
        batch_op.create_index(
            'ix_support_request_seeking_school_id_last_activity_at',
            ['seeking_school_id', 'last_activity_at'],
            unique=False,
        )
        batch_op.drop_index('ix_support_request_offering_school_id')
        batch_op.drop_index('ix_support_request_seeking_school_id')
        batch_op.create_index(
            'ix_support_request_seeking_school_id_created_at',
            ['seeking_school_id', 'created_at'],
            unique=False,
        )
        batch_op.create_index(
            'ix_support_request_created_at_covering',
            ['created_at'],
            unique=False,
            postgresql_include=['seeking_school_id', 'offer_id'],
        )


def downgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_index('ix_support_request_created_at_covering')
        batch_op.drop_index('ix_support_request_seeking_school_id_created_at')
        batch_op.create_index(
            'ix_support_request_seeking_school_id', ['seeking_school_id'], unique=False
        )
        batch_op.create_index(
            'ix_support_request_offering_school_id', ['offering_school_id'], unique=False
        )
        batch_op.drop_index('ix_support_request_seeking_school_id_last_activity_at')
        batch_op.drop_index('ix_support_request_offering_school_id_last_activity_at')

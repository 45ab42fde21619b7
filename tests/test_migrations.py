"""The Alembic revisions build exactly the schema the models describe, on the test database
(SQLite, or PostgreSQL with ELP_TEST_DATABASE_URL): the `app` fixture builds it with
`flask_migrate.upgrade()`, as `elp db upgrade` does."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_migrations_build_every_table_the_models_describe(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `elp db migrate` to add a revision for these model changes"

"""The Alembic revisions build exactly the schema the models describe."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from elp import create_app
from elp.extensions import db


def test_migrations_build_every_table_the_models_describe(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.db'}"})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == [], "run `elp db migrate` to add a revision for these model changes"

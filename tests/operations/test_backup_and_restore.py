"""`elp backup DIR` copies the SQLite database while the site writes to it; `elp restore DIR`
puts it back, refusing a database another process has open unless told."""

import json
import threading
import time

import flask_migrate
import pytest
from sqlalchemy import insert, select

from elp import create_app
from elp.extensions import db as _db
from elp.operations import backup
from elp.search.models import SearchLog
from elp.timeutil import utcnow


@pytest.fixture
def site(tmp_path):
    """A site of its own on a SQLite file (the suite's database may be PostgreSQL)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site' / 'elp.db'}",
            "INDEX_DIR": str(tmp_path / "site" / "index"),
        }
    )
    (tmp_path / "site").mkdir()
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


class Writer(threading.Thread):
    """Commits one row at a time, as fast as it can, noting each id once committed."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.committed, self.stop = app, [], threading.Event()

    def run(self):
        with self.app.app_context():
            while not self.stop.is_set():
                with _db.engine.begin() as connection:
                    row_id = connection.execute(
                        insert(SearchLog).values(
                            searched_at=utcnow(), query="phonics", filters={}, result_count=1
                        )
                    ).inserted_primary_key[0]
                self.committed.append(row_id)
            _db.engine.dispose()


def test_a_backup_under_write_load_holds_every_row_committed_before_it(site, tmp_path):
    writer = Writer(site)
    writer.start()
    while len(writer.committed) < 200:
        time.sleep(0.01)
    committed_before = list(writer.committed)

    result = site.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])

    committed_during = list(writer.committed)
    writer.stop.set()
    writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["alembic_revision"] and manifest["sha256"]
    in_backup = manifest["tables"]["search_log"]
    # One consistent snapshot: every row committed before it began, and then a prefix of
    # the rows committed while it ran (no row without the ones before it).
    assert len(committed_before) <= in_backup <= len(committed_during)

    # The site keeps writing after the backup; restore with the site stopped.
    with site.app_context():
        _db.engine.dispose()
    restored = site.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])

    assert restored.exit_code == 0, restored.output
    with site.app_context():
        ids = _db.session.scalars(select(SearchLog.id).order_by(SearchLog.id)).all()
        _db.session.remove()
    assert ids == committed_during[:in_backup]
    assert set(committed_before) <= set(ids)


def test_restore_refuses_a_database_another_process_has_open_unless_forced(site, tmp_path):
    assert site.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    with site.app_context():
        _db.session.execute(
            insert(SearchLog).values(searched_at=utcnow(), query="after", filters={},
                                     result_count=0)
        )  # fmt: skip
        _db.session.commit()
    path = tmp_path / "site" / "elp.db"
    # Another process, a running site, holds the database open.
    running = __import__("sqlite3").connect(path)
    running.execute("PRAGMA journal_mode=WAL")
    running.execute("SELECT count(*) FROM search_log").fetchone()

    try:
        with pytest.raises(backup.BackupRefused, match="open in another process"):
            backup.restore(f"sqlite:///{path}", tmp_path / "b")
        backup.restore(f"sqlite:///{path}", tmp_path / "b", force=True)
        # The open connection sees the restored database: the row written after is gone.
        assert running.execute("SELECT count(*) FROM search_log").fetchone()[0] == 0
    finally:
        running.close()


def test_a_damaged_backup_is_refused_and_changes_nothing(site, tmp_path):
    assert site.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    with open(tmp_path / "b" / "elp.db", "r+b") as copy:
        copy.seek(200)
        copy.write(b"damage")
    with site.app_context():
        _db.engine.dispose()

    result = site.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])

    assert result.exit_code == 1
    assert "SHA-256 differs" in result.output


def test_backup_refuses_a_folder_in_use_and_postgresql(site, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")

    full = site.test_cli_runner().invoke(args=["backup", str(tmp_path / "full")])

    assert full.exit_code == 1 and "is not empty" in full.output
    with pytest.raises(backup.BackupRefused, match="pg_dump"):
        backup.backup("postgresql+psycopg://postgres@127.0.0.1/elp", tmp_path / "pg")

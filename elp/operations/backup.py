"""Backups of a SQLite database, taken while the site runs, and putting one back.

`elp backup DIR` copies the database with SQLite's online backup API: one consistent
snapshot, taken while other processes go on reading and writing (in write-ahead-log mode a
writer never waits for it). Beside the copy it writes `manifest.json`: when, from which
migration, the copy's size and SHA-256, and each table's row count, so a restore can check
the copy is whole before trusting it.

`elp restore DIR` checks the copy against its manifest and writes it back over the database,
through the same API (so a process that still has the file open sees either the old or the
restored database, never a torn one). It refuses while the database is open elsewhere (a
running site, worker or command) unless told `--force`.

PostgreSQL is backed up with its own tools (pg_dump, point-in-time recovery): see
docs/deployment.md.
"""

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

BACKUP_FILE = "elp.db"
MANIFEST = "manifest.json"
FORMAT = 1


class BackupRefused(Exception):
    """The backup or restore cannot be done as asked; the message says why and what to do."""


def sqlite_path(database_uri):
    """The file of a SQLite database URI; BackupRefused for any other database."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(
            f"The database is {url.get_backend_name()}, not SQLite: back it up with its own "
            "tools, e.g. pg_dump --format=custom (see docs/deployment.md, Backups)."
        )
    if not url.database or url.database == ":memory:":
        raise BackupRefused("The database is in memory: there is nothing on disk to back up.")
    return Path(url.database)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _describe(connection):
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
              for name in tables}  # fmt: skip
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    return counts, revision


def _copy(source_path, target_path):
    """Copy one SQLite database onto another with the online backup API, in one step (so
    the copy is one consistent snapshot)."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(target_path)
    try:
        source.execute("PRAGMA busy_timeout = 10000")
        target.execute("PRAGMA busy_timeout = 10000")
        source.backup(target)
    finally:
        target.close()
        source.close()


def backup(database_uri, directory):
    """Write a consistent copy of the database and its manifest into `directory` (new or
    empty); return the manifest."""
    source_path = sqlite_path(database_uri)
    if not source_path.exists():
        raise BackupRefused(f"There is no database at {source_path} to back up.")
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupRefused(f"{directory} is not empty: give a new or empty folder.")
    directory.mkdir(parents=True, exist_ok=True)
    target_path = directory / BACKUP_FILE
    started = datetime.now(UTC)
    _copy(source_path, target_path)
    copy = sqlite3.connect(target_path)
    try:
        # The copy keeps the source's journal mode: make it a plain file that stands alone.
        copy.execute("PRAGMA journal_mode = DELETE")
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupRefused("The copy failed SQLite's integrity check: try again.")
        tables, revision = _describe(copy)
    finally:
        copy.close()
    manifest = {
        "format": FORMAT,
        "database": "sqlite",
        "source": str(source_path),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": BACKUP_FILE,
        "bytes": target_path.stat().st_size,
        "sha256": _sha256(target_path),
        "alembic_revision": revision,
        "sqlite_version": sqlite3.sqlite_version,
        "tables": tables,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_checked_manifest(directory):
    """The manifest of the backup in `directory`, once the copy is found whole."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupRefused(f"{directory} has no {MANIFEST}: it is not a backup.") from None
    except ValueError:
        raise BackupRefused(f"{directory / MANIFEST} is not valid JSON.") from None
    copy = directory / str(manifest.get("file", BACKUP_FILE))
    if manifest.get("format") != FORMAT or manifest.get("database") != "sqlite":
        raise BackupRefused(f"{directory} holds a backup this version cannot restore.")
    if not copy.exists() or _sha256(copy) != manifest.get("sha256"):
        raise BackupRefused(
            f"{copy} is missing or not the file the manifest describes (its SHA-256 differs): "
            "it may be damaged or incomplete."
        )
    return manifest


def database_in_use(path):
    """Whether another process has the database open: in write-ahead-log mode its -wal and
    -shm files exist while any connection is open (SQLite removes them when the last one
    closes), and a writer's lock shows as busy."""
    path = Path(path)
    if not path.exists():
        return False
    if Path(f"{path}-wal").exists() or Path(f"{path}-shm").exists():
        return True
    probe = sqlite3.connect(path, timeout=0)
    try:
        probe.execute("BEGIN EXCLUSIVE")
        probe.rollback()
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def restore(database_uri, directory, force=False):
    """Put the backup in `directory` back as the database; return its manifest."""
    target_path = sqlite_path(database_uri)
    manifest = read_checked_manifest(directory)
    if not force and database_in_use(target_path):
        raise BackupRefused(
            f"The database {target_path} is open in another process (a running site, worker "
            "or command): stop them first, or restore anyway with --force (they then see the "
            "restored data)."
        )
    target_path.parent.mkdir(parents=True, exist_ok=True)
    _copy(Path(directory) / manifest["file"], target_path)
    check = sqlite3.connect(target_path)
    try:
        tables, _ = _describe(check)
    finally:
        check.close()
    if tables != manifest["tables"]:
        raise BackupRefused("The restored database does not hold the rows the manifest counts.")
    return manifest

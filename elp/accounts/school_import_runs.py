"""GIAS files uploaded in the browser, imported in the background with their progress in
the database, as the search index rebuilds are (decisions 21, 23 and 29).

`receive` checks the file's first line (so a file with the wrong columns or encoding is
refused on the form at once), copies the upload to a temporary file in chunks and queues a
run, in the admin's transaction; after the commit the view calls `start`, which queues the
`import-schools` job: `elp worker` imports the file with the same importer as
`elp import-schools`, and removes it. With several nodes, the worker that imports must see
the instance folder of the node that received the file (one worker, or a shared folder). The schools are written in one
transaction at the end, all or nothing; the run's progress, refusal or summary are written
on a session of their own so the progress page sees them while the import is going.
"""

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from elp.accounts import school_import
from elp.accounts.models import SchoolImportRun
from elp.errors import NotFound
from elp.extensions import db
from elp.jobs import queue
from elp.timeutil import utcnow
from elp.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=5)
QUEUED, RUNNING, FINISHED, REFUSED, FAILED, STOPPED = (
    "queued", "running", "finished", "refused", "failed", "stopped"
)  # fmt: skip
COPY_CHUNK_BYTES = 1024 * 1024
SHOWN_CHARACTERS = 300  # of a skipped row's name or reason: a malformed row may hold anything


def receive(actor, upload, file_name, la_code):
    """Queue the import of an uploaded GIAS file (a binary stream); return (run, path of the
    temporary copy). SchoolFileRefused, with nothing kept, if its first line shows it is not
    a GIAS extract."""
    school_import.check_file_start(upload)
    folder = Path(current_app.instance_path) / "school-imports"
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix="gias-", suffix=".csv")
    with os.fdopen(handle, "wb") as copy:
        shutil.copyfileobj(upload, copy, COPY_CHUNK_BYTES)
        size = copy.tell()
    run = SchoolImportRun(
        requested_by_id=actor.id,
        file_name=(file_name or "gias.csv")[:255],
        la_code=la_code,
        bytes_total=size,
    )
    db.session.add(run)
    db.session.flush()
    return run, Path(name)


@dataclass(frozen=True)
class Progress:
    run: SchoolImportRun
    state: str  # QUEUED, RUNNING, FINISHED, REFUSED, FAILED or STOPPED

    @property
    def percent(self):
        if not self.run.bytes_total:
            return 100 if self.run.finished_at else 0
        return min(100, self.run.bytes_done * 100 // self.run.bytes_total)


def progress_of_run(run_id):
    """The progress of upload `run_id`; NotFound when there is no such upload."""
    run = db.session.get(SchoolImportRun, run_id)
    if run is None:
        raise NotFound("No such school import")
    return progress_of(run)


def progress_of(run, now=None):
    now = now or utcnow()
    if run.failure:
        state = FAILED
    elif run.refusal:
        state = REFUSED
    elif run.finished_at:
        state = FINISHED
    elif now - (run.heartbeat_at or run.requested_at) > STALE_AFTER:
        state = STOPPED  # its process died: nothing was changed, the admin uploads again
    else:
        state = RUNNING if run.started_at else QUEUED
    return Progress(run, state)


def start(run_id, path):
    """Queue the job that imports the run's file (the worker runs it)."""
    import_job(run_id, str(path))


# Not retried if its worker dies: the run was claimed, so a second attempt would do nothing;
# the page shows it stopped and the admin uploads again (nothing was imported).
@queue.job("import-schools")
def import_job(run_id, path):
    """Import one uploaded GIAS file."""
    run_import(run_id, Path(path))


def run_import(run_id, path):
    """Import the file once (a run already started is left alone), then remove it."""
    try:
        with Session(db.engine) as progress:
            if _claim(progress, run_id):
                _import(progress, run_id, path)
    finally:
        path.unlink(missing_ok=True)


def _claim(session, run_id):
    # Compare-and-set: of two threads given the same run, one imports it.
    now = utcnow()
    claimed = session.execute(
        update(SchoolImportRun)
        .where(SchoolImportRun.id == run_id, SchoolImportRun.started_at.is_(None))
        .values(started_at=now, heartbeat_at=now)
    ).rowcount
    session.commit()
    return claimed == 1


def _import(progress, run_id, path):
    def write(**values):
        progress.execute(
            update(SchoolImportRun).where(SchoolImportRun.id == run_id).values(**values)
        )
        progress.commit()

    done = 0

    def on_progress(count):
        nonlocal done
        done += count
        write(bytes_done=done, heartbeat_at=utcnow())
        queue.beat()

    run = db.session.get(SchoolImportRun, run_id)
    actor, la_code, file_name = run.requested_by, run.la_code, run.file_name
    try:
        with path.open("rb") as binary_file, unit_of_work():
            result = school_import.import_schools(
                binary_file, la_code=la_code, actor=actor, on_progress=on_progress,
                file_name=file_name,
            )  # fmt: skip
    except school_import.SchoolFileRefused as refused:
        write(refusal=refused.message[:1000], finished_at=utcnow())
        return
    except Exception as error:
        log.exception("The school import %s failed", run_id)
        write(failure=str(error)[:500] or type(error).__name__, finished_at=utcnow())
        return
    write(summary=summary_of(result), finished_at=utcnow(), heartbeat_at=utcnow())


def summary_of(result):
    """What the import did, as the run keeps it: counts, and each reason rows were skipped
    for with its count and first few rows."""
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped_total,
        "skipped_groups": [
            {"reason": reason, "count": count, "examples": [_example(row) for row in examples]}
            for reason, count, examples in result.skipped_groups()
        ],
    }


def _example(row):
    def shown(text):
        return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"

    return {"line": row.line, "urn": shown(row.urn), "name": shown(row.name),
            "detail": shown(row.detail)}  # fmt: skip

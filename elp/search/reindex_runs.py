"""Rebuilds of the search index asked for in the browser, run in the background, with their
progress in the database so the settings page can show it (decisions 21 and 29).

`request_reindex` adds a queued run in the admin's transaction; after the commit the view
calls `start`, which queues the `rebuild-index` job: `elp worker` runs every queued run as
one rebuild (decision 29). A run whose heartbeat has stopped for
STALE_AFTER died with its process: the page says so and a new request starts afresh. Only one
rebuild runs at a time; a request made while one runs is picked up when it finishes.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from elp.extensions import db
from elp.jobs import queue
from elp.offers.services import count_visible_offers
from elp.search import sync, synonym_table
from elp.search.models import ReindexRun
from elp.timeutil import utcnow

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=5)
QUEUED, RUNNING, FINISHED, FAILED, STOPPED = "queued", "running", "finished", "failed", "stopped"


def request_reindex(actor):
    """Queue a rebuild of the index (it starts after the commit, see `start`)."""
    run = ReindexRun(requested_by_id=actor.id)
    db.session.add(run)
    db.session.flush()
    return run


@dataclass(frozen=True)
class Progress:
    run: ReindexRun
    state: str  # QUEUED, RUNNING, FINISHED, FAILED or STOPPED

    @property
    def percent(self):
        if not self.run.offers_total:
            return 100 if self.state == FINISHED else 0
        return min(100, self.run.offers_done * 100 // self.run.offers_total)


def state_of(run, now=None):
    now = now or utcnow()
    if run.failure:
        return FAILED
    if run.finished_at:
        return FINISHED
    if run.started_at is None:
        return QUEUED if now - run.requested_at < STALE_AFTER else STOPPED
    if now - (run.heartbeat_at or run.started_at) > STALE_AFTER:
        return STOPPED
    return RUNNING


def latest():
    """The most recent run and its state, or None if none was ever asked for."""
    run = db.session.scalar(select(ReindexRun).order_by(ReindexRun.id.desc()).limit(1))
    return None if run is None else Progress(run, state_of(run))


def start(app=None):
    """Queue the job that runs the queued rebuilds (the worker runs it)."""
    rebuild_job()


# A rebuild lost with its worker is simply asked for again: the runs it held show as stopped
# (STALE_AFTER), and a new run rebuilds from the database.
@queue.job("rebuild-index", retry_if_lost=True)
def rebuild_job():
    """Rebuild the index for every queued run."""
    run_queued(current_app._get_current_object())


def run_queued(app):
    """Claim every queued run and do them as one rebuild, again while more are queued.
    Returns how many rebuilds were done (0 if another is still running)."""
    done = 0
    while True:
        with Session(db.engine) as session:
            ids = _claim(session)
        if not ids:
            return done
        _rebuild(app, ids)
        done += 1


def _claim(session):
    now = utcnow()
    running = session.scalars(
        select(ReindexRun).where(
            ReindexRun.started_at.is_not(None), ReindexRun.finished_at.is_(None)
        )
    ).all()
    if any(state_of(run, now) == RUNNING for run in running):
        return []
    queued = session.scalars(
        select(ReindexRun.id).where(ReindexRun.started_at.is_(None)).order_by(ReindexRun.id)
    ).all()
    if not queued:
        return []
    # Compare-and-set: of two processes claiming the same runs, one gets them.
    claimed = session.execute(
        update(ReindexRun)
        .where(ReindexRun.id.in_(queued), ReindexRun.started_at.is_(None))
        .values(started_at=now, heartbeat_at=now)
    ).rowcount
    session.commit()
    return queued if claimed == len(queued) else []


def _rebuild(app, ids):
    def write(session, **values):
        session.execute(update(ReindexRun).where(ReindexRun.id.in_(ids)).values(**values))
        session.commit()

    with Session(db.engine) as session:
        total = count_visible_offers(session)
        write(session, offers_total=total, offers_done=0)
        done = 0

        def progress(count):
            nonlocal done
            done += count
            write(session, offers_done=min(done, total), heartbeat_at=utcnow())
            queue.beat()

        try:
            synonyms = synonym_table.stored_text()
            sync.reindex(app, progress=progress, synonyms=synonyms)
        except Exception as error:
            log.exception("The search index rebuild failed")
            session.rollback()
            write(session, failure=str(error)[:500] or type(error).__name__, finished_at=utcnow())
            return
        write(session, offers_done=total, finished_at=utcnow(), heartbeat_at=utcnow())

"""The record of each job's run, lost runs found and retried or failed, the failures admins
see, and the timers' locks (decision 29).

Every function here works in a session of its own and commits it: a job's record must be
written whatever happens to the job's own transaction (the named exception to one commit
per action, as the outbox's worker is).
"""

import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elp.extensions import db
from elp.jobs.models import JobRun, TimerLock
from elp.timeutil import utcnow

RUNNING, FINISHED, FAILED, RETRIED = "running", "finished", "failed", "retried"
# A run that has not beaten for this long lost its worker (killed, or its machine stopped).
# Long jobs beat as they go (`beat`); the recovery timer runs every minute, so a lost run is
# retried or marked failed within STALE_AFTER plus a minute: under the ten minutes promised.
STALE_AFTER = timedelta(minutes=8)
MAX_ATTEMPTS = 3
LOST = "The worker stopped while running this job (it was killed, or its machine restarted)."
KEEP_FINISHED = timedelta(days=7)
KEEP_FAILED = timedelta(days=90)
FAILED_SHOWN = 200


def worker_name():
    """This process, as a job's record names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _session():
    return Session(db.engine, expire_on_commit=False)


# --- each run ------------------------------------------------------------------------------


def start_run(name, arguments, attempt=1, now=None):
    """Record that a job has started here; return the run's id."""
    now = now or utcnow()
    with _session() as session:
        run = JobRun(
            name=name, arguments=arguments, status=RUNNING, attempt=attempt,
            worker=worker_name(), started_at=now, heartbeat_at=now,
        )  # fmt: skip
        session.add(run)
        session.commit()
        return run.id


def beat(run_id, now=None):
    """Say that a running job is still alive."""
    with _session() as session:
        session.execute(
            update(JobRun)
            .where(JobRun.id == run_id, JobRun.status == RUNNING)
            .values(heartbeat_at=now or utcnow())
        )
        session.commit()


def finish_run(run_id, failure=None, now=None):
    """Record that a job finished, or failed with `failure` (what went wrong, in a line).
    A run already marked lost (its worker was thought dead) keeps that mark."""
    now = now or utcnow()
    with _session() as session:
        session.execute(
            update(JobRun)
            .where(JobRun.id == run_id, JobRun.status == RUNNING)
            .values(
                status=FAILED if failure else FINISHED,
                failure=failure[:500] if failure else None,
                finished_at=now,
                heartbeat_at=now,
            )
        )
        session.commit()


@dataclass(frozen=True)
class LostRun:
    name: str
    arguments: dict
    attempt: int


def recover_lost_runs(retryable, now=None):
    """Mark each run whose heartbeat has stopped: retried (returned, so the caller queues it
    again) when `retryable(name)` and it has attempts left, otherwise failed. Each run is
    taken by a compare-and-set, so two nodes recovering at once act on it once."""
    now = now or utcnow()
    lost = []
    with _session() as session:
        stale = session.scalars(
            select(JobRun).where(JobRun.status == RUNNING, JobRun.heartbeat_at < now - STALE_AFTER)
        ).all()
        for run in stale:
            retry = retryable(run.name) and run.attempt < MAX_ATTEMPTS
            taken = session.execute(
                update(JobRun)
                .where(JobRun.id == run.id, JobRun.status == RUNNING)
                .values(status=RETRIED if retry else FAILED, failure=LOST, finished_at=now)
            ).rowcount
            session.commit()
            if taken and retry:
                lost.append(LostRun(run.name, dict(run.arguments or {}), run.attempt))
        session.execute(
            delete(JobRun).where(
                or_(
                    JobRun.status.in_([FINISHED, RETRIED])
                    & (JobRun.started_at < now - KEEP_FINISHED),
                    (JobRun.status == FAILED) & (JobRun.started_at < now - KEEP_FAILED),
                )
            )
        )
        session.commit()
    return lost


# --- what admins see -----------------------------------------------------------------------


def failed_runs(limit=FAILED_SHOWN):
    """The jobs that failed, newest first."""
    return db.session.scalars(
        select(JobRun).where(JobRun.status == FAILED).order_by(JobRun.id.desc()).limit(limit)
    ).all()


def count_failed_runs():
    """How many jobs failed (the metrics' failed jobs)."""
    return db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.status == FAILED))


def count_failed_since(since):
    return db.session.scalar(
        select(func.count())
        .select_from(JobRun)
        .where(JobRun.status == FAILED, JobRun.started_at >= since)
    )


def worker_last_seen():
    """When a worker last started or beat in a job (None if none ever ran)."""
    return db.session.scalar(select(func.max(JobRun.heartbeat_at)))


# --- timers' locks -------------------------------------------------------------------------


def claim_timer(name, every, hold, now=None):
    """Take the timer's turn if it is due and no one holds it: True if this process is to
    run it. The turn comes round once per `every`, whichever node asks first; the hold lapses
    after `hold`, so a node that dies holding it stops nobody for long."""
    now = now or utcnow()
    slack = min(timedelta(seconds=10), every / 6)  # nodes' clocks and schedulers drift
    with _session() as session:
        if session.get(TimerLock, name) is None:
            session.add(TimerLock(name=name, next_run_at=now, held_by=""))
            try:
                session.commit()
            except IntegrityError:  # another node added it first
                session.rollback()
        claimed = session.execute(
            update(TimerLock)
            .where(
                TimerLock.name == name,
                TimerLock.next_run_at <= now,
                or_(TimerLock.held_until.is_(None), TimerLock.held_until < now),
            )
            .values(next_run_at=now + every - slack, held_until=now + hold, held_by=worker_name())
        ).rowcount
        session.commit()
        return claimed == 1


def release_timer(name, now=None):
    """Let go of the timer this process holds."""
    now = now or utcnow()
    with _session() as session:
        session.execute(
            update(TimerLock)
            .where(TimerLock.name == name, TimerLock.held_by == worker_name())
            .values(held_until=None, last_finished_at=now)
        )
        session.commit()

"""The jobs' own tables: each run of a job, and the timers' locks."""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from elp.extensions import db
from elp.timeutil import utcnow


class JobRun(db.Model):
    """One run of a background job, written by the worker as it starts and ends.

    The queue itself forgets a job once a worker takes it, so a worker killed part-way
    would leave nothing behind; this row is how the service notices (`heartbeat_at` stops)
    and retries the job or marks it failed (elp.jobs.services.recover_lost_jobs).
    """

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    # The job's arguments, so a lost run can be queued again: ids and names, never secrets.
    arguments: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), index=True)  # running, finished, failed
    attempt: Mapped[int] = mapped_column(default=1)
    worker: Mapped[str] = mapped_column(String(100), default="")  # host and process id
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    failure: Mapped[str | None] = mapped_column(String(500))


class TimerLock(db.Model):
    """A timer's turn: the node that claims it runs the timer, and no other node runs it
    until `next_run_at` (its period) and until the holder lets go or its hold lapses."""

    __tablename__ = "timer_lock"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(default=utcnow)
    held_until: Mapped[datetime | None]
    held_by: Mapped[str] = mapped_column(String(100), default="")
    last_finished_at: Mapped[datetime | None]

"""The queue background jobs wait in, and the decorators that put work on it (decision 29).

`huey` is the one Huey instance. `init_app` points it at the queue WORKER_QUEUE_URL names:
a SQLite file in the instance folder by default, Redis (`redis://…`) for several nodes, or
"immediate" (the test suite), where a job runs at once in the caller, still through Huey.

`@job(name)` makes a function a job: calling it queues it, and `elp worker` runs it in an
app context, recording the run (elp.jobs.services), so a run whose worker dies is retried
(`retry_if_lost`) or marked failed, and a failure is shown to admins. `@timer(name, …)` is a
periodic job that runs on one node at a time, once per period, whichever node's worker asks
first. The jobs' arguments are ids and names, never secrets: they are kept on the run.
"""

import time
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path

from flask import current_app, has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

from elp.extensions import db
from elp.jobs import services

IMMEDIATE = "immediate"
QUEUE_FILE = "worker-queue.sqlite3"
# A long job's progress comes often; its record needs only a beat now and then.
BEAT_EVERY_SECONDS = 30

huey = Huey("elp", results=False, utc=True, immediate=True)
JOBS = {}  # name -> the queued function, to queue a lost run again
DESCRIPTIONS = {}  # name -> what the job does, in words (its docstring's first line)
_retry_if_lost = set()
_current_run = ContextVar("current_job_run", default=None)
_last_beat = ContextVar("last_job_beat", default=0.0)
_app = None


def init_app(app):
    """Point the queue at WORKER_QUEUE_URL, and remember the app the jobs run in."""
    global _app
    url = app.config.get("WORKER_QUEUE_URL") or ""
    if url == IMMEDIATE:
        huey.immediate = True
    elif url.startswith(("redis://", "rediss://", "unix://")):
        _use(RedisStorage, url=url)
    elif not url or url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///") or str(Path(app.instance_path) / QUEUE_FILE)
        _use(SqliteStorage, filename=path)
    else:
        raise RuntimeError(
            "ELP_WORKER_QUEUE_URL must be redis://…, rediss://…, unix://… or sqlite:///path "
            f"(or unset, for a SQLite file in the instance folder), not {url!r}."
        )
    _app = app


def _use(storage_class, **kwargs):
    huey.storage_class, huey.storage_kwargs = storage_class, kwargs
    if huey.immediate:
        huey.immediate = False  # which makes the storage named above
    else:
        huey.storage = huey.create_storage()


def describe_queue():
    """Where the jobs wait, in words for the worker's first line (no password shown)."""
    kwargs = huey.storage_kwargs
    if "url" in kwargs:
        return "Redis at " + kwargs["url"].rsplit("@", 1)[-1]
    return f"the SQLite file {kwargs['filename']}"


def job(name, *, retry_if_lost=False):
    """Make the function a background job named `name`; calling it queues it."""

    def decorate(function):
        def run(*args, _attempt=1, **kwargs):
            return _run_recorded(name, function, args, kwargs, _attempt)

        run.__name__ = function.__name__
        _describe(name, function)
        queued = huey.task(name=name)(run)
        JOBS[name] = queued
        if retry_if_lost:
            _retry_if_lost.add(name)
        return queued

    return decorate


def timer(name, schedule, every, hold=timedelta(minutes=10)):
    """Make the function a timer: `elp worker` runs it on `schedule` (a huey crontab) on
    whichever node claims its turn first; the others skip that turn."""

    def decorate(function):
        def run_if_our_turn():
            app = _app_to_run_in()
            with app.app_context():
                if not services.claim_timer(name, every, hold):
                    return
            try:
                _run_recorded(name, function, (), {}, 1)
            finally:
                with app.app_context():
                    services.release_timer(name)

        run_if_our_turn.__name__ = function.__name__
        _describe(name, function)
        periodic = huey.periodic_task(schedule, name=name)(run_if_our_turn)
        JOBS[name] = periodic
        return periodic

    return decorate


def _describe(name, function):
    DESCRIPTIONS[name] = (function.__doc__ or name).strip().splitlines()[0]


def described(name):
    """What the job named `name` does, in words."""
    return DESCRIPTIONS.get(name, name)


def on_every_node(name, schedule):
    """Make the function a periodic job that every node's worker runs on `schedule` (a huey
    crontab), with no lock: for what each node does for itself."""

    def decorate(function):
        def run():
            _run_recorded(name, function, (), {}, 1)

        run.__name__ = function.__name__
        _describe(name, function)
        periodic = huey.periodic_task(schedule, name=name)(run)
        JOBS[name] = periodic
        return periodic

    return decorate


def beat():
    """Tell the record that the job running here is still alive (long jobs call it as
    they make progress; outside a job it does nothing)."""
    run_id = _current_run.get()
    if run_id is None or time.monotonic() - _last_beat.get() < BEAT_EVERY_SECONDS:
        return
    _last_beat.set(time.monotonic())
    services.beat(run_id)


def queue_again(lost):
    """Queue a lost run of a job once more."""
    arguments = lost.arguments
    JOBS[lost.name](*arguments.get("args", []), _attempt=lost.attempt + 1,
                    **arguments.get("kwargs", {}))  # fmt: skip


def retryable(name):
    return name in _retry_if_lost


def _app_to_run_in():
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        raise RuntimeError("The job queue has no app: call elp.jobs.queue.init_app first.")
    return _app


def _run_recorded(name, function, args, kwargs, attempt):
    """Run the job in an app context of its own (its own database session), with its run
    recorded as it starts and as it ends."""
    app = _app_to_run_in()
    with app.app_context():
        run_id = services.start_run(name, {"args": list(args), "kwargs": kwargs}, attempt)
        token = _current_run.set(run_id)
        _last_beat.set(time.monotonic())
        try:
            result = function(*args, **kwargs)
        except Exception as error:
            db.session.rollback()
            services.finish_run(run_id, failure=str(error) or type(error).__name__)
            raise
        else:
            services.finish_run(run_id)
            return result
        finally:
            _current_run.reset(token)
            db.session.remove()

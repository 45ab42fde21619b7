"""Background jobs run through the worker's queue: each run is recorded, a failure is shown
to ELP admins, a run whose worker died is retried or marked failed within ten minutes, and
a timer runs on one node at a time, once per period."""

import ast
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from elp.extensions import db as _db
from elp.jobs import queue, schedule, services
from elp.jobs.models import JobRun, TimerLock
from elp.search.models import ReindexRun
from elp.timeutil import utcnow
from tests.factories import make_admin

ELP = Path(__file__).resolve().parent.parent.parent / "elp"
calls = []


@queue.job("test-records-its-argument")
def record_argument(value):
    """Note a value, for the test."""
    calls.append(value)


@queue.job("test-fails")
def fail_loudly():
    """Fail, for the test."""
    raise RuntimeError("The mail server refused the connection")


@pytest.fixture(autouse=True)
def _forget_calls():
    calls.clear()


def runs(name=None):
    _db.session.expire_all()
    query = select(JobRun).order_by(JobRun.id)
    if name:
        query = query.where(JobRun.name == name)
    return _db.session.scalars(query).all()


def test_a_job_waits_in_the_queue_until_a_worker_runs_it_and_its_run_is_recorded(db, held_jobs):
    record_argument(7)

    assert calls == [] and held_jobs.names() == ["test-records-its-argument"]
    assert held_jobs.run() == 1
    assert calls == [7]
    (run,) = runs()
    assert run.status == services.FINISHED and run.arguments == {"args": [7], "kwargs": {}}
    assert run.finished_at is not None and run.worker


def test_a_failed_job_is_recorded_and_shown_to_admins(db, client, login_as):
    fail_loudly()  # the suite's queue runs each job at once

    (run,) = runs()
    assert run.status == services.FAILED
    assert run.failure == "The mail server refused the connection"
    login_as(make_admin())
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Fail, for the test." in page and "The mail server refused the connection" in page
    assert "A worker was last seen" in page
    assert "Background jobs" in client.get("/admin/").get_data(as_text=True)


def test_the_jobs_page_says_so_when_nothing_has_failed(db, client, login_as):
    login_as(make_admin())
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "No job has failed." in page and "No worker has run a job yet." in page


def _lost_run(name, arguments=None, attempt=1, minutes_ago=9):
    then = utcnow() - timedelta(minutes=minutes_ago)
    run = JobRun(name=name, arguments=arguments or {"args": [], "kwargs": {}}, attempt=attempt,
                 status=services.RUNNING, worker="gone:1", started_at=then, heartbeat_at=then)  # fmt: skip
    _db.session.add(run)
    _db.session.commit()
    return run.id


def test_a_run_whose_worker_died_is_marked_failed_within_ten_minutes(db):
    lost = _lost_run("import-schools", {"args": [1, "/nowhere.csv"], "kwargs": {}})
    alive = _lost_run("import-schools", minutes_ago=2)

    schedule.recover_lost_jobs()

    assert services.STALE_AFTER + timedelta(minutes=1) <= timedelta(minutes=10)
    by_id = {run.id: run for run in runs("import-schools")}
    assert by_id[lost].status == services.FAILED and by_id[lost].failure == services.LOST
    assert by_id[alive].status == services.RUNNING
    assert [run.id for run in services.failed_runs()] == [lost]


def test_a_retryable_run_whose_worker_died_is_run_again(db, held_jobs):
    admin = make_admin()
    _db.session.add(ReindexRun(requested_by_id=admin.id))
    _db.session.commit()
    lost = _lost_run("rebuild-index")

    schedule.recover_lost_jobs()  # as the worker's scheduler queues it each minute

    assert held_jobs.names() == ["recover-lost-jobs"]
    assert held_jobs.run() == 2  # the recovery, then the rebuild it queued again
    first, second = runs("rebuild-index")
    assert first.id == lost and first.status == services.RETRIED
    assert second.status == services.FINISHED and second.attempt == 2
    assert _db.session.scalar(select(ReindexRun.finished_at)) is not None
    assert services.failed_runs() == []


def test_a_run_is_retried_only_so_many_times(db):
    _lost_run("rebuild-index", attempt=services.MAX_ATTEMPTS)

    schedule.recover_lost_jobs()

    (run,) = runs("rebuild-index")
    assert run.status == services.FAILED


def test_a_timer_runs_once_a_period_whichever_node_asks(db):
    now = utcnow()
    every, hold = timedelta(minutes=1), timedelta(minutes=10)

    assert services.claim_timer("example", every, hold, now=now)
    assert not services.claim_timer("example", every, hold, now=now + timedelta(seconds=1))
    services.release_timer("example", now=now + timedelta(seconds=2))
    assert not services.claim_timer("example", every, hold, now=now + timedelta(seconds=30))
    assert services.claim_timer("example", every, hold, now=now + timedelta(minutes=1))


def test_a_timer_still_running_is_not_started_again_until_its_hold_lapses(db):
    now = utcnow()
    every, hold = timedelta(minutes=1), timedelta(minutes=10)
    assert services.claim_timer("example", every, hold, now=now)

    assert not services.claim_timer("example", every, hold, now=now + timedelta(minutes=5))
    assert services.claim_timer("example", every, hold, now=now + timedelta(minutes=11))


def test_the_timers_job_runs_once_a_minute_across_nodes(db):
    schedule.run_timers()
    schedule.run_timers()  # another node's worker, the same minute

    (run,) = runs("timers")
    assert run.status == services.FINISHED
    lock = _db.session.get(TimerLock, "timers")
    assert lock.held_until is None and lock.last_finished_at is not None


def test_two_nodes_claiming_a_timer_at_once_get_one_turn(app, db):
    ready = threading.Barrier(4, timeout=20)
    won = []

    def node():
        with app.app_context():
            ready.wait()
            won.append(services.claim_timer("raced", timedelta(minutes=1), timedelta(minutes=10)))
            _db.session.remove()

    nodes = [threading.Thread(target=node) for _ in range(4)]
    for thread in nodes:
        thread.start()
    for thread in nodes:
        thread.join(30)
    assert sorted(won) == [False, False, False, True]


def test_no_module_starts_a_thread():
    """Background work is a job for the worker, never a thread in a web worker or command."""
    starting = [
        path.relative_to(ELP).as_posix()
        for path in ELP.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "Thread"
    ]
    assert starting == []


def test_every_node_records_its_worker_heartbeat_each_minute(db):
    schedule.record_heartbeat()
    schedule.record_heartbeat()  # the other node's worker, the same minute: not locked out

    assert [run.status for run in runs("worker-heartbeat")] == [services.FINISHED] * 2
    assert services.worker_last_seen() is not None

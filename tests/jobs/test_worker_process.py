"""`elp worker` for real: a separate process takes jobs from the queue on disk (or Redis)
and runs them; one killed part-way through a job leaves a run that the recovery timer
retries, and the email it was sending arrives once. `elp run` starts a worker beside the
development server and stops it with the server."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import delete, select, update

from elp.extensions import db as _db
from elp.jobs import queue, schedule, services
from elp.jobs.models import JobRun, TimerLock
from elp.notifications import mailer
from elp.notifications.models import OutboxEmail
from elp.search import reindex_runs
from elp.search.models import ReindexRun
from elp.timeutil import utcnow
from tests.factories import make_admin

pytestmark = pytest.mark.slow
ELP = Path(sys.executable).with_name("elp")
REDIS_URL = "redis://127.0.0.1:6379/13"


def _redis_answers():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def on_queue(app):
    """Point this process's queue where a worker process will look, for the test."""
    huey = queue.huey
    saved = huey.storage_class, huey.storage_kwargs

    def point(storage_class, **kwargs):
        huey.storage_class, huey.storage_kwargs = storage_class, kwargs
        huey.immediate = False
        huey.storage = huey.create_storage()
        huey.flush()
        return huey

    yield point
    huey.flush()
    huey.immediate = True
    huey.storage_class, huey.storage_kwargs = saved


def _start(app, tmp_path, queue_url, *arguments, **environment):
    env = dict(
        os.environ,
        ELP_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        ELP_INDEX_DIR=str(tmp_path / "index"),
        ELP_WORKER_QUEUE_URL=queue_url,
        **environment,
    )
    log = (tmp_path / "worker.log").open("w")  # a file, not a pipe no one reads while it runs
    return subprocess.Popen(
        [ELP, *(arguments or ["worker"])], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def _wait_for(condition, seconds=30, what="the worker"):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what} did not get there in {seconds} s"
        time.sleep(0.1)
    return found


def _stop(process):
    process.send_signal(signal.SIGINT)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return process.returncode


def _rebuild_runs_through(app, tmp_path, queue_url):
    admin = make_admin()
    _db.session.add(ReindexRun(requested_by_id=admin.id))
    _db.session.commit()
    reindex_runs.start()  # queued here, in the web process
    worker = _start(app, tmp_path, queue_url)
    try:

        def finished():
            _db.session.expire_all()
            return _db.session.scalars(
                select(JobRun).where(JobRun.name == "rebuild-index", JobRun.status != "running")
            ).first()

        run = _wait_for(finished)
        assert _db.session.scalar(select(ReindexRun.finished_at)) is not None
        assert run.status == services.FINISHED and run.worker.endswith(f":{worker.pid}")
    finally:
        assert _stop(worker) == 0
    assert "Running background jobs from " in (tmp_path / "worker.log").read_text()


def test_elp_worker_runs_the_jobs_queued_in_the_instance_folder(app, db, tmp_path, on_queue):
    path = tmp_path / "queue.sqlite3"
    on_queue(SqliteStorage, filename=str(path))
    _rebuild_runs_through(app, tmp_path, f"sqlite:///{path}")


@pytest.mark.skipif(not _redis_answers(), reason="no Redis answers on 127.0.0.1:6379")
def test_elp_worker_runs_the_jobs_queued_in_redis(app, db, tmp_path, on_queue):
    on_queue(RedisStorage, url=REDIS_URL)
    _rebuild_runs_through(app, tmp_path, REDIS_URL)


def test_a_worker_killed_while_sending_leaves_a_run_that_is_retried(app, db, tmp_path, on_queue):
    path = tmp_path / "queue.sqlite3"
    on_queue(SqliteStorage, filename=str(path))
    silent = socket.socket()  # a mail server that takes the connection and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    email = OutboxEmail(
        to="jo@school.example", subject="Your booking", body="Hello",
        message_id="<booking@elp-exchange.example>", retry_until=utcnow() + timedelta(hours=48),
    )  # fmt: skip
    _db.session.add(email)
    _db.session.commit()
    from elp.notifications.services import delivery_job

    delivery_job([email.id])
    worker = _start(app, tmp_path, f"sqlite:///{path}", ELP_MAIL_SERVER="127.0.0.1",
                    ELP_MAIL_PORT=str(silent.getsockname()[1]))  # fmt: skip
    try:

        def sending():
            _db.session.expire_all()
            return _db.session.scalar(select(JobRun).where(JobRun.name == "deliver-email"))

        _wait_for(sending)
        worker.send_signal(signal.SIGKILL)  # mid-send: no chance to record anything
        worker.wait(10)
    finally:
        silent.close()
        if worker.poll() is None:
            worker.kill()
    run = sending()
    assert run.status == services.RUNNING  # as the dead worker left it

    # Nine minutes on: the run has not beaten, and the email's claim has lapsed.
    nine_minutes_ago = utcnow() - timedelta(minutes=9)
    with _db.engine.begin() as connection:
        connection.execute(update(JobRun).values(heartbeat_at=nine_minutes_ago))
        connection.execute(update(OutboxEmail).values(claimed_until=nine_minutes_ago))
        # The dead worker may have taken this minute's turn of the recovery timer itself.
        connection.execute(delete(TimerLock).where(TimerLock.name == "recover-lost-jobs"))
    huey = queue.huey
    huey.immediate = True  # this process's worker runs the recovery, and what it queues
    schedule.recover_lost_jobs()

    _db.session.expire_all()
    first, second = _db.session.scalars(
        select(JobRun).where(JobRun.name == "deliver-email").order_by(JobRun.id)
    ).all()
    assert first.status == services.RETRIED and first.failure == services.LOST
    assert second.status == services.FINISHED and second.attempt == 2
    assert [message["To"] for message in mailer.sent_messages] == ["jo@school.example"]
    assert _db.session.scalar(select(OutboxEmail.sent_at)) is not None


def test_elp_run_starts_a_worker_and_stops_it_with_the_server(app, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = _start(app, tmp_path, f"sqlite:///{tmp_path / 'queue.sqlite3'}",
                    "run", "--port", str(port), "--no-reload")  # fmt: skip

    def worker_pid():
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        for pid in children.read_text().split() if children.exists() else []:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"worker" in command:
                return int(pid)
        return None

    try:
        pid = _wait_for(worker_pid, what="elp run's worker")
    finally:
        _stop(server)
    assert (
        not Path(f"/proc/{pid}").exists()
        or b"Z" in Path(f"/proc/{pid}/stat").read_bytes().split()[2:3]
    )

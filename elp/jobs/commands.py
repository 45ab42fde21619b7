"""`elp worker`, and `elp run` with a worker beside the development server."""

import os
import signal
import subprocess
import sys

import click
from flask.cli import run_command as flask_run_command

from elp.jobs import queue

WORKER_STOP_SECONDS = 10


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="How many jobs run at once.")
def worker_command(threads):
    """Run the background work: email, timers, imports, index rebuilds, payment sync."""
    from elp.jobs import schedule  # noqa: F401  (the timers are known only to the worker)

    if queue.huey.immediate:
        raise click.ClickException("WORKER_QUEUE_URL is 'immediate': there is no queue to run.")
    click.echo(f"Running background jobs from {queue.describe_queue()}.")
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=True)
    consumer.run()


def _run_with_worker(worker, **options):
    """Flask's development server, with `elp worker` in a process of its own beside it."""
    # With the reloader, this runs again in the child that serves; the first process
    # starts the one worker.
    started = None
    if worker and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        started = subprocess.Popen([sys.executable, "-m", "elp", "worker"])
    try:
        click.get_current_context().invoke(flask_run_command, **options)
    finally:
        if started is not None:
            _stop(started)


def _stop(process):
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)  # the worker finishes the jobs it has started
    try:
        process.wait(WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


run_with_worker_command = click.Command(
    "run",
    callback=_run_with_worker,
    params=[
        *flask_run_command.params,
        click.Option(
            ["--worker/--no-worker"],
            default=True,
            show_default=True,
            help="Start a background worker (elp worker) beside the server.",
        ),
    ],
    help="Run the development server, with a background worker beside it.",
    short_help="Run the development server and a worker.",
)

commands = [worker_command]

"""ELP_WORKER_QUEUE_URL chooses where jobs wait: a SQLite file in the instance folder by
default, Redis for several nodes; anything else is refused at start, saying what is wanted.
Each case starts a fresh Python, as the configuration is read on import."""

import os
import subprocess
import sys

DESCRIBE = """
from elp import create_app
from elp.jobs import queue
app = create_app()
print(type(queue.huey.storage).__name__, queue.describe_queue())
"""


def _start(tmp_path, **environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith("ELP_")}
    env["ELP_DATABASE_URL"] = f"sqlite:///{tmp_path / 'elp.db'}"
    return subprocess.run(
        [sys.executable, "-c", DESCRIBE], env=env | environment, cwd=tmp_path,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_jobs_wait_in_a_sqlite_file_by_default(tmp_path):
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr
    storage, described = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert storage == "SqliteStorage" and described.endswith("worker-queue.sqlite3")


def test_a_redis_url_puts_the_jobs_in_redis_without_showing_its_password(tmp_path):
    result = _start(tmp_path, ELP_WORKER_QUEUE_URL="redis://:s3cret@127.0.0.1:6379/2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "RedisStorage Redis at 127.0.0.1:6379/2"


def test_any_other_queue_is_refused_at_start_saying_what_is_wanted(tmp_path):
    result = _start(tmp_path, ELP_WORKER_QUEUE_URL="postgresql://localhost/elp")
    assert result.returncode != 0
    assert "ELP_WORKER_QUEUE_URL must be redis://" in result.stderr

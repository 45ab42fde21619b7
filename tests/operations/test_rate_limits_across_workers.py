"""Rate limits counted in Redis hold across gunicorn workers: with `-w 2` sign-in and the
API refuse at exactly their documented limits, not at twice them (as memory:// did, each
worker counting on its own).

Needs a Redis server on 127.0.0.1:6379: skipped with the reason when none answers, failed
instead when ELP_REQUIRE_REDIS=1 (as in CI, which starts one)."""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest

from elp.accounts.views import SIGN_IN_LIMIT
from elp.config import Config

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
REDIS = ("127.0.0.1", 6379)
WSGI = '''
from elp import config, create_app


class LimitsOfThisTest(config.config_from_environment()):
    RATELIMIT_KEY_PREFIX = {prefix!r}


app = create_app(LimitsOfThisTest)
'''


def _redis_answers():
    try:
        with socket.create_connection(REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_url():
    if not _redis_answers():
        reason = "no Redis answers on 127.0.0.1:6379"
        if os.environ.get("ELP_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required (ELP_REQUIRE_REDIS=1) but {reason}")
        pytest.skip(f"Rate limits across workers not tested: {reason}")
    return "redis://127.0.0.1:6379/0"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(arguments, environment, cwd):
    done = subprocess.run(arguments, env=environment, cwd=cwd, capture_output=True, text=True,
                          timeout=180, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(redis_url, tmp_path_factory):
    """gunicorn with two workers on a migrated SQLite database, counting limits in Redis
    under keys of this run's own (other runs may share the server)."""
    folder = tmp_path_factory.mktemp("limits")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ELP_")} | {
        "ELP_DATABASE_URL": f"sqlite:///{folder / 'elp.db'}",
        "ELP_INDEX_DIR": str(folder / "index"),
        "ELP_RATELIMIT_STORAGE_URI": redis_url,
        "PYTHONPATH": str(folder),
    }
    (folder / "limits_wsgi.py").write_text(WSGI.format(prefix=f"elp-test-{uuid.uuid4().hex}"))
    _run([str(BIN / "elp"), "db", "upgrade"], environment, folder)
    _run([str(BIN / "elp"), "reindex"], environment, folder)
    token = _run(
        [str(BIN / "elp"), "issue-api-token", "--name", "Limits test"], environment, folder
    ).strip().splitlines()[-1]
    port = _free_port()
    log = open(folder / "access.log", "w+")  # noqa: SIM115 (kept open while gunicorn runs)
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", "-",
         "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "limits_wsgi:app"],
        env=environment, cwd=folder, stdout=log, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            build_opener().open(f"{base}/contact", timeout=5)
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("gunicorn did not start")
    yield base, token, folder / "access.log"
    process.terminate()
    process.wait(timeout=30)
    log.close()


def _status(opener, request):
    try:
        return opener.open(request, timeout=30).status
    except HTTPError as error:
        return error.code


def _workers_that_served(log_path, method, path):
    """The worker processes gunicorn's access log says served these requests."""
    lines = Path(log_path).read_text().splitlines()
    return {line.split()[0] for line in lines if line.split()[1:3] == [method, path]}


def test_sign_in_refuses_at_exactly_its_limit_across_two_workers(server):
    base, _, log_path = server
    limit = int(SIGN_IN_LIMIT.split()[0])
    opener = build_opener(HTTPCookieProcessor())
    page = opener.open(f"{base}/sign-in", timeout=30).read().decode()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )

    def attempt(number):
        # A different address each time, so the per-address lockout never answers first.
        body = urlencode({"csrf_token": csrf.group(1), "email": f"nobody{number}@school.example",
                          "password": "not the password"}).encode()  # fmt: skip
        return _status(opener, Request(f"{base}/sign-in", data=body))

    # Two at a time, so both workers answer (each sync worker takes one request at once).
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(attempt, range(limit + 6)))

    assert sorted(statuses) == [200] * limit + [429] * 6
    assert len(_workers_that_served(log_path, "POST", "/sign-in")) == 2


def test_the_api_refuses_at_exactly_its_limit_across_two_workers(server):
    base, token, log_path = server
    limit = int(Config.API_RATE_LIMIT.split()[0])
    opener = build_opener()

    def search(number):
        request = Request(f"{base}/api/v1/offers?q=phonics",
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        return _status(opener, request)

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(search, range(limit + 10)))

    assert sorted(statuses) == [200] * limit + [429] * 10
    assert len(_workers_that_served(log_path, "GET", "/api/v1/offers")) == 2

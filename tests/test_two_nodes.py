"""Two app nodes, as production runs them: two gunicorn servers on this machine, each with
its own search index folder, sharing one PostgreSQL database. An offer published through
one is found through the other within 2 s; a booking made through one shows on the other at
once; an acceptance raced across the two makes one booking."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from elp.bookings.models import Booking
from elp.extensions import db as _db
from tests.factories import PASSWORD, make_lead, make_member, make_offer, make_request

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("ELP_TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="two nodes share one PostgreSQL database: set ELP_TEST_DATABASE_URL",
    ),
]
ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
FOUND_WITHIN_SECONDS = 2.0


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def running_nodes(app, tmp_path_factory):
    """Two running nodes, started once for these tests; their base URLs."""
    tmp_path = tmp_path_factory.mktemp("nodes")
    started, urls = [], []
    for name in ("a", "b"):
        port = _free_port()
        env = dict(
            os.environ,
            ELP_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            ELP_INDEX_DIR=str(tmp_path / f"index-{name}"),
            ELP_WORKER_QUEUE_URL=f"sqlite:///{tmp_path / f'queue-{name}.sqlite3'}",
            ELP_SECRET_KEY="two-nodes-share-one-secret-key-of-some-length",
            ELP_BASE_URL=f"http://127.0.0.1:{port}",
        )
        log = (tmp_path / f"node-{name}.log").open("w")
        command = [GUNICORN, "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"]
        started.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, process in zip(urls, started, strict=True):
            _wait_until_serving(url, process)
        yield urls
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def nodes(running_nodes, db):
    return running_nodes


def _wait_until_serving(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "a node stopped while starting"
        try:
            if requests.get(f"{url}/sign-in", timeout=20).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not start in {seconds} s")


def _csrf(response):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)


def _signed_in(url, user):
    """A browser signed in as `user` through the node at `url`."""
    browser = requests.Session()
    form = browser.get(f"{url}/sign-in", timeout=10)
    response = browser.post(
        f"{url}/sign-in",
        data={"email": user.email, "password": PASSWORD, "csrf_token": _csrf(form)},
        timeout=10,
    )
    assert response.status_code == 200 and "Sign out" in response.text, response.text[:500]
    return browser


def _post(browser, url, path, **data):
    token = _csrf(browser.get(f"{url}/", timeout=10))
    return browser.post(
        f"{url}{path}", data={**data, "csrf_token": token}, timeout=10, allow_redirects=False
    )


def _bookings():
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(Booking))


def test_an_offer_published_through_one_node_is_found_through_the_other(nodes):
    node_a, node_b = nodes
    lead = make_lead()
    offer = make_offer(lead.school, title="Kingfisher outdoor maths", status="draft",
                       serves_all_districts=True, published_at=None)  # fmt: skip
    seeker = make_member()
    searching = _signed_in(node_b, seeker)
    assert "Kingfisher outdoor maths" not in searching.get(f"{node_b}/search?q=kingfisher").text

    publishing = _signed_in(node_a, lead)
    response = _post(publishing, node_a, f"/offers/{offer.id}/publish")
    assert response.status_code == 302, re.sub(r"\s+", " ", response.text)[-1500:]
    published = time.monotonic()

    while "Kingfisher outdoor maths" not in searching.get(f"{node_b}/search?q=kingfisher").text:
        assert time.monotonic() - published < FOUND_WITHIN_SECONDS, "node b never found it"
        time.sleep(0.1)


def test_a_booking_made_through_one_node_shows_on_the_other_at_once(nodes):
    node_a, node_b = nodes
    request = make_request(make_offer(title="Reading recovery coaching"))
    offering = make_lead(request.offering_school)
    seeker = request.requested_by
    proposal_id = request.latest_proposal.id

    accepting = _signed_in(node_a, offering)
    response = _post(accepting, node_a, f"/requests/{request.id}/accept", proposal_id=proposal_id)
    assert response.status_code == 302 and "/bookings/" in response.headers["Location"]

    bookings_page = _signed_in(node_b, seeker).get(f"{node_b}/bookings", timeout=10)
    assert "Reading recovery coaching" in bookings_page.text
    booking_path = response.headers["Location"].removeprefix(node_a)
    assert _signed_in(node_b, offering).get(f"{node_b}{booking_path}").status_code == 200


def test_an_acceptance_raced_across_the_two_nodes_makes_one_booking(nodes):
    request = make_request(make_offer(title="Phonics for new teachers"))
    request_id, proposal_id = request.id, request.latest_proposal.id
    colleagues = [make_lead(request.offering_school), make_member(request.offering_school)]
    browsers = [_signed_in(url, user) for url, user in zip(nodes, colleagues, strict=True)]
    tokens = [_csrf(browser.get(f"{url}/")) for url, browser in zip(nodes, browsers, strict=True)]
    ready = threading.Barrier(2, timeout=20)
    answers = [None, None]

    def accept(index):
        ready.wait()
        answers[index] = (
            browsers[index]
            .post(
                f"{nodes[index]}/requests/{request_id}/accept",
                data={"proposal_id": proposal_id, "csrf_token": tokens[index]},
                timeout=20,
                allow_redirects=False,
            )
            .status_code
        )

    racers = [threading.Thread(target=accept, args=(index,)) for index in (0, 1)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(30)

    assert sorted(answers) == [302, 409]  # one booked; the other told it changed meanwhile
    assert _bookings() == 1

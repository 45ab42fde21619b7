"""ELP_LOG_FORMAT=json writes one JSON object a line, each with the request's id, and the id
goes back to the caller and into work done on the request's behalf later."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from elp.operations.request_log import bound_request_id, current_request_id

SCRIPT = textwrap.dedent(
    """
    import logging, sys
    from elp import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1],
                      "LOG_FORMAT": "json"})
    client = app.test_client()
    answer = client.get("/contact", headers={"X-Request-ID": "proxy-id-0123456789"})
    print("ANSWER", answer.headers["X-Request-ID"], flush=True)
    answer = client.get("/no-such-page")
    print("ANSWER", answer.headers["X-Request-ID"], flush=True)
    logging.getLogger("elp.test").warning("outside a request, with \\"quotes\\"\\nand a newline")
    """
)


@pytest.fixture
def logged(tmp_path):
    environment = {**os.environ, "ELP_LOG_FORMAT": "json"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "elp.db")],
        capture_output=True, text=True, env=environment, timeout=120, check=True,
    )  # fmt: skip
    answers = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("ANSWER")]
    return answers, done.stderr.splitlines()


def test_every_line_is_one_json_object_with_the_request_id(logged):
    answers, lines = logged

    entries = [json.loads(line) for line in lines]  # every line parses on its own

    assert all({"time", "level", "logger", "message", "request_id"} <= set(e) for e in entries)
    requests = [e for e in entries if e["logger"] == "elp.requests"]
    assert [(e["path"], e["status"], e["endpoint"]) for e in requests] == [
        ("/contact", 200, "pages.contact"),
        ("/no-such-page", 404, None),
    ]
    # The proxy's id is kept; a request without one gets a new one; both go back to the caller.
    assert [e["request_id"] for e in requests] == answers
    assert answers[0] == "proxy-id-0123456789" and len(answers[1]) == 32
    outside = [e for e in entries if e["logger"] == "elp.test"]
    assert outside == [
        {**outside[0], "request_id": None, "message": 'outside a request, with "quotes"\nand a newline'}
    ]


def test_a_request_id_is_refused_if_it_could_forge_a_line(client):
    response = client.get("/contact", headers={"X-Request-ID": 'x" , "level": "INFO'})

    assert response.headers["X-Request-ID"] != 'x" , "level": "INFO'
    assert len(response.headers["X-Request-ID"]) == 32


def test_a_background_job_carries_the_request_id_it_was_queued_with():
    assert current_request_id() is None
    with bound_request_id("queued-by-request-1"):
        assert current_request_id() == "queued-by-request-1"
    assert current_request_id() is None


def test_a_request_refused_before_its_view_still_has_an_id(client):
    response = client.get("/search?q=phonics%00")  # refused with a 400 before any view

    assert response.status_code == 400
    assert len(response.headers["X-Request-ID"]) == 32

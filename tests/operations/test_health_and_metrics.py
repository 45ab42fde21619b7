"""/healthz says whether the service can do its work, naming what fails; /metrics gives
Prometheus the figures, only to whoever holds the metrics token."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from elp.billing import services as billing_services
from elp.billing.models import Charge
from elp.notifications.models import OutboxEmail
from elp.notifications.services import queue_email
from elp.operations.heartbeat import record_worker_heartbeat, worker_last_seen, workers_seen
from elp.search import sync
from elp.search.models import SearchOutbox
from elp.timeutil import utcnow
from tests.factories import make_booking, make_offer

TOKEN = "metrics-token-for-the-tests-0123456789"


@pytest.fixture
def healthy(app, db):
    """A service with its index built and a worker seen a moment ago."""
    sync.reindex(app)
    record_worker_heartbeat()
    return app


def test_a_healthy_service_answers_200_with_every_check(client, healthy):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "index", "outbox", "worker"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["index"]["behind"] == 0
    assert body["checks"]["outbox"]["backlog"] == 0
    assert body["failing"] == []
    assert response.headers["Cache-Control"] == "no-store"


def test_no_worker_seen_is_a_503_naming_the_worker(client, app, db):
    sync.reindex(app)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json["failing"] == ["worker"]
    assert "elp worker" in response.json["checks"]["worker"]["message"]


def test_a_worker_silent_too_long_fails_the_check(client, healthy, db):
    record_worker_heartbeat(now=utcnow() - timedelta(minutes=4))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json["failing"] == ["worker"]
    assert response.json["checks"]["worker"]["last_seen_seconds"] >= 240


def test_the_heartbeat_keeps_one_row_a_node_and_the_newest_time(db):
    earlier = utcnow() - timedelta(minutes=2)
    record_worker_heartbeat(now=earlier, node="node-1")
    record_worker_heartbeat(now=earlier + timedelta(minutes=1), node="node-1")
    record_worker_heartbeat(now=earlier - timedelta(minutes=5), node="node-2")

    assert [node for node, _ in workers_seen()] == ["node-1", "node-2"]
    assert worker_last_seen() == earlier + timedelta(minutes=1)


def test_a_missing_index_fails_the_index_check(client, db):
    record_worker_heartbeat()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json["failing"] == ["index"]
    assert "elp reindex" in response.json["checks"]["index"]["message"]


def test_an_index_that_cannot_catch_up_fails_with_how_far_behind(client, healthy, db, monkeypatch):
    # Changes made while this node's index cannot apply them (another process holds its
    # lock for ever, say): the outbox rows wait.
    monkeypatch.setitem(healthy.config, "SEARCH_SYNC_ON_COMMIT", False)
    monkeypatch.setattr(sync, "catch_up_if_behind", lambda app=None: None)
    make_offer(title="Phonics catch-up")
    db.session.execute(update(SearchOutbox).values(created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()

    response = client.get("/healthz")

    assert response.status_code == 503
    index = response.json["checks"]["index"]
    assert response.json["failing"] == ["index"]
    assert index["behind"] >= 1 and index["oldest_behind_seconds"] >= 300


def test_an_index_behind_catches_up_when_asked(client, healthy, db, monkeypatch):
    monkeypatch.setitem(healthy.config, "SEARCH_SYNC_ON_COMMIT", False)
    make_offer(title="Phonics catch-up")
    sync.forget_catch_up_times()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json["checks"]["index"]["behind"] == 0


def test_an_email_unsent_for_a_quarter_of_an_hour_fails_the_outbox(
    client, healthy, db, monkeypatch
):
    monkeypatch.setitem(healthy.config, "MAIL_DELIVERY", "command")  # the mail server is down
    queue_email("head@school.example", "Hello", "password_reset", user=None, minutes=60,
                link="http://localhost/x")  # fmt: skip
    db.session.execute(update(OutboxEmail).values(created_at=utcnow() - timedelta(minutes=16)))
    db.session.commit()

    response = client.get("/healthz")

    assert response.status_code == 503
    outbox = response.json["checks"]["outbox"]
    assert response.json["failing"] == ["outbox"]
    assert outbox["backlog"] == 1 and outbox["oldest_unsent_seconds"] >= 960


def test_a_database_that_does_not_answer_fails_every_check_that_needs_it(
    client, healthy, monkeypatch
):
    from elp.operations import health

    def unreachable():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert "database" in response.json["failing"]
    # The error's kind, not its details (which may name hosts), is shown.
    assert response.json["checks"]["database"]["message"] == "ConnectionError while checking"


# --- /metrics --------------------------------------------------------------------------------


def test_metrics_do_not_exist_without_a_token_configured(client, app):
    assert app.config["METRICS_TOKEN"] is None
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "]
)
def test_metrics_refuse_anyone_without_the_token(client, app, monkeypatch, header):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    headers = {"Authorization": header} if header else {}

    response = client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"elp_" not in response.data


def _metrics(client):
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.data.decode()


def _value(page, series):
    for line in page.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{series} is not in the metrics")


def test_metrics_count_latency_by_endpoint_and_the_services_state(
    client, healthy, db, monkeypatch
):
    monkeypatch.setitem(healthy.config, "METRICS_TOKEN", TOKEN)
    monkeypatch.setitem(healthy.config, "MAIL_DELIVERY", "command")
    booking = make_booking()
    assert len(billing_services.charges_for_booking(booking)) == 1
    overdue = utcnow().date() - timedelta(days=1)
    db.session.execute(update(Charge).values(due_date=overdue))
    queue_email("head@school.example", "Hello", "password_reset", user=None, minutes=60,
                link="http://localhost/x")  # fmt: skip
    db.session.commit()
    before = _metrics(client)
    client.get("/healthz")
    client.get("/healthz")

    page = _metrics(client)

    series = 'elp_request_duration_seconds_count{endpoint="operations.healthz",method="GET"}'
    assert _value(page, series) - _value(before, series) == 2
    assert _value(page, 'elp_charges{state="pending"}') == 1
    assert _value(page, 'elp_charges{state="overdue"}') == 1
    assert _value(page, "elp_email_backlog") == 1
    assert _value(page, 'elp_index_lag{measure="changes"}') == 0
    assert _value(page, 'elp_failed_jobs{kind="reindex"}') == 0
    assert 0 <= _value(page, "elp_worker_last_seen_seconds") < 60

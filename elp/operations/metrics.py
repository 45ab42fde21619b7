"""/metrics in Prometheus's text format (prometheus_client), for whoever holds
ELP_METRICS_TOKEN.

Two kinds of figure:
- request latency by endpoint, counted in each process as requests are answered. Under
  gunicorn every worker has its own; set PROMETHEUS_MULTIPROC_DIR (an empty folder each
  start, docs/deployment.md) and the scrape adds up every worker's.
- the state of the service (index lag, email backlog, failed jobs, charges pending and
  overdue), read from the database at each scrape, so every worker and node gives the same
  answer and nothing is kept in step.
"""

import os
import time

from flask import g, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from elp.accounts.models import SchoolImportRun
from elp.billing.models import Charge, ChargeStatus
from elp.extensions import db
from elp.operations import health
from elp.search import sync
from elp.search.models import ReindexRun
from elp.timeutil import uk_today

# Pages should answer within 300 ms at p95 (PRODUCT.md section 6): buckets around that.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_LATENCY = Histogram(
    "elp_request_duration_seconds",
    "Time to answer a request, by endpoint (the route's name, not the URL) and method.",
    ["endpoint", "method"],
    buckets=LATENCY_BUCKETS,
)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def init_app(app):
    app.before_request(_start_timer)
    app.after_request(_observe)


def _start_timer():
    g.metrics_started = time.perf_counter()


def _observe(response):
    started = g.pop("metrics_started", None)
    if started is not None:
        # The rule's endpoint, so /offers/1 and /offers/2 are one series; "none" for a 404.
        endpoint = request.url_rule.endpoint if request.url_rule else "none"
        REQUEST_LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
    return response


class ServiceState:
    """The figures read from the database when Prometheus scrapes."""

    def collect(self):
        index = sync.index_status()
        lag = GaugeMetricFamily(
            "elp_index_lag", "Search index changes this node has not applied yet.",
            labels=["measure"],
        )  # fmt: skip
        lag.add_metric(["changes"], index["behind"] or 0)
        lag.add_metric(["oldest_seconds"], index["oldest_behind_seconds"] or 0)
        yield lag

        backlog, oldest, not_sent = health.email_backlog()
        yield GaugeMetricFamily(
            "elp_email_backlog", "Emails queued and not sent yet.", value=backlog
        )
        yield GaugeMetricFamily(
            "elp_email_oldest_unsent_seconds", "Age of the oldest email waiting to be sent.",
            value=health.seconds_since(oldest) or 0,
        )  # fmt: skip
        yield GaugeMetricFamily(
            "elp_emails_not_sent", "Emails not sent after every attempt.", value=not_sent
        )

        failed = GaugeMetricFamily(
            "elp_failed_jobs", "Background jobs that failed, by kind.", labels=["kind"]
        )
        for kind, model in (("reindex", ReindexRun), ("school_import", SchoolImportRun)):
            count = db.session.scalar(
                select(func.count()).select_from(model).where(model.failure.is_not(None))
            )
            failed.add_metric([kind], count)
        yield failed

        charges = GaugeMetricFamily(
            "elp_charges", "Service charges waiting to be paid, and those overdue.",
            labels=["state"],
        )  # fmt: skip
        pending = Charge.status == ChargeStatus.PENDING
        for state, condition in (
            ("pending", pending),
            ("overdue", pending & (Charge.due_date < uk_today())),
        ):
            charges.add_metric(
                [state], db.session.scalar(select(func.count()).select_from(Charge).where(condition))
            )
        yield charges

        seen = health.seconds_since(health.worker_last_seen())
        yield GaugeMetricFamily(
            "elp_worker_last_seen_seconds",
            "Seconds since any worker's heartbeat (-1: never seen).",
            value=-1 if seen is None else seen,
        )


def exposition():
    """The metrics page's body: this process's (or, with PROMETHEUS_MULTIPROC_DIR, every
    worker's) latencies, and the service's state."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
    registry.register(ServiceState())
    return generate_latest(registry)

"""Each benchmark in bench/ still runs: its smoke size, as a separate process, as it is run by hand.

The benchmarks call the services directly and serve the app with gunicorn, so a change to
either can break them without failing any other test. The smoke run is tiny and not timed.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize(
    ("benchmark", "figures"),
    [
        ("search_bench.py", ["Offers indexed:   40", "whole mix", "Whoosh p95 / FTS5 p95"]),
        (
            "http_bench.py",
            [
                "search results page",
                "Search ÷ trivial throughput",
                "request page, 6 proposals",
                "Request page ÷ trivial throughput",
                "inbox, 10 requests",
                "inbox, 100 requests",
                "Inbox (100) ÷ trivial throughput",
                "home page, 100 waiting",
                "Home page (100) ÷ trivial throughput",
            ],
        ),
        (
            "scale_bench.py",
            [
                "Schema: elp db upgrade",
                "support_request",
                "report: activity, one district",
                "report: unmet-demand",
                "report: schools-joined",
                "audit log",
                "inbox (Requests)",
                "home page",
                "charges",
            ],
        ),
    ],
)
def test_the_benchmark_runs_at_its_smoke_size_and_prints_its_figures(benchmark, figures):
    run_smoke(benchmark, figures)


def postgres_server():
    """The PostgreSQL server of the tests' database, if the tests run on PostgreSQL: the
    benchmarks make a database of their own on it, and drop it, never touching the tests'."""
    url = os.environ.get("ELP_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("Needs PostgreSQL: set ELP_TEST_DATABASE_URL to a postgresql+psycopg URL")
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def test_the_scale_benchmark_loads_postgresql_with_copy_at_its_smoke_size():
    run_smoke("scale_bench.py", ["(PostgreSQL)", "charge", "report: conversion", "charges"],
              "--postgres", postgres_server())


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("locust") is None,
                    reason="Locust is in the dev extra: pip install -e '.[dev]'")
def test_the_load_benchmark_plays_the_journeys_for_a_few_seconds_without_errors():
    stdout = run_smoke("load_bench.py", ["search results", "home page", "All pages"])
    assert "Errors: 0;" in stdout


def run_smoke(benchmark, figures, *arguments):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ELP_")}
    result = subprocess.run(
        [sys.executable, str(BENCH / benchmark), "--smoke", *arguments],
        check=False,
        cwd=BENCH.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Smoke run" in result.stdout
    for figure in figures:
        assert figure in result.stdout
    return result.stdout

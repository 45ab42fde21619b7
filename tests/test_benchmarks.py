"""Each benchmark in bench/ still runs: its smoke size, as a separate process, as it is run by hand.

The benchmarks call the services directly and serve the app with gunicorn, so a change to
either can break them without failing any other test. The smoke run is tiny and not timed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    ],
)
def test_the_benchmark_runs_at_its_smoke_size_and_prints_its_figures(benchmark, figures):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ELP_")}
    result = subprocess.run(
        [sys.executable, str(BENCH / benchmark), "--smoke"],
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

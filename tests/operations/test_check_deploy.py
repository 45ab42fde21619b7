"""`elp check-deploy` refuses a configuration unfit for production, naming every problem at
once, and passes one that is fit. Each case runs the real command in a fresh process, as
the configuration is read from the environment when elp.config is imported."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ELP = str(Path(sys.executable).with_name("elp"))
SECRET = "a-long-random-production-secret-key-0123456789"


def run(tmp_path, *arguments, **environment):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELP_") and k != "FLASK_DEBUG"}
    return subprocess.run(
        [ELP, *arguments], check=False, env=env | environment, cwd=tmp_path,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def fit(tmp_path_factory):
    """A configuration fit for production, on a migrated SQLite database (consented to),
    migrated once for the module."""
    tmp_path = tmp_path_factory.mktemp("deploy")
    environment = {
        "ELP_ENV": "production",
        "ELP_SECRET_KEY": SECRET,
        "ELP_DATABASE_URL": f"sqlite:///{tmp_path / 'elp.db'}",
        "ELP_ALLOW_SQLITE": "1",
        "ELP_INDEX_DIR": str(tmp_path / "index"),
        "ELP_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/5",
        "ELP_BASE_URL": "https://exchange.partnership.example",
        "ELP_METRICS_TOKEN": "metrics-token-0123456789",
        "ELP_STRIPE_SECRET_KEY": "sk_test_123",
        "ELP_STRIPE_WEBHOOK_SECRET": "whsec_123",
    }
    upgraded = run(tmp_path, "db", "upgrade", **environment)
    assert upgraded.returncode == 0, upgraded.stderr
    return environment


def test_a_fit_configuration_passes(tmp_path, fit):
    result = run(tmp_path, "check-deploy", **fit)

    assert result.returncode == 0, result.stderr
    assert "The configuration is fit for production." in result.stdout


def test_every_problem_is_named_at_once(tmp_path):
    result = run(
        tmp_path, "check-deploy",
        ELP_SECRET_KEY="too-short", ELP_STRIPE_SECRET_KEY="sk_test_123",
        ELP_BASE_URL="http://exchange.partnership.example", FLASK_DEBUG="1",
        ELP_DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'elp.db'}",
    )  # fmt: skip

    assert result.returncode == 1
    for problem in [
        "ELP_ENV is not production",
        "debug mode is on",
        "ELP_SECRET_KEY is shorter than 32 characters",
        "the database is SQLite",
        "set ELP_RATELIMIT_STORAGE_URI to a Redis server",
        "ELP_STRIPE_SECRET_KEY is set without ELP_STRIPE_WEBHOOK_SECRET",
        "ELP_BASE_URL is not https://",
        "ELP_METRICS_TOKEN is not set",
        "could not read the fee policy in force from the database",
    ]:
        assert problem in result.stderr


FIT_SETTINGS = {
    "SECRET_KEY": SECRET,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://elp@db.internal/elp",
    "ALLOW_SQLITE": False,
    "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0",
    "BASE_URL": "https://exchange.partnership.example",
    "METRICS_TOKEN": "metrics-token-0123456789",
    "STRIPE_SECRET_KEY": "sk_live_123",
    "STRIPE_WEBHOOK_SECRET": "whsec_123",
    "DEBUG": False,
}


@pytest.mark.parametrize(
    ("change", "environ", "problem"),
    [
        ({}, {"ELP_ENV": "development"}, "ELP_ENV is not production"),
        ({"DEBUG": True}, {}, "debug mode is on"),
        ({}, {"FLASK_DEBUG": "true"}, "debug mode is on"),
        ({"SECRET_KEY": "development-only-not-secret"}, {}, "the development default"),
        ({"SECRET_KEY": "x" * 31}, {}, "shorter than 32 characters"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///elp.db"}, {}, "the database is SQLite"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, {}, "with memory:// each gunicorn worker"),
        ({"RATELIMIT_STORAGE_URI": None}, {}, "with memory:// each gunicorn worker"),
        ({"STRIPE_WEBHOOK_SECRET": None}, {}, "without ELP_STRIPE_WEBHOOK_SECRET"),
        ({"BASE_URL": "http://exchange.partnership.example"}, {}, "ELP_BASE_URL is not https://"),
        ({"METRICS_TOKEN": None}, {}, "ELP_METRICS_TOKEN is not set"),
    ],
)
def test_each_problem_alone_fails_the_check(change, environ, problem):
    from elp.operations.deploy_check import configuration_problems

    assert configuration_problems(FIT_SETTINGS, {"ELP_ENV": "production"}) == []

    problems = configuration_problems(FIT_SETTINGS | change, {"ELP_ENV": "production"} | environ)

    assert len(problems) == 1 and problem in problems[0], problems


def test_sqlite_with_consent_and_no_stripe_at_all_are_fit():
    from elp.operations.deploy_check import configuration_problems

    settings = FIT_SETTINGS | {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///elp.db", "ALLOW_SQLITE": True,
        "STRIPE_SECRET_KEY": None, "STRIPE_WEBHOOK_SECRET": None,
    }  # fmt: skip

    assert configuration_problems(settings, {"ELP_ENV": "production"}) == []


def test_vat_charged_needs_elps_vat_number_and_postal_address(tmp_path, fit):
    shutil.copy(fit["ELP_DATABASE_URL"].removeprefix("sqlite:///"), tmp_path / "elp.db")
    fit = fit | {"ELP_DATABASE_URL": f"sqlite:///{tmp_path / 'elp.db'}"}
    with sqlite3.connect(tmp_path / "elp.db") as connection:
        connection.execute(
            "INSERT INTO fee_policy (in_force_from, created_at, basis_points, minimum_pence, "
            "maximum_pence, payer, vat_basis_points, payment_terms_days, void_on_cancellation) "
            "VALUES ('2020-01-01', '2020-01-01 00:00:00', 500, 1000, 25000, 'seeking', 2000, "
            "30, 1)"
        )

    missing = run(tmp_path, "check-deploy", **fit)
    half = run(tmp_path, "check-deploy", **fit, ELP_VAT_NUMBER="GB123456789")
    whole = run(
        tmp_path, "check-deploy", **fit, ELP_VAT_NUMBER="GB123456789",
        ELP_POSTAL_ADDRESS="Essex Learning Partnership; County Hall; Chelmsford CM1 1QH",
    )  # fmt: skip

    assert missing.returncode == half.returncode == 1
    assert "charges VAT (20%) but ELP_VAT_NUMBER and ELP_POSTAL_ADDRESS are not set" in (
        missing.stderr
    )
    assert "charges VAT (20%) but ELP_POSTAL_ADDRESS is not set" in half.stderr
    assert whole.returncode == 0, whole.stderr

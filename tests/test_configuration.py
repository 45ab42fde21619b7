"""Every setting is read from the ELP_* environment variables that PRODUCT.md names.

The configuration is read when elp.config is imported, so each case starts a fresh Python.
"""

import json
import os
import subprocess
import sys

import pytest

READ_CONFIG = """
import json
from elp import create_app
app = create_app()
names = ["ENV_NAME", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "INDEX_DIR", "MAIL_SERVER",
         "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM", "MAIL_BACKEND",
         "RATELIMIT_STORAGE_URI", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "BASE_URL",
         "SESSION_COOKIE_SECURE", "TRUSTED_PROXIES", "CONTACT_EMAIL", "STRIPE_API_BASE",
         "BANK_DETAILS", "POSTAL_ADDRESS", "VAT_NUMBER"]
print(json.dumps({name: app.config[name] for name in names}))
"""


SAFE_SECRET_KEY = "a-long-random-production-secret-key"


def _start(tmp_path, environment):
    """Create the app in a fresh Python that sees only these ELP_* variables (and FLASK_DEBUG)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ELP_") and key != "FLASK_DEBUG"
    }
    return subprocess.run(
        [sys.executable, "-c", READ_CONFIG],
        env=env | environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _config_with(tmp_path, **environment):
    result = _start(tmp_path, environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_setting_comes_from_its_environment_variable(tmp_path):
    config = _config_with(
        tmp_path,
        ELP_ENV="production",
        ELP_ALLOW_SQLITE="1",
        ELP_DATABASE_URL=f"sqlite:///{tmp_path / 'elp.db'}",
        ELP_SECRET_KEY=SAFE_SECRET_KEY,
        ELP_INDEX_DIR=str(tmp_path / "index"),
        ELP_MAIL_SERVER="mail.partnership.example",
        ELP_MAIL_PORT="2525",
        ELP_MAIL_USERNAME="exchange",
        ELP_MAIL_PASSWORD="mail-secret",
        ELP_MAIL_FROM="ELP <exchange@partnership.example>",
        ELP_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/3",
        ELP_STRIPE_SECRET_KEY="sk_test_123",
        ELP_STRIPE_WEBHOOK_SECRET="whsec_123",
        ELP_STRIPE_API_BASE="http://127.0.0.1:12111",
        ELP_BASE_URL="https://exchange.partnership.example",
        ELP_TRUSTED_PROXIES="2",
        ELP_CONTACT_EMAIL="exchange@partnership.example",
        ELP_BANK_DETAILS="Sort code: 20-00-00; Account number: 12345678",
        ELP_POSTAL_ADDRESS="County Hall; Market Road; Chelmsford; CM1 1QH",
        ELP_VAT_NUMBER="GB 123 4567 89",
    )
    assert config == {
        "ENV_NAME": "production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'elp.db'}",
        "SECRET_KEY": SAFE_SECRET_KEY,
        "INDEX_DIR": str(tmp_path / "index"),
        "MAIL_SERVER": "mail.partnership.example",
        "MAIL_PORT": 2525,
        "MAIL_USERNAME": "exchange",
        "MAIL_PASSWORD": "mail-secret",
        "MAIL_FROM": "ELP <exchange@partnership.example>",
        "MAIL_BACKEND": "smtp",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/3",
        "STRIPE_SECRET_KEY": "sk_test_123",
        "STRIPE_WEBHOOK_SECRET": "whsec_123",
        "STRIPE_API_BASE": "http://127.0.0.1:12111",
        "BASE_URL": "https://exchange.partnership.example",
        "SESSION_COOKIE_SECURE": True,
        "TRUSTED_PROXIES": 2,
        "CONTACT_EMAIL": "exchange@partnership.example",
        "BANK_DETAILS": "Sort code: 20-00-00; Account number: 12345678",
        "POSTAL_ADDRESS": "County Hall; Market Road; Chelmsford; CM1 1QH",
        "VAT_NUMBER": "GB 123 4567 89",
    }


def test_without_any_variable_the_development_defaults_work(tmp_path):
    config = _config_with(tmp_path)
    assert config["ENV_NAME"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("elp.db")
    assert config["MAIL_BACKEND"] == "file"
    assert config["MAIL_PORT"] == 587
    assert config["STRIPE_SECRET_KEY"] is None
    assert config["STRIPE_API_BASE"] == "https://api.stripe.com"
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["TRUSTED_PROXIES"] == 0
    assert config["CONTACT_EMAIL"] == "help@elp-exchange.example"
    assert config["BANK_DETAILS"] is None  # invoices say whom to ask: no made-up account


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"ELP_ENV": "production", "ELP_DATABASE_URL": "postgresql+psycopg://db/elp"},
         "set ELP_SECRET_KEY"),
        ({"ELP_ENV": "production", "ELP_SECRET_KEY": SAFE_SECRET_KEY},
         "set ELP_DATABASE_URL to a PostgreSQL database"),
        ({"ELP_ENV": "production", "ELP_SECRET_KEY": "x" * 31, "ELP_ALLOW_SQLITE": "1"},
         "at least 32 characters"),
        ({"ELP_ENV": "production", "ELP_SECRET_KEY": SAFE_SECRET_KEY, "ELP_ALLOW_SQLITE": "1",
          "FLASK_DEBUG": "1"},
         "turn off debug mode"),
        ({"ELP_ENV": "production", "ELP_SECRET_KEY": SAFE_SECRET_KEY, "ELP_ALLOW_SQLITE": "1"},
         "set ELP_RATELIMIT_STORAGE_URI to a Redis server"),
        ({"ELP_ENV": "production", "ELP_SECRET_KEY": SAFE_SECRET_KEY, "ELP_ALLOW_SQLITE": "1",
          "ELP_RATELIMIT_STORAGE_URI": "memory://"},
         "set ELP_RATELIMIT_STORAGE_URI to a Redis server"),
        ({"ELP_ENV": "testing"}, "ELP_ENV=testing is only for the test suite"),
        ({"ELP_TRUSTED_PROXIES": "one"}, "ELP_TRUSTED_PROXIES must be a whole number, like 0"),
        ({"ELP_ENV": "staging"}, "ELP_ENV must be one of"),
    ],
)  # fmt: skip
def test_production_refuses_to_start_when_unsafe(tmp_path, environment, message):
    result = _start(tmp_path, environment)
    assert result.returncode != 0
    assert message in result.stderr

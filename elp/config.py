"""Configuration, read from ELP_* environment variables.

Every setting has a working development default except the Stripe keys: without them
service charges are invoiced offline. `ELP_ENV` chooses the configuration class
(development, production); see docs/decisions/0002-configuration.md.
"""

import os
from datetime import timedelta

DEFAULT_SECRET_KEY = "development-only-not-secret"
# Sessions and links are signed with the secret key: shorter than this, it can be guessed.
MIN_SECRET_KEY_LENGTH = 32


def _env(name, default=None):
    value = os.environ.get(name, "").strip()
    return value or default


def _whole_number_env(name, default):
    value = _env(name, str(default))
    if not (value.isascii() and value.isdigit()):
        raise RuntimeError(f"{name} must be a whole number, like {default}, not {value!r}.")
    return int(value)


class Config:
    ENV_NAME = "development"
    SECRET_KEY = _env("ELP_SECRET_KEY", DEFAULT_SECRET_KEY)
    # None means "a SQLite file in the instance folder"; create_app fills it in.
    SQLALCHEMY_DATABASE_URI = _env("ELP_DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    INDEX_DIR = _env("ELP_INDEX_DIR")
    BASE_URL = _env("ELP_BASE_URL", "http://127.0.0.1:5000")
    # Where schools write to ELP: shown on the contact, accessibility and privacy pages and
    # behind the feedback link in the phase banner.
    CONTACT_EMAIL = _env("ELP_CONTACT_EMAIL", "help@elp-exchange.example")

    MAIL_SERVER = _env("ELP_MAIL_SERVER")
    MAIL_PORT = int(_env("ELP_MAIL_PORT", "587"))
    MAIL_USERNAME = _env("ELP_MAIL_USERNAME")
    MAIL_PASSWORD = _env("ELP_MAIL_PASSWORD")
    MAIL_FROM = _env("ELP_MAIL_FROM", "ELP Exchange <no-reply@elp-exchange.example>")
    # "smtp" when a mail server is configured, otherwise "file": each email is written
    # to the instance folder's mail/ and logged. Tests use "memory".
    MAIL_BACKEND = "smtp" if MAIL_SERVER else "file"
    # Emails a request queues are sent by the worker after its commit; "inline"
    # sends them before the response (tests, to read them at once).
    MAIL_DELIVERY = "background"

    RATELIMIT_STORAGE_URI = _env("ELP_RATELIMIT_STORAGE_URI", "memory://")
    # How many reverse proxies in front of the app to believe about the client's address and
    # scheme (X-Forwarded-For, X-Forwarded-Proto). With none, anyone reaching the app directly
    # could claim any address in the header and dodge every rate limit.
    TRUSTED_PROXIES = _whole_number_env("ELP_TRUSTED_PROXIES", 0)
    RATELIMIT_HEADERS_ENABLED = True
    # Requests to the search API per token or signed-in user (Flask-Limiter syntax).
    API_RATE_LIMIT = "120 per minute"

    STRIPE_SECRET_KEY = _env("ELP_STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = _env("ELP_STRIPE_WEBHOOK_SECRET")
    # Where the Stripe client sends its requests: Stripe itself, or stripe-mock or a local
    # stand-in in staging. STRIPE_HTTP_CLIENT, when set, is the stripe.HTTPClient it uses
    # (the tests give it a fake that records each request).
    STRIPE_API_BASE = _env("ELP_STRIPE_API_BASE", "https://api.stripe.com")
    STRIPE_HTTP_CLIENT = None
    # The payee, sort code and account shown on offline invoices, parts separated by ";"
    # ("Payee: Essex Learning Partnership; Sort code: 20-00-00; Account number: 12345678").
    # Unset, invoices ask schools to write to CONTACT_EMAIL for them: never a made-up account.
    BANK_DETAILS = _env("ELP_BANK_DETAILS")
    # ELP's postal address on invoices and credit notes, parts separated by ";"
    # ("Essex Learning Partnership; County Hall; Market Road; Chelmsford; CM1 1QH"), and its
    # VAT registration number ("GB 123 4567 89"). Both are required before a fee policy may
    # charge VAT: a VAT invoice without them is not one a school may reclaim VAT on.
    POSTAL_ADDRESS = _env("ELP_POSTAL_ADDRESS")
    VAT_NUMBER = _env("ELP_VAT_NUMBER")
    # How PDFs (invoices, access code letters) are made: "weasyprint"; the test suite uses "placeholder".
    PDF_RENDERER = "weasyprint"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Uploads: a national GIAS extract is about 60 MB; anything larger is refused with a 413.
    MAX_CONTENT_LENGTH = 100 * 1024 * 1024

    ACCESS_CODE_DAYS = 30
    # Negotiation and bookings (PRODUCT.md 3.4–3.6): a proposal unanswered this long
    # expires its request; a delivered booking completes by itself this long after delivery;
    # each school's feedback shows once both have written or this long has passed.
    PROPOSAL_EXPIRY_DAYS = 10
    BOOKING_AUTO_COMPLETE_DAYS = 14
    FEEDBACK_REVEAL_DAYS = 7
    # Where background jobs wait for `elp worker` (email, timers, GIAS uploads, index
    # rebuilds, payment sync): unset, a SQLite file in the instance folder, for one machine;
    # "redis://…" for several nodes (decision 29). The test suite uses "immediate": each job
    # runs at once in the caller.
    WORKER_QUEUE_URL = _env("ELP_WORKER_QUEUE_URL")
    INVITATION_DAYS = 7
    PASSWORD_RESET_SECONDS = 60 * 60

    # Refuse SQLite in production unless this is set to "1" (a single-node pilot, say).
    ALLOW_SQLITE = _env("ELP_ALLOW_SQLITE") == "1"

    # Operations (docs/deployment.md): the log's format ("text" or "json"), the token that
    # opens /metrics (unset, /metrics is a 404), and when /healthz calls a check failing.
    LOG_FORMAT = _env("ELP_LOG_FORMAT", "text")
    METRICS_TOKEN = _env("ELP_METRICS_TOKEN")
    HEALTH_INDEX_LAG_SECONDS = 60
    HEALTH_OUTBOX_AGE_SECONDS = 15 * 60
    HEALTH_WORKER_SECONDS = 3 * 60


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    WTF_CSRF_ENABLED = False
    WORKER_QUEUE_URL = "immediate"
    MAIL_BACKEND = "memory"
    MAIL_DELIVERY = "inline"
    RATELIMIT_STORAGE_URI = "memory://"
    STRIPE_SECRET_KEY = None
    STRIPE_WEBHOOK_SECRET = None
    BANK_DETAILS = None
    # Set, so the tests that charge VAT may; the tests of their absence unset them.
    POSTAL_ADDRESS = "County Hall; Market Road; Chelmsford; CM1 1QH"
    VAT_NUMBER = "GB 999 9999 73"
    PDF_RENDERER = "placeholder"
    BASE_URL = "http://localhost"
    LOG_FORMAT = "text"
    METRICS_TOKEN = None


# TestingConfig is not here: it turns CSRF off and fixes the secret key, so only the test
# suite may use it, and the tests pass their settings to create_app instead of ELP_ENV.
CONFIGS = {"development": Config, "production": ProductionConfig}


def config_from_environment():
    """Return the configuration class that ELP_ENV names (development by default)."""
    name = _env("ELP_ENV", "development")
    if name == TestingConfig.ENV_NAME:
        raise RuntimeError(
            "ELP_ENV=testing is only for the test suite (it turns off CSRF protection and uses "
            "a fixed secret key): use development or production."
        )
    if name not in CONFIGS:
        raise RuntimeError(f"ELP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    return CONFIGS[name]


LOG_FORMATS = ("text", "json")
MEMORY_RATE_LIMITS = (
    "set ELP_RATELIMIT_STORAGE_URI to a Redis server (redis://…): with memory:// each "
    "gunicorn worker counts on its own, so every limit lets through as many times more"
)


def counts_rate_limits_per_process(config):
    """Whether rate limits (sign-in, join, password reset, the API) are counted in each
    process's memory rather than in one store all workers and nodes share."""
    return (config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://")


def check_production_safety(config):
    """Refuse to start in production with an unsafe configuration."""
    problems = []
    secret_key = config.get("SECRET_KEY") or ""
    if secret_key == DEFAULT_SECRET_KEY or len(secret_key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            "set ELP_SECRET_KEY to a long random value "
            f"(at least {MIN_SECRET_KEY_LENGTH} characters)"
        )
    if config.get("DEBUG"):
        # Debug mode serves the Werkzeug debugger, which runs any Python a visitor types.
        problems.append("turn off debug mode (unset FLASK_DEBUG)")
    uri = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if uri.startswith("sqlite") and not config.get("ALLOW_SQLITE"):
        problems.append("set ELP_DATABASE_URL to a PostgreSQL database (or ELP_ALLOW_SQLITE=1)")
    if counts_rate_limits_per_process(config):
        problems.append(MEMORY_RATE_LIMITS)
    if problems:
        raise RuntimeError("ELP Exchange will not start in production: " + "; ".join(problems))

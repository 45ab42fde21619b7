"""`elp check-deploy`: every reason the configuration in the environment is unfit for
production, each named, so a deployment can refuse to go ahead (docs/deployment.md).

It reads the environment as production would (`ProductionConfig`), whatever ELP_ENV says,
and goes on past the first problem: the app itself refuses to start on the worst of them
(elp.config.check_production_safety), one at a time.
"""

import os

from sqlalchemy.exc import SQLAlchemyError

from elp import config as config_module

HTTPS = "https://"


def configuration_problems(settings, environ=None):
    """The problems in `settings` (a mapping of the app's config names) that need no
    database to find, as sentences saying what to do."""
    environ = os.environ if environ is None else environ
    problems = []
    if environ.get("ELP_ENV", "").strip() != "production":
        problems.append("ELP_ENV is not production: set ELP_ENV=production")
    if settings.get("DEBUG") or environ.get("FLASK_DEBUG", "").strip().lower() in (
        "1", "true", "yes", "on",
    ):  # fmt: skip
        problems.append(
            "debug mode is on (FLASK_DEBUG): the debugger runs any Python a visitor types"
        )
    secret = settings.get("SECRET_KEY") or ""
    if secret == config_module.DEFAULT_SECRET_KEY:
        problems.append("ELP_SECRET_KEY is the development default: set a long random value")
    elif len(secret) < config_module.MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"ELP_SECRET_KEY is shorter than {config_module.MIN_SECRET_KEY_LENGTH} characters"
        )
    uri = settings.get("SQLALCHEMY_DATABASE_URI") or "sqlite"
    if uri.startswith("sqlite") and not settings.get("ALLOW_SQLITE"):
        problems.append(
            "the database is SQLite: set ELP_DATABASE_URL to PostgreSQL "
            "(or ELP_ALLOW_SQLITE=1 for a single-node pilot)"
        )
    if config_module.counts_rate_limits_per_process(settings):
        problems.append(config_module.MEMORY_RATE_LIMITS)
    if settings.get("STRIPE_SECRET_KEY") and not settings.get("STRIPE_WEBHOOK_SECRET"):
        problems.append(
            "ELP_STRIPE_SECRET_KEY is set without ELP_STRIPE_WEBHOOK_SECRET: payments would "
            "never be marked paid"
        )
    if not (settings.get("BASE_URL") or "").startswith(HTTPS):
        problems.append("ELP_BASE_URL is not https://: links in emails would not be secure")
    if not settings.get("METRICS_TOKEN"):
        problems.append("ELP_METRICS_TOKEN is not set: /metrics is off and nothing can watch")
    return problems


def vat_problems(settings, vat_basis_points):
    """Invoices charging VAT must show ELP's VAT number and postal address."""
    if not vat_basis_points:
        return []
    missing = [
        name
        for name, key in (("ELP_VAT_NUMBER", "VAT_NUMBER"), ("ELP_POSTAL_ADDRESS", "POSTAL_ADDRESS"))
        if not settings.get(key)
    ]
    if not missing:
        return []
    verb = "is" if len(missing) == 1 else "are"
    return [
        (
            f"the fee policy in force charges VAT ({vat_basis_points / 100:g}%) but "
            f"{' and '.join(missing)} {verb} not set: invoices would not be valid VAT invoices"
        )
    ]


def all_problems(environ=None):
    """Every problem with the environment's configuration, reading the fee policy in force
    from its database (a database that does not answer is a problem too)."""
    from elp import create_app
    from elp.billing import services as billing_services

    class Checked(config_module.ProductionConfig):
        REFUSE_UNSAFE_START = False

    app = create_app(Checked)
    settings = app.config
    problems = configuration_problems(settings, environ)
    try:
        with app.app_context():
            vat = billing_services.terms_in_force().vat_basis_points
    except SQLAlchemyError as error:  # unreachable, or not migrated: say so, keep checking
        problems.append(
            f"could not read the fee policy in force from the database ({type(error).__name__}): "
            "check ELP_DATABASE_URL and run elp db upgrade"
        )
    else:
        problems.extend(vat_problems(settings, vat))
    return problems

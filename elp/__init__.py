"""ELP Exchange: the application factory."""

from pathlib import Path

from flask import Flask

from elp import config as config_module
from elp import form_data
from elp.extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Create the app; `config` is a config class or a mapping of overrides for tests."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=True,
    )
    _load_config(app, config)
    import elp.models  # noqa: F401  (every table is known before anything uses the database)

    from elp import operations

    # First, so every request (even one CSRF or a rate limit refuses before its view) has an
    # id and is timed; its after-request hooks run last, on the final response.
    operations.init_app(app)
    _bind_extensions(app)
    form_data.install()
    _register_blueprints(app)

    from elp import errors, security, templating

    errors.register(app)
    security.register(app)
    templating.register(app)

    from elp import billing, notifications, offers, search
    from elp.jobs import queue

    queue.init_app(app)
    notifications.init_app(app)
    offers.init_app(app)
    search.init_app(app)
    billing.init_app(app)

    from elp.cli import register_commands

    register_commands(app)
    from elp.operations.request_log import configure_logging

    configure_logging(app.config["LOG_FORMAT"])
    return app


def _load_config(app, config):
    if isinstance(config, dict):
        app.config.from_object(config_module.TestingConfig)
        app.config.update(config)
    else:
        app.config.from_object(config or config_module.config_from_environment())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'elp.db'}"
    if not app.config.get("INDEX_DIR"):
        app.config["INDEX_DIR"] = str(Path(app.instance_path) / "index")
    if app.config.get("LOG_FORMAT") not in config_module.LOG_FORMATS:
        raise RuntimeError(
            f"ELP_LOG_FORMAT must be text or json, not {app.config.get('LOG_FORMAT')!r}."
        )
    # `elp check-deploy` creates the app to read the database, and reports the same problems
    # itself rather than stopping at the first.
    if app.config["ENV_NAME"] == "production" and app.config.get("REFUSE_UNSAFE_START", True):
        config_module.check_production_safety(app.config)


def _bind_extensions(app):
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"


def _register_blueprints(app):
    from elp.bounds import IdConverter

    # Before any route is added: every <int:…> in the app is bounded.
    app.url_map.converters["int"] = IdConverter
    from elp.accounts.views import bp as accounts_bp
    from elp.admin.views import bp as admin_bp
    from elp.api.views import bp as api_bp
    from elp.billing.payment_views import bp as payments_bp
    from elp.billing.school_views import bp as charges_bp
    from elp.bookings.views import bp as bookings_bp
    from elp.negotiation.inbox_views import bp as inbox_bp
    from elp.notifications.views import bp as notifications_bp
    from elp.negotiation.views import bp as negotiation_bp
    from elp.offers.views import bp as offers_bp
    from elp.operations.views import bp as operations_bp
    from elp.pages.views import bp as pages_bp
    from elp.search.saved_search_views import bp as saved_searches_bp
    from elp.search.views import bp as search_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(inbox_bp)
    app.register_blueprint(payments_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(offers_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(bookings_bp)
    app.register_blueprint(charges_bp)
    app.register_blueprint(negotiation_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(saved_searches_bp, url_prefix="/search/saved")

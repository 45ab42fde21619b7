"""Fixtures shared by every test: app, client, db, login_as, and the network guard.

Tests run on SQLite by default; set ELP_TEST_DATABASE_URL to a PostgreSQL URL
(postgresql+psycopg://…) to run the same suite there.
"""

import os
import socket

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import g, has_app_context

from elp import create_app
from elp.accounts import sessions
from elp.extensions import db as _db
from elp.extensions import limiter
from elp.notifications import mailer
from elp.search import sync as search_sync
from elp.security import SESSION_TOKEN_KEY

LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that opens a network connection, or looks up a host name, other than
    this machine's."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOCAL_HOSTS:
            raise RuntimeError(f"Tests may not open network connections (to {address!r}).")

    def guarded_connect(sock, address):
        check(sock, address)
        return real_connect(sock, address)

    def guarded_connect_ex(sock, address):
        check(sock, address)
        return real_connect_ex(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in LOCAL_HOSTS and host is not None:
            raise RuntimeError(f"Tests may not look up other hosts (here {host!r}).")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


def _database_url(tmp_path_factory):
    url = os.environ.get("ELP_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the session; each test starts from empty tables."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "INDEX_DIR": str(instance / "index"),
        }
    )
    app.instance_path = str(instance)
    with app.app_context():
        _build_schema()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _build_schema():
    """Build the schema through the migrations, as `elp db upgrade` does, so every test
    (on SQLite and on PostgreSQL) runs on the schema production gets."""
    _db.drop_all()
    with _db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    flask_migrate.upgrade()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table, the search index, the sent-mail list and the rate limits after each test."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())
        search_sync.reset_index(app)
        limiter.reset()
    mailer.sent_messages.clear()


@pytest.fixture
def db(app):
    """The database, inside an app context."""
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


class HeldJobs:
    """The worker's queue, holding jobs until the test runs them as `elp worker` does."""

    def __init__(self, huey):
        self.huey = huey

    def __len__(self):
        return self.huey.pending_count()

    def names(self):
        return [task.name for task in self.huey.pending()]

    def run(self):
        """Take each job off the queue and run it, as a worker would; return how many ran."""
        ran = 0
        while (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            ran += 1
        return ran


@pytest.fixture
def held_jobs(app):
    """Jobs wait in a real (in-memory) Huey queue instead of running at once."""
    from huey.storage import MemoryStorage

    from elp.jobs import queue

    huey = queue.huey
    saved = huey.storage_class, huey.storage_kwargs
    huey.storage_class, huey.storage_kwargs = MemoryStorage, {}
    huey.immediate = False
    yield HeldJobs(huey)
    huey.immediate = True
    huey.storage_class, huey.storage_kwargs = saved


@pytest.fixture
def login_as(client):
    """Sign a user in on the test client without going through the sign-in page (with a
    session record, as the sign-in page makes)."""

    def login(user):
        token = sessions.begin_session(user, "Test browser")
        _db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session[SESSION_TOKEN_KEY] = token
        # Requests made inside the test's app context share its `g`, where Flask-Login keeps
        # the user it loaded: forget it, so the next request loads this user.
        if has_app_context():
            g.pop("_login_user", None)
        return client

    return login


@pytest.fixture
def sent_emails():
    """The emails the service sent during the test (the memory mail backend)."""
    return mailer.sent_messages


@pytest.fixture
def real_pdfs(app, monkeypatch):
    """Make PDFs with WeasyPrint, as the service does, rather than the suite's placeholder.

    Without WeasyPrint or the Pango library it needs, the test skips with the reason; with
    ELP_REQUIRE_PDF=1 (as in CI) it fails instead, so a missing library never passes unseen.
    """
    from elp import pdf

    missing = pdf.unavailable_reason()
    if missing:
        if os.environ.get("ELP_REQUIRE_PDF") == "1":
            pytest.fail(f"PDF tests are required (ELP_REQUIRE_PDF=1) but {missing}")
        pytest.skip(f"PDF tests skipped: {missing}")
    monkeypatch.setitem(app.config, "PDF_RENDERER", "weasyprint")


@pytest.fixture
def fake_stripe(app, monkeypatch):
    """Stripe configured, its client talking to a fake that records every request (for the
    billing tests, and for the browser tests' live server, which serves the same app)."""
    from tests.fake_stripe import SECRET_KEY, WEBHOOK_SECRET, FakeStripe

    fake = FakeStripe()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setitem(app.config, "STRIPE_HTTP_CLIENT", fake)
    return fake


@pytest.fixture
def runner(app):
    return app.test_cli_runner()

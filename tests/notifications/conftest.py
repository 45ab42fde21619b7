"""The local SMTP server the email tests send through."""

import pytest

from tests.notifications.smtp_server import LocalSMTPServer, self_signed_tls


@pytest.fixture(scope="session")
def smtp_tls(tmp_path_factory):
    return self_signed_tls(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture
def smtp_server(app, smtp_tls, monkeypatch):
    """A running SMTP server on this machine, and the app sending its email to it."""
    server = LocalSMTPServer(smtp_tls)
    server.start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    yield server
    server.stop()

"""Emails wait in the outbox until their transaction commits, and are sent once."""

import threading
from datetime import timedelta

import pytest
from jinja2 import DictLoader

from elp.extensions import db as _db
from elp.notifications import mailer, services
from elp.notifications.models import OutboxEmail
from elp.notifications.services import deliver_outbox, queue_email
from elp.timeutil import utcnow
from tests.factories import make_member


@pytest.fixture(autouse=True)
def message_template(app, monkeypatch):
    """A throwaway email template, so these tests do not depend on any feature's emails."""
    template = DictLoader({"emails/test_message.txt": "Hello {{ name }}, this is a test."})
    monkeypatch.setattr(app.jinja_loader, "loaders", [template, *app.jinja_loader.loaders])


@pytest.fixture
def by_command(app, monkeypatch):
    """Leave committed emails queued for `deliver_outbox`, as `elp deliver-mail` finds them."""
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "command")


def _queue(app):
    with app.test_request_context():
        return queue_email("head@school.example", "Test subject", "test_message", name="Ada")


def test_a_rolled_back_email_is_never_sent(app, db, sent_emails):
    _queue(app)
    _db.session.rollback()
    assert deliver_outbox() == 0
    assert sent_emails == []


def test_a_committed_email_is_sent_after_the_commit_and_only_once(app, db, sent_emails):
    _queue(app)
    assert sent_emails == []
    _db.session.commit()
    assert len(sent_emails) == 1
    assert deliver_outbox() == 0
    assert len(sent_emails) == 1
    assert sent_emails[0]["Subject"] == "Test subject"
    assert "Ada" in sent_emails[0].get_content()


def test_a_failed_send_stays_queued_for_the_next_delivery(app, db, by_command, sent_emails, monkeypatch):
    _queue(app)
    _db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "broken")
    monkeypatch.setitem(mailer.BACKENDS, "broken", _refuse)
    assert deliver_outbox() == 0
    email = _db.session.scalar(_db.select(OutboxEmail))
    assert email.sent_at is None and "refused" in email.last_error
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "memory")
    assert deliver_outbox() == 0  # not due again for a minute
    assert services.deliver_due_emails(now=utcnow() + timedelta(minutes=1)).sent == 1
    assert len(sent_emails) == 1


def test_deliver_mail_command_sends_what_is_queued(app, db, by_command, runner, sent_emails):
    _queue(app)
    _db.session.commit()
    result = runner.invoke(args=["deliver-mail"])
    assert result.exit_code == 0
    assert "Sent 1 email; 0 emails to try again later; 0 emails not sent." in result.output
    assert len(sent_emails) == 1


def _refuse(email):
    raise ConnectionRefusedError("refused by the mail server")


def test_an_email_another_process_is_sending_is_left_to_it(app, db, by_command, sent_emails):
    email = _queue(app)
    _db.session.commit()
    _claim_elsewhere(email.id, minutes=5)

    assert deliver_outbox() == 0
    assert sent_emails == []


def test_an_email_whose_sender_died_is_sent_once_its_claim_runs_out(app, db, by_command, sent_emails):
    email = _queue(app)
    _db.session.commit()
    _claim_elsewhere(email.id, minutes=-1)

    assert deliver_outbox() == 1
    assert len(sent_emails) == 1


def _claim_elsewhere(email_id, minutes):
    """Claim the email as another process's delivery would, directly in the database."""
    with _db.engine.begin() as connection:
        connection.execute(
            _db.update(OutboxEmail)
            .where(OutboxEmail.id == email_id)
            .values(claimed_until=utcnow() + timedelta(minutes=minutes), attempts=1)
        )


def test_a_request_does_not_wait_for_the_mail_server(app, client, db, held_jobs, monkeypatch):
    make_member(email="jo@school.example")
    delivered = []
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "background")
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "recording")
    monkeypatch.setitem(mailer.BACKENDS, "recording", lambda email: delivered.append(email.to))

    response = client.post("/forgot-password", data={"email": "jo@school.example"})

    assert response.status_code == 200  # answered with the email still waiting for the worker
    assert delivered == [] and held_jobs.names() == ["deliver-email"]
    assert held_jobs.run() == 1
    assert delivered == ["jo@school.example"]
    assert _db.session.scalar(_db.select(OutboxEmail.sent_at)) is not None


def test_a_command_sends_its_emails_itself_before_it_goes_on(app, db, monkeypatch, sent_emails):
    """In a command (no request waiting) a commit's emails are sent by the command, not by
    a thread it could exit without."""
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "background")
    before = set(threading.enumerate())
    with app.app_context():
        queue_email("head@school.example", "Test subject", "test_message", name="Ada")
        _db.session.commit()
        assert len(sent_emails) == 1  # sent by the time the commit returns
    assert set(threading.enumerate()) <= before


def test_after_a_commit_only_its_own_emails_are_attempted(app, db, monkeypatch, sent_emails):
    """An email waiting for its next attempt is not tried again by someone else's commit."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "broken")
    monkeypatch.setitem(mailer.BACKENDS, "broken", _refuse)
    waiting = _queue(app)
    _db.session.commit()
    assert _db.session.get(OutboxEmail, waiting.id).attempts == 1
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "memory")

    _queue(app)
    _db.session.commit()

    _db.session.expire_all()
    assert _db.session.get(OutboxEmail, waiting.id).attempts == 1  # left for its due time
    assert len(sent_emails) == 1

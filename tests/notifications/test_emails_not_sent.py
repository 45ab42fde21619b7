"""Admins see the emails that could not be sent, with the error, and send them again."""

from datetime import timedelta

from elp.audit import AuditEvent
from elp.extensions import db as _db
from elp.notifications.models import OutboxEmail
from elp.notifications.services import count_failed_emails
from elp.timeutil import utcnow
from tests.factories import make_admin


def _failed(to="gone@school.example", subject="Harlow Primary sent a message", **fields):
    now = utcnow()
    email = OutboxEmail(
        to=to, subject=subject, body="Hello.", message_id=f"<failed.{to.partition('@')[0]}@elp-exchange.example>",
        created_at=now - timedelta(hours=1), retry_until=now + timedelta(hours=47),
        failed_at=now, attempts=1,
        last_error="The mail server refused the address: 550 5.1.1 No such user here",
        **fields,
    )
    _db.session.add(email)
    _db.session.commit()
    return email


def test_the_admin_home_links_to_the_emails_not_sent_with_their_count(client, db, login_as):
    _failed()
    login_as(make_admin())
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/emails-not-sent">Emails not sent</a> (1)' in page


def test_an_admin_sees_each_failed_email_with_its_error(client, db, login_as):
    email = _failed()
    login_as(make_admin())
    page = client.get("/admin/emails-not-sent").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Emails not sent</h1>" in page
    assert "1 email not sent" in page
    assert "gone@school.example" in page and "Harlow Primary sent a message" in page
    assert "550 5.1.1 No such user here" in page
    assert f'action="/admin/emails-not-sent/{email.id}/send-again"' in page
    assert ">Send again<" in page


def test_with_nothing_failed_the_page_says_so(client, db, login_as):
    login_as(make_admin())
    page = client.get("/admin/emails-not-sent").get_data(as_text=True)
    assert "Every email has been sent, or is still being tried." in page


def test_send_again_sends_it_and_records_who_asked(client, db, login_as, sent_emails):
    email = _failed(to="moved@school.example")
    admin = make_admin()
    login_as(admin)
    response = client.post(f"/admin/emails-not-sent/{email.id}/send-again")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The email to moved@school.example will be sent again now" in page
    [sent] = sent_emails
    assert sent["Message-ID"] == "<failed.moved@elp-exchange.example>"
    _db.session.expire_all()
    assert _db.session.get(OutboxEmail, email.id).sent_at is not None
    assert count_failed_emails() == 0
    event = _db.session.scalar(_db.select(AuditEvent).where(AuditEvent.action == "email.sent_again"))
    assert event.actor_id == admin.id and event.subject_id == email.id


def test_sending_again_an_email_already_sent_again_is_refused_clearly(client, db, login_as):
    email = _failed()
    login_as(make_admin())
    client.post(f"/admin/emails-not-sent/{email.id}/send-again")
    response = client.post(f"/admin/emails-not-sent/{email.id}/send-again")
    assert response.status_code == 409
    assert "is no longer waiting to be sent again" in response.get_data(as_text=True)


def test_sending_again_an_email_that_does_not_exist_is_a_404(client, db, login_as):
    login_as(make_admin())
    assert client.post("/admin/emails-not-sent/999999/send-again").status_code == 404

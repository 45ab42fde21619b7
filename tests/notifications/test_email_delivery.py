"""Emails on the real SMTP path (a local aiosmtpd server): the headers receiving servers
judge them by, both parts, and an outbox that loses nothing and sends nothing twice
through a mail server that is down, refuses an address, or a sender killed mid-send."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from elp.extensions import db as _db
from elp.notifications import services
from elp.notifications.email_details import EmailDetails
from elp.notifications.models import OutboxEmail
from elp.notifications.services import count_failed_emails, deliver_due_emails, queue_email
from elp.timeutil import utcnow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def by_command(app, monkeypatch):
    """Leave committed emails to `deliver_due_emails`, as the worker finds them."""
    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "command")


def _queue(app, to="head@school.example", **options):
    with app.test_request_context():
        return queue_email(
            to, "Harlow Primary sent a message", "notification",
            user=SimpleNamespace(full_name="Ada Head"), details=EmailDetails(),
            text="Harlow Primary sent a message", link="https://elp.example/requests/7",
            **options,
        )


def _row(email_id):
    _db.session.expire_all()
    return _db.session.get(OutboxEmail, email_id)


def test_an_email_over_smtp_carries_its_headers_and_a_plain_and_an_html_part(
    app, db, smtp_server
):
    email = _queue(app, unsubscribe_url="https://elp.example/account/notifications")
    _db.session.commit()  # the first attempt follows the commit

    [received] = smtp_server.mailbox.messages
    row = _row(email.id)
    assert row.sent_at is not None
    assert received["Message-ID"] == row.message_id
    assert received["Message-ID"].startswith("<") and received["Message-ID"].endswith(">")
    assert received["Date"].datetime == row.created_at.replace(microsecond=0)
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["List-Unsubscribe"] == "<https://elp.example/account/notifications>"
    assert received.get_content_type() == "multipart/alternative"
    plain = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Harlow Primary sent a message." in plain
    assert "Harlow Primary sent a message." in html
    assert '<a href="https://elp.example/requests/7">' in html


def test_an_email_no_one_can_turn_off_has_no_list_unsubscribe(app, db, smtp_server):
    _queue(app)
    _db.session.commit()
    [received] = smtp_server.mailbox.messages
    assert "List-Unsubscribe" not in received
    assert received["Auto-Submitted"] == "auto-generated"


def test_the_mail_server_down_for_ten_minutes_loses_nothing_and_sends_each_email_once(
    app, db, by_command, smtp_server
):
    smtp_server.stop()
    emails = [_queue(app, to=f"user{n}@school.example") for n in range(3)]
    _db.session.commit()
    ids = [email.id for email in emails]
    start = utcnow()
    attempts_at = {email_id: [] for email_id in ids}
    seen = dict.fromkeys(ids, 0)

    now = start
    while now <= start + timedelta(minutes=30):
        if now >= start + timedelta(minutes=10) and smtp_server._controller is None:
            smtp_server.start()  # back after ten minutes
        deliver_due_emails(now=now)
        for email_id in ids:
            row = _row(email_id)
            if row.attempts != seen[email_id]:
                seen[email_id] = row.attempts
                attempts_at[email_id].append(now - start)
        now += timedelta(seconds=15)

    minutes = [timedelta(minutes=m) for m in (0, 1, 3, 7, 15)]  # waits of 1, 2, 4, 8
    for email_id in ids:
        row = _row(email_id)
        assert attempts_at[email_id] == minutes
        assert row.sent_at == start + timedelta(minutes=15) and row.failed_at is None
    received = smtp_server.mailbox.message_ids()
    assert sorted(received) == sorted(_row(email_id).message_id for email_id in ids)


def test_an_email_that_fails_for_48_hours_is_failed_and_counted_for_admins(
    app, db, by_command, smtp_server
):
    smtp_server.stop()
    email = _queue(app)
    _db.session.commit()
    waits = []
    row = _row(email.id)
    while row.failed_at is None:
        before = row.next_attempt_at
        deliver_due_emails(now=before)
        row = _row(email.id)
        if row.failed_at is None:
            waits.append(row.next_attempt_at - before)

    assert waits[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert set(waits[7:]) == {timedelta(hours=1)}  # never longer than an hour
    assert row.failed_at - row.created_at <= timedelta(hours=48)
    assert row.failed_at - row.created_at > timedelta(hours=47)
    assert row.last_error and row.sent_at is None
    assert count_failed_emails() == 1
    assert deliver_due_emails(now=row.failed_at + timedelta(days=1)).sent == 0


def test_an_address_the_mail_server_refuses_for_good_fails_at_once(app, db, smtp_server):
    smtp_server.mailbox.refused["gone@school.example"] = "550 5.1.1 No such user here"
    email = _queue(app, to="gone@school.example")
    _db.session.commit()

    row = _row(email.id)
    assert row.failed_at is not None and row.attempts == 1
    assert "550 5.1.1 No such user here" in row.last_error
    assert count_failed_emails() == 1
    assert smtp_server.mailbox.messages == []


def test_an_address_refused_for_now_is_tried_again(app, db, smtp_server):
    smtp_server.mailbox.refused["full@school.example"] = "452 4.2.2 Mailbox full"
    email = _queue(app, to="full@school.example")
    _db.session.commit()

    row = _row(email.id)
    assert row.failed_at is None and row.sent_at is None and "452" in row.last_error
    del smtp_server.mailbox.refused["full@school.example"]
    assert deliver_due_emails(now=row.next_attempt_at).sent == 1


def test_send_again_sends_a_failed_email_with_the_same_message_id(app, db, smtp_server):
    from tests.factories import make_admin

    admin = make_admin()
    smtp_server.mailbox.refused["moved@school.example"] = "550 5.1.1 No such user here"
    email = _queue(app, to="moved@school.example")
    _db.session.commit()
    message_id = _row(email.id).message_id
    del smtp_server.mailbox.refused["moved@school.example"]  # the school's mail is put right

    with app.test_request_context():
        services.send_again(email.id, admin)
        _db.session.commit()

    assert smtp_server.mailbox.message_ids() == [message_id]
    assert _row(email.id).sent_at is not None
    assert count_failed_emails() == 0


def test_a_sender_killed_after_the_server_accepted_resends_the_same_message_id(
    app, db, by_command, smtp_server, tmp_path
):
    """`elp deliver-mail` is killed (SIGKILL) after the mail server accepted its email and
    before it marked the row sent: the email is sent again once the claim runs out, as the
    same message, which the receiving server can recognise."""
    email = _queue(app)
    _db.session.commit()
    message_id = _row(email.id).message_id
    smtp_server.mailbox.hold_after_accepting = True

    env = {
        **os.environ,
        "ELP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ELP_INDEX_DIR": str(tmp_path / "index"),
        "ELP_MAIL_SERVER": "127.0.0.1",
        "ELP_MAIL_PORT": str(smtp_server.port),
    }
    sender = subprocess.Popen(
        [str(Path(sys.executable).with_name("elp")), "deliver-mail"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        assert smtp_server.mailbox.accepted.wait(60), sender.stderr.read1().decode()
    finally:
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(10)
    assert sender.returncode == -signal.SIGKILL
    row = _row(email.id)
    assert row.sent_at is None and row.claimed_until is not None  # killed before marking

    smtp_server.mailbox.hold_after_accepting = False
    assert deliver_due_emails().sent == 0  # the dead sender's claim still holds
    counts = deliver_due_emails(now=row.claimed_until + timedelta(seconds=1))

    assert counts.sent == 1
    assert smtp_server.mailbox.message_ids() == [message_id, message_id]

"""A user who forgot their password gets a time-limited, single-use link by email."""

import re
import statistics
import time

import pytest
from flask import g
from itsdangerous import URLSafeTimedSerializer

from elp.accounts.models import User
from elp.accounts.passwords import password_matches
from elp.audit import AuditEvent
from tests.factories import PASSWORD, make_member

NEW_PASSWORD = "five little ducks went swimming"
SENT = "If an account exists for {email}, we have sent a link to reset the password"


@pytest.fixture
def member(db):
    return make_member(email="jo@school.example", full_name="Jo Bloggs")


def ask_for_link(client, email):
    return client.post("/forgot-password", data={"email": email})


def reset_link(message):
    return re.search(r"http://localhost(/reset-password/\S+)", message.get_content()).group(1)


def reset(client, link, password=NEW_PASSWORD, confirm=None):
    return client.post(link, data={"password": password, "confirm_password": confirm or password})


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(
    client, db, member, sent_emails
):
    known = ask_for_link(client, "jo@school.example")
    unknown = ask_for_link(client, "nobody@school.example")

    assert known.status_code == unknown.status_code == 200
    assert SENT.format(email="jo@school.example").encode() in known.data
    assert SENT.format(email="nobody@school.example").encode() in unknown.data
    assert known.data.replace(b"jo@", b"") == unknown.data.replace(b"nobody@", b"")
    # Each address gets one email with the same subject: a link for the account, and for the
    # address without one, a note saying so (so both answers do the same work).
    assert [(m["To"], m["Subject"]) for m in sent_emails] == [
        ("jo@school.example", "Reset your ELP Exchange password"),
        ("nobody@school.example", "Reset your ELP Exchange password"),
    ]
    assert "/reset-password/" in sent_emails[0].get_content()
    no_account = sent_emails[1].get_content()
    assert "/reset-password/" not in no_account
    assert "there is no account with it" in no_account


def test_a_removed_user_is_sent_no_link(client, db, sent_emails):
    make_member(email="gone@school.example", active=False)
    response = ask_for_link(client, "gone@school.example")
    assert SENT.format(email="gone@school.example").encode() in response.data
    [message] = sent_emails
    assert "/reset-password/" not in message.get_content()


def test_the_answer_takes_the_same_time_whether_or_not_the_email_has_an_account(
    app, db, member
):
    """Both ways do the same work (one email queued and sent), so neither is measurably
    slower: the medians of many interleaved requests are within a third of each other
    (a lookup-only answer for unknown addresses was several times faster)."""
    from elp.accounts import services
    from elp.unit_of_work import unit_of_work

    def timed(email):
        started = time.perf_counter()
        with app.test_request_context(), unit_of_work():
            services.request_password_reset(email)
        return time.perf_counter() - started

    known, unknown = [], []
    for number in range(30):
        known.append(timed("jo@school.example"))
        unknown.append(timed(f"nobody{number}@school.example"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.75 < ratio < 1.33, (statistics.median(known), statistics.median(unknown))


def test_a_user_resets_their_password_with_the_emailed_link(client, db, member, sent_emails):
    ask_for_link(client, "JO@school.example")
    [message] = sent_emails
    assert "Reset your ELP Exchange password" in message["Subject"]
    assert "Dear Jo Bloggs" in message.get_content()
    link = reset_link(message)

    assert b"Choose a new password" in client.get(link).data
    response = reset(client, link)

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert b"Your password has been changed" in client.get("/sign-in").data
    user = db.session.get(User, member.id)
    assert password_matches(user.password_hash, NEW_PASSWORD)
    assert not password_matches(user.password_hash, PASSWORD)
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.action, event.subject_id) == ("user.password_reset", member.id)
    signing_in = client.post(
        "/sign-in", data={"email": "jo@school.example", "password": NEW_PASSWORD}
    )
    assert signing_in.status_code == 302


def test_a_link_works_only_once(client, db, member, sent_emails):
    ask_for_link(client, "jo@school.example")
    link = reset_link(sent_emails[0])
    reset(client, link)

    response = client.get(link)
    assert response.status_code == 410
    assert b"This link to reset your password has already been used" in response.data
    again = reset(client, link, "another new password entirely")
    assert again.status_code == 410
    assert password_matches(db.session.get(User, member.id).password_hash, NEW_PASSWORD)


def test_an_expired_link_gets_a_clear_page_offering_a_new_one(app, client, db, member, sent_emails):
    ask_for_link(client, "jo@school.example")
    link = reset_link(sent_emails[0])
    app.config["PASSWORD_RESET_SECONDS"] = -1
    try:
        response = client.get(link)
        posted = reset(client, link)
    finally:
        app.config["PASSWORD_RESET_SECONDS"] = 60 * 60

    assert response.status_code == posted.status_code == 410
    assert b"This link to reset your password has expired" in response.data
    assert b'href="/forgot-password">Ask for a new link' in response.data
    assert password_matches(db.session.get(User, member.id).password_hash, PASSWORD)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "eyJ1c2VyIjoxfQ.broken.signature",
    ],
)
def test_a_broken_link_gets_a_clear_page(client, db, member, token):
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 404
    assert b"This link to reset your password is not valid" in response.data
    assert b"Ask for a new link" in response.data


def test_a_link_signed_with_another_key_is_not_valid(client, db, member):
    forged = URLSafeTimedSerializer("someone else's key", salt="password-reset").dumps(
        {"user": member.id, "password": ""}
    )
    assert client.get(f"/reset-password/{forged}").status_code == 404


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, db, member, sent_emails):
    ask_for_link(client, "jo@school.example")
    link = reset_link(sent_emails[0])

    weak = reset(client, link, "password1234")
    mismatched = reset(client, link, NEW_PASSWORD, "something else entirely")

    assert b"Password is too easy to guess" in weak.data
    assert b"The passwords do not match" in mismatched.data
    assert b"password1234" not in weak.data
    assert password_matches(db.session.get(User, member.id).password_hash, PASSWORD)
    assert reset(client, link).status_code == 302


def test_asking_for_links_is_rate_limited(client, db, member):
    statuses = [ask_for_link(client, "jo@school.example").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_links_to_one_address_are_limited_whoever_asks(app, db, member, sent_emails):
    def ask_from(address, email):
        client = app.test_client()
        return client.post(
            "/forgot-password", data={"email": email}, environ_base={"REMOTE_ADDR": address}
        ).status_code

    statuses = [ask_from(f"198.51.100.{n}", "Jo@School.example") for n in range(6)]

    assert statuses == [200] * 5 + [429]
    assert len(sent_emails) == 5
    assert ask_from("198.51.100.99", "someone.else@school.example") == 200


def test_a_new_password_signs_the_account_out_everywhere_else(app, db, member, sent_emails):
    elsewhere = app.test_client()  # say, a browser left signed in on a shared staffroom PC
    signing_in = elsewhere.post(
        "/sign-in", data={"email": "jo@school.example", "password": PASSWORD}
    )
    assert signing_in.status_code == 302
    assert elsewhere.get("/offers/mine").status_code == 200

    here = app.test_client()
    g.pop("_login_user", None)
    ask_for_link(here, "jo@school.example")
    reset(here, reset_link(sent_emails[0]))

    g.pop("_login_user", None)  # the test's app context shares `g` between both clients
    response = elsewhere.get("/offers/mine")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_the_user_is_emailed_when_their_password_changes(app, client, db, member, sent_emails):
    ask_for_link(client, "jo@school.example")
    reset(client, reset_link(sent_emails[0]))

    [_, changed] = sent_emails
    assert changed["To"] == "jo@school.example"
    assert changed["Subject"] == "Your ELP Exchange password has been changed"
    body = changed.get_content()
    assert "has just been changed" in body
    assert "http://localhost/forgot-password" in body
    assert app.config["CONTACT_EMAIL"] in body


def test_no_email_says_a_password_changed_when_it_did_not(client, db, member, sent_emails):
    ask_for_link(client, "jo@school.example")
    reset(client, reset_link(sent_emails[0]), "short")

    assert len(sent_emails) == 1

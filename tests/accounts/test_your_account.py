"""Your account: a user changes their name and job title, their password (the current one
required, every other browser signed out, this one kept) and their email address (confirmed
by a link sent to the new address; the old address is told)."""

import re

import pytest
from flask import g

from elp.accounts import tokens
from elp.accounts.models import User
from elp.audit import AuditEvent
from tests.factories import PASSWORD, make_admin, make_member

NEW_PASSWORD = "a long and memorable passphrase"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")  # fmt: skip


@pytest.fixture
def member(db):
    return make_member(email="jo@school.example", full_name="Jo Bloggs", job_title="SENCo")


def fresh(client):
    # The test's app context shares `g` between clients (see tests/accounts/test_sessions.py).
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return client


def sign_in(app, email="jo@school.example", password=PASSWORD, user_agent=FIREFOX):
    client = fresh(app.test_client())
    response = client.post("/sign-in", data={"email": email, "password": password},
                           headers={"User-Agent": user_agent})  # fmt: skip
    assert response.status_code == 302
    return client


def signed_in(client):
    return fresh(client).get("/account").status_code == 200


def page(response):
    return response.get_data(as_text=True)


def link_in(message):
    return re.search(r"(http\S+/account/email/confirm/\S+)", message.get_content()).group(1)


def test_your_account_shows_what_the_account_says_with_a_link_to_change_each(app, db, member):
    browser = sign_in(app)

    text = page(fresh(browser).get("/account"))

    assert "<h1 class=\"govuk-heading-l\">Your account</h1>" in text
    for value in ("Jo Bloggs", "SENCo", "jo@school.example"):
        assert value in text
    for path in ("/account/details", "/account/email", "/account/password", "/account/sessions"):
        assert f'href="{path}"' in text
    # Every page's header links to it.
    assert 'href="/account">Your account</a>' in page(fresh(browser).get("/search"))


def test_a_user_changes_their_name_and_job_title(app, db, member):
    browser = sign_in(app)

    response = fresh(browser).post("/account/details",
                                   data={"full_name": "Jo Okafor", "job_title": "Deputy head"})  # fmt: skip

    assert response.status_code == 302 and response.location == "/account"
    db.session.expire_all()
    assert (member.full_name, member.job_title) == ("Jo Okafor", "Deputy head")
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "user.details_changed")).one()  # fmt: skip
    assert event.actor_id == member.id
    assert event.details["before"] == {"full_name": "Jo Bloggs", "job_title": "SENCo"}
    assert "Your name and job title have been saved" in page(fresh(browser).get("/account"))


def test_an_empty_name_is_refused_keeping_what_was_typed(app, db, member):
    browser = sign_in(app)

    response = fresh(browser).post("/account/details",
                                   data={"full_name": "  ", "job_title": "Deputy head"})  # fmt: skip

    text = page(response)
    assert response.status_code == 200
    assert "<title>Error: " in text and "govuk-error-summary" in text
    assert "Enter your full name" in text
    assert 'value="Deputy head"' in text
    db.session.expire_all()
    assert member.full_name == "Jo Bloggs" and member.job_title == "SENCo"


def test_a_new_password_signs_out_every_other_browser_and_keeps_this_one(
    app, db, member, sent_emails
):
    this_browser = sign_in(app, user_agent=FIREFOX)
    phone = sign_in(app, user_agent=SAFARI)

    response = fresh(this_browser).post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
    })  # fmt: skip

    assert response.status_code == 302 and response.location == "/account"
    assert signed_in(this_browser)
    assert not signed_in(phone)
    # The new password signs in; the old one no longer does.
    assert sign_in(app, password=NEW_PASSWORD)
    refused = fresh(app.test_client()).post("/sign-in", data={"email": member.email,
                                                              "password": PASSWORD})  # fmt: skip
    assert refused.status_code == 200
    [message] = [m for m in sent_emails if m["To"] == member.email]
    assert message["Subject"] == "Your ELP Exchange password has been changed"
    assert "every other browser has been signed out" in message.get_content()
    assert db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.subject_id == member.id, AuditEvent.action == "user.password_changed")).one()  # fmt: skip


def test_a_wrong_current_password_and_a_weak_new_one_are_both_refused(app, db, member):
    browser = sign_in(app)

    response = fresh(browser).post("/account/password", data={
        "current_password": "not my password", "password": "short", "confirm_password": "short",
    })  # fmt: skip

    text = page(response)
    assert response.status_code == 200
    assert "Your current password is not right" in text
    assert "Password must be at least 12 characters" in text
    db.session.expire_all()
    assert sign_in(app, password=PASSWORD)


def test_a_new_email_address_changes_only_through_the_link_sent_to_it(
    app, db, member, sent_emails
):
    browser = sign_in(app)

    response = fresh(browser).post("/account/email", data={
        "email": "Jo.Okafor@New-School.example", "current_password": PASSWORD})  # fmt: skip

    assert response.status_code == 200
    assert "We have sent an email to <strong>jo.okafor@new-school.example</strong>" in page(response)
    db.session.expire_all()
    assert member.email == "jo@school.example"  # nothing changes until the link is used
    [message] = list(sent_emails)
    assert message["To"] == "jo.okafor@new-school.example"
    assert message["Subject"] == "Confirm your new email address for ELP Exchange"
    link = link_in(message)

    # Opening the link asks first (a mail scanner opening it changes nothing).
    confirm_page = fresh(app.test_client()).get(link)
    assert "Confirm your new email address" in page(confirm_page)
    db.session.expire_all()
    assert member.email == "jo@school.example"

    done = fresh(browser).post(link)

    assert done.status_code == 302 and done.location == "/account"
    db.session.expire_all()
    assert member.email == "jo.okafor@new-school.example"
    told = [m for m in sent_emails if m["To"] == "jo@school.example"]
    assert [m["Subject"] for m in told] == ["Your ELP Exchange email address has been changed"]
    assert "from jo@school.example to jo.okafor@new-school.example" in told[0].get_content()
    assert "Your email address is now jo.okafor@new-school.example" in page(
        fresh(browser).get("/account"))  # fmt: skip
    # The link works once; the new address signs in.
    used = fresh(app.test_client()).get(link)
    assert used.status_code == 410 and "already been used" in page(used)
    assert sign_in(app, email="jo.okafor@new-school.example")


def test_the_email_form_refuses_a_wrong_password_and_a_malformed_address(app, db, member,
                                                                         sent_emails):  # fmt: skip
    browser = sign_in(app)

    response = fresh(browser).post("/account/email", data={
        "email": "jo at new school", "current_password": "wrong password"})  # fmt: skip

    text = page(response)
    assert "Enter an email address in the correct format" in text
    assert "Enter your current password" not in text
    wrong = fresh(browser).post("/account/email", data={
        "email": "jo@new.example", "current_password": "wrong password"})  # fmt: skip
    assert "Your current password is not right" in page(wrong)
    assert 'value="jo@new.example"' in page(wrong)
    same = fresh(browser).post("/account/email", data={
        "email": "JO@school.example", "current_password": PASSWORD})  # fmt: skip
    assert "That is already your email address" in page(same)
    assert list(sent_emails) == []


def test_an_address_another_account_uses_gets_no_link_and_the_page_says_nothing(
    app, db, member, sent_emails
):
    make_member(email="taken@school.example")
    browser = sign_in(app)

    response = fresh(browser).post("/account/email", data={
        "email": "taken@school.example", "current_password": PASSWORD})  # fmt: skip

    assert "We have sent an email to <strong>taken@school.example</strong>" in page(response)
    [message] = list(sent_emails)
    assert "an account already uses it" in message.get_content()
    assert "/account/email/confirm/" not in message.get_content()


def test_a_link_whose_address_was_taken_meanwhile_is_refused(app, db, member):
    token = tokens.make_email_change_token(member, "new@school.example")
    make_member(email="new@school.example")

    response = fresh(app.test_client()).post(f"/account/email/confirm/{token}")

    assert response.status_code == 409
    assert "Another account now uses this email address" in page(response)
    db.session.expire_all()
    assert member.email == "jo@school.example"


def test_a_tampered_or_expired_link_is_refused(app, db, member, monkeypatch):
    token = tokens.make_email_change_token(member, "new@school.example")

    tampered = fresh(app.test_client()).post(f"/account/email/confirm/{token[:-3]}abc")
    assert tampered.status_code == 404

    monkeypatch.setattr(tokens, "EMAIL_CHANGE_SECONDS", -1)
    expired = fresh(app.test_client()).get(f"/account/email/confirm/{token}")
    assert expired.status_code == 410 and "has expired" in page(expired)
    db.session.expire_all()
    assert db.session.get(User, member.id).email == "jo@school.example"


def test_an_admin_has_an_account_page_too(app, db):
    make_admin(email="pat@elp.example", full_name="Pat Admin")
    browser = sign_in(app, email="pat@elp.example")

    text = page(fresh(browser).get("/account"))

    assert "Pat Admin" in text and "Choose which emails you get" not in text

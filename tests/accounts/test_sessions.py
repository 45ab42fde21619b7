"""Sessions end on the server: a copied cookie stops working once its session ends, and a user
can see where they are signed in and sign out of the other browsers."""

import re
from datetime import timedelta

import pytest
from flask import g
from flask_login.utils import encode_cookie

from elp.accounts import sessions
from elp.accounts.models import UserSession
from tests.factories import PASSWORD, make_admin, make_lead, make_member

FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
EDGE_ON_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
CHROME_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def member(db):
    return make_member(email="jo@school.example", full_name="Jo Bloggs")


def sign_in(client, email="jo@school.example", user_agent=FIREFOX_ON_WINDOWS):
    g.pop("_login_user", None)  # see `visit`
    response = client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD},
        headers={"User-Agent": user_agent},
    )
    assert response.status_code == 302
    return client


def visit(client, path="/offers/mine"):
    # The test's app context shares `g`, where Flask-Login keeps the user it loaded (and
    # Flask-WTF the CSRF token), between every client: forget them, so each request reads
    # its own cookie.
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return client.get(path)


def is_signed_in(client):
    return visit(client).status_code == 200


def copy_of(app, client):
    """A second browser holding a copy of this one's session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()
    copy.set_cookie(name, client.get_cookie(name).value)
    return copy


def live_sessions(db, user):
    db.session.expire_all()
    return sessions.signed_in_sessions(user)


def test_a_cookie_copied_before_signing_out_no_longer_works_after_it(app, db, member):
    browser = sign_in(app.test_client())
    copy = copy_of(app, browser)
    assert is_signed_in(copy)

    g.pop("_login_user", None)
    assert browser.post("/sign-out").status_code == 302

    assert not is_signed_in(copy)
    assert live_sessions(db, member) == []


def test_a_new_password_ends_every_session_of_the_account(app, db, member, sent_emails):
    elsewhere = sign_in(app.test_client())
    here = sign_in(app.test_client())

    g.pop("_login_user", None)
    here.post("/forgot-password", data={"email": "jo@school.example"})
    link = re.search(r"http://localhost(/reset-password/\S+)", sent_emails[0].get_content())
    here.post(
        link.group(1),
        data={
            "password": "five little ducks went swimming",
            "confirm_password": "five little ducks went swimming",
        },
    )

    assert live_sessions(db, member) == []
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(here)


def test_suspending_a_school_ends_its_users_sessions_for_good(app, db, member, login_as):
    staffroom = sign_in(app.test_client())
    copied_before = copy_of(app, staffroom)
    admin = login_as(make_admin())

    admin.post(f"/admin/schools/{member.school_id}/suspend", data={"reason": "Fees unpaid"})

    assert live_sessions(db, member) == []
    g.pop("_login_user", None)
    told = staffroom.get("/offers/mine", follow_redirects=True)
    assert b"Fees unpaid" in told.data
    # Reactivating the school does not bring an ended session back: its users sign in again.
    g.pop("_login_user", None)
    assert admin.post(
        f"/admin/schools/{member.school_id}/reactivate", data={"reason": "Fees paid"}
    ).status_code == 302
    assert not is_signed_in(copied_before)


def test_removing_a_colleague_ends_their_sessions_for_good(app, db, login_as):
    lead = make_lead()
    colleague = make_member(lead.school, email="sam@school.example")
    laptop = sign_in(app.test_client(), "sam@school.example")
    copied_before = copy_of(app, laptop)
    login_as(lead).post(f"/school/colleagues/{colleague.id}/remove")

    assert live_sessions(db, colleague) == []
    g.pop("_login_user", None)
    told = laptop.get("/offers/mine", follow_redirects=True)
    assert b"Your account has been closed" in told.data
    # Reopened later (invited again), the account still has to sign in afresh.
    colleague.active = True
    db.session.commit()
    assert not is_signed_in(copied_before)


def test_the_sessions_page_lists_each_browser_and_marks_this_one(app, db, member):
    laptop = sign_in(app.test_client())
    sign_in(app.test_client(), user_agent=SAFARI_ON_IPHONE)

    page = visit(laptop, "/account/sessions").get_data(as_text=True)

    assert "Your sessions" in page
    assert "Firefox on Windows" in page and "Safari on iPhone" in page
    assert page.count("This device") == 1
    assert page.count('Sign out<span class="govuk-visually-hidden"> of ') == 1
    assert "Sign out of every other session" in page


def test_ending_another_session_from_the_sessions_page_signs_that_browser_out(app, db, member):
    laptop = sign_in(app.test_client())
    phone = sign_in(app.test_client(), user_agent=SAFARI_ON_IPHONE)
    phones_session = next(s for s in live_sessions(db, member) if s.browser == "Safari on iPhone")

    g.pop("_login_user", None)
    response = laptop.post(f"/account/sessions/{phones_session.id}/end", follow_redirects=True)

    assert b"You have signed out of Safari on iPhone" in response.data
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_signing_out_of_every_other_session_keeps_this_one(app, db, member):
    laptop = sign_in(app.test_client())
    others = [sign_in(app.test_client()) for _ in range(2)]

    g.pop("_login_user", None)
    assert laptop.post("/account/sessions/end-others").status_code == 302

    assert [is_signed_in(other) for other in others] == [False, False]
    assert is_signed_in(laptop)
    assert len(live_sessions(db, member)) == 1


def test_another_users_session_cannot_be_ended_by_id(app, db, member, login_as):
    sign_in(app.test_client())
    jos_session = live_sessions(db, member)[0]
    stranger = login_as(make_member(email="stranger@school.example"))

    response = stranger.post(f"/account/sessions/{jos_session.id}/end")

    assert response.status_code == 404
    assert live_sessions(db, member) == [jos_session]


def test_a_csrf_token_from_before_signing_in_is_refused_after_it(app, db, member, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    browser = app.test_client()
    page = browser.get("/sign-in").get_data(as_text=True)
    token_before = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with browser.session_transaction() as cookie:
        secret_before = cookie["csrf_token"]

    signing_in = browser.post(
        "/sign-in",
        data={"email": "jo@school.example", "password": PASSWORD, "csrf_token": token_before},
    )
    assert signing_in.status_code == 302

    g.pop("_login_user", None)
    assert browser.post("/sign-out", data={"csrf_token": token_before}).status_code == 400
    visit(browser, "/sign-out")
    with browser.session_transaction() as cookie:
        assert cookie["csrf_token"] != secret_before


def test_a_remember_me_cookie_signs_no_one_in_without_a_live_session(app, db, member):
    browser = app.test_client()
    browser.set_cookie("remember_token", encode_cookie(member.get_id()))  # Flask-Login's name

    assert not is_signed_in(browser)


def test_last_active_is_written_at_most_every_few_minutes(app, db, member):
    browser = sign_in(app.test_client())
    signed_in_at = live_sessions(db, member)[0].last_seen_at

    visit(browser)
    assert live_sessions(db, member)[0].last_seen_at == signed_in_at

    long_ago = signed_in_at - sessions.LAST_SEEN_EVERY - timedelta(seconds=1)
    db.session.execute(db.update(UserSession).values(last_seen_at=long_ago))
    db.session.commit()
    visit(browser)
    assert live_sessions(db, member)[0].last_seen_at > signed_in_at


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (FIREFOX_ON_WINDOWS, "Firefox on Windows"),
        (SAFARI_ON_IPHONE, "Safari on iPhone"),
        (EDGE_ON_MAC, "Edge on Mac"),
        (CHROME_ON_ANDROID, "Chrome on Android"),
        ("curl/8.5.0", "An unknown browser"),
        (None, "An unknown browser"),
        ("x" * 100_000, "An unknown browser"),
    ],
)
def test_a_browser_is_named_the_way_its_owner_would(user_agent, described):
    assert sessions.describe_browser(user_agent) == described

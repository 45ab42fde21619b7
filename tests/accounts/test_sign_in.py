"""Signing in and out: neutral errors, lockout, suspended schools, safe redirects."""

import pytest

from elp import create_app
from elp.accounts.models import SCHOOL_SUSPENDED, User
from elp.config import ProductionConfig
from tests.factories import PASSWORD, make_admin, make_lead, make_member, make_school

NEUTRAL = b"Enter a correct email address and password"


def sign_in(client, email, password=PASSWORD, next_page=None):
    url = "/sign-in" + (f"?next={next_page}" if next_page else "")
    return client.post(url, data={"email": email, "password": password})


def signed_in_user_id(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def test_a_user_signs_in_with_their_email_in_any_case(client, db):
    user = make_member(email="jo.bloggs@school.example")

    response = sign_in(client, "  Jo.Bloggs@SCHOOL.example ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_user_id(client) == user.get_id()
    assert db.session.get(User, user.id).last_sign_in_at is not None


def test_the_sign_in_page_has_conventional_labels(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Email address" in page
    assert "Password" in page
    assert ">Sign in<" in page or 'value="Sign in"' in page
    assert "Forgotten your password?" in page


def test_unknown_email_and_wrong_password_get_the_same_answer(client, db):
    make_member(email="known@school.example")

    unknown = sign_in(client, "nobody@school.example")
    wrong_password = sign_in(client, "known@school.example", "not the right password")

    assert unknown.status_code == wrong_password.status_code == 200
    assert NEUTRAL in unknown.data and NEUTRAL in wrong_password.data
    assert b"Error: Sign in" in unknown.data
    assert signed_in_user_id(client) is None


def test_the_password_typed_is_never_shown_back(client, db):
    make_member(email="known@school.example")
    response = sign_in(client, "known@school.example", "my-secret-typo-123")
    assert b"my-secret-typo-123" not in response.data
    assert b'value="known@school.example"' in response.data


def test_missing_answers_are_asked_for(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert b"Enter your email address" in response.data
    assert b"Enter your password" in response.data


LOCKED = b"There have been too many attempts to sign in with this email address"


def test_repeated_failures_lock_the_email_even_against_the_right_password(client, db):
    make_member(email="known@school.example")
    for _ in range(5):
        assert NEUTRAL in sign_in(client, "known@school.example", "wrong password guess").data

    response = sign_in(client, "known@school.example")

    assert LOCKED in response.data
    assert signed_in_user_id(client) is None


def test_an_email_without_an_account_is_locked_in_just_the_same_way(client, db):
    for _ in range(5):
        assert NEUTRAL in sign_in(client, "nobody@school.example", "wrong password guess").data

    response = sign_in(client, "nobody@school.example")

    assert response.status_code == 200
    assert LOCKED in response.data


def test_a_successful_sign_in_clears_earlier_failures(client, db):
    make_member(email="known@school.example")
    for _ in range(4):
        sign_in(client, "known@school.example", "wrong password guess")
    sign_in(client, "known@school.example")
    client.post("/sign-out")
    for _ in range(4):
        sign_in(client, "known@school.example", "wrong password guess")

    assert sign_in(client, "known@school.example").status_code == 302


def test_a_user_of_a_suspended_school_is_told_why_and_not_signed_in(client, db):
    school = make_school(status=SCHOOL_SUSPENDED, suspension_reason="Membership fees unpaid")
    make_member(school, email="member@suspended.example")

    response = sign_in(client, "member@suspended.example")

    assert response.status_code == 200
    assert b"access to ELP Exchange is suspended" in response.data
    assert b"Membership fees unpaid" in response.data
    assert signed_in_user_id(client) is None


def test_a_suspended_school_is_not_revealed_to_someone_without_the_password(client, db):
    school = make_school(status=SCHOOL_SUSPENDED, suspension_reason="Membership fees unpaid")
    make_member(school, email="member@suspended.example")

    response = sign_in(client, "member@suspended.example", "a wrong password here")

    assert NEUTRAL in response.data
    assert b"Membership fees unpaid" not in response.data


def test_a_removed_user_cannot_sign_in(client, db):
    make_member(email="gone@school.example", active=False)

    response = sign_in(client, "gone@school.example")

    assert b"Your account has been closed" in response.data
    assert signed_in_user_id(client) is None


def test_a_signed_in_user_of_a_school_suspended_since_is_signed_out_on_their_next_request(
    client, db, login_as
):
    member = make_member()
    login_as(member)
    member.school.status = SCHOOL_SUSPENDED
    member.school.suspension_reason = "Safeguarding review"
    db.session.commit()

    response = client.get("/", follow_redirects=True)

    assert b"Safeguarding review" in response.data
    assert b"Sign in" in response.data
    assert signed_in_user_id(client) is None


def test_a_removed_user_is_signed_out_on_their_next_request(client, db, login_as):
    member = make_member()
    login_as(member)
    member.active = False
    db.session.commit()

    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize("next_page", ["/school/colleagues", "/admin/schools?q=harlow"])
def test_sign_in_returns_to_the_page_asked_for(client, db, next_page):
    make_lead(email="lead@school.example")
    response = sign_in(client, "lead@school.example", next_page=next_page)
    assert response.headers["Location"] == next_page


@pytest.mark.parametrize(
    "next_page",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_sign_in_never_redirects_to_another_site(client, db, next_page):
    make_member(email="member@school.example")
    response = client.post(
        "/sign-in",
        query_string={"next": next_page},
        data={"email": "member@school.example", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_page_that_needs_sign_in_sends_you_there_and_back(client, db):
    make_lead(email="lead@school.example")
    response = client.get("/school/colleagues")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")

    response = client.post(
        response.headers["Location"],
        data={"email": "lead@school.example", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/school/colleagues"


def test_signing_out_ends_the_session(client, db, login_as):
    login_as(make_member())
    assert client.get("/sign-out").status_code == 200

    response = client.post("/sign-out", follow_redirects=True)

    assert b'<p class="govuk-notification-banner__heading">You have signed out</p>' in response.data
    assert signed_in_user_id(client) is None


def test_a_burst_of_sign_in_attempts_is_rate_limited(client, db):
    statuses = [
        sign_in(client, f"person{number}@school.example", "a wrong password").status_code
        for number in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
    assert b"Too many attempts" in sign_in(client, "someone@school.example").data


def test_the_session_cookie_is_http_only_and_same_site(client, db):
    make_admin(email="admin@elp.example")
    response = sign_in(client, "admin@elp.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_in_production_the_session_cookie_is_secure(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-long-random-production-secret-key")
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    monkeypatch.setattr(ProductionConfig, "ALLOW_SQLITE", True)
    # Production counts rate limits in Redis (refusing memory://); nothing here is limited.
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app(ProductionConfig)

    # Showing the sign-in form puts its CSRF token in the session, which sets the cookie.
    response = app.test_client().get("/sign-in", base_url="https://localhost")

    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_form_posted_without_its_csrf_token_is_refused():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "WTF_CSRF_ENABLED": True})
    response = app.test_client().post(
        "/sign-in", data={"email": "someone@school.example", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert b"The form had expired" in response.data
